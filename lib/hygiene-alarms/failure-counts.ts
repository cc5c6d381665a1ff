/**
 * Failures a run counts but survives (store errors, refused subscription operations, failed writes, an unpublished
 * admin run summary, held-back opt-outs): alarms on any in an hour, and the shape of every such alarm, the relay's too.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { NOTIFIER_METRIC, RECONCILER_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { alarmTableRow } from './descriptions';
import type { HygieneAlarmsOptions } from './options';
import { atLeast, RUN_WATCH, runMetric } from './run-metrics';

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
export function failureCountAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
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
 * that notifies again (one within the hour does not). The shape of every such alarm, the relay's too (lib/owner-email-relay/alarms.ts).
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
