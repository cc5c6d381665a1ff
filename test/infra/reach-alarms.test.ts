/**
 * Owner reach is watched (issue 11 §3, issue 12 §2): the alarms on owners the
 * notifier or the sweep found unreachable, on an unusable owner directory, on
 * outbox events addressed to another owner, on the reconciler's quota, the
 * relay's bounces and the records SES left the relay no time for — each built from the shared metric names
 * (`lambdas/handlers/metric-names.ts`), notifying the alarm topic — and the
 * dashboard row that shows them. One precise assertion per alarm.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_METRICS_NAMESPACE,
  NOTIFIER_METRIC,
  RECONCILER_METRIC,
  RELAY_METRIC,
  SES_EVENTS_METRIC,
  SWEEP_METRIC,
} from '../../lambdas/handlers/metric-names';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { synthApp } from './synth';

const RELAY_CONTEXT = { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' };
const alarmTopic = { Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') };
const serviceDimension = [{ Name: 'service', Value: 'personal-client-hygiene' }];

/** The metric names the dashboard's widgets show (the body is JSON text joined with tokens). */
function dashboardMetrics(template: Template): string[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const parts = dashboards[0]!.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('')) as {
    widgets: { properties: { metrics?: string[][] } }[];
  };
  return body.widgets.flatMap((w) => (w.properties.metrics ?? []).map((m) => m[1]!));
}

describe('owner reach alarms (default stack, sns-email)', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthApp());
  });

  it.each([
    [
      'alarms when a drain reported any unreachable owner to the admins (hourly sum, no drain is no news)',
      NOTIFIER_METRIC.unreachableOwners,
      'Sum',
      3600,
      'notBreaching',
    ],
    [
      'alarms when a drain found outbox events addressed to someone other than the credential’s owner',
      NOTIFIER_METRIC.mismatchedEvents,
      'Sum',
      3600,
      'notBreaching',
    ],
    // The sweep's two: each sweep's own figure (the largest in 5 minutes; a sweep emits it once), the state kept
    // between sweeps (missing data ignored), so the next sweep that finds the problem gone clears it, the same day
    // too (a day's maximum would keep a morning sweep's 1 through a clean sweep at noon; not breaching would clear it
    // minutes after it fired, without a sweep). A missing run is the heartbeat's to report.
    [
      'alarms when the last sweep forecast unreachable owners (each sweep’s figure, state kept between sweeps)',
      SWEEP_METRIC.unreachableOwners,
      'Maximum',
      300,
      'ignore',
    ],
    [
      'alarms when the last sweep could not use the owner directory (each sweep’s figure, state kept between sweeps)',
      SWEEP_METRIC.directoryUnusable,
      'Maximum',
      300,
      'ignore',
    ],
  ])('%s', (_title, metricName, statistic, period, treatMissingData) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Namespace: DEFAULT_METRICS_NAMESPACE,
      Dimensions: serviceDimension,
      Statistic: statistic,
      Period: period,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: treatMissingData,
      AlarmActions: [alarmTopic],
    });
  });

  it('alarms on the alarm topic when the reconciler hits the filter-policy quota', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: RECONCILER_METRIC.quotaExceeded,
      Namespace: DEFAULT_METRICS_NAMESPACE,
      Dimensions: serviceDimension,
      AlarmActions: [alarmTopic],
    });
  });

  it('every alarm, the reach alarms among them, can notify (alarm → topic → key)', () => {
    const json = template.toJSON() as CfnTemplate;
    const reachAlarms = Object.values(json.Resources).filter(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' &&
        (
          [
            NOTIFIER_METRIC.unreachableOwners,
            NOTIFIER_METRIC.mismatchedEvents,
            SWEEP_METRIC.unreachableOwners,
            SWEEP_METRIC.directoryUnusable,
          ] as string[]
        ).includes(String(r.Properties?.MetricName)),
    );
    expect(reachAlarms).toHaveLength(4);
    expect(alarmNotificationCheck(json).problems).toEqual([]);
  });

  it('shows unreachable owners (sweep and drains), the directory and misaddressed events; no bounces without the relay', () => {
    const shown = dashboardMetrics(template);
    expect(shown).toEqual(
      expect.arrayContaining([
        SWEEP_METRIC.unreachableOwners,
        NOTIFIER_METRIC.unreachableOwners,
        SWEEP_METRIC.directoryUnusable,
        NOTIFIER_METRIC.mismatchedEvents,
      ]),
    );
    expect(shown).not.toContain(SES_EVENTS_METRIC.bounces);
    expect(shown).not.toContain(SES_EVENTS_METRIC.optedOut);
    expect(shown).not.toContain(RELAY_METRIC.unreportedUnreachable);
    expect(shown).not.toContain(RELAY_METRIC.outOfTime);
  });
});

describe('owner reach alarms (relay route)', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthApp(RELAY_CONTEXT));
  });

  it('alarms on the alarm topic when SES reports 3 or more permanent bounces or complaints in an hour', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: SES_EVENTS_METRIC.bounces,
      Namespace: DEFAULT_METRICS_NAMESPACE,
      Dimensions: serviceDimension,
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [alarmTopic],
      // The metric counts suppressed sends too (SES never sent those): the description says so.
      AlarmDescription: Match.stringLikeRegexp(
        'complaints for owner email \\(suppressed sends included: the address on SES’s suppression list\\)',
      ),
    });
  });

  it('alarms on the alarm topic at the first hour with a record the relay had no time left to send (SES slow)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: RELAY_METRIC.outOfTime,
      Namespace: DEFAULT_METRICS_NAMESPACE,
      Dimensions: serviceDimension,
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [alarmTopic],
      AlarmDescription: Match.stringLikeRegexp('SES answered so slowly'),
    });
    // One alarm on the relay's failures, this one: the rest of EmailRelayFailures reaches the admins by the DLQ's
    // alarm, or by UnreportedUnreachableOwners.
    const onRelayFailures = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      [RELAY_METRIC.failed, RELAY_METRIC.outOfTime].includes(a.Properties.MetricName),
    );
    expect(onRelayFailures).toHaveLength(1);
  });

  it('keeps the stack’s alarms and adds the relay’s fourteen (its DLQ, a digest there about to expire, digests given up on, digests SNS could not deliver to its queue, its queue’s oldest digest, bounces, unreported unreachable owners, records out of time, SES events not delivered, kept in their DLQ and not read, providers’ auth-failure or virus reports, its two functions’ errors)', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 28 + 14);
    expect(alarmNotificationCheck(template.toJSON() as CfnTemplate).problems).toEqual([]);
  });

  it('shows bounces, complaints, owners marked bouncing or opted out by a complaint, bounced digests reported, providers’ auth-failure or virus reports, SES events not attributed or not read, owners the relay could not email beside unreachable owners, and the relay’s failed records, those out of time and those given up on', () => {
    expect(dashboardMetrics(template)).toEqual(
      expect.arrayContaining([
        RELAY_METRIC.failed,
        RELAY_METRIC.outOfTime,
        RELAY_METRIC.gaveUp,
        SES_EVENTS_METRIC.unattributed,
        SES_EVENTS_METRIC.unreadable,
        SWEEP_METRIC.unreachableOwners,
        NOTIFIER_METRIC.unreachableOwners,
        RELAY_METRIC.unreportedUnreachable,
        SES_EVENTS_METRIC.bounces,
        SES_EVENTS_METRIC.complaints,
        SES_EVENTS_METRIC.marked,
        SES_EVENTS_METRIC.optedOut,
        SES_EVENTS_METRIC.digestsReported,
        SES_EVENTS_METRIC.digestsUnreadable,
        SES_EVENTS_METRIC.authOrVirusReports,
      ]),
    );
  });
});
