/**
 * A failure the dead-letter queue should have kept and did not: Lambda's and EventBridge Scheduler's failed sends to
 * it, their alarms and metrics (the dashboard draws the same), summed over the senders.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import type { DeadLetterQueueSenders } from '../dead-letter-queue';
import type { HygieneFunction } from '../hygiene-function';
import { atLeast } from './run-metrics';

/**
 * A failure the dead-letter queue should have kept and did not: Lambda could not send a function's failed
 * invocation to its on-failure destination (`DestinationDeliveryFailures`, by function), or EventBridge Scheduler
 * an undelivered invocation to its dead-letter queue (`InvocationsFailedToBeSentToDeadLetterCount`, by schedule
 * group: its only dimension; the worker's schedules are in the default group, with whatever else of the account's
 * is). A denied send (the queue policy), a deleted queue or an oversized message: the failure is lost, and neither
 * dead-letter alarm sees it. Any in 5 minutes, summed over the senders; no data is no failure.
 */
export function deadLetterDeliveryAlarms(
  scope: Construct,
  senders: DeadLetterQueueSenders,
): cloudwatch.Alarm[] {
  const groups = scheduleGroups(senders.schedules);
  const anyOf = (id: string, alarmDescription: string, metrics: cloudwatch.IMetric[]) =>
    new cloudwatch.Alarm(scope, id, {
      alarmDescription,
      metric: sumOf(metrics, DEAD_LETTER_DELIVERY_PERIOD),
      ...atLeast(1),
    });
  return [
    anyOf(
      'FunctionDeadLetterDeliveryFailed',
      'Lambda could not send a failed invocation of a worker function to the dead-letter queue (its on-failure destination): the failure is lost, and no dead-letter alarm fires. Lambda’s DestinationDeliveryFailures by function shows which; see docs/deploy.md, "Runbook: Dead-letter queue".',
      senders.functions.map((fn) => destinationDeliveryFailures(fn)),
    ),
    anyOf(
      'ScheduleDeadLetterDeliveryFailed',
      `EventBridge Scheduler could not send an undelivered invocation to its dead-letter queue, for a schedule of the ${groups.join(', ')} schedule group (the worker’s schedules, and any other of the account’s there): the invocation is lost, and no dead-letter alarm fires. InvocationsFailedToBeSentToDeadLetterCount_<error code> names why; see docs/deploy.md, "Runbook: Dead-letter queue".`,
      groups.map((group) => deadLetterSendFailures(group)),
    ),
  ];
}

/** The schedule groups of `schedules`, each once (`default` for a schedule that names none). */
export function scheduleGroups(schedules: readonly scheduler.Schedule[]): string[] {
  return [...new Set(schedules.map((s) => s.scheduleGroup?.scheduleGroupName ?? 'default'))];
}

/** The period of the dead-letter delivery alarms' metrics (any failed send in it alarms). */
const DEAD_LETTER_DELIVERY_PERIOD = Duration.minutes(5);

/**
 * Lambda's `DestinationDeliveryFailures` of a function, summed over 5 minutes: failed invocations it could not send
 * to their on-failure destination. What `FunctionDeadLetterDeliveryFailed` sums, and the dashboard shows.
 */
export function destinationDeliveryFailures(fn: HygieneFunction, label?: string): cloudwatch.Metric {
  return fn.function.metric('DestinationDeliveryFailures', {
    period: DEAD_LETTER_DELIVERY_PERIOD,
    statistic: 'Sum',
    ...(label !== undefined && { label }),
  });
}

/**
 * EventBridge Scheduler's `InvocationsFailedToBeSentToDeadLetterCount` of a schedule group (the metric's only
 * dimension), summed over 5 minutes: undelivered invocations it could not send to their dead-letter queue. What
 * `ScheduleDeadLetterDeliveryFailed` sums, and the dashboard shows.
 */
export function deadLetterSendFailures(group: string, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Scheduler',
    metricName: 'InvocationsFailedToBeSentToDeadLetterCount',
    dimensionsMap: { ScheduleGroup: group },
    period: DEAD_LETTER_DELIVERY_PERIOD,
    statistic: 'Sum',
    ...(label !== undefined && { label }),
  });
}

/** One metric as it is; several as their sum, a sender without data counting 0. */
function sumOf(metrics: cloudwatch.IMetric[], period: Duration): cloudwatch.IMetric {
  if (metrics.length === 1) return metrics[0]!;
  return new cloudwatch.MathExpression({
    expression: 'SUM(FILL(METRICS(), 0))',
    usingMetrics: Object.fromEntries(metrics.map((metric, i) => [`m${i + 1}`, metric])),
    period,
  });
}
