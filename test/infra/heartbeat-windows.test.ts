/**
 * The heartbeats against their schedules (lib/heartbeat-windows.ts): a window
 * shorter than the schedule's longest gap plus 2 hours fails the synth naming
 * both settings, a gap the synth cannot work out warns, and the notifier's
 * window (`pendingNoticeMaxAge`) is whole hours within CloudWatch's week.
 */
import { App, Annotations as CoreAnnotations, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { describe, expect, it } from 'vitest';
import { NOTIFIER_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
  HEARTBEAT_WINDOW_UNCHECKED_WARNING,
} from '../../lib/credential-hygiene';
import { heartbeatFinding } from '../../lib/heartbeat-windows';
import { thrownBy } from '../support/thrown';
import { SKIP_BUNDLING, synthApp } from './synth';

function build(props: CredentialHygieneProps = {}) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test');
  const hygiene = new CredentialHygiene(stack, 'Hygiene', {
    adminEmails: ['security@example.com'],
    ...props,
  });
  return { stack, hygiene, template: () => Template.fromStack(stack) };
}

const problemsOf = (props: CredentialHygieneProps) =>
  thrownBy(CredentialHygienePropsError, () => build(props)).problems;
const cron = (text: string) => scheduler.ScheduleExpression.expression(text);
const heartbeatWarnings = (stack: Stack) =>
  Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('not worked out at synth'));

/** The silence alarm on a metric: its window in hourly periods. */
function windowOf(template: Template, metricName: string): number {
  const alarms = Object.values(
    template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: metricName, ComparisonOperator: 'LessThanThreshold' },
    }),
  );
  expect(alarms).toHaveLength(1);
  const { Period, EvaluationPeriods, DatapointsToAlarm } = alarms[0]!.Properties;
  expect(Period).toBe(3600);
  expect(DatapointsToAlarm).toBe(EvaluationPeriods);
  return EvaluationPeriods;
}

describe('a heartbeat window shorter than its schedule’s longest gap plus 2 hours fails the synth', () => {
  it('the defaults pass: a daily sweep with 26 hours, a drain every 15 minutes with 6', () => {
    const { stack, template } = build();
    expect(windowOf(template(), SWEEP_METRIC.completed)).toBe(26);
    expect(windowOf(template(), NOTIFIER_METRIC.oldestPendingAge)).toBe(6);
    expect(heartbeatWarnings(stack)).toEqual([]);
  });

  it('a daily notifier (the documented cron) with the 6-hour default: names both settings and the least window', () => {
    expect(problemsOf({ notifierSchedule: cron('cron(0 8 * * ? *)') })).toEqual([
      'notifierSchedule cron(0 8 * * ? *) can leave 24 h between runs: pendingNoticeMaxAge (context ' +
        'pendingNoticeMaxAgeHours) = 6 h must be at least 26 h (its longest gap between runs (24 h) rounded up ' +
        'to hours, plus 2 h for a run to report), or NotifierHeartbeat fires on a healthy system',
    ]);
  });

  it('a daily notifier with 26 hours: both notifier alarms follow the window', () => {
    const { template } = build({
      notifierSchedule: cron('cron(0 8 * * ? *)'),
      pendingNoticeMaxAge: Duration.hours(26),
    });
    expect(windowOf(template(), NOTIFIER_METRIC.oldestPendingAge)).toBe(26);
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: NOTIFIER_METRIC.oldestPendingAge,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 26 * 3600,
    });
  });

  it('a weekday sweep with the 26-hour default fails (Friday to Monday is 72 hours); 74 passes', () => {
    const weekdays = { sweepSchedule: cron('cron(0 3 ? * MON-FRI *)') };
    expect(problemsOf(weekdays)).toEqual([
      expect.stringMatching(
        /^sweepSchedule cron\(0 3 \? \* MON-FRI \*\) can leave 72 h between runs: heartbeatWindow \(context heartbeatWindowHours\) = 26 h must be at least 74 h /,
      ),
    ]);
    expect(problemsOf({ ...weekdays, heartbeatWindow: Duration.hours(73) })).toHaveLength(1);
    expect(
      windowOf(
        build({ ...weekdays, heartbeatWindow: Duration.hours(74) }).template(),
        SWEEP_METRIC.completed,
      ),
    ).toBe(74);
  });

  it('rates: the interval rounded up to hours, plus 2', () => {
    const rate = (duration: Duration) => scheduler.ScheduleExpression.rate(duration);
    expect(problemsOf({ sweepSchedule: rate(Duration.hours(25)) })).toEqual([
      expect.stringContaining('heartbeatWindow (context heartbeatWindowHours) = 26 h must be at least 27 h'),
    ]);
    expect(problemsOf({ notifierSchedule: rate(Duration.minutes(250)) })).toEqual([
      expect.stringContaining(
        'can leave 250 min between runs: pendingNoticeMaxAge (context pendingNoticeMaxAgeHours) = 6 h must be at least 7 h',
      ),
    ]);
    expect(() => build({ notifierSchedule: rate(Duration.minutes(240)) })).not.toThrow();
  });

  it('a gap no window can cover: says how often it must run', () => {
    expect(
      problemsOf({
        sweepSchedule: scheduler.ScheduleExpression.rate(Duration.days(7)),
        heartbeatWindow: Duration.hours(168),
      }),
    ).toEqual([
      expect.stringMatching(
        /^sweepSchedule rate\(7 days\) can leave 168 h between runs: SweepHeartbeat would need a window of 170 h .* more than the 168 h an hourly alarm can watch: run it at least every 166 h$/,
      ),
    ]);
  });

  it('is one rule: the message the construct gives is heartbeatFinding’s', () => {
    const finding = heartbeatFinding({
      alarm: 'SweepHeartbeat',
      scheduleKey: 'sweepSchedule',
      schedule: cron('cron(0 3 * * ? *)'),
      windowKey: 'heartbeatWindow',
      windowHours: 25,
    });
    expect(finding.problem).toMatch(/= 25 h must be at least 26 h/);
  });
});

describe('a schedule whose gaps the synth cannot work out warns instead', () => {
  it('names the schedule, why, the alarm and the setting to check; acknowledgeable by its id', () => {
    const { stack, hygiene } = build({ sweepSchedule: cron('cron(0 3 L * ? *)') });
    const warnings = heartbeatWarnings(stack);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.entry.data)).toMatch(
      /^sweepSchedule cron\(0 3 L \* \? \*\): the longest gap between its runs is not worked out at synth \("L" in the day-of-month field is not read at synth\); SweepHeartbeat fires when nothing has reported for heartbeatWindow \(context heartbeatWindowHours\) = 26 h: keep that at least 2 h longer than the longest gap between runs/,
    );
    CoreAnnotations.of(hygiene).acknowledgeWarning(
      HEARTBEAT_WINDOW_UNCHECKED_WARNING,
      'monthly, window checked',
    );
    expect(heartbeatWarnings(stack)).toEqual([]);
  });

  it('a one-time notifier schedule warns about pendingNoticeMaxAge', () => {
    const { stack } = build({ notifierSchedule: cron('at(2026-12-01T08:00:00)') });
    expect(String(heartbeatWarnings(stack)[0]?.entry.data)).toMatch(
      /^notifierSchedule at\(2026-12-01T08:00:00\): .*\(a one-time schedule runs once\); NotifierHeartbeat .*pendingNoticeMaxAge \(context pendingNoticeMaxAgeHours\) = 6 h/,
    );
  });
});

describe('pendingNoticeMaxAge is a window: whole hours from 1 to 168', () => {
  it('refuses 8 days (CloudWatch would refuse 192 hourly periods at deploy) and 90 minutes', () => {
    expect(problemsOf({ pendingNoticeMaxAge: Duration.days(8) })).toEqual([
      'pendingNoticeMaxAge = 691200 s: must be whole hours from 1 to 168',
    ]);
    expect(problemsOf({ pendingNoticeMaxAge: Duration.minutes(90) })).toEqual([
      'pendingNoticeMaxAge = 5400 s: must be whole hours from 1 to 168',
    ]);
  });
});

describe('through the app, as `cdk synth -c` does', () => {
  it('a daily notifier from context fails the synth naming the context key to set', () => {
    const error = thrownBy(CredentialHygienePropsError, () =>
      synthApp({ notifierSchedule: 'cron(0 8 * * ? *)' }),
    );
    expect(error.message).toMatch(/notifierSchedule cron\(0 8 \* \* \? \*\) can leave 24 h between runs/);
    expect(error.message).toContain('context pendingNoticeMaxAgeHours');
  });
});
