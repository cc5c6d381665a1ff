/**
 * The dead-letter queue's alarms (anything in it, anything arriving) and the queue metrics they watch, which the
 * dashboard and the relay's queue alarms read too (with the age of a queue's oldest message).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { atLeast } from './run-metrics';

/**
 * The dead-letter queue: anything in it (its depth), and anything arriving. The
 * depth stays at 1 while one message waits its 14 days, so that alarm stays in
 * alarm and says nothing of a second failure; `NumberOfMessagesSent` counts each
 * message sent to the queue — EventBridge Scheduler's and Lambda's on-failure
 * destination both send directly (SQS's own redrive from a source queue would not
 * count, but nothing redrives into this queue) — so a new arrival alarms again.
 */
export function deadLetterAlarms(scope: Construct, queue: sqs.IQueue): cloudwatch.Alarm[] {
  return [
    new cloudwatch.Alarm(scope, 'DeadLetterMessages', {
      alarmDescription:
        'A scheduled invocation could not be delivered after its retries, or a run failed after Lambda’s retries: it is in the dead-letter queue. See docs/deploy.md, "Runbook: Dead-letter queue".',
      metric: deadLetterDepth(queue),
      ...atLeast(1),
    }),
    new cloudwatch.Alarm(scope, 'DeadLetterArrivals', {
      alarmDescription:
        'A new message arrived in the dead-letter queue (an undeliverable schedule or a run that failed after Lambda’s retries), whatever the queue already holds. See docs/deploy.md, "Runbook: Dead-letter queue".',
      metric: deadLetterArrivals(queue),
      ...atLeast(1),
    }),
  ];
}

/** The messages waiting in a dead-letter queue, the most in 5 minutes: what `DeadLetterMessages` watches. */
export function deadLetterDepth(queue: sqs.IQueue, label?: string): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({
    period: Duration.minutes(5),
    statistic: 'Maximum',
    ...(label !== undefined && { label }),
  });
}

/**
 * The age of a queue's oldest message (seconds), the most in 5 minutes: what the relay's `OldestDigestTooOld`
 * watches, and the dashboard shows.
 */
export function oldestMessageAge(queue: sqs.IQueue, label?: string): cloudwatch.Metric {
  return queue.metricApproximateAgeOfOldestMessage({
    period: Duration.minutes(5),
    statistic: 'Maximum',
    ...(label !== undefined && { label }),
  });
}

/** The messages sent to a dead-letter queue, summed over 5 minutes: what `DeadLetterArrivals` watches. */
export function deadLetterArrivals(queue: sqs.IQueue, label?: string): cloudwatch.Metric {
  return queue.metricNumberOfMessagesSent({
    period: Duration.minutes(5),
    statistic: 'Sum',
    ...(label !== undefined && { label }),
  });
}
