/**
 * The run metrics as the handlers emit them and how the alarms watch them (statistic and period), and the shape of
 * an alarm on any datapoint at or over a threshold: shared by every alarm group, the relay's and the dashboard, so an
 * alarm and the graph it sends an operator to read the same datapoints.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

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

/** An alarm on any datapoint at or over 1 in one period: {@link atLeast} without its missing-data policy. */
export const AT_LEAST_ONE = {
  threshold: 1,
  evaluationPeriods: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
} as const;

/** An alarm on any datapoint at or over `threshold` in one period, a period without data not breaching. */
export function atLeast(threshold: number) {
  return { ...AT_LEAST_ONE, threshold, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
}
