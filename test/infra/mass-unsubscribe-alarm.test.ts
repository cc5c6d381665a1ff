/**
 * Opt-outs the subscription reconciler's mass-unsubscribe guard held back alarm on the alarm topic
 * (`MassUnsubscribeGuardTripped`, docs/deploy.md, "Runbook: Mass-unsubscribe guard"): unlike the sweep's guard it
 * had only a log warning, so a person heard of a deleted and re-created topic only from the owners' unreachable
 * reports. Built from the shared metric name with the run metrics' dimension, in the failure counts' shape (each
 * run's `OptOutsHeldBack` summed per hour, an hour without one not breaching: a later trip notifies again), on
 * every route (the reconciler runs on `relay` too), reaching a topic CloudWatch may publish to. That the bundled
 * reconciler emits the metric with the alarm's dimensions: deployable.test.ts.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import { failureCountAlarmShape } from './failure-count-alarm-shape';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { synthApp } from './synth';

describe('MassUnsubscribeGuardTripped alarm', () => {
  it.each([
    ['sns-email', {}],
    ['relay', { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' }],
  ])(
    'on %s: fires on any held-back opt-out in an hour, returns to OK in an hour without one',
    (_route, context) => {
      const { template } = synthApp(context);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...failureCountAlarmShape(RECONCILER_METRIC.optOutsHeldBack),
        AlarmDescription: Match.stringLikeRegexp('Runbook: Mass-unsubscribe guard'),
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') }],
      });
      const json = template.toJSON() as CfnTemplate;
      const alarms = Object.entries(json.Resources).filter(
        ([, r]) =>
          r.Type === 'AWS::CloudWatch::Alarm' &&
          r.Properties?.MetricName === RECONCILER_METRIC.optOutsHeldBack,
      );
      expect(alarms.map(([id]) => id)).toEqual([
        expect.stringMatching(/^HygieneMassUnsubscribeGuardTripped/),
      ]);
      expect(alarmNotificationCheck(json).problems).toEqual([]);
    },
  );
});
