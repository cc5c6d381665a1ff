/**
 * An admin run summary that could not be published alarms on the alarm topic:
 * the topic's policy may refuse an operator's CLI run its report (a role not in
 * `operatorPrincipalArns`), and then only the alarm, on its own topic, tells the
 * admins of that run (docs/deploy.md, "Operations: alarms and the dashboard").
 * Of every such run: the alarm has the failure counts' shape (each run's
 * figure summed per hour, an hour without one not breaching), so it returns to
 * OK and a second unpublished summary later notifies again; kept in alarm
 * between runs, it would say nothing of the second run's deletions. Built from
 * the shared metric name, with the run metrics' dimension, and reaching a topic
 * CloudWatch may publish to.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { failureCountAlarmShape } from './failure-count-alarm-shape';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { synthApp } from './synth';

describe('AdminSummaryPublishFailed alarm', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthApp());
  });

  it('fires on any sweep’s AdminSummaryPublishFailed (scheduled or operator) in an hour, returns to OK in an hour without one, and notifies the alarm topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...failureCountAlarmShape(SWEEP_METRIC.adminSummaryFailed),
      AlarmDescription: Match.stringLikeRegexp('operatorPrincipalArns'),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') }],
    });
  });

  it('is one alarm, and every alarm, this one among them, can notify (alarm → topic → key)', () => {
    const json = template.toJSON() as CfnTemplate;
    const alarms = Object.values(json.Resources).filter(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.MetricName === SWEEP_METRIC.adminSummaryFailed,
    );
    expect(alarms).toHaveLength(1);
    expect(alarmNotificationCheck(json).problems).toEqual([]);
  });
});
