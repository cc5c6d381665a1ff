/**
 * The notification topic's failed deliveries (after SNS's own retries): the `NotificationsFailed` alarm and its
 * metric, which the dashboard and the relay read too.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { atLeast } from './run-metrics';

/** SNS could not deliver a notification to a subscriber (after SNS's own retries). */
export function deliveryFailureAlarm(scope: Construct, topic: sns.ITopic): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'NotificationsFailed', {
    alarmDescription:
      'SNS failed to deliver notifications from the notification topic to a subscriber: check the subscriptions and their delivery status logs. See docs/deploy.md, "Runbook: Delivery failures".',
    metric: notificationsFailed(topic),
    ...atLeast(1),
  });
}

/** The topic's notifications SNS could not deliver, summed over an hour: what `NotificationsFailed` watches. */
export function notificationsFailed(topic: sns.ITopic, label?: string): cloudwatch.Metric {
  return topic.metricNumberOfNotificationsFailed({
    period: Duration.hours(1),
    statistic: 'Sum',
    ...(label !== undefined && { label }),
  });
}
