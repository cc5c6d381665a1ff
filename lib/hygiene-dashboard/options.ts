/**
 * What the dashboard is given (lib/hygiene-dashboard.ts): the worker's functions, queues and topics whose metrics
 * it draws, and the `relay` route's parts when that route is deployed. Types only: every row reads them.
 */
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { DeadLetterQueueSenders } from '../dead-letter-queue';
import type { HygieneFunction } from '../hygiene-function';

/** The parts of the `relay` route the dashboard shows (an `OwnerEmailRelay` fits). */
export interface DashboardRelay {
  readonly relayFunction: HygieneFunction;
  readonly sesEventsFunction: HygieneFunction;
  /** The relay queue: the age of its oldest digest (the `OldestDigestTooOld` alarm's metric). */
  readonly queue: sqs.IQueue;
  /** The relay queue's own dead-letter queue: its depth, and its oldest digest's age (`RelayDeadLetterExpiring`). */
  readonly deadLetterQueue: sqs.IQueue;
  /** The topic SES publishes bounces and complaints to: what it could not deliver (`SesEventsNotificationsFailed`). */
  readonly sesEventsTopic: sns.ITopic;
  /**
   * Where SNS keeps the SES events it could not deliver to the SES events function (`SesEventsDeadLetterMessages`).
   */
  readonly sesEventsDeadLetterQueue: sqs.IQueue;
  /**
   * Where SNS keeps the owner digests it could not deliver to the relay queue
   * (`RelaySubscriptionDeadLetterMessages`).
   */
  readonly relaySubscriptionDeadLetterQueue: sqs.IQueue;
}

/** What the dashboard shows. */
export interface HygieneDashboardOptions {
  readonly sweep: HygieneFunction;
  readonly notifier: HygieneFunction;
  /** The subscription reconciler: its own row (owner subscriptions against the quota, admin subscriptions). */
  readonly reconciler?: HygieneFunction;
  /**
   * Whether each sweep counts the alarm topic's confirmed subscriptions (`AlarmTopicSubscriptions`, drawn beside the
   * admin subscriptions): the worker has an alarm topic (alarms on). Without one the sweep gets no `ALARM_TOPIC_ARN`
   * and counts nothing, so the line would stay empty: it is not drawn.
   */
  readonly sweepCountsAlarmTopic: boolean;
  /**
   * The `relay` route, when deployed: the owner reach row shows SES bounces and
   * complaints (and the SES events not delivered, not kept, not read or not attributed), the relay queue's oldest
   * digest and the relay's failed records (those out of time, and those given up on, apart), and the errors graph its
   * two functions and its three dead-letter queues (the relay queue's, the SES events subscription's, the relay
   * queue's subscription's).
   */
  readonly relay?: DashboardRelay;
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * What sends to `deadLetterQueue`: what each failed to send there is shown beside it (the
   * `FunctionDeadLetterDeliveryFailed` and `ScheduleDeadLetterDeliveryFailed` alarms' metrics).
   */
  readonly deadLetterSenders: DeadLetterQueueSenders;
  /**
   * The notification topic: its failed deliveries are shown with the owner notices (the `NotificationsFailed`
   * alarm's metric).
   */
  readonly topic: sns.ITopic;
  readonly metricsNamespace: string;
  readonly serviceName: string;
}
