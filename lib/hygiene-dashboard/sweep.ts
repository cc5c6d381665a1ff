/**
 * The sweeps' rows of the dashboard (lib/hygiene-dashboard.ts): the transitions planned and applied per day, and how
 * each sweep went (its findings, run status and duration), each line at its alarm's period.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ACTION_METRICS, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { RUN_WATCH } from '../hygiene-alarms';
import { graph, type RunMetric } from './graph';

/** What the sweeps planned and applied, per action type. */
export function transitionWidgets(m: RunMetric): cloudwatch.IWidget[] {
  return [
    graph(
      'Planned transitions per day',
      ACTION_METRICS.map((a) => m(a.planned, { label: a.type })),
      { stacked: true, width: 12 },
    ),
    graph(
      'Applied transitions per day',
      ACTION_METRICS.map((a) => m(a.applied, { label: a.type })),
      { stacked: true, width: 12 },
    ),
  ];
}

/**
 * How each sweep went: records scanned beside each sweep's own findings (invalid records, deletions held back by the
 * guard, transitions too large, a scheduled time rejected: the largest in 5 minutes, as their alarms read them,
 * `RUN_WATCH.lastRun`; a run that resumed a checkpoint counts invalid records and transitions too large over its pass
 * so far, docs/sweep.md, "Time budget and checkpoint"), its status, duration.
 */
export function sweepHealthWidgets(m: RunMetric): cloudwatch.IWidget[] {
  const { lastRun, perHour } = RUN_WATCH;
  return [
    graph(
      'Records scanned; each sweep’s findings',
      [m(SWEEP_METRIC.scanned, { label: 'scanned (per day)' })],
      {
        right: [
          m(SWEEP_METRIC.invalid, {
            ...lastRun,
            label: 'invalid records (each sweep’s pass so far, largest in 5 min)',
          }),
          m(SWEEP_METRIC.guardTripped, {
            ...lastRun,
            label: 'deletions held back by the guard (1 = yes; each sweep’s, largest in 5 min)',
          }),
          m(SWEEP_METRIC.tooLarge, {
            ...lastRun,
            label: 'transitions too large: stuck credentials (each sweep’s pass so far, largest in 5 min)',
          }),
          m(SWEEP_METRIC.scheduledTimeRejected, {
            ...lastRun,
            label: 'scheduled time rejected (1 = yes; each invocation’s, largest in 5 min)',
          }),
        ],
      },
    ),
    graph(
      'Sweep run status',
      [
        m(SWEEP_METRIC.completed, { ...perHour, label: 'completed (heartbeat; per hour)' }),
        m(SWEEP_METRIC.writeFailures, { ...perHour, label: 'write failures (per hour)' }),
        m(SWEEP_METRIC.adminSummaryFailed, { ...perHour, label: 'admin summary not published (per hour)' }),
      ],
      {
        right: [
          m(SWEEP_METRIC.incomplete, {
            label: 'incomplete (checkpointed; largest in a day)',
            statistic: 'Maximum',
          }),
          m(SWEEP_METRIC.aborted, {
            label: 'aborted (failed writes, or an error after writing; largest in a day)',
            statistic: 'Maximum',
          }),
          m(SWEEP_METRIC.skippedChanged, { label: 'skipped: changed since read (per day)' }),
          m(SWEEP_METRIC.writtenAlone, { label: 'written alone (batch fallback; per day)' }),
        ],
      },
    ),
    graph('Sweep duration (ms)', [m(SWEEP_METRIC.duration, { label: 'duration', statistic: 'Maximum' })]),
  ];
}
