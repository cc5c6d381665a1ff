/**
 * An admin email subscription that also receives the owner digests alarms on the alarm topic
 * (`WideAdminEmailSubscription`, docs/deploy.md, "Runbook: Wide admin email subscription"): the reconciler's
 * `EmailSubscriptionsWithOwnerDigests`, the largest in an hour, at 1 or more, missing data not breaching (an hour
 * without a run is no news). SNS suspends an email endpoint sent more than 10 messages a second, and that address
 * stops hearing the admins' notices: the description says so and what to do. Built beside `NoAdminSubscription`, on
 * every route (the reconciler runs on `relay` too). That the handler emits the metric: reconciler-email-owner-digests.test.ts.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_NAMESPACE, RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { synthApp } from './synth';

describe('WideAdminEmailSubscription alarm', () => {
  it.each([
    ['sns-email', {}],
    ['relay', { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' }],
  ])(
    'on %s: fires when a reconciler run of the hour found an email subscription with owner digests too, notifying the alarm topic',
    (_route, context) => {
      const { stack, template } = synthApp(context);
      const { hygiene } = stack;
      const json = template.toJSON() as CfnTemplate;
      const alarms = Object.entries(json.Resources).filter(
        ([, r]) =>
          r.Type === 'AWS::CloudWatch::Alarm' &&
          r.Properties?.MetricName === RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests,
      );

      expect(alarms.map(([id]) => id)).toEqual([expect.stringMatching(/^HygieneWideAdminEmailSubscription/)]);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests,
        Namespace: DEFAULT_METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
        Statistic: 'Maximum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: stack.getLogicalId(hygiene.alarmTopic!.node.defaultChild as CfnElement) }],
      });
      expect(alarmNotificationCheck(json).problems).toEqual([]);
    },
  );

  it('says what happens (SNS suspends the endpoint past 10 messages a second) and what to do (filter it to admin; the runbook)', () => {
    const { template } = synthApp();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests,
      AlarmDescription: Match.stringLikeRegexp(
        'also every owner digest.*SNS suspends an email endpoint sent more than 10 messages a second.*' +
          'Narrow its filter policy to \\{"audience":\\["admin"\\]\\}: see docs/deploy.md, "Runbook: Wide admin email subscription"',
      ),
    });
  });
});
