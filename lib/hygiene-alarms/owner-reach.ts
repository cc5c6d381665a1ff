/**
 * Owner reach (docs/notifications.md, "Owner reach"): whether owner notices can reach a person, as the notifier's
 * drains and the last sweep report it.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { NOTIFIER_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { UNREACHABLE_REASONS } from '../../lambdas/hygiene/owner-directory';
import { deploymentFlags } from './descriptions';
import type { HygieneAlarmsOptions } from './options';
import { AT_LEAST_ONE, RUN_WATCH, runMetric } from './run-metrics';

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
export function reachAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
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
