/**
 * The subscription reconciler's heartbeat (`ReconcilerHeartbeat`, docs/deploy.md, "Runbook: Reconciler
 * heartbeat"): without it a reconciler that stops running fires nothing (`NoAdminSubscription` ignores missing data
 * and keeps its last state). It sums the reconciler's `ReconcilerCompleted` per hour (the run metrics' namespace and
 * `service` dimension) and fires when every hour of its window had none, missing data breaching, on the alarm topic,
 * on both routes (the reconciler runs on `relay` too). Its window follows `reconcilerSchedule` by the one rule of the
 * other heartbeats (lib/heartbeat-windows.ts): 3 hours for the hourly default, derived when left out, a window given
 * too short fails the synth naming both settings, from the construct's props and from the CDK context
 * (`reconcilerHeartbeatWindowHours`). That the bundled reconciler emits the metric with the alarm's dimensions:
 * deployable.test.ts; what a run emits (a quota stop 0, an empty directory nothing): reconciler-handler.test.ts.
 */
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_NAMESPACE, RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { thrownBy } from '../support/thrown';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { SKIP_BUNDLING, synthApp } from './synth';

function build(props: CredentialHygieneProps = {}) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test');
  new CredentialHygiene(stack, 'Hygiene', { adminEmails: ['security@example.com'], ...props });
  return { stack, template: Template.fromStack(stack) };
}

const problemsOf = (props: CredentialHygieneProps) =>
  thrownBy(CredentialHygienePropsError, () => build(props)).problems;
const rate = (duration: Duration) => scheduler.ScheduleExpression.rate(duration);

/** The alarms on `ReconcilerCompleted`, by logical id. */
function heartbeats(template: Template) {
  return Object.entries(
    template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: RECONCILER_METRIC.completed },
    }),
  );
}

/** The one reconciler heartbeat's window, in hourly periods. */
function windowOf(template: Template): number {
  const found = heartbeats(template);
  expect(found).toHaveLength(1);
  const { Period, EvaluationPeriods, DatapointsToAlarm } = found[0]![1].Properties;
  expect(Period).toBe(3600);
  expect(DatapointsToAlarm).toBe(EvaluationPeriods);
  return EvaluationPeriods;
}

describe('ReconcilerHeartbeat alarm', () => {
  it.each([
    ['sns-email', {}],
    ['relay', { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' }],
  ])(
    'on %s: fires when no reconciler run completed in 3 hours, counting silence as failure, on the alarm topic',
    (_route, context) => {
      const { stack, template } = synthApp(context);
      const { hygiene } = stack;
      const logicalId = (topic: typeof hygiene.topic) =>
        stack.getLogicalId(topic.node.defaultChild as CfnElement);

      expect(heartbeats(template).map(([id]) => id)).toEqual([
        expect.stringMatching(/^HygieneReconcilerHeartbeat/),
      ]);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: RECONCILER_METRIC.completed,
        Namespace: DEFAULT_METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmDescription: Match.stringLikeRegexp('Runbook: Reconciler heartbeat'),
        AlarmActions: [{ Ref: logicalId(hygiene.alarmTopic!) }],
      });
      expect(logicalId(hygiene.alarmTopic!)).not.toBe(logicalId(hygiene.topic));
      expect(alarmNotificationCheck(template.toJSON() as CfnTemplate).problems).toEqual([]);
    },
  );

  it('is not there without alarms', () => {
    expect(heartbeats(build({ alarms: false }).template)).toEqual([]);
  });
});

describe('its window follows reconcilerSchedule (lib/heartbeat-windows.ts)', () => {
  it('left out: 3 hours for the hourly default, what a slower schedule needs when more', () => {
    expect(windowOf(build().template)).toBe(3);
    // 6 hours between runs plus up to 10 minutes until one reports: 7 hours, plus the hour in progress.
    expect(windowOf(build({ reconcilerSchedule: rate(Duration.hours(6)) }).template)).toBe(8);
    // Every 15 minutes needs 2: the default 3 stays.
    expect(windowOf(build({ reconcilerSchedule: rate(Duration.minutes(15)) }).template)).toBe(3);
  });

  it('given: kept when long enough; too short fails the synth, naming both settings and the least window', () => {
    expect(windowOf(build({ reconcilerHeartbeatWindow: Duration.hours(12) }).template)).toBe(12);
    expect(
      problemsOf({
        reconcilerSchedule: rate(Duration.hours(6)),
        reconcilerHeartbeatWindow: Duration.hours(7),
      }),
    ).toEqual([
      'reconcilerSchedule rate(6 hours) can leave 6 h between runs: reconcilerHeartbeatWindow (context ' +
        'reconcilerHeartbeatWindowHours) = 7 h must be at least 8 h (its longest gap between runs (6 h) plus up to ' +
        '10 min until a run reports, rounded up to whole hours, plus the hour in progress), or ReconcilerHeartbeat ' +
        'fires on a healthy system',
    ]);
    expect(problemsOf({ reconcilerHeartbeatWindow: Duration.hours(2) })).toEqual([
      expect.stringContaining(
        'reconcilerHeartbeatWindow (context reconcilerHeartbeatWindowHours) = 2 h must be at least 3 h',
      ),
    ]);
  });

  it('is whole hours from 1 to 168', () => {
    expect(problemsOf({ reconcilerHeartbeatWindow: Duration.minutes(90) })).toEqual([
      'reconcilerHeartbeatWindow = 5400 s: must be whole hours from 1 to 168',
    ]);
  });

  it('a weekly reconciler deploys without it, with the warning', () => {
    const { stack, template } = build({ reconcilerSchedule: rate(Duration.days(7)) });
    expect(heartbeats(template)).toEqual([]);
    const warnings = Annotations.fromStack(stack).findWarning(
      '*',
      Match.stringLikeRegexp('ReconcilerHeartbeat is left out'),
    );
    expect(warnings).toHaveLength(1);
  });
});

describe('reconcilerHeartbeatWindowHours (CDK context)', () => {
  it('reaches the alarm', () => {
    expect(windowOf(synthApp({ reconcilerHeartbeatWindowHours: '12' }).template)).toBe(12);
  });

  it('is whole hours from 1 to 168, naming the key', () => {
    for (const text of ['0', '169', '2.5', 'abc']) {
      expect(
        thrownBy(ContextError, () => readDeploymentSettings({ reconcilerHeartbeatWindowHours: text }))
          .problems,
      ).toEqual([
        `reconcilerHeartbeatWindowHours = ${JSON.stringify(text)}: must be an integer from 1 to 168 (hours)`,
      ]);
    }
  });

  it('too short for -c reconcilerSchedule fails the synth, naming the context key', () => {
    const error = thrownBy(CredentialHygienePropsError, () =>
      synthApp({ reconcilerSchedule: 'rate(6 hours)', reconcilerHeartbeatWindowHours: 3 }),
    );
    expect(error.message).toContain('context reconcilerHeartbeatWindowHours) = 3 h must be at least 8 h');
  });
});
