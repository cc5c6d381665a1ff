/**
 * What `addHygieneAlarms` is given (lib/hygiene-alarms.ts): the resources its alarms watch, where the run metrics
 * are, the thresholds and heartbeat windows, and the action every alarm notifies. One shape every alarm group reads.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { DeadLetterQueueSenders } from '../dead-letter-queue';
import type { HygieneFunction } from '../hygiene-function';

/** What the alarms watch and where they notify. */
export interface HygieneAlarmsOptions {
  readonly functions: readonly HygieneFunction[];
  readonly deadLetterQueue: sqs.IQueue;
  /** What sends to the dead-letter queue: a failed send of theirs alarms. */
  readonly deadLetterSenders: DeadLetterQueueSenders;
  /** The notification topic: its failed deliveries alarm. */
  readonly topic: sns.ITopic;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  /** How long a notice may wait (whole hours): the oldest-pending-notice alarm's threshold. */
  readonly pendingNoticeMaxAge: Duration;
  /**
   * The heartbeat alarm fires when no sweep has completed for this long (whole hours, at most 168).
   * @default - no `SweepHeartbeat`: the sweep's schedule leaves more between runs than an alarm can watch
   * (lib/heartbeat-windows.ts)
   */
  readonly heartbeatWindow?: Duration;
  /**
   * The notifier's heartbeat fires when no drain has reported for this long (whole hours, at most 168; the
   * `pendingNoticeMaxAge` it was checked as).
   * @default - no `NotifierHeartbeat`, as above
   */
  readonly notifierHeartbeatWindow?: Duration;
  /**
   * The reconciler's heartbeat fires when no subscription reconciler run has completed for this long (whole hours,
   * at most 168).
   * @default - no `ReconcilerHeartbeat`, as above
   */
  readonly reconcilerHeartbeatWindow?: Duration;
  readonly action: cloudwatch.IAlarmAction;
}
