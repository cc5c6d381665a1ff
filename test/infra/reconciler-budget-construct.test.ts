/**
 * The subscription reconciler's time budget in the construct: `reconcilerTimeout` (lib/credential-hygiene-props.ts),
 * the function's timeout (5 minutes by default), refused outside Lambda's limit as `sweepTimeout` and
 * `notifierTimeout` are, and counted in `ReconcilerHeartbeat`'s window as the notifier's timeout is in its own (a
 * longer run reports later); and the dashboard's line of the runs the budget stopped (`ReconcilerIncomplete`, beside
 * the completed runs, summed per hour as they are).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_NAMESPACE, RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { thrownBy } from '../support/thrown';
import { SKIP_BUNDLING } from './synth';

function build(props: CredentialHygieneProps = {}) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test');
  new CredentialHygiene(stack, 'Hygiene', { adminEmails: ['security@example.com'], ...props });
  return Template.fromStack(stack);
}

const problemsOf = (props: CredentialHygieneProps) =>
  thrownBy(CredentialHygienePropsError, () => build(props)).problems;

/** The reconciler function's timeout in seconds. */
function reconcilerTimeoutOf(template: Template): unknown {
  const functions = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('subscription reconciler') },
    }),
  );
  expect(functions).toHaveLength(1);
  return functions[0]?.Properties.Timeout;
}

describe('reconcilerTimeout', () => {
  it('is the reconciler function’s timeout, 5 minutes when left out', () => {
    expect(reconcilerTimeoutOf(build())).toBe(300);
    expect(reconcilerTimeoutOf(build({ reconcilerTimeout: Duration.minutes(15) }))).toBe(900);
  });

  it('is refused outside whole seconds from 1 second to 15 minutes, naming the prop', () => {
    expect(
      problemsOf({ reconcilerTimeout: Duration.minutes(16), notifierTimeout: Duration.minutes(5) }),
    ).toEqual([
      "reconcilerTimeout = 960 s: must be whole seconds from 1 second to 15 minutes (Lambda's timeout limit)",
    ]);
    expect(problemsOf({ reconcilerTimeout: Duration.millis(1500) })).toEqual([
      "reconcilerTimeout = 1.5 s: must be whole seconds from 1 second to 15 minutes (Lambda's timeout limit)",
    ]);
  });

  it('lengthens the report delay ReconcilerHeartbeat’s window must cover: a 15-minute run every 50 minutes needs 3 hours', () => {
    const every50 = {
      reconcilerSchedule: scheduler.ScheduleExpression.rate(Duration.minutes(50)),
      reconcilerHeartbeatWindow: Duration.hours(2),
    };
    expect(() => build(every50)).not.toThrow();
    expect(problemsOf({ ...every50, reconcilerTimeout: Duration.minutes(15) })).toEqual([
      expect.stringContaining(
        '= 2 h must be at least 3 h (its longest gap between runs (50 min) plus up to 20 min',
      ),
    ]);
  });
});

/** The metrics of the dashboard graph titled `title`: name, statistic and period. */
function graphMetrics(template: Template, title: string) {
  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!;
  const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('')) as {
    widgets: { properties: { title?: string; metrics?: unknown[][] } }[];
  };
  const graph = body.widgets.find((w) => w.properties.title === title);
  return (graph?.properties.metrics ?? []).map((entry) => {
    const options = entry.at(-1) as { stat?: string; period?: number };
    return { namespace: entry[0], metric: entry[1], stat: options.stat, period: options.period };
  });
}

describe('the dashboard', () => {
  it('draws the runs the time budget stopped beside the completed runs, per hour', () => {
    const lines = graphMetrics(build(), 'Subscription reconciler runs and changes');
    const perHour = { namespace: DEFAULT_METRICS_NAMESPACE, stat: 'Sum', period: 3600 };
    expect(lines.slice(0, 2)).toEqual([
      { ...perHour, metric: RECONCILER_METRIC.completed },
      { ...perHour, metric: RECONCILER_METRIC.incomplete },
    ]);
  });
});
