/**
 * The heartbeats against their schedules (lib/heartbeat-windows.ts): a window
 * given shorter than the schedule needs fails the synth naming both settings;
 * a window left out is derived from the schedule (never below its default); a
 * schedule whose gaps no alarm can watch deploys without that heartbeat, with a
 * warning; a gap the synth cannot work out warns; a schedule Scheduler refuses
 * fails the synth, as from the CDK context (it would otherwise fail the deploy),
 * alarms or not; no window is checked without alarms; and the notifier's window
 * (`pendingNoticeMaxAge`) is whole hours within CloudWatch's week. The margin's
 * reasoning: test/unit/heartbeat-margin.test.ts.
 */
import { App, CfnParameter, Annotations as CoreAnnotations, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { describe, expect, it } from 'vitest';
import { NOTIFIER_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
  HEARTBEAT_LEFT_OUT_WARNING,
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
const rate = (duration: Duration) => scheduler.ScheduleExpression.rate(duration);
const warningsMatching = (stack: Stack, pattern: string) =>
  Annotations.fromStack(stack)
    .findWarning('*', Match.stringLikeRegexp(pattern))
    .map((w) => String(w.entry.data));
const uncheckedWarnings = (stack: Stack) => warningsMatching(stack, 'not worked out at synth');
const leftOutWarnings = (stack: Stack) => warningsMatching(stack, 'is left out');
const WEEKLY = cron('cron(0 3 ? * SUN *)');

/** The silence alarms on a metric (hourly, every period breaching). */
function silenceAlarms(template: Template, metricName: string) {
  return Object.values(
    template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: metricName, ComparisonOperator: 'LessThanThreshold' },
    }),
  ).map((alarm) => alarm.Properties);
}

/** The silence alarm on a metric: its window in hourly periods. */
function windowOf(template: Template, metricName: string): number {
  const alarms = silenceAlarms(template, metricName);
  expect(alarms).toHaveLength(1);
  const { Period, EvaluationPeriods, DatapointsToAlarm } = alarms[0]!;
  expect(Period).toBe(3600);
  expect(DatapointsToAlarm).toBe(EvaluationPeriods);
  return EvaluationPeriods;
}

/** `OldestPendingNoticeTooOld`'s threshold, in hours. */
function noticeThresholdHours(template: Template): number {
  const alarms = Object.values(
    template.findResources('AWS::CloudWatch::Alarm', {
      Properties: {
        MetricName: NOTIFIER_METRIC.oldestPendingAge,
        ComparisonOperator: 'GreaterThanThreshold',
      },
    }),
  );
  expect(alarms).toHaveLength(1);
  return alarms[0]!.Properties.Threshold / 3600;
}

describe('a window given shorter than its schedule needs fails the synth', () => {
  it('the defaults pass: a daily sweep with 26 hours, a drain every 15 minutes with 6', () => {
    const { stack, template } = build();
    expect(windowOf(template(), SWEEP_METRIC.completed)).toBe(26);
    expect(windowOf(template(), NOTIFIER_METRIC.oldestPendingAge)).toBe(6);
    expect([...uncheckedWarnings(stack), ...leftOutWarnings(stack)]).toEqual([]);
  });

  it('a daily notifier (the documented cron) with 6 hours given: names both settings and the least window', () => {
    expect(
      problemsOf({ notifierSchedule: cron('cron(0 8 * * ? *)'), pendingNoticeMaxAge: Duration.hours(6) }),
    ).toEqual([
      'notifierSchedule cron(0 8 * * ? *) can leave 24 h between runs: pendingNoticeMaxAge (context ' +
        'pendingNoticeMaxAgeHours) = 6 h must be at least 26 h (its longest gap between runs (24 h) plus up to ' +
        '10 min until a run reports, rounded up to whole hours, plus the hour in progress), or NotifierHeartbeat ' +
        'fires on a healthy system',
    ]);
  });

  it('a weekday sweep with 26 hours given fails (Friday to Monday is 72 hours); 74 passes', () => {
    const weekdays = { sweepSchedule: cron('cron(0 3 ? * MON-FRI *)') };
    expect(problemsOf({ ...weekdays, heartbeatWindow: Duration.hours(26) })).toEqual([
      expect.stringMatching(
        /^sweepSchedule cron\(0 3 \? \* MON-FRI \*\) can leave 72 h between runs: heartbeatWindow \(context heartbeatWindowHours\) = 26 h must be at least 74 h /,
      ),
    ]);
    expect(problemsOf({ ...weekdays, heartbeatWindow: Duration.hours(73) })).toHaveLength(1);
    const { template } = build({ ...weekdays, heartbeatWindow: Duration.hours(74) });
    expect(windowOf(template(), SWEEP_METRIC.completed)).toBe(74);
  });

  it('rates: the interval plus the report delay, rounded up to hours, plus 1', () => {
    expect(
      problemsOf({ sweepSchedule: rate(Duration.hours(25)), heartbeatWindow: Duration.hours(26) }),
    ).toEqual([
      expect.stringContaining('heartbeatWindow (context heartbeatWindowHours) = 26 h must be at least 27 h'),
    ]);
    // 300 minutes and a drain's 10 reach into a sixth hour: 7; 250 and 10 do not: 6.
    expect(
      problemsOf({ notifierSchedule: rate(Duration.minutes(300)), pendingNoticeMaxAge: Duration.hours(6) }),
    ).toEqual([
      expect.stringContaining(
        'can leave 5 h between runs: pendingNoticeMaxAge (context pendingNoticeMaxAgeHours) = 6 h must be at least 7 h',
      ),
    ]);
    expect(() =>
      build({ notifierSchedule: rate(Duration.minutes(250)), pendingNoticeMaxAge: Duration.hours(6) }),
    ).not.toThrow();
  });

  it('a drain every 15 minutes may keep notices 2 hours (every clock hour holds several drains), not 1', () => {
    const { template } = build({ pendingNoticeMaxAge: Duration.hours(2) });
    expect(windowOf(template(), NOTIFIER_METRIC.oldestPendingAge)).toBe(2);
    expect(problemsOf({ pendingNoticeMaxAge: Duration.hours(1) })).toEqual([
      expect.stringContaining(
        'pendingNoticeMaxAge (context pendingNoticeMaxAgeHours) = 1 h must be at least 2 h',
      ),
    ]);
  });

  it('the report delay follows the function’s timeout: a 15-minute notifier every 45 minutes needs 3 hours', () => {
    const every45 = { notifierSchedule: rate(Duration.minutes(45)), pendingNoticeMaxAge: Duration.hours(2) };
    expect(() => build(every45)).not.toThrow();
    expect(problemsOf({ ...every45, notifierTimeout: Duration.minutes(15) })).toEqual([
      expect.stringContaining(
        '= 2 h must be at least 3 h (its longest gap between runs (45 min) plus up to 20 min',
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
      defaultHours: 26,
      runMinutes: 15,
    });
    expect(finding.problem).toMatch(/= 25 h must be at least 26 h/);
  });
});

describe('a window left out is derived from its schedule, never below its default', () => {
  it('a daily notifier: 26 hours for both notifier alarms (a notice may wait a whole day for its drain)', () => {
    const { stack, template } = build({ notifierSchedule: cron('cron(0 8 * * ? *)') });
    expect(windowOf(template(), NOTIFIER_METRIC.oldestPendingAge)).toBe(26);
    expect(noticeThresholdHours(template())).toBe(26);
    expect(leftOutWarnings(stack)).toEqual([]);
  });

  it('a weekday sweep: 74 hours; an hourly notifier keeps the 6-hour default', () => {
    const { template } = build({
      sweepSchedule: cron('cron(0 3 ? * MON-FRI *)'),
      notifierSchedule: rate(Duration.hours(1)),
    });
    expect(windowOf(template(), SWEEP_METRIC.completed)).toBe(74);
    expect(windowOf(template(), NOTIFIER_METRIC.oldestPendingAge)).toBe(6);
  });

  it('through the app: a daily notifier from context deploys; with pendingNoticeMaxAgeHours=6 it fails, naming the key', () => {
    const { template } = synthApp({ notifierSchedule: 'cron(0 8 * * ? *)' });
    expect(windowOf(template, NOTIFIER_METRIC.oldestPendingAge)).toBe(26);
    const error = thrownBy(CredentialHygienePropsError, () =>
      synthApp({ notifierSchedule: 'cron(0 8 * * ? *)', pendingNoticeMaxAgeHours: 6 }),
    );
    expect(error.message).toMatch(/notifierSchedule cron\(0 8 \* \* \? \*\) can leave 24 h between runs/);
    expect(error.message).toContain('context pendingNoticeMaxAgeHours');
  });
});

describe('a gap no alarm can watch (over CloudWatch’s 7 days): the heartbeat is left out, with a warning', () => {
  it('a weekly sweep deploys without SweepHeartbeat; the warning says so and how often it must run to have one', () => {
    const { stack, hygiene, template } = build({ sweepSchedule: WEEKLY });
    expect(silenceAlarms(template(), SWEEP_METRIC.completed)).toEqual([]);
    expect(windowOf(template(), NOTIFIER_METRIC.oldestPendingAge)).toBe(6);
    expect(leftOutWarnings(stack)).toEqual([
      expect.stringContaining(
        'sweepSchedule cron(0 3 ? * SUN *) can leave 168 h between runs: SweepHeartbeat would need a window of 170 h ' +
          '(its longest gap between runs (168 h) plus up to 20 min until a run reports, rounded up to whole hours, ' +
          'plus the hour in progress), more than the 168 h (7 days) a CloudWatch alarm can evaluate, so ' +
          'SweepHeartbeat is left out and nothing alarms when these runs stop. To have it, run at least every 166 h 40 min',
      ),
    ]);
    CoreAnnotations.of(hygiene).acknowledgeWarning(HEARTBEAT_LEFT_OUT_WARNING, 'watched by our scheduler');
    expect(leftOutWarnings(stack)).toEqual([]);
  });

  it('rate(7 days) with heartbeatWindow 168 deploys: the window is not used, and the warning says so', () => {
    const { stack, template } = build({
      sweepSchedule: rate(Duration.days(7)),
      heartbeatWindow: Duration.hours(168),
    });
    expect(silenceAlarms(template(), SWEEP_METRIC.completed)).toEqual([]);
    expect(leftOutWarnings(stack)).toEqual([
      expect.stringMatching(
        /SweepHeartbeat is left out .*; heartbeatWindow \(context heartbeatWindowHours\) = 168 h is not used\./,
      ),
    ]);
  });

  it('a weekly notifier: no NotifierHeartbeat; a notice may wait a week, so the derived threshold is 170 hours', () => {
    const { stack, template } = build({ notifierSchedule: rate(Duration.days(7)) });
    expect(silenceAlarms(template(), NOTIFIER_METRIC.oldestPendingAge)).toEqual([]);
    expect(noticeThresholdHours(template())).toBe(170);
    expect(leftOutWarnings(stack)).toEqual([
      expect.stringMatching(
        /NotifierHeartbeat is left out .*; OldestPendingNoticeTooOld still fires when a notice has waited more than 170 h\./,
      ),
    ]);
  });

  it('a weekly notifier with pendingNoticeMaxAge given stays an error: OldestPendingNoticeTooOld would fire on every drain', () => {
    expect(
      problemsOf({ notifierSchedule: rate(Duration.days(7)), pendingNoticeMaxAge: Duration.hours(168) }),
    ).toEqual([
      expect.stringMatching(
        /^notifierSchedule rate\(7 days\) can leave 168 h between runs: a notice may wait that long, so pendingNoticeMaxAge \(context pendingNoticeMaxAgeHours\) = 168 h must be at least 170 h .*, or OldestPendingNoticeTooOld fires on a healthy system; .*leave pendingNoticeMaxAge \(context pendingNoticeMaxAgeHours\) out/,
      ),
    ]);
  });

  it('through the app (-c sweepSchedule=...): a weekly sweep synthesizes with the warning', () => {
    const { stack, template } = synthApp({ sweepSchedule: 'cron(0 3 ? * SUN *)' });
    expect(silenceAlarms(template, SWEEP_METRIC.completed)).toEqual([]);
    expect(warningsMatching(stack, 'SweepHeartbeat is left out')).toHaveLength(1);
  });
});

describe('without alarms no window is checked: no heartbeat to fire', () => {
  it.each([
    ['a weekly sweep', { sweepSchedule: WEEKLY }],
    [
      'rate(7 days) with heartbeatWindow 168',
      { sweepSchedule: rate(Duration.days(7)), heartbeatWindow: Duration.hours(168) },
    ],
    [
      'a daily notifier with pendingNoticeMaxAge 6',
      { notifierSchedule: cron('cron(0 8 * * ? *)'), pendingNoticeMaxAge: Duration.hours(6) },
    ],
    ['an unchecked schedule', { sweepSchedule: cron('cron(0 3 L * ? *)') }],
  ] as const)('%s deploys, without warnings', (_name, props) => {
    const { stack, template } = build({ ...props, alarms: false });
    template().resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect([...uncheckedWarnings(stack), ...leftOutWarnings(stack)]).toEqual([]);
  });
});

describe('a schedule whose gaps the synth cannot work out warns instead', () => {
  it('names the schedule, why, the alarm and the setting to check; acknowledgeable by its id', () => {
    const { stack, hygiene } = build({ sweepSchedule: cron('cron(0 3 L * ? *)') });
    const warnings = uncheckedWarnings(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^sweepSchedule cron\(0 3 L \* \? \*\): the longest gap between its runs is not worked out at synth \("L" in the day-of-month field is not read at synth\); SweepHeartbeat fires when nothing has reported for heartbeatWindow \(context heartbeatWindowHours\) = 26 h: keep that at least the longest gap between runs plus 20 min, rounded up to whole hours, plus 1 h/,
    );
    CoreAnnotations.of(hygiene).acknowledgeWarning(
      HEARTBEAT_WINDOW_UNCHECKED_WARNING,
      'monthly, window checked',
    );
    expect(uncheckedWarnings(stack)).toEqual([]);
  });

  it('a one-time notifier schedule warns about pendingNoticeMaxAge', () => {
    const { stack } = build({ notifierSchedule: cron('at(2026-12-01T08:00:00)') });
    expect(uncheckedWarnings(stack)[0]).toMatch(
      /^notifierSchedule at\(2026-12-01T08:00:00\): .*\(a one-time schedule runs once\); NotifierHeartbeat .*pendingNoticeMaxAge \(context pendingNoticeMaxAgeHours\) = 6 h/,
    );
  });
});

describe('a schedule EventBridge Scheduler refuses fails the synth, not the deploy', () => {
  const refused = (key: string, expression: string, why: string) =>
    `${key} = ${JSON.stringify(expression)}: EventBridge Scheduler refuses it (${why}); write one such as ` +
    '"cron(0 3 * * ? *)" or "rate(15 minutes)"';

  it('each of the three, naming the prop, the expression and why', () => {
    expect(
      problemsOf({
        sweepSchedule: cron('cron(0 3 * * *)'),
        notifierSchedule: cron('rate(0 minutes)'),
        reconcilerSchedule: cron('cron(0 25 * * ? *)'),
      }),
    ).toEqual([
      refused('sweepSchedule', 'cron(0 3 * * *)', 'a cron expression has six fields, not 5'),
      refused('notifierSchedule', 'rate(0 minutes)', 'a rate of zero'),
      refused('reconcilerSchedule', 'cron(0 25 * * ? *)', '"25" in the hours field: 25 is outside 0-23'),
    ]);
  });

  it('in a time zone too (whose daylight saving time only leaves a valid cron’s gap unchecked)', () => {
    const berlin = scheduler.ScheduleExpression.expression('cron(0 3 * * *)', TimeZone.EUROPE_BERLIN);
    expect(problemsOf({ sweepSchedule: berlin })).toEqual([
      refused('sweepSchedule', 'cron(0 3 * * *)', 'a cron expression has six fields, not 5'),
    ]);
  });

  it('without alarms too: no heartbeat to fire, but the deploy would fail all the same', () => {
    expect(problemsOf({ sweepSchedule: cron('cron(0 3 ? * ? *)'), alarms: false })).toEqual([
      refused(
        'sweepSchedule',
        'cron(0 3 ? * ? *)',
        'one of day-of-month and day-of-week must be ?, and only one',
      ),
    ]);
  });

  it('is one rule: the problem the construct gives is the CDK context’s', () => {
    const expression = 'cron(0 3 ? * 0 *)';
    const context = thrownBy(ContextError, () => readDeploymentSettings({ notifierSchedule: expression }));
    expect(problemsOf({ notifierSchedule: cron(expression) })).toEqual(context.problems);
  });

  it('what the synth only cannot judge still deploys, with the warning', () => {
    const { stack } = build({ sweepSchedule: cron('cron(0 3 ? * 6#3 *)') });
    expect(uncheckedWarnings(stack)).toHaveLength(1);
  });

  it('a field known only at deploy is not judged: the day-of-month parameter may be "?"', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Test');
    const dayOfMonth = new CfnParameter(stack, 'DayOfMonth', { default: '?' }).valueAsString;
    expect(
      () =>
        new CredentialHygiene(stack, 'Hygiene', {
          adminEmails: ['security@example.com'],
          reconcilerSchedule: cron(`cron(0 3 ${dayOfMonth} * MON *)`),
        }),
    ).not.toThrow();
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
