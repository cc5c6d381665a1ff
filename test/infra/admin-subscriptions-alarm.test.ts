/**
 * The admins' reach on the notification topic alarms on the alarm topic (`NoAdminSubscription`, docs/deploy.md,
 * "Runbook: No admin subscription"): each reconciler run's own `AdminSubscriptions` (the fewest in 5 minutes: a run
 * emits it once, when it ends), below 1, with the run metrics' namespace and dimension, missing data ignored (the
 * count is a standing state a run reports: the time between runs neither clears nor raises it). So the first run that
 * counts one again clears it, the same hour too: an hour's fewest would keep a run's 0 through a later run of that
 * hour, and then until the next run. Its action is the alarm topic, never the notification topic it
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
    'on %s: fires when the last reconciler run counted no admin subscription (each run’s own count), notifying the alarm topic',
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
        Period: 300,
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
