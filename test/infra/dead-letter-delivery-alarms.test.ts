/**
 * A failure the dead-letter queue should have kept and did not (a send its policy denied, a deleted queue, an
 * oversized message) is lost without a trace in the queue, so neither dead-letter alarm sees it: two alarms watch
 * the senders instead (docs/deploy.md, "Operations: alarms and the dashboard"). Structural: read from the template,
 * `FunctionDeadLetterDeliveryFailed` watches Lambda's `DestinationDeliveryFailures` of exactly the functions whose
 * on-failure destination is the worker's dead-letter queue (the SES events function's too, on relay), and
 * `ScheduleDeadLetterDeliveryFailed` EventBridge Scheduler's `InvocationsFailedToBeSentToDeadLetterCount` of exactly
 * the schedule groups of the schedules dead-lettering there; both notify the alarm topic, no data not breaching.
 */
import { describe, expect, it } from 'vitest';
import { scheduleDeadLetterQueues } from './queue-access-check';
import {
  alarmNotificationCheck,
  type CfnResource,
  type CfnTemplate,
  referencedId,
} from './structural-checks';
import { synthApp } from './synth';

interface CfnMetric {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions?: readonly { Name: string; Value: unknown }[];
}

/** The alarm whose logical id starts with `Hygiene<name>`. */
function alarmNamed(json: CfnTemplate, name: string): CfnResource {
  const found = Object.entries(json.Resources).filter(
    ([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && id.startsWith(`Hygiene${name}`),
  );
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0]![1];
}

/** Every metric an alarm watches: its one metric, or each metric of its math expression. */
function watchedMetrics(alarm: CfnResource): CfnMetric[] {
  const p = alarm.Properties ?? {};
  if (p.MetricName !== undefined) return [p as unknown as CfnMetric];
  const metrics = p.Metrics as { MetricStat?: { Metric: CfnMetric } }[];
  return metrics.flatMap((m) => (m.MetricStat === undefined ? [] : [m.MetricStat.Metric]));
}

/** The value of one dimension of each metric, as JSON (a `Ref` or a literal). */
function dimensionValues(metrics: CfnMetric[], name: string): string[] {
  return metrics.map((m) => JSON.stringify(m.Dimensions?.find((d) => d.Name === name)?.Value)).sort();
}

/** The `Ref` of every function whose asynchronous invocations fail over to `queueId`. */
function functionsFailingTo(json: CfnTemplate, queueId: string): string[] {
  return Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')
    .filter((r) => {
      const config = r.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined;
      return referencedId(config?.OnFailure?.Destination) === queueId;
    })
    .map((r) => JSON.stringify({ Ref: referencedId(r.Properties?.FunctionName) }))
    .sort();
}

/** The schedule group of every schedule dead-lettering to `queueId` (`default` when it names none), each once. */
function scheduleGroupsFailingTo(json: CfnTemplate, queueId: string): string[] {
  const groups = Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
    .filter((r) => {
      const target = r.Properties?.Target as { DeadLetterConfig?: { Arn?: unknown } };
      return referencedId(target.DeadLetterConfig?.Arn) === queueId;
    })
    .map((r) => JSON.stringify(r.Properties?.GroupName ?? 'default'));
  return [...new Set(groups)].sort();
}

describe.each([
  ['sns-email', { ownerDelivery: 'sns-email' }, 3],
  ['relay', { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' }, 4],
])('alarms on failures the dead-letter queue could not keep (route %s)', (_route, context, functions) => {
  const json = synthApp(context).template.toJSON() as CfnTemplate;
  const [queueId] = scheduleDeadLetterQueues(json);
  const common = {
    Threshold: 1,
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: expect.stringMatching(/^HygieneAlarmTopic/) }],
  };

  it(`FunctionDeadLetterDeliveryFailed watches DestinationDeliveryFailures of exactly the ${functions} functions failing over to the queue`, () => {
    const alarm = alarmNamed(json, 'FunctionDeadLetterDeliveryFailed');
    expect(alarm.Properties).toMatchObject(common);
    const metrics = watchedMetrics(alarm);
    expect(metrics.map((m) => [m.Namespace, m.MetricName])).toEqual(
      metrics.map(() => ['AWS/Lambda', 'DestinationDeliveryFailures']),
    );
    const failing = functionsFailingTo(json, queueId!);
    expect(failing).toHaveLength(functions);
    expect(dimensionValues(metrics, 'FunctionName')).toEqual(failing);
    // Summed, a function without data counting 0: one function's failure is enough.
    expect(alarm.Properties?.Metrics).toEqual(
      expect.arrayContaining([expect.objectContaining({ Expression: 'SUM(FILL(METRICS(), 0))' })]),
    );
  });

  it('ScheduleDeadLetterDeliveryFailed watches InvocationsFailedToBeSentToDeadLetterCount of the schedules’ group', () => {
    const alarm = alarmNamed(json, 'ScheduleDeadLetterDeliveryFailed');
    expect(alarm.Properties).toMatchObject({ ...common, Statistic: 'Sum', Period: 300 });
    const metrics = watchedMetrics(alarm);
    expect(metrics.map((m) => [m.Namespace, m.MetricName])).toEqual([
      ['AWS/Scheduler', 'InvocationsFailedToBeSentToDeadLetterCount'],
    ]);
    expect(dimensionValues(metrics, 'ScheduleGroup')).toEqual(scheduleGroupsFailingTo(json, queueId!));
    expect(scheduleGroupsFailingTo(json, queueId!)).toEqual(['"default"']);
  });

  it('both can notify', () => {
    expect(alarmNotificationCheck(json).problems).toEqual([]);
  });
});
