/**
 * A deployment's expiry notice lookahead (lib/expiry-notice-lookahead.ts; docs/deploy.md, "Configuration: CDK
 * context keys"): derived from the sweep schedule's longest gap, in whole hours rounded up — 24 for the default daily
 * sweep, 72 for the weekday `cron(0 3 ? * MON-FRI *)` (Friday 03:00 to Monday 03:00) — and handed to the functions
 * as `HYGIENE_expiryNoticeLookaheadHours`, unless the operator gives the key (context or the construct's `config`):
 * then that value wins, 0 included. A schedule whose gap the synth cannot tell leaves it unset with a warning; one
 * whose gap is longer than the key allows fails the synth, in context and props alike.
 */
import { App, Annotations as CoreAnnotations, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
  EXPIRY_NOTICE_LOOKAHEAD_UNCHECKED_WARNING,
} from '../../lib/credential-hygiene';
import { deploymentLookahead } from '../../lib/expiry-notice-lookahead';
import { thrownBy } from '../support/thrown';
import { environmentOf, SKIP_BUNDLING, synthApp } from './synth';

const VARIABLE = 'HYGIENE_expiryNoticeLookaheadHours';
const WEEKDAYS = 'cron(0 3 ? * MON-FRI *)';

/** The variable the sweep function gets from the app built with this context (as `cdk synth` does). */
function deployedLookahead(context: Record<string, unknown>): unknown {
  const { stack, template } = synthApp(context);
  const environment = environmentOf(template, stack, stack.hygiene.sweepFunction);
  expect(environmentOf(template, stack, stack.hygiene.notifierFunction)[VARIABLE]).toBe(
    environment[VARIABLE],
  );
  return environment[VARIABLE];
}

function build(props: CredentialHygieneProps) {
  const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
  const hygiene = new CredentialHygiene(stack, 'Hygiene', {
    adminEmails: ['security@example.com'],
    ...props,
  });
  return { stack, hygiene };
}

const lookaheadWarnings = (stack: Stack) =>
  Annotations.fromStack(stack)
    .findWarning('*', Match.stringLikeRegexp('expiryNoticeLookaheadHours is not derived'))
    .map((w) => String(w.entry.data));
const expression = (text: string) => scheduler.ScheduleExpression.expression(text);

describe('the app (CDK context)', () => {
  it('derives 24 for the default daily sweep and 72 for the weekday sweep', () => {
    expect(deployedLookahead({})).toBe('24');
    expect(deployedLookahead({ sweepSchedule: WEEKDAYS })).toBe('72');
  });

  it('keeps a value given in context, whatever the schedule: 12, or 0 (no lookahead)', () => {
    expect(deployedLookahead({ sweepSchedule: WEEKDAYS, expiryNoticeLookaheadHours: '12' })).toBe('12');
    expect(deployedLookahead({ expiryNoticeLookaheadHours: '0' })).toBe('0');
  });

  it('refuses a sweep schedule whose gap is longer than the key allows, unless the key is given', () => {
    const rare = { sweepSchedule: 'rate(400 days)' };
    expect(thrownBy(ContextError, () => readDeploymentSettings(rare)).problems).toEqual([
      'sweepSchedule rate(400 days) can leave 9600 h between sweeps, more than the 8784 h ' +
        'expiryNoticeLookaheadHours allows (a sweep at least once a year): sweep more often, or set ' +
        'expiryNoticeLookaheadHours (0 to 8784)',
    ]);
    expect(() => readDeploymentSettings({ ...rare, expiryNoticeLookaheadHours: '24' })).not.toThrow();
  });
});

describe('the construct', () => {
  it('derives it from its sweepSchedule prop, rounded up to whole hours', () => {
    expect(build({}).hygiene.config.expiryNoticeLookaheadHours).toBe(24);
    const weekdays = build({ sweepSchedule: expression(WEEKDAYS) });
    expect(weekdays.hygiene.config.expiryNoticeLookaheadHours).toBe(72);
    const rate = scheduler.ScheduleExpression.rate(Duration.minutes(90));
    expect(build({ sweepSchedule: rate }).hygiene.config.expiryNoticeLookaheadHours).toBe(2);
    expect(lookaheadWarnings(weekdays.stack)).toEqual([]);
  });

  it('keeps a value its config prop gives', () => {
    const given = build({ sweepSchedule: expression(WEEKDAYS), config: { expiryNoticeLookaheadHours: 0 } });
    expect(given.hygiene.config.expiryNoticeLookaheadHours).toBe(0);
  });

  it('warns, leaving it unset, when the synth cannot tell the gap; a value given silences it', () => {
    const berlin = scheduler.ScheduleExpression.cron({
      minute: '0',
      hour: '3',
      timeZone: TimeZone.EUROPE_BERLIN,
    });
    const { stack, hygiene } = build({ sweepSchedule: berlin });
    expect(hygiene.config.expiryNoticeLookaheadHours).toBeUndefined();
    const warnings = lookaheadWarnings(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^sweepSchedule cron\(0 3 \* \* \? \*\): the synth cannot tell the longest gap between sweeps \(in time zone Europe\/Berlin, .*\), so expiryNoticeLookaheadHours is not derived from it and stays 0: .* Set expiryNoticeLookaheadHours to the longest gap between sweeps, in whole hours/,
    );
    CoreAnnotations.of(hygiene).acknowledgeWarning(EXPIRY_NOTICE_LOOKAHEAD_UNCHECKED_WARNING, 'set by hand');
    expect(lookaheadWarnings(stack)).toEqual([]);
    const given = build({ sweepSchedule: berlin, config: { expiryNoticeLookaheadHours: 25 } });
    expect(lookaheadWarnings(given.stack)).toEqual([]);
  });

  it('refuses a gap longer than the key allows, with the message CDK context gets', () => {
    const rare = scheduler.ScheduleExpression.rate(Duration.days(400));
    const problems = thrownBy(CredentialHygienePropsError, () => build({ sweepSchedule: rare })).problems;
    expect(problems).toEqual([deploymentLookahead(DEFAULT_CONFIG, rare).problem]);
    expect(problems[0]).toMatch(/^sweepSchedule rate\(400 days\) can leave 9600 h between sweeps/);
  });
});
