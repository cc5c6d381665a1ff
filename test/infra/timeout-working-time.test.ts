/**
 * Each handler stops its work a safety margin before its Lambda timeout (lambdas/handlers/safety-margins.ts), so a
 * timeout no longer than its margin deploys a worker that ends every run as soon as it starts (a `sweepTimeout` of
 * 20 s: every sweep incomplete at once), and nothing fails to say so. The construct refuses at synth, through its one
 * props error, a timeout that leaves less than `MIN_WORKING_SECONDS` after its margin, naming the prop, the margin,
 * where it is defined and the least accepted value; the least is taken. The relay's timeout is the construct's own,
 * not a prop: it is held to the same rule here. Timeouts are no CDK context keys (lib/config.ts), so the props are the
 * only way in.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  NOTIFIER_SAFETY_MARGIN_MS,
  RECONCILER_SAFETY_MARGIN_MS,
  RELAY_SAFETY_MARGIN_MS,
  SWEEP_SAFETY_MARGIN_MS,
} from '../../lambdas/handlers/safety-margins';
import { DEFAULT_DEADLINE_MARGIN_MS } from '../../lambdas/hygiene/sweep/types';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { MIN_WORKING_SECONDS } from '../../lib/credential-hygiene-props';
import { thrownBy } from '../support/thrown';
import { SKIP_BUNDLING, synthApp } from './synth';

function build(props: CredentialHygieneProps): CredentialHygiene {
  const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
  return new CredentialHygiene(stack, 'Hygiene', props);
}

const problemsOf = (props: CredentialHygieneProps) =>
  thrownBy(CredentialHygienePropsError, () => build(props)).problems;

/** Each timeout prop, its function as the message names it, its handler's margin and that margin's name. */
const TIMEOUTS = [
  [
    'sweepTimeout',
    'sweep',
    SWEEP_SAFETY_MARGIN_MS + DEFAULT_DEADLINE_MARGIN_MS,
    "SWEEP_SAFETY_MARGIN_MS, lambdas/handlers/safety-margins.ts, and the run's reserve DEFAULT_DEADLINE_MARGIN_MS, lambdas/hygiene/sweep/types.ts",
  ],
  [
    'notifierTimeout',
    'notifier',
    NOTIFIER_SAFETY_MARGIN_MS,
    'NOTIFIER_SAFETY_MARGIN_MS, lambdas/handlers/safety-margins.ts',
  ],
  [
    'reconcilerTimeout',
    'subscription reconciler',
    RECONCILER_SAFETY_MARGIN_MS,
    'RECONCILER_SAFETY_MARGIN_MS, lambdas/handlers/safety-margins.ts',
  ],
] as const;

describe.each(TIMEOUTS)('%s', (prop, fn, marginMs, source) => {
  const margin = marginMs / 1000;
  const least = margin + MIN_WORKING_SECONDS;
  const refused = (seconds: number) =>
    `${prop} = ${seconds} s: leaves ${Math.max(0, seconds - margin)} s of work after the ${fn}'s safety margin of ${margin} s (${source}: it stops its work that long before its timeout), under the ${MIN_WORKING_SECONDS} s it needs; give at least ${least} s`;

  it('no longer than its margin is refused, naming the prop, the margin, where it is defined and the least accepted', () => {
    expect(problemsOf({ [prop]: Duration.seconds(margin) })).toEqual([refused(margin)]);
    expect(problemsOf({ [prop]: Duration.seconds(1) })).toEqual([refused(1)]);
  });

  it('a second short of the least working time is refused, with alarms or without', () => {
    expect(problemsOf({ [prop]: Duration.seconds(least - 1) })).toEqual([refused(least - 1)]);
    expect(problemsOf({ alarms: false, [prop]: Duration.seconds(least - 1) })).toEqual([refused(least - 1)]);
  });

  it('the least working time is taken', () => {
    build({ [prop]: Duration.seconds(least) });
  });
});

describe('function timeouts together', () => {
  it('each short one is named in the one props error, a timeout Lambda refuses by its limit alone', () => {
    expect(
      problemsOf({
        sweepTimeout: Duration.seconds(20),
        notifierTimeout: Duration.millis(1500),
        reconcilerTimeout: Duration.seconds(59),
      }),
    ).toEqual([
      expect.stringMatching(/^sweepTimeout = 20 s: leaves 0 s of work .*give at least 80 s$/),
      "notifierTimeout = 1.5 s: must be whole seconds from 1 second to 15 minutes (Lambda's timeout limit)",
      expect.stringMatching(/^reconcilerTimeout = 59 s: leaves 29 s of work .*give at least 60 s$/),
    ]);
  });

  it('the defaults leave far more than the least', () => {
    build({});
  });
});

describe('the relay’s timeout (the construct’s own, not a prop)', () => {
  it('leaves at least the least working time after the relay’s margin', () => {
    const { stack } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' });
    const relay = stack.hygiene.relay?.relayFunction.function;
    const template = Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Properties: { Timeout?: number } }>;
    };
    const timeout =
      template.Resources[stack.getLogicalId(relay?.node.defaultChild as never)]?.Properties.Timeout;

    expect(timeout).toBeDefined();
    expect(timeout! - RELAY_SAFETY_MARGIN_MS / 1000).toBeGreaterThanOrEqual(MIN_WORKING_SECONDS);
  });
});
