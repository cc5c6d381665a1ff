/**
 * The admins' reach on the notification topic alarms on the alarm topic (`NoAdminSubscription`, docs/deploy.md,
 * "Runbook: No admin subscription"): the reconciler's `AdminSubscriptions`, the fewest in an hour, below 1, with the
 * run metrics' namespace and dimension, missing data ignored (the count is a standing state a run reports: an hour
 * without a run neither clears nor raises it). Its action is the alarm topic, never the notification topic it
 * watches: the two channels watch each other. On every route (the reconciler runs on `relay` too). That the bundled
 * reconciler emits the metric with the alarm's dimensions: deployable.test.ts.
 */

import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_NAMESPACE, RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { synthApp } from './synth';

describe('NoAdminSubscription alarm', () => {
  it.each([
    ['sns-email', {}],
    ['relay', { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' }],
  ])(
    'on %s: fires when a reconciler run of the hour counted no admin subscription, notifying the alarm topic',
    (_route, context) => {
      const { stack, template } = synthApp(context);
      const { hygiene } = stack;
      const logicalId = (topic: typeof hygiene.topic) =>
        stack.getLogicalId(topic.node.defaultChild as CfnElement);
      const json = template.toJSON() as CfnTemplate;
      const alarms = Object.entries(json.Resources).filter(
        ([, r]) =>
          r.Type === 'AWS::CloudWatch::Alarm' &&
          r.Properties?.MetricName === RECONCILER_METRIC.adminSubscriptions,
      );

      expect(alarms.map(([id]) => id)).toEqual([expect.stringMatching(/^HygieneNoAdminSubscription/)]);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: RECONCILER_METRIC.adminSubscriptions,
        Namespace: DEFAULT_METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
        Statistic: 'Minimum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'ignore',
        AlarmDescription: Match.stringLikeRegexp('Runbook: No admin subscription'),
        AlarmActions: [{ Ref: logicalId(hygiene.alarmTopic!) }],
      });
      expect(logicalId(hygiene.alarmTopic!)).not.toBe(logicalId(hygiene.topic));
      expect(alarmNotificationCheck(json).problems).toEqual([]);
    },
  );
});
