/**
 * The operational alarms of a `CredentialHygiene` worker (runbook: docs/deploy.md,
 * "Operations"). Each alarm's missing-data policy follows its metric: run
 * metrics are emitted once per run, so between runs an alarm keeps the state of
 * the last run (`IGNORE`); the heartbeats are the exception — there, silence is
 * the failure (`BREACHING`); failures counted per run (store errors, refused
 * subscription operations, failed writes, an admin run summary not published,
 * opt-outs the mass-unsubscribe guard held back) alarm on any in an hour, and
 * return to OK in an hour without one, so a later one notifies again (one
 * within that hour does not: the alarm is still in ALARM). The owner-reach alarms
 * (docs/deploy.md, "Runbook: Unreachable owners" and the two after it) watch
 * whether owner notices can reach a person; `NoAdminSubscription` whether admin
 * notices can (the notification topic's admin subscriptions, counted by each
 * reconciler run: the alarm topic watches the admins' channel, and the admins'
 * reports cover nothing of the alarm topic's), and `WideAdminEmailSubscription`
 * whether an admin email subscription will soon stop hearing (it also receives
 * the owner digests, and SNS suspends it). Each scheduled job has a
 * heartbeat: `SweepHeartbeat`, `NotifierHeartbeat` and `ReconcilerHeartbeat`
 * (without the last, a reconciler that stops running would leave
 * `NoAdminSubscription` in its last state and nothing would fire). Each description, the text the alarm email
 * carries, ends with the section to follow: the alarm's runbook in docs/deploy.md, else the section that says what to
 * do (docs/deploy.md, "Operations: alarms and the dashboard" and the alarm's row there, {@link alarmTableRow}, or the
 * doc of the rule the alarm is about). A command a description gives names this deployment's stack and Region
 * ({@link deploymentFlags}), so it pastes as is.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { NOTIFIER_METRIC, RECONCILER_METRIC, SWEEP_METRIC } from '../lambdas/handlers/metric-names';
import { UNREACHABLE_REASONS } from '../lambdas/hygiene/owner-directory';
import type { DeadLetterQueueSenders } from './dead-letter-queue';
import type { HygieneFunction } from './hygiene-function';

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

/** A run metric as the handlers emit it (Powertools adds the `service` dimension). */
export function runMetric(
  namespace: string,
  serviceName: string,
  metricName: string,
  options: { statistic?: string; period?: Duration; label?: string } = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { service: serviceName },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? Duration.hours(1),
    ...(options.label !== undefined && { label: options.label }),
  });
}

/**
 * How the alarms watch the run metrics (statistic and period). The dashboard draws each alarm's metric with the same
 * one (lib/hygiene-dashboard.ts), so the graph an alarm sends an operator to shows the datapoints it fired on.
 */
export const RUN_WATCH = {
  /**
   * The last run's own figure, the largest in 5 minutes: what the alarms that keep the state of the last run (missing
   * data ignored) read of a figure each run emits once, when it ends. The sweep's `GuardTripped`, `InvalidRecords`,
   * `TransitionsTooLarge`, `SweepUnreachableOwners` and `DirectoryUnusable` (each sweep that reports: the scheduled
   * one, an aborted one and its retries, an operator's acting CLI sweep; not a dry run), `ScheduledTimeRejected`
   * (each invocation of the sweep function, refused or not; not the CLI's sweep) and the reconciler's
   * `SubscriptionQuotaExceeded` (each run that gets to plan: finished, or stopped by the quota or its time budget).
   * The state follows the latest run's datapoint and holds until the next run's, however far apart the runs are, so the
   * first run that finds the problem gone clears it, the same hour too (docs/deploy.md, "Operations: alarms and the
   * dashboard"). Runs can overlap (the schedule and an operator's sweep, a manual reconciler invocation) or follow
   * closely (a retry): two that end within 5 minutes of each other may share a datapoint, the larger counts, and the
   * next run decides. Not an hour or a day: the period's largest would keep a bad run's 1 through a clean run after
   * it, and then (missing data ignored) until the next run, for a daily sweep the next day. Not a minute: EMF log
   * delivery may land late.
   */
  lastRun: { statistic: 'Maximum', period: Duration.minutes(5) },
  /**
   * Counted per run, summed over an hour: failures, the drains' reports, completed sweeps and reconciler runs
   * (SweepHeartbeat, ReconcilerHeartbeat).
   */
  perHour: { statistic: 'Sum', period: Duration.hours(1) },
  /**
   * A figure the runs report, the largest in an hour: `EmailSubscriptionsWithOwnerDigests` (WideAdminEmailSubscription,
   * missing data not breaching: an hour without a reconciler run is no news, and a later run that still finds one
   * notifies again) and the dashboard's figures without an alarm (the reconciler's subscription counts, the drains'
   * reach unverified).
   */
  largestInAnHour: { statistic: 'Maximum', period: Duration.hours(1) },
  /**
   * The last run's own count, the fewest in 5 minutes: `lastRun` for a problem that is a count too low. The
   * reconciler's `AdminSubscriptions` (NoAdminSubscription, missing data ignored), which each reconciler run that
   * lists the topic emits once, when it ends (a finished run, a quota stop, a refused empty directory; not a run its
   * time budget stopped while listing, nor an operator's `owners sync-subscriptions`, which emits no metric), and the
   * dashboard's `AlarmTopicSubscriptions` beside it (each sweep's, no alarm). The state follows the latest run's
   * datapoint and holds until the next run's, so the first run that counts a subscription again clears it, the same
   * hour too: the scheduled one or one invoked by hand (docs/deploy.md, "Runbook: No admin subscription"). Two runs
   * that end within 5 minutes of each other (the schedule and a hand-invoked run) may share a datapoint: the fewer
   * counts, and the next run decides. Not an hour: the hour's fewest would keep a run's 0 through a later run of that
   * hour that counts one, and then (missing data ignored) until the next run, with a sparse `reconcilerSchedule`
   * hours later.
   */
  lastRunFewest: { statistic: 'Minimum', period: Duration.minutes(5) },
  /** Of `OldestPendingNoticeAgeSeconds`: the oldest pending notice, the largest in 15 minutes. */
  oldestPending: { statistic: 'Maximum', period: Duration.minutes(15) },
  /**
   * Of `OldestPendingNoticeAgeSeconds`: the drains that reported in an hour (every drain emits it once), the
   * notifier's heartbeat.
   */
  drainsReporting: { statistic: 'SampleCount', period: Duration.hours(1) },
} as const;

const AT_LEAST_ONE = {
  threshold: 1,
  evaluationPeriods: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
} as const;

/** An alarm on any datapoint at or over `threshold` in one period, a period without data not breaching. */
export function atLeast(threshold: number) {
  return { ...AT_LEAST_ONE, threshold, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
}

/**
 * The flags aiming a description's `pc-hygiene` commands at this deployment, so each pastes as is: `--stack` with the
 * stack's name and `--region` with its Region (a stack is found in its own Region only). Either may be a token
 * (the Region of a stack whose environment is not fixed at synth): CloudFormation puts the value in at deploy.
 */
export function deploymentFlags(scope: Construct): string {
  const stack = Stack.of(scope);
  return `--stack ${stack.stackName} --region ${stack.region}`;
}

/** Creates the alarms; returns them in a stable order, each notifying `options.action`. */
export function addHygieneAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
  const alarms = [
    ...functionErrorAlarms(scope, options.functions),
    ...deadLetterAlarms(scope, options.deadLetterQueue),
    ...deadLetterDeliveryAlarms(scope, options.deadLetterSenders),
    ...runAlarms(scope, options),
    ...failureCountAlarms(scope, options),
    ...reachAlarms(scope, options),
    ...adminReachAlarms(scope, options),
    ...heartbeatAlarms(scope, options),
    deliveryFailureAlarm(scope, options.topic),
  ];
  for (const alarm of alarms) alarm.addAlarmAction(options.action);
  return alarms;
}

/**
 * Where a function's `<Function>Errors` alarm sends its reader: the sweep's runbook, else its alarm table row
 * ({@link alarmTableRow}).
 */
const FUNCTION_ERRORS_SECTION: Readonly<Record<string, string>> = {
  Sweep: 'docs/deploy.md, "Runbook: Sweep errors"',
};

/**
 * Where a description sends the reader of an alarm without a runbook whose alarm table row says what to do: that
 * row, named by the alarm's id (the table's first column), so the reader finds it among the table's rows.
 */
export function alarmTableRow(alarmId: string): string {
  return `docs/deploy.md, "Operations: alarms and the dashboard", the ${alarmId} row`;
}

/** One per function: it failed (its log group has the error). */
function functionErrorAlarms(scope: Construct, functions: readonly HygieneFunction[]): cloudwatch.Alarm[] {
  return functions.map(
    (fn) =>
      new cloudwatch.Alarm(scope, `${fn.node.id}Errors`, {
        alarmDescription: `The ${fn.node.id.toLowerCase()} function failed: its log group has the error. See ${
          FUNCTION_ERRORS_SECTION[fn.node.id] ?? alarmTableRow(`${fn.node.id}Errors`)
        }.`,
        metric: functionErrors(fn),
        ...atLeast(1),
      }),
  );
}

/** A function's errors, summed over 15 minutes: what its `<Function>Errors` alarm watches, and the dashboard shows. */
export function functionErrors(fn: HygieneFunction, label?: string): cloudwatch.Metric {
  return fn.function.metricErrors({
    period: Duration.minutes(15),
    statistic: 'Sum',
    ...(label !== undefined && { label }),
  });
}

/**
 * The dead-letter queue: anything in it (its depth), and anything arriving. The
 * depth stays at 1 while one message waits its 14 days, so that alarm stays in
 * alarm and says nothing of a second failure; `NumberOfMessagesSent` counts each
 * message sent to the queue — EventBridge Scheduler's and Lambda's on-failure
 * destination both send directly (SQS's own redrive from a source queue would not
 * count, but nothing redrives into this queue) — so a new arrival alarms again.
 */
function deadLetterAlarms(scope: Construct, queue: sqs.IQueue): cloudwatch.Alarm[] {
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

/**
 * A failure the dead-letter queue should have kept and did not: Lambda could not send a function's failed
 * invocation to its on-failure destination (`DestinationDeliveryFailures`, by function), or EventBridge Scheduler
 * an undelivered invocation to its dead-letter queue (`InvocationsFailedToBeSentToDeadLetterCount`, by schedule
 * group: its only dimension; the worker's schedules are in the default group, with whatever else of the account's
 * is). A denied send (the queue policy), a deleted queue or an oversized message: the failure is lost, and neither
 * dead-letter alarm sees it. Any in 5 minutes, summed over the senders; no data is no failure.
 */
function deadLetterDeliveryAlarms(scope: Construct, senders: DeadLetterQueueSenders): cloudwatch.Alarm[] {
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

/**
 * Failures a run counts but survives, so no function error shows them: a
 * drain's store errors (a failed lease stops it publishing anything; a failed
 * mark after a publish sends those events again), subscription operations
 * SNS refused or a failed directory re-read stopped (the owner stays
 * unsubscribed or pending, unnoticed until they have events), a sweep's
 * failed writes (up to `maxWriteFailures` the run still completes, so the
 * heartbeat is content; the same credential can fail every day), an admin run
 * summary not published (the scheduled sweep's, or an operator's CLI run whose
 * report the topic refused: the alarm topic still tells the admins, of each
 * such run but one within an hour of the last), and opt-outs the reconciler's mass-unsubscribe guard held back
 * (only a log line would say so). Each run's sum over an hour, missing data not
 * breaching: the alarm returns to OK in the next hour without a run, so a
 * failure that comes back with a later run, after an hour without one,
 * notifies again, where a longer
 * period or ignored missing data would keep it in ALARM and notify once.
 */
function failureCountAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
  const anyInAnHour = (id: string, alarmDescription: string, metricName: string) =>
    failureCountAlarm(scope, id, alarmDescription, options, metricName);
  return [
    anyInAnHour(
      'NotifierStoreErrors',
      `A notifier drain completed with failed table calls (its drain lease, reading items or marking events sent): events stay pending, or a published event not marked is sent again by a later drain. The notifier’s log line "notifier drain summary" has the errors. See ${alarmTableRow('NotifierStoreErrors')}.`,
      NOTIFIER_METRIC.storeErrors,
    ),
    anyInAnHour(
      'SubscriptionOperationsFailed',
      `Subscription operations of the subscription reconciler failed: SNS refused a subscribe, set-filter-policy or unsubscribe (also an unsubscribe withdrawing a subscription just created for an owner who opted out, left or moved meanwhile, except one SNS refuses because it is still pending confirmation: left pending, not a failure), or the owner directory could not be re-read before the creations (none of them made) or after them (the withdrawals not checked). Those owners stay unsubscribed, pending or subscribed until a later run succeeds. A subscribe refused with FilterPolicyLimitExceeded is refused again on every run: the account’s "Filter policies per account" is full; raise it or switch ownerDelivery to relay. The reconciler’s log line "subscription reconciler summary" lists each operation and its error. See ${alarmTableRow('SubscriptionOperationsFailed')}.`,
      RECONCILER_METRIC.failed,
    ),
    anyInAnHour(
      'SweepWriteFailures',
      'A sweep run had writes fail with an error other than a changed credential (throttling, permissions, the table’s KMS key): those credentials’ notices, stale flags or deletions were not made. The next run retries them, and a credential that fails every run never reaches its owner. The admin run summary ("Write failures") and the sweep’s log line "sweep run summary" list each id and error; more than maxWriteFailures aborts the run (SweepErrors too). See docs/sweep.md, "Write failures".',
      SWEEP_METRIC.writeFailures,
    ),
    anyInAnHour(
      'AdminSummaryPublishFailed',
      'The admin run summary of a sweep (scheduled, or an operator’s CLI sweep) could not be published to the notification topic: the admins were not told of that run’s changes. A later unpublished summary notifies again once the alarm is back to OK (an hour without one); one within that hour does not, so read the sweep’s log group for every run since the alarm fired. An operator run: add the caller’s role to operatorPrincipalArns; a scheduled run: the sweep’s log group has the error (admin run summary not published) and the summary. See docs/deploy.md, "Runbook: Admin run summary not published".',
      SWEEP_METRIC.adminSummaryFailed,
    ),
    anyInAnHour(
      'MassUnsubscribeGuardTripped',
      'The subscription reconciler’s mass-unsubscribe guard held back owners’ opt-outs: too many confirmed subscriptions vanished from the topic at once (was it deleted and re-created?). Those owners are recorded none, unreachable (their events go to the admins), and the next run subscribes them again: a confirmation email each. The reconciler’s warning "mass-unsubscribe guard" names them; see docs/deploy.md, "Runbook: Mass-unsubscribe guard".',
      RECONCILER_METRIC.optOutsHeldBack,
    ),
  ];
}

/** Where a worker's run metrics are: their namespace and `service` dimension. */
export interface RunMetricSource {
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

/**
 * A failure counted per run or batch ({@link failureCountAlarms}): alarms on any in an hour (the run metric's hourly
 * sum ≥ 1), missing data not breaching, so it returns to OK an hour without one and a failure that comes back after
 * that notifies again (one within the hour does not). The shape of every such alarm, the relay's too (lib/owner-email-relay.ts).
 */
export function failureCountAlarm(
  scope: Construct,
  id: string,
  alarmDescription: string,
  source: RunMetricSource,
  metricName: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription,
    metric: runMetric(source.metricsNamespace, source.serviceName, metricName, RUN_WATCH.perHour),
    ...atLeast(1),
  });
}

/**
 * What the last run reported: guard tripped (deletions held back), invalid records, transitions too large to write
 * (stuck credentials), the subscription quota reached, a rejected scheduled time (each run's own figure,
 * `RUN_WATCH.lastRun`: the state follows the latest run's datapoint and holds between runs, missing data ignored, so
 * the first run that finds the problem gone clears it, the same hour too), a notice waiting too long (each drain's).
 */
function runAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
  const { metricsNamespace: ns, serviceName: service } = options;
  const lastRun = (id: string, alarmDescription: string, metricName: string) =>
    new cloudwatch.Alarm(scope, id, {
      alarmDescription,
      metric: runMetric(ns, service, metricName, RUN_WATCH.lastRun),
      ...AT_LEAST_ONE,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
  const target = deploymentFlags(scope);
  return [
    lastRun(
      'GuardTripped',
      `The blast-radius guard held back the last sweep’s deletions: review the admin run summary, then fix the data or approve them once: pc-hygiene guard approve ${target} --max-deletes N --reason TEXT (with --enforce while the deployment is in audit), then sweep right away: pc-hygiene sweep ${target} (an approval left to the next scheduled run, which plans more by then, is not used). The first sweep that holds no deletion back clears the alarm: that sweep, if the approval covers its deletions. See docs/sweep.md, "The blast-radius guard".`,
      SWEEP_METRIC.guardTripped,
    ),
    lastRun(
      'InvalidRecords',
      'The last sweep found invalid credential records (never acted on): the admin run summary lists each id and what is wrong; fix each record, and the alarm clears at the first sweep that finds none (the scheduled one or an operator’s, not a dry run). See docs/rules.md, "Invalid records".',
      SWEEP_METRIC.invalid,
    ),
    lastRun(
      'TransitionsTooLarge',
      'The last sweep had transitions DynamoDB refused because they would take the credential past its 400 KB item limit: those credentials are stuck (no notice, flag or deletion) and refused again every run until the item shrinks. The admin run summary ("Too large to update") and the sweep’s log line "sweep run summary" name each id. The first sweep that has none clears the alarm. See docs/deploy.md, "Runbook: Transitions too large".',
      SWEEP_METRIC.tooLarge,
    ),
    lastRun(
      'SubscriptionQuotaExceeded',
      'The subscription reconciler stopped at the filter-policy quota: the owners need more filter policies than the topic’s quota less the one it keeps free (for the relay queue’s subscription when switching to relay, or a new admin address), so it subscribed only the new owners that fit (first by userId) and left the others without a subscription (unreachable: their events go to the admins). The first run the quota does not stop clears the alarm. Raise "Filter policies per topic" in Service Quotas and set filterPolicyQuota to the new value, or switch ownerDelivery to relay (docs/deploy.md, "Owner subscriptions: the SNS quota, and when to switch to relay").',
      RECONCILER_METRIC.quotaExceeded,
    ),
    lastRun(
      'ScheduledTimeRejected',
      'The sweep refused an invocation whose scheduled time was too far from the wall clock: someone invoked it directly with a forged time, or the clock/schedule is wrong. The next invocation that accepts its time (the scheduled sweep) clears the alarm. See docs/deploy.md, "Runbook: Scheduled time rejected".',
      SWEEP_METRIC.scheduledTimeRejected,
    ),
    new cloudwatch.Alarm(scope, 'OldestPendingNoticeTooOld', {
      alarmDescription: `An owner notice has waited more than ${options.pendingNoticeMaxAge.toHumanString()} in the outbox: is SNS failing or the notifier failing? ${
        options.notifierHeartbeatWindow !== undefined
          ? '(A notifier that does not run at all: NotifierHeartbeat.)'
          : '(A notifier that does not run at all reports nothing: this deployment has no NotifierHeartbeat, its schedule leaves more between runs than an alarm can watch.)'
      } Or a malformed outbox entry (a hand edit): never sent nor removed, it keeps this alarm on until an operator repairs or removes it; the notifier's log line "notifier drain summary" names its credential in summary.malformedItems (MalformedOutboxEvents counts them). See docs/deploy.md, "Runbook: Oldest pending notice".`,
      metric: runMetric(ns, service, NOTIFIER_METRIC.oldestPendingAge, RUN_WATCH.oldestPending),
      threshold: options.pendingNoticeMaxAge.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    }),
  ];
}

/**
 * Owner reach (docs/notifications.md, "Owner reach"): the notifier reported
 * owners' events to the admins because the owners cannot be reached, or found
 * outbox events addressed to someone other than their credential's owner (each
 * drain's sum over an hour; an hour without drains is no news); the last sweep
 * forecast unreachable owners, or could not use the owner directory
 * (`RUN_WATCH.lastRun`: each alarm follows the latest sweep's datapoint, and
 * missing data is ignored, so the state holds between sweeps and the next sweep
 * that finds the problem gone clears it; a sweep that fails before it reports
 * changes nothing: `SweepErrors` and the heartbeat cover missing runs).
 */
function reachAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
  const { metricsNamespace: ns, serviceName: service } = options;
  const alarm = (
    id: string,
    alarmDescription: string,
    metricName: string,
    watch: (typeof RUN_WATCH)['perHour' | 'lastRun'],
    missing: cloudwatch.TreatMissingData,
  ) =>
    new cloudwatch.Alarm(scope, id, {
      alarmDescription,
      metric: runMetric(ns, service, metricName, watch),
      ...AT_LEAST_ONE,
      treatMissingData: missing,
    });
  const { NOT_BREACHING, IGNORE } = cloudwatch.TreatMissingData;
  const target = deploymentFlags(scope);
  return [
    alarm(
      'UnreachableOwners',
      `The notifier could not deliver owners’ notices to the owners (${UNREACHABLE_REASONS.join(', ')}): their events went to the admins’ owner-unreachable report, which names them. pc-hygiene owners list --unreachable ${target} judges on the directory’s recorded states (refreshed by the reconciler’s schedule); pc-hygiene notify --dry-run ${target} shows what the next drain decides (on sns-email it lists the topic’s subscriptions, as the drain does). See docs/deploy.md, "Runbook: Unreachable owners".`,
      NOTIFIER_METRIC.unreachableOwners,
      RUN_WATCH.perHour,
      NOT_BREACHING,
    ),
    alarm(
      'MismatchedOwnerEvents',
      'The notifier found outbox events addressed to someone other than their credential’s owner (forged or corrupted): sent to no owner, listed as invalid in the admins’ report. See docs/deploy.md, "Runbook: Events addressed to another owner".',
      NOTIFIER_METRIC.mismatchedEvents,
      RUN_WATCH.perHour,
      NOT_BREACHING,
    ),
    alarm(
      'SweepUnreachableOwners',
      `The last sweep queued events for owners the owner directory says cannot be reached: the admin run summary names them and why. Run pc-hygiene owners list --unreachable ${target}. The next sweep that finds none clears it. See docs/deploy.md, "Runbook: Unreachable owners".`,
      SWEEP_METRIC.unreachableOwners,
      RUN_WATCH.lastRun,
      IGNORE,
    ),
    alarm(
      'DirectoryUnusable',
      'The last sweep could not use the owner directory (never imported, empty, stale, ahead of the run’s now, or unreadable): nothing is orphaned and owner reach may go unchecked until it is usable again, usually re-imported with pc-hygiene owners import --as-of (ahead: fix the run’s --now or the importer’s clock). The next sweep that can use it clears it (docs/deploy.md, "Runbook: Owner directory unusable").',
      SWEEP_METRIC.directoryUnusable,
      RUN_WATCH.lastRun,
      IGNORE,
    ),
  ];
}

/**
 * The admins' reach on the notification topic (docs/notifications.md, "Subscription reconciler", "Admin reach"), as
 * each reconciler run counts it: none of its subscriptions delivers every admin message ({@link noAdminSubscription}),
 * or an email one that admits them also receives the owner digests ({@link wideAdminEmailSubscription}). On the alarm
 * topic like every alarm, so the two channels watch each other: the admins' reports cannot say that their own
 * subscriptions are gone or going, and these alarms do.
 */
function adminReachAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
  return [noAdminSubscription(scope, options), wideAdminEmailSubscription(scope, options)];
}

/**
 * No subscription of the notification topic delivers every admin message: each reconciler run's own
 * `AdminSubscriptions` (the fewest in 5 minutes, `RUN_WATCH.lastRunFewest`), below 1.
 *
 * Missing data is ignored: the count is a standing state that a run reports (hourly by default, `reconcilerSchedule`
 * may space runs further), so the time between runs neither clears a topic without admins (it stays in ALARM until
 * a run counts one again, and the first that does clears it, the same hour too) nor raises a false one on a healthy
 * topic, as breaching would at every gap between runs. A reconciler that fails before listing the topic reports no
 * count: `ReconcilerErrors` covers that, and an invocation Scheduler could not deliver lands in the dead-letter queue
 * (its alarms); a reconciler that is never invoked (its schedule disabled, the function deleted) reports nothing at
 * all: `ReconcilerHeartbeat` fires.
 */
function noAdminSubscription(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'NoAdminSubscription', {
    alarmDescription:
      'No confirmed subscription of the notification topic receives every admin message (a filter {"audience": ["admin"]}, or none): the subscription reconciler’s last run counted 0. SNS drops every admin run summary, guard trip and owner-unreachable report, and nothing on that topic can say so. Subscribe an admin address to the notification topic again with that filter and confirm it with authentication. The first reconciler run that counts one clears the alarm, the scheduled one or one invoked by hand (the CLI’s owners sync-subscriptions emits no metric). See docs/deploy.md, "Runbook: No admin subscription".',
    metric: runMetric(
      options.metricsNamespace,
      options.serviceName,
      RECONCILER_METRIC.adminSubscriptions,
      RUN_WATCH.lastRunFewest,
    ),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.IGNORE,
  });
}

/**
 * An email subscription of the notification topic admits every admin message but also the owner digests (no filter
 * policy, or `{"audience":["admin","owner"]}`): each reconciler run's `EmailSubscriptionsWithOwnerDigests`, the
 * largest in an hour, at 1 or more. SNS suspends an email endpoint sent more than 10 messages a second, as a drain
 * with more than about 10 owners' digests does, so that address stops hearing the admins' notices. It is not counted
 * in `AdminSubscriptions` (`NoAdminSubscription` fires when nothing else is); this alarm fires even while another
 * subscription counts. Missing data not breaching: an hour without a run is no news, and a later run that still
 * finds one notifies again.
 */
function wideAdminEmailSubscription(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'WideAdminEmailSubscription', {
    alarmDescription:
      'An email subscription of the notification topic receives every admin message and also every owner digest (no filter policy, or {"audience": ["admin", "owner"]}): SNS suspends an email endpoint sent more than 10 messages a second, as a drain with more than about 10 owners does, so that address will stop receiving the admin notices (back to PendingConfirmation; SNS deletes it 48 hours later). It is not counted as an admin subscription. Narrow its filter policy to {"audience":["admin"]}: see docs/deploy.md, "Runbook: Wide admin email subscription".',
    metric: runMetric(
      options.metricsNamespace,
      options.serviceName,
      RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests,
      RUN_WATCH.largestInAnHour,
    ),
    ...atLeast(1),
  });
}

/**
 * Silence as the failure: fires when every hour of `hours` has no datapoint of
 * `metric` (hourly; missing data breaches). The heartbeats below.
 */
function silenceAlarm(
  scope: Construct,
  id: string,
  alarmDescription: string,
  metric: cloudwatch.IMetric,
  hours: number,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription,
    metric,
    threshold: 1,
    evaluationPeriods: hours,
    datapointsToAlarm: hours,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
}

/** The heartbeats whose windows are given (a schedule no alarm can watch has none: lib/heartbeat-windows.ts). */
function heartbeatAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
  const { heartbeatWindow, notifierHeartbeatWindow, reconcilerHeartbeatWindow } = options;
  return [
    ...(heartbeatWindow !== undefined ? [heartbeatAlarm(scope, options, heartbeatWindow)] : []),
    ...(notifierHeartbeatWindow !== undefined
      ? [notifierHeartbeatAlarm(scope, options, notifierHeartbeatWindow)]
      : []),
    ...(reconcilerHeartbeatWindow !== undefined
      ? [reconcilerHeartbeatAlarm(scope, options, reconcilerHeartbeatWindow)]
      : []),
  ];
}

/**
 * No sweep completed within the window: a disabled schedule, a permissions
 * error, a crashing function or runs that never finish all look like silence.
 * Hourly sums of `SweepCompleted`; every hour of the window without a
 * completion (missing data included) breaches.
 */
function heartbeatAlarm(scope: Construct, options: HygieneAlarmsOptions, window: Duration): cloudwatch.Alarm {
  const hours = window.toHours();
  return silenceAlarm(
    scope,
    'SweepHeartbeat',
    `No sweep has completed in the last ${hours} hours: is the schedule disabled, the function failing or every run incomplete? See docs/deploy.md, "Runbook: Heartbeat".`,
    runMetric(options.metricsNamespace, options.serviceName, SWEEP_METRIC.completed, RUN_WATCH.perHour),
    hours,
  );
}

/**
 * No drain has reported for as long as a notice may wait (`pendingNoticeMaxAge`,
 * whole hours, at least what the notifier's longest gap needs:
 * lib/heartbeat-windows.ts): every drain emits the oldest pending notice's
 * age, so silence means the notifier is not running (schedule disabled, or
 * every invocation failing before it reports) and `OldestPendingNoticeTooOld`,
 * which needs a drain's figure, cannot fire.
 */
function notifierHeartbeatAlarm(
  scope: Construct,
  options: HygieneAlarmsOptions,
  window: Duration,
): cloudwatch.Alarm {
  const hours = window.toHours();
  return silenceAlarm(
    scope,
    'NotifierHeartbeat',
    `No notifier drain has reported in the last ${hours} hours: is its schedule disabled or every run failing? Notices may be waiting unseen. See ${alarmTableRow('NotifierHeartbeat')}.`,
    runMetric(
      options.metricsNamespace,
      options.serviceName,
      NOTIFIER_METRIC.oldestPendingAge,
      RUN_WATCH.drainsReporting,
    ),
    hours,
  );
}

/**
 * No subscription reconciler run completed within the window (default 3 hours, at least what `reconcilerSchedule`
 * needs: lib/heartbeat-windows.ts): a disabled schedule, a deleted function, a role that fails every run, a run
 * stopped every time by the filter-policy quota or its time budget (`ReconcilerIncomplete`), or refusing an empty
 * owner directory. Owner subscriptions are then
 * neither created nor repaired, and `NoAdminSubscription`, whose missing data is ignored, keeps its last state.
 * Hourly sums of `ReconcilerCompleted` (1 a finished run, 0 a quota stop or a run its time budget stopped); every hour of the window without a
 * completion (missing data included) breaches.
 */
function reconcilerHeartbeatAlarm(
  scope: Construct,
  options: HygieneAlarmsOptions,
  window: Duration,
): cloudwatch.Alarm {
  const hours = window.toHours();
  return silenceAlarm(
    scope,
    'ReconcilerHeartbeat',
    `No subscription reconciler run has completed in the last ${hours} hours: is its schedule disabled, the function failing, or every run stopped by the filter-policy quota (SubscriptionQuotaExceeded), its time budget (ReconcilerIncomplete: raise reconcilerTimeout) or an empty owner directory? Owner subscriptions are neither created nor repaired, and NoAdminSubscription keeps its last state. See docs/deploy.md, "Runbook: Reconciler heartbeat".`,
    runMetric(options.metricsNamespace, options.serviceName, RECONCILER_METRIC.completed, RUN_WATCH.perHour),
    hours,
  );
}

/** SNS could not deliver a notification to a subscriber (after SNS's own retries). */
function deliveryFailureAlarm(scope: Construct, topic: sns.ITopic): cloudwatch.Alarm {
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
