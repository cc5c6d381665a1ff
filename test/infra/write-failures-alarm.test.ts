/**
 * A sweep's failed writes alarm even when the run completes (up to
 * `maxWriteFailures` it does, so neither `SweepErrors` nor the heartbeat
 * fires, and the same credential can fail every day without its owner
 * hearing): `SweepWriteFailures`, each run's `WriteFailures` summed per hour,
 * an hour without a run not breaching, so a failure that comes back with every
 * run notifies with every run (docs/deploy.md, "Operations: alarms and the
 * dashboard"). That every run emits the metric, with the alarm's dimensions,
 * is checked on the bundled sweep by deployable.test.ts. Also what
 * `SubscriptionOperationsFailed` says it counts.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECONCILER_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { failureCountAlarmShape } from './failure-count-alarm-shape';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { synthApp } from './synth';

describe('SweepWriteFailures alarm', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthApp());
  });

  it('fires on any failed write of a run in an hour, and returns to OK in an hour without one', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...failureCountAlarmShape(SWEEP_METRIC.writeFailures),
      AlarmDescription: Match.stringLikeRegexp('Write failures'),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') }],
    });
    expect(alarmNotificationCheck(template.toJSON() as CfnTemplate).problems).toEqual([]);
  });

  it('SubscriptionOperationsFailed says it also counts operations a failed directory re-read stopped', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: RECONCILER_METRIC.failed,
      AlarmDescription: Match.stringLikeRegexp('owner directory could not be re-read'),
    });
  });
});
