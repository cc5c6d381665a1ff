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
 *
 * Here: {@link addHygieneAlarms}, which creates the groups in a stable order and wires each alarm to the action, and
 * the alarms' public names, re-exported from their parts in `hygiene-alarms/` so their importers need not know them:
 * the options (`options.ts`), the run metrics, how the alarms watch them and the at-least shape
 * (`run-metrics.ts`), what a description points at (`descriptions.ts`), the functions' errors
 * (`function-errors.ts`), the dead-letter queue (`dead-letters.ts`) and the sends to it that failed
 * (`dead-letter-delivery.ts`), what the last run reported (`run-alarms.ts`), failures counted per run
 * (`failure-counts.ts`), owner reach (`owner-reach.ts`), admin reach (`admin-reach.ts`), the heartbeats
 * (`heartbeats.ts`) and the notification topic's failed deliveries (`delivery-failures.ts`).
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { adminReachAlarms } from './hygiene-alarms/admin-reach';
import { deadLetterDeliveryAlarms } from './hygiene-alarms/dead-letter-delivery';
import { deadLetterAlarms } from './hygiene-alarms/dead-letters';
import { deliveryFailureAlarm } from './hygiene-alarms/delivery-failures';
import { failureCountAlarms } from './hygiene-alarms/failure-counts';
import { functionErrorAlarms } from './hygiene-alarms/function-errors';
import { heartbeatAlarms } from './hygiene-alarms/heartbeats';
import type { HygieneAlarmsOptions } from './hygiene-alarms/options';
import { reachAlarms } from './hygiene-alarms/owner-reach';
import { runAlarms } from './hygiene-alarms/run-alarms';

export {
  deadLetterSendFailures,
  destinationDeliveryFailures,
  scheduleGroups,
} from './hygiene-alarms/dead-letter-delivery';
export { deadLetterArrivals, deadLetterDepth, oldestMessageAge } from './hygiene-alarms/dead-letters';
export { notificationsFailed } from './hygiene-alarms/delivery-failures';
export { alarmTableRow, deploymentFlags } from './hygiene-alarms/descriptions';
export type { RunMetricSource } from './hygiene-alarms/failure-counts';
export { failureCountAlarm } from './hygiene-alarms/failure-counts';
export { functionErrors } from './hygiene-alarms/function-errors';
export type { HygieneAlarmsOptions } from './hygiene-alarms/options';
export { atLeast, RUN_WATCH, runMetric } from './hygiene-alarms/run-metrics';

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
