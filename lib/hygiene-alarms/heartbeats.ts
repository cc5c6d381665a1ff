/**
 * Silence as the failure: the scheduled jobs' heartbeats (`SweepHeartbeat`, `NotifierHeartbeat`,
 * `ReconcilerHeartbeat`), each only where its window is given (lib/heartbeat-windows.ts).
 */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { NOTIFIER_METRIC, RECONCILER_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { alarmTableRow } from './descriptions';
import type { HygieneAlarmsOptions } from './options';
import { RUN_WATCH, runMetric } from './run-metrics';

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
export function heartbeatAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
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
