/**
 * The admins' reach on the notification topic (docs/notifications.md, "Admin reach"), as each reconciler run counts
 * it: no subscription that delivers every admin message, or an email one that also receives the owner digests.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import type { HygieneAlarmsOptions } from './options';
import { atLeast, RUN_WATCH, runMetric } from './run-metrics';

/**
 * The admins' reach on the notification topic (docs/notifications.md, "Subscription reconciler", "Admin reach"), as
 * each reconciler run counts it: none of its subscriptions delivers every admin message ({@link noAdminSubscription}),
 * or an email one that admits them also receives the owner digests ({@link wideAdminEmailSubscription}). On the alarm
 * topic like every alarm, so the two channels watch each other: the admins' reports cannot say that their own
 * subscriptions are gone or going, and these alarms do.
 */
export function adminReachAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
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
