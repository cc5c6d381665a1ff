/**
 * What the last run reported (each run's own figure, the state held between runs) and a notice waiting too long in
 * the outbox: the alarms on the sweep's, the reconciler's and the notifier's run results.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { NOTIFIER_METRIC, RECONCILER_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { deploymentFlags } from './descriptions';
import type { HygieneAlarmsOptions } from './options';
import { AT_LEAST_ONE, RUN_WATCH, runMetric } from './run-metrics';

/**
 * What the last run reported: guard tripped (deletions held back), invalid records, transitions too large to write
 * (stuck credentials), the subscription quota reached, a rejected scheduled time (each run's own figure,
 * `RUN_WATCH.lastRun`: the state follows the latest run's datapoint and holds between runs, missing data ignored, so
 * the first run that finds the problem gone clears it, the same hour too), a notice waiting too long (each drain's).
 */
export function runAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
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
