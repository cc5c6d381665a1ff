/**
 * The figures of one sweep run as named metric values: the one list the
 * sweep Lambda emits as EMF (`recordSweepMetrics`) and the CLI's operator
 * sweep sends with `PutMetricData`, so both report the same metrics under the
 * same names (`metric-names.ts`). Plain data: no AWS imports. A run that
 * continued a pass over the table begun by earlier runs emits, for the
 * per-record alarms (`InvalidRecords`, `TransitionsTooLarge`), its pass's
 * figures so far (`passFiguresOf`; docs/sweep.md, "Time budget and checkpoint").
 */
import { directoryUnusable, guardBlocked, passFiguresOf, type RunSummary } from '../hygiene/run-summary';
import { ACTION_METRICS, SWEEP_METRIC } from './metric-names';

/** One metric value; `unit` is spelled as CloudWatch and Powertools both spell it. */
export interface MetricValue {
  readonly name: string;
  readonly unit: 'Count' | 'Milliseconds';
  readonly value: number;
}

/** The run's metrics (not the heartbeat or the schedule check, which belong to the scheduled invocation). */
export function sweepMetricValues(summary: RunSummary): MetricValue[] {
  const count = (name: string, value: number): MetricValue => ({ name, unit: 'Count', value });
  const values: MetricValue[] = [];
  // The pass's so far (earlier runs' + this run's) when the run resumed one, else the run's own.
  const pass = passFiguresOf(summary);
  for (const { type, planned, applied } of ACTION_METRICS) {
    values.push(count(planned, summary.planned[type]), count(applied, summary.applied[type]));
  }
  values.push(
    count(SWEEP_METRIC.scanned, summary.scanned),
    count(SWEEP_METRIC.invalid, pass.invalid),
    // Held back only: a run an approval overrode made its deletions, and its admin summary says so.
    count(SWEEP_METRIC.guardTripped, guardBlocked(summary) ? 1 : 0),
    count(SWEEP_METRIC.plannedDeletes, summary.guard.plannedDeletes),
    count(SWEEP_METRIC.skippedChanged, summary.skippedChanged.count),
    count(SWEEP_METRIC.writeFailures, summary.failed.count),
    count(SWEEP_METRIC.writtenAlone, summary.transitionsWrittenAlone),
    count(SWEEP_METRIC.tooLarge, pass.tooLarge),
    count(SWEEP_METRIC.incomplete, leftCheckpoint(summary) ? 1 : 0),
    count(SWEEP_METRIC.aborted, summary.status === 'aborted' ? 1 : 0),
    count(SWEEP_METRIC.eventsQueued, summary.events.queued ? summary.events.total : 0),
    count(SWEEP_METRIC.unreachableOwners, summary.reach.unreachableOwners),
    count(SWEEP_METRIC.directoryUnusable, directoryUnusable(summary) ? 1 : 0),
    { name: SWEEP_METRIC.duration, unit: 'Milliseconds', value: summary.durationMs },
  );
  return values;
}

/**
 * Whether the run stopped at its deadline and saved a checkpoint the next run continues from: what `RunIncomplete`
 * means (docs/deploy.md, the dashboard's "checkpointed" series). An audit run stopped by its budget keeps none and
 * counts 0 here; it shows as `SweepCompleted` 0 (so `SweepHeartbeat` fires while the table outgrows every run) and
 * as `INCOMPLETE` in its admin run summary and log line.
 */
function leftCheckpoint(summary: RunSummary): boolean {
  return summary.status === 'incomplete' && summary.checkpoint?.saved === true;
}
