/**
 * Turns repetitions into the results rows (medians) and checks the targets
 * of issue 6 (a profiled run's timing targets only reported, as issue 15's
 * are). Times are medians per measurement; ratios are taken between
 * medians, so the table reads consistently.
 */
import type { ChildResult, ChildTaskName } from './child-protocol';
import type { ScanTimeline } from './dynamo-meter';
import type { LatencyModelName } from './options';
import type { PageHold } from './page-hold';
import { type JudgeOptions, PROFILED_NOTE } from './profiled-run';
import type { CaseRep } from './run-case';
import { median, round } from './stats';

/** The results row of one (size, change rate) case. */
export interface RunRow {
  /** The service latency model the run used (`--latency`, `aws-modified` with `--latency-params`). */
  readonly latencyModel: LatencyModelName;
  /**
   * `--deployed-reach`: the sweep and the notifier ran as the default deployment with imported owners (an owner
   * directory, the topic's subscriptions listed, the alarm topic checked; bench/deployed-reach.ts). Absent: without.
   */
  readonly deployedReach?: true;
  readonly size: number;
  readonly changeRate: number;
  readonly reps: number;
  /** Records needing a transition. */
  readonly changes: number;
  readonly floorMs: number;
  readonly parallelFloorMs: number;
  readonly naiveMs: number;
  readonly sweepMs: number;
  readonly notifyMs: number;
  /**
   * sweepMs / the faster of the two read floors. Strict on purpose: on DynamoDB
   * Local a long sequential Scan slows down page after page (see BENCHMARKS.md),
   * so at 100k the sequential floor alone would flatter the sweep.
   */
  readonly ratioToFloor: number;
  /** sweepMs / floorMs (the sequential read floor). */
  readonly ratioToSequentialFloor: number;
  /** sweepMs / parallelFloorMs (the floor at the sweep's segment count). */
  readonly ratioToParallelFloor: number;
  /**
   * The write floor: the parallel read floor plus one plain `UpdateItem` per
   * changing record, nothing else (bench/floor.ts) — the least any sweep
   * making these changes needs on the machine measured.
   */
  readonly writeFloorMs: number;
  /** writeFloorMs / the faster read floor: how close to the read floor a sweep making one request per write can get. */
  readonly ratioWriteFloorToFloor: number;
  /** The same write floor with the writes sent as PartiQL `UPDATE`s, 25 to a `BatchExecuteStatement`. */
  readonly batchedWriteFloorMs: number;
  /** batchedWriteFloorMs / the faster read floor: the least any sweep making these writes needs, however it batches. */
  readonly ratioBatchedWriteFloorToFloor: number;
  /** sweepMs / writeFloorMs: what the sweep spends beyond the least it must do. */
  readonly ratioToWriteFloor: number;
  /** naiveMs / (sweepMs + notifyMs): both sides include publishing. */
  readonly speedupVsNaive: number;
  /** All DynamoDB + SNS requests of sweep + notifier / changed credentials (medians). */
  readonly requestsPerChange: number;
  /** Write capacity of sweep + notifier / changed credentials (medians). */
  readonly wcuPerChange: number;
  /** The notifier's client CPU per event published, ms, in the bench's fresh process (median of the repetitions). */
  readonly notifyCpuMsPerEvent: number;
  /** Events the notifier published (median). */
  readonly eventsPublished: number;
  /** Items with pending events before the drain (first repetition): what bounds a write's units (1 per started KB). */
  readonly outboxItems: { readonly count: number; readonly meanBytes: number; readonly over1Kb: number };
  /** Sweep + notifier requests (medians). */
  readonly dynamoRequests: number;
  readonly consumedRcu: number;
  readonly consumedWcu: number;
  readonly snsCalls: number;
  /**
   * Of `snsCalls`, the notifier's (the owners' digests, median): what the SNS calls target bounds. The
   * rest is the sweep's admin run summary, one publish per run.
   */
  readonly notifySnsCalls: number;
  /**
   * Of `snsCalls`, the `ListSubscriptionsByTopic` pages (medians): the notifier's live reach check and the sweep's
   * alarm topic check (`--deployed-reach`; 0 without). Counted in the requests per change, reported apart.
   */
  readonly snsListCalls: number;
  /** Of `notifySnsCalls`, the listing pages: the rest are the publishes the SNS calls target bounds. */
  readonly notifySnsListCalls: number;
  readonly snsBytes: number;
  /** Owners that received a digest. */
  readonly owners: number;
  /** Digest parts beyond the first (split oversize digests). */
  readonly splitParts: number;
  /** max(sweep, notifier) peak RSS: each ran in its own fresh process. */
  readonly peakRssMb: number;
  readonly sweepRssMb: number;
  readonly notifyRssMb: number;
  /** Peak V8 heap in use (sampled) of the sweep and the notifier, MB: what the code holds, without allocator slack. */
  readonly sweepPeakHeapMb: number;
  readonly notifyPeakHeapMb: number;
  /** The same for the bare parallel read floor: the SDK's own share of the peak. */
  readonly parallelFloorPeakHeapMb: number;
  readonly parallelFloorRssMb: number;
  readonly naive: {
    readonly dynamoRequests: number;
    readonly consumedRcu: number;
    readonly consumedWcu: number;
    readonly snsCalls: number;
    readonly snsBytes: number;
    readonly peakRssMb: number;
  };
  readonly floorRssMb: number;
  /** Per stage (medians): requests, capacity and client CPU time, for per-item costs. */
  readonly stages: Readonly<
    Record<
      'floor' | 'parallelFloor' | 'sweep' | 'notify' | 'naive' | 'writeFloor' | 'batchedWriteFloor',
      StageFigures
    >
  >;
  /** Requests per command of the sweep and the notifier (first repetition). */
  readonly requestsByCommand: {
    readonly sweep: Readonly<Record<string, number>>;
    readonly notify: Readonly<Record<string, number>>;
  };
  /**
   * The figures the targets are judged on, unrounded (the fields above of the same names are
   * rounded for display): a ratio of 1.304 must not pass a target of ≤ 1.3 by printing as 1.3.
   */
  readonly exact: ExactFigures;
}

/** Unrounded figures of a {@link RunRow}, for judging targets (bench/verdicts.ts, {@link checkTargets}). */
export interface ExactFigures {
  readonly ratioToFloor: number;
  readonly speedupVsNaive: number;
  readonly requestsPerChange: number;
  readonly wcuPerChange: number;
  readonly notifyCpuMsPerEvent: number;
}

/** One measured stage of a case. */
export interface StageFigures {
  readonly ms: number;
  /** Client (Node) CPU time. */
  readonly cpuMs: number;
  /** DynamoDB Local (JVM) CPU time during the stage; absent when not measurable. */
  readonly serverCpuMs?: number;
  /** The bench's SNS server's CPU time during the stage (its own process, never in `cpuMs`); absent when not measurable. */
  readonly snsServerCpuMs?: number;
  readonly requests: number;
  /** Of `requests`, the attempts beyond each call's first (SDK retries; 0 when nothing was retried). */
  readonly retriedAttempts: number;
  readonly rcu: number;
  readonly wcu: number;
  /** Of `wcu`, estimated for PartiQL batches DynamoDB Local reports no capacity for (bench/partiql-capacity.ts). */
  readonly estimatedWcu: number;
  /** Arms that scan, in every repetition: each figure of the timeline, its median. */
  readonly scanTimeline?: ScanTimeline;
  /** The sweep, in every repetition: how long it held its pages, each figure its median (bench/page-hold.ts). */
  readonly pageHold?: PageHold;
}

/** One target of issue 6 and whether it holds. */
export interface TargetCheck {
  readonly target: string;
  /** False when the figure is only reported: a timing of a profiled run (the reason leads `detail`). */
  readonly judged: boolean;
  readonly holds: boolean;
  readonly detail: string;
}

const med = (reps: readonly CaseRep[], pick: (rep: CaseRep) => number) => median(reps.map(pick));

/**
 * The median of each figure of an optional per-repetition record (a scan
 * timeline, page holds), or `undefined` unless every repetition has it.
 */
function medianOfEach<T extends { readonly [K in keyof T]: number }>(
  values: readonly (T | undefined)[],
): T | undefined {
  const first = values[0];
  if (first === undefined || values.some((value) => value === undefined)) return undefined;
  const fields = Object.keys(first) as (keyof T & string)[];
  return Object.fromEntries(
    fields.map((field) => [field, round(median(values.map((value) => (value as T)[field] as number)))]),
  ) as T;
}

function stage(reps: readonly CaseRep[], task: ChildTaskName): StageFigures {
  const server = reps.map((r) => r.serverCpuMs[task]).filter((v): v is number => v !== undefined);
  const snsServer = reps.map((r) => r.snsServerCpuMs?.[task]).filter((v): v is number => v !== undefined);
  const timeline = medianOfEach(reps.map((r) => r.results[task].scanTimeline));
  const pageHold = medianOfEach(reps.map((r) => r.results[task].pageHold));
  return {
    ms: round(med(reps, (r) => r.results[task].ms)),
    cpuMs: round(med(reps, (r) => r.results[task].cpuMs)),
    ...(server.length === reps.length && { serverCpuMs: round(median(server)) }),
    ...(snsServer.length === reps.length && { snsServerCpuMs: round(median(snsServer)) }),
    requests: med(reps, (r) => r.results[task].dynamo.requests),
    retriedAttempts: med(reps, (r) => r.results[task].dynamo.retriedAttempts),
    rcu: round(
      med(reps, (r) => r.results[task].dynamo.consumedRcu),
      1,
    ),
    wcu: round(
      med(reps, (r) => r.results[task].dynamo.consumedWcu),
      1,
    ),
    estimatedWcu: round(
      med(reps, (r) => r.results[task].dynamo.estimatedWcu ?? 0),
      1,
    ),
    ...(timeline && { scanTimeline: timeline }),
    ...(pageHold && { pageHold }),
  };
}

/** The naive run's counts and memory (medians). */
function naiveFigures(reps: readonly CaseRep[]): RunRow['naive'] {
  const naive = (pick: (result: CaseRep['results']['naive']) => number, digits = 0) =>
    round(
      med(reps, (r) => pick(r.results.naive)),
      digits,
    );
  return {
    dynamoRequests: naive((t) => t.dynamo.requests),
    consumedRcu: naive((t) => t.dynamo.consumedRcu, 1),
    consumedWcu: naive((t) => t.dynamo.consumedWcu, 1),
    snsCalls: naive((t) => t.sns.calls),
    snsBytes: naive((t) => t.sns.bytes),
    peakRssMb: naive((t) => t.maxRssMb, 1),
  };
}

/** Events the notifier published in one repetition. */
const eventsOf = (r: CaseRep) => Number(r.results.notify.detail.eventsPublished);

/** The notifier's CPU per event, events and the sizes of the items it marks. */
function notifierFigures(
  reps: readonly CaseRep[],
): Pick<RunRow, 'notifyCpuMsPerEvent' | 'eventsPublished' | 'outboxItems'> {
  const detail = (reps[0] as CaseRep).results.notify.detail;
  return {
    notifyCpuMsPerEvent: round(notifyCpuMsPerEvent(reps), 3),
    eventsPublished: med(reps, eventsOf),
    outboxItems: {
      count: Number(detail.outboxItems ?? 0),
      meanBytes: Number(detail.outboxItemMeanBytes ?? 0),
      over1Kb: Number(detail.outboxItemsOver1Kb ?? 0),
    },
  };
}

/** The notifier's client CPU per event published, ms: the median over the repetitions, unrounded. */
function notifyCpuMsPerEvent(reps: readonly CaseRep[]): number {
  return med(reps, (r) => r.results.notify.cpuMs / Math.max(1, eventsOf(r)));
}

/** The timing figures of a row, and the two ratios issue 15 judges unrounded. */
interface TimeFigures {
  readonly figures: Pick<
    RunRow,
    | 'floorMs'
    | 'parallelFloorMs'
    | 'naiveMs'
    | 'sweepMs'
    | 'notifyMs'
    | 'ratioToFloor'
    | 'ratioToSequentialFloor'
    | 'ratioToParallelFloor'
    | 'writeFloorMs'
    | 'ratioWriteFloorToFloor'
    | 'batchedWriteFloorMs'
    | 'ratioBatchedWriteFloorToFloor'
    | 'ratioToWriteFloor'
    | 'speedupVsNaive'
  >;
  /** Sweep / the faster read floor, naive / (sweep + notify), from the same medians. */
  readonly exact: Pick<ExactFigures, 'ratioToFloor' | 'speedupVsNaive'>;
}

/** Wall times of the floors, the sweep, the notifier and the naive run, and the ratios between them (medians). */
function timeFigures(reps: readonly CaseRep[]): TimeFigures {
  const ms = (task: ChildTaskName) => med(reps, (r) => r.results[task].ms);
  const floorMs = ms('floor');
  const parallelFloorMs = ms('parallel-floor');
  const sweepMs = ms('sweep');
  const notifyMs = ms('notify');
  const naiveMs = ms('naive');
  const writeFloorMs = ms('write-floor');
  const batchedWriteFloorMs = ms('batched-write-floor');
  const fasterFloorMs = Math.min(floorMs, parallelFloorMs);
  const ratioToFloor = sweepMs / fasterFloorMs;
  const speedupVsNaive = naiveMs / (sweepMs + notifyMs);
  const figures = {
    floorMs: round(floorMs),
    parallelFloorMs: round(parallelFloorMs),
    naiveMs: round(naiveMs),
    sweepMs: round(sweepMs),
    notifyMs: round(notifyMs),
    ratioToFloor: round(ratioToFloor, 2),
    ratioToSequentialFloor: round(sweepMs / floorMs, 2),
    ratioToParallelFloor: round(sweepMs / parallelFloorMs, 2),
    writeFloorMs: round(writeFloorMs),
    ratioWriteFloorToFloor: round(writeFloorMs / fasterFloorMs, 2),
    batchedWriteFloorMs: round(batchedWriteFloorMs),
    ratioBatchedWriteFloorToFloor: round(batchedWriteFloorMs / fasterFloorMs, 2),
    ratioToWriteFloor: round(sweepMs / writeFloorMs, 2),
    speedupVsNaive: round(speedupVsNaive, 1),
  };
  return { figures, exact: { ratioToFloor, speedupVsNaive } };
}

/** Peak RSS and sampled heap of the measurements (medians). */
function memoryFigures(
  reps: readonly CaseRep[],
): Pick<
  RunRow,
  | 'peakRssMb'
  | 'sweepRssMb'
  | 'notifyRssMb'
  | 'sweepPeakHeapMb'
  | 'notifyPeakHeapMb'
  | 'parallelFloorPeakHeapMb'
  | 'parallelFloorRssMb'
  | 'floorRssMb'
> {
  const mb = (task: ChildTaskName, pick: (result: ChildResult) => number) =>
    round(
      med(reps, (r) => pick(r.results[task])),
      1,
    );
  const sweepRssMb = mb('sweep', (t) => t.maxRssMb);
  const notifyRssMb = mb('notify', (t) => t.maxRssMb);
  return {
    peakRssMb: Math.max(sweepRssMb, notifyRssMb),
    sweepRssMb,
    notifyRssMb,
    sweepPeakHeapMb: mb('sweep', (t) => t.peakHeapUsedMb),
    notifyPeakHeapMb: mb('notify', (t) => t.peakHeapUsedMb),
    parallelFloorPeakHeapMb: mb('parallel-floor', (t) => t.peakHeapUsedMb),
    parallelFloorRssMb: mb('parallel-floor', (t) => t.maxRssMb),
    floorRssMb: mb('floor', (t) => t.maxRssMb),
  };
}

/** `ListSubscriptionsByTopic` pages one measurement sent (the SNS server counts them by action). */
const listCalls = (result: ChildResult) => result.sns.byAction?.ListSubscriptionsByTopic ?? 0;

/** Aggregates the repetitions of one case measured under `latencyModel`. */
export function summarizeCase(reps: readonly CaseRep[], latencyModel: LatencyModelName = 'none'): RunRow {
  const first = reps[0];
  if (!first) throw new RangeError('no repetitions to summarize');
  const ours = (pick: (t: CaseRep['results']['sweep']) => number) =>
    med(reps, (r) => pick(r.results.sweep) + pick(r.results.notify));
  const owners = med(reps, (r) => Number(r.results.notify.detail.owners));
  const parts = med(reps, (r) => Number(r.results.notify.detail.parts));
  const dynamoRequests = ours((t) => t.dynamo.requests);
  const snsCalls = ours((t) => t.sns.calls);
  const consumedWcu = ours((t) => t.dynamo.consumedWcu);
  const exactPerChange = (value: number) => (first.changes === 0 ? 0 : value / first.changes);
  const perChange = (value: number) => round(exactPerChange(value), 2);
  const times = timeFigures(reps);
  return {
    latencyModel,
    ...(first.deployedReach === true && { deployedReach: true }),
    size: first.size,
    changeRate: first.changeRate,
    reps: reps.length,
    changes: first.changes,
    ...times.figures,
    requestsPerChange: perChange(dynamoRequests + snsCalls),
    wcuPerChange: perChange(consumedWcu),
    ...notifierFigures(reps),
    dynamoRequests,
    consumedRcu: round(
      ours((t) => t.dynamo.consumedRcu),
      1,
    ),
    consumedWcu: round(consumedWcu, 1),
    snsCalls,
    notifySnsCalls: med(reps, (r) => r.results.notify.sns.calls),
    snsListCalls: med(reps, (r) => listCalls(r.results.sweep) + listCalls(r.results.notify)),
    notifySnsListCalls: med(reps, (r) => listCalls(r.results.notify)),
    snsBytes: ours((t) => t.sns.bytes),
    owners,
    splitParts: Math.max(0, parts - owners),
    ...memoryFigures(reps),
    naive: naiveFigures(reps),
    stages: {
      floor: stage(reps, 'floor'),
      parallelFloor: stage(reps, 'parallel-floor'),
      sweep: stage(reps, 'sweep'),
      notify: stage(reps, 'notify'),
      naive: stage(reps, 'naive'),
      writeFloor: stage(reps, 'write-floor'),
      batchedWriteFloor: stage(reps, 'batched-write-floor'),
    },
    requestsByCommand: {
      sweep: first.results.sweep.dynamo.byCommand,
      notify: first.results.notify.dynamo.byCommand,
    },
    exact: {
      ...times.exact,
      requestsPerChange: exactPerChange(dynamoRequests + snsCalls),
      wcuPerChange: exactPerChange(consumedWcu),
      notifyCpuMsPerEvent: notifyCpuMsPerEvent(reps),
    },
  };
}

/**
 * Checks the four targets of issue 6 against the rows measured (a target with no row to judge is omitted),
 * on the unrounded figures ({@link RunRow.exact}).
 * On a profiled run the timing targets are only reported, with the reason, as issue 15's are
 * (bench/verdicts.ts): the profiler slows the sweep more than the floors. The SNS call count and
 * the peak RSS are still judged.
 */
export function checkTargets(
  rows: readonly RunRow[],
  { profiled = false }: JudgeOptions = {},
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const timing = (target: string, holds: boolean, detail: string): TargetCheck =>
    profiled
      ? { target, judged: false, holds, detail: PROFILED_NOTE + detail }
      : { target, judged: true, holds, detail };
  for (const row of rows) {
    const at = `size ${row.size}, ${round(row.changeRate * 100, 1)}% changes`;
    if (row.changeRate === 0.01) {
      checks.push(
        timing(
          `ratioToFloor ≤ 1.3 (${at})`,
          row.exact.ratioToFloor <= 1.3,
          `sweep ${row.sweepMs} ms / faster floor ${Math.min(row.floorMs, row.parallelFloorMs)} ms = ${row.ratioToFloor} (sequential floor ${row.floorMs} ms, parallel ${row.parallelFloorMs} ms)`,
        ),
      );
    }
    if (row.changeRate === 0.1) {
      checks.push(
        timing(
          `speedupVsNaive ≥ 5 (${at})`,
          row.exact.speedupVsNaive >= 5,
          `naive ${row.naiveMs} ms / (sweep ${row.sweepMs} + notify ${row.notifyMs}) ms = ${row.speedupVsNaive}`,
        ),
      );
    }
    const limit = Math.ceil(row.owners / 10) + row.splitParts;
    const listing = row.notifySnsListCalls ?? 0;
    const publishes = row.notifySnsCalls - listing;
    checks.push({
      target: `snsCalls ≤ ceil(owners/10) + split parts (${at})`,
      judged: true,
      holds: publishes <= limit,
      detail:
        `${publishes} notifier publish calls for ${row.owners} owners (limit ${limit})` +
        (listing > 0 ? `; ${listing} ListSubscriptionsByTopic pages reported apart, not judged` : ''),
    });
  }
  for (const large of rows.filter((r) => r.size === 100_000)) {
    const small = rows.find((r) => r.size === 10_000 && r.changeRate === large.changeRate);
    if (!small) continue;
    checks.push({
      target: `peak RSS at 100k ≤ 1.2 × at 10k (${round(large.changeRate * 100, 1)}% changes)`,
      judged: true,
      holds: large.peakRssMb <= 1.2 * small.peakRssMb,
      detail: `${large.peakRssMb} MB vs ${small.peakRssMb} MB (×${round(large.peakRssMb / small.peakRssMb, 2)}); sweep ${large.sweepRssMb} vs ${small.sweepRssMb}, notifier ${large.notifyRssMb} vs ${small.notifyRssMb}`,
    });
  }
  return checks;
}
