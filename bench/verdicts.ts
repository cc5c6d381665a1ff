/**
 * The verdicts of issue 15's targets table, judged on the rows of one bench
 * run (one latency model) and its `--memory` results. A timing target that the
 * issue sets "with `--latency aws`" is still computed without the model, but
 * marked as reported rather than judged, so a run without the model never
 * claims it. A profiled run (`--cpu-prof`) judges no timing target at all: the
 * profiler slows the arms unequally (the sweep more than the floors) and
 * inflates the notifier's CPU, so its timings are diagnostics, not verdicts.
 */
import type { MemoryResult } from './memory';
import { MEMORY_REFERENCE_SIZE } from './options';
import { type JudgeOptions, PROFILED_NOTE } from './profiled-run';
import { round } from './stats';
import type { RunRow } from './summarize';

/** One target of the issue's table, judged (or reported) on one run. */
export interface Verdict {
  /** The figure, as the issue's table names it. */
  readonly figure: string;
  /** The target, e.g. `≤ 1.3`. */
  readonly target: string;
  /** The latency model of the run the figure comes from (memory runs: always `none`). */
  readonly latencyModel: 'none' | 'aws';
  /** False when the target applies to the other latency model: the figure is only reported. */
  readonly judged: boolean;
  readonly holds: boolean;
  /** The figure measured (null when nothing could be measured). */
  readonly value: number | null;
  readonly detail: string;
}

/** Target limits of issue 15 (10,000 records unless said). */
export const TARGETS = {
  ratioToFloor: 1.3,
  speedupVsNaive: 5,
  requestsPerChange: 1.5,
  wcuPerChange: 5.0,
  notifyCpuMsPerEvent: 0.4,
  memoryHeapGrowth: 1.5,
} as const;

const at = (row: RunRow) => `${row.size} records, ${round(row.changeRate * 100, 1)}% changes`;

/** The sweep against the read floors and the write floors (the least any sweep making these writes takes here). */
function sweepFloorDetail(row: RunRow): string {
  const floor = Math.min(row.floorMs, row.parallelFloorMs);
  return (
    `sweep ${row.sweepMs} ms / faster floor ${floor} ms (sequential ${row.floorMs}, parallel ${row.parallelFloorMs}); ` +
    `write floors (the same scan + the ${row.changes} plain writes, nothing else): one UpdateItem each ${row.writeFloorMs} ms = ` +
    `${row.ratioWriteFloorToFloor}×, 25 to a PartiQL batch ${row.batchedWriteFloorMs} ms = ${row.ratioBatchedWriteFloorToFloor}× the faster floor ` +
    `(the least any sweep making these writes takes here); sweep / write floor ${row.ratioToWriteFloor}`
  );
}

/** The write units by stage, and what bounds them. */
function wcuDetail(row: RunRow): string {
  const { sweep, notify } = row.stages;
  const items = row.outboxItems;
  return (
    `${row.consumedWcu} WCU (sweep ${sweep.wcu}, notify ${notify.wcu} of which ${notify.estimatedWcu ?? 0} estimated for PartiQL marks) / ${row.changes} changes; ` +
    `bound: 2 item writes (1 WCU per started KB) + 2 index writes per change, items with pending events ${items?.meanBytes ?? '?'} bytes on average, ` +
    `${items?.over1Kb ?? '?'} of ${items?.count ?? '?'} over 1 KB`
  );
}

/** A verdict on `row`'s case, its detail prefixed with the case; fields in the order the results JSON lists them. */
function verdictOn(
  row: RunRow,
  { figure, target, judged, holds, value, detail }: Omit<Verdict, 'latencyModel'>,
): Verdict {
  return {
    figure,
    target,
    latencyModel: row.latencyModel,
    judged,
    holds,
    value,
    detail: `${at(row)}: ${detail}`,
  };
}

/** The per-case verdicts of one row (which apply depends on its change rate). */
function rowVerdicts(row: RunRow, { profiled = false }: JudgeOptions): Verdict[] {
  const withAws = row.latencyModel === 'aws';
  const verdicts: Verdict[] = [];
  const add = (verdict: Omit<Verdict, 'latencyModel'>) => verdicts.push(verdictOn(row, verdict));
  /**
   * A figure of the row held against its target in {@link TARGETS}: at most, or (`≥`) at least.
   * A `timing` figure of a profiled run is only reported.
   */
  const against = (
    figure: string,
    key: keyof typeof TARGETS & keyof RunRow,
    judged: boolean,
    detail: string,
    { atLeast = false, unit = '', timing = false } = {},
  ) => {
    const value = row[key];
    const limit = TARGETS[key];
    const profiledTiming = timing && profiled;
    add({
      figure,
      target: `${atLeast ? '≥' : '≤'} ${limit}${unit}`,
      judged: judged && !profiledTiming,
      holds: atLeast ? value >= limit : value <= limit,
      value,
      detail: (profiledTiming ? PROFILED_NOTE : '') + detail,
    });
  };
  if (row.changeRate === 0.01) {
    against(
      'sweep / read floor, 1% changes, same page settings',
      'ratioToFloor',
      withAws,
      sweepFloorDetail(row),
      { timing: true },
    );
  }
  if (row.changeRate === 0.1) {
    against(
      'naive / (sweep + notify), 10% changes',
      'speedupVsNaive',
      withAws,
      `naive ${row.naiveMs} ms / (sweep ${row.sweepMs} + notify ${row.notifyMs}) ms`,
      { atLeast: true, timing: true },
    );
    against(
      'requests per changed credential (sweep + notify), 10%',
      'requestsPerChange',
      true,
      `(${row.dynamoRequests} DynamoDB + ${row.snsCalls} SNS) / ${row.changes} changes`,
    );
    against('WCU per changed credential, 10%', 'wcuPerChange', true, wcuDetail(row));
    against(
      'notifier client CPU per event',
      'notifyCpuMsPerEvent',
      true,
      `${row.stages.notify.cpuMs} ms client CPU / ${row.eventsPublished} events`,
      { unit: ' ms', timing: true },
    );
  }
  const limit = Math.ceil(row.owners / 10) + row.splitParts;
  add({
    figure: 'SNS calls',
    target: '≤ ceil(owners/10) + split parts',
    judged: true,
    holds: row.snsCalls <= limit,
    value: row.snsCalls,
    detail: `${row.snsCalls} calls for ${row.owners} owners, ${row.splitParts} split parts (limit ${limit})`,
  });
  return verdicts;
}

/** The memory verdict: every size completes, and the largest one's heap is ≤ 1.5× the 100k one's. */
function memoryVerdict(memory: readonly MemoryResult[]): Verdict[] {
  const reference = memory.find((m) => m.size === MEMORY_REFERENCE_SIZE);
  const largest = memory.reduce<MemoryResult | undefined>(
    (a, m) => (a && a.size >= m.size ? a : m),
    undefined,
  );
  if (!largest || largest === reference) return [];
  const growth =
    reference?.peakHeapUsedMb && largest.peakHeapUsedMb !== null
      ? round(largest.peakHeapUsedMb / reference.peakHeapUsedMb, 2)
      : null;
  const allCompleted = memory.every((m) => m.completed);
  return [
    {
      figure: `${largest.size.toLocaleString('en-US')}-record sweep under a ${largest.heapCapMb} MB heap cap`,
      target: `completes; heap used ≤ ${TARGETS.memoryHeapGrowth}× the 100k figure`,
      latencyModel: 'none',
      judged: true,
      holds: allCompleted && growth !== null && growth <= TARGETS.memoryHeapGrowth,
      value: growth,
      detail: memory
        .map(
          (m) =>
            `${m.size}: ${m.completed ? 'completed' : `NOT completed (${m.error ?? 'unknown'})`}, peak heap used ${m.peakHeapUsedMb ?? '?'} MB (after a full GC at most ${m.peakLiveHeapUsedMb ?? '?'} MB), peak RSS ${m.peakRssMb ?? '?'} MB`,
        )
        .join('; '),
    },
  ];
}

/**
 * Every verdict of one bench run: the cases' rows, then the memory runs (which
 * are never profiled).
 */
export function judgeTargets(
  rows: readonly RunRow[],
  memory: readonly MemoryResult[],
  options: JudgeOptions = {},
): Verdict[] {
  return [...rows.flatMap((row) => rowVerdicts(row, options)), ...memoryVerdict(memory)];
}
