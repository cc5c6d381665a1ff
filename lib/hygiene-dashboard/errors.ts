/**
 * The failure lines of the delivery row (lib/hygiene-dashboard.ts, ./delivery.ts): the functions' errors, what waits
 * in the dead-letter queues, and what the dead-letter queue's senders failed to send there — each the metric its
 * alarm watches (lib/hygiene-alarms.ts builds them).
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { DeadLetterQueueSenders } from '../dead-letter-queue';
import {
  deadLetterArrivals,
  deadLetterDepth,
  deadLetterSendFailures,
  destinationDeliveryFailures,
  functionErrors,
  scheduleGroups,
} from '../hygiene-alarms';
import type { HygieneDashboardOptions } from './options';

/**
 * What each sender of the dead-letter queue failed to send there (a denied send, a deleted queue, an oversized
 * message): lost, in neither the queue nor its graphs. One line per function and per schedule group, the metrics
 * the `FunctionDeadLetterDeliveryFailed` and `ScheduleDeadLetterDeliveryFailed` alarms sum.
 */
export function lostFailures(senders: DeadLetterQueueSenders): cloudwatch.IMetric[] {
  return [
    ...senders.functions.map((fn) =>
      destinationDeliveryFailures(fn, `${fn.node.id}: failed invocations not sent (Lambda)`),
    ),
    ...scheduleGroups(senders.schedules).map((group) =>
      deadLetterSendFailures(group, `schedule group ${group}: undelivered invocations not sent (Scheduler)`),
    ),
  ];
}

/**
 * The sweep's, notifier's (and on `relay`, the relay's and SES events') function errors, per 15 minutes — the
 * reconciler's are on its own row, the notifier's store errors with the owner notices.
 */
export function errorMetrics(options: HygieneDashboardOptions): cloudwatch.IMetric[] {
  const { relay } = options;
  return [
    functionErrors(options.sweep, 'sweep errors (per 15 min)'),
    functionErrors(options.notifier, 'notifier errors (per 15 min)'),
    ...(relay === undefined
      ? []
      : [
          functionErrors(relay.relayFunction, 'relay errors (per 15 min)'),
          functionErrors(relay.sesEventsFunction, 'SES events errors (per 15 min)'),
        ]),
  ];
}

/** What waits in (and arrives at) the dead-letter queues, per 5 minutes (the right axis beside the errors). */
export function deadLetterMetrics(options: HygieneDashboardOptions): cloudwatch.IMetric[] {
  const { relay } = options;
  return [
    deadLetterDepth(options.deadLetterQueue, 'dead-letter messages (largest in 5 min)'),
    deadLetterArrivals(options.deadLetterQueue, 'arrived in the dead-letter queue (per 5 min)'),
    ...(relay === undefined
      ? []
      : [
          deadLetterDepth(relay.deadLetterQueue, 'relay dead-letter messages (largest in 5 min)'),
          deadLetterDepth(
            relay.sesEventsDeadLetterQueue,
            'SES events dead-letter messages (to replay; largest in 5 min)',
          ),
          deadLetterDepth(
            relay.relaySubscriptionDeadLetterQueue,
            'digests SNS could not deliver to the relay queue (to move there; largest in 5 min)',
          ),
        ]),
  ];
}
