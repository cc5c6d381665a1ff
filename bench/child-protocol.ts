/**
 * What the bench driver asks a measurement child process to do, and what the
 * child answers (one JSON line on stdout). Every measurement runs in a fresh
 * Node process, so timings start from the same cold state and peak RSS
 * (`process.resourceUsage().maxRSS`) belongs to that one run.
 */
import type { DynamoMeterTotals, ScanTimeline } from './dynamo-meter';
import type { LatencyModel } from './latency-model';
import type { PageHold } from './page-hold';
import type { SnsTotals } from './sns-server';
import type { SnsServerLocation } from './sns-server-process';

/** The measurements a child can make. */
export const CHILD_TASKS = [
  'floor',
  'parallel-floor',
  'naive',
  'sweep',
  'notify',
  'write-floor',
  'batched-write-floor',
] as const;
export type ChildTaskName = (typeof CHILD_TASKS)[number];

/** One measurement request. */
export interface ChildTask {
  readonly task: ChildTaskName;
  /** DynamoDB Local. */
  readonly endpoint: string;
  /** The bench's SNS server (bench/sns-server.ts), which every arm's SNS client talks to. */
  readonly sns: SnsServerLocation;
  readonly tableName: string;
  /** Parallel floor: segment count (the sweep's `scanSegments`). */
  readonly segments: number;
  /** The decision instant (epoch ms). */
  readonly now: number;
  /** Simulated network round trip added to every DynamoDB and SNS request, ms (0 = none). */
  readonly rttMs: number;
  /** Items per Scan page of the floors (the sweep scanner's page size, so both read alike). */
  readonly pageSize: number;
  /** The service latency model (`--latency aws`) and the seed of its draws; absent = none. */
  readonly latency?: { readonly model: LatencyModel; readonly seed: number };
  /** Write floors: a JSON file of the writes to make (`NaiveWrite[]`, bench/naive.ts), read before the measurement. */
  readonly writesFile?: string;
  /**
   * The notifier: a JSON file of `[id, bytes]` pairs, the sizes of the items with pending events,
   * which the driver read before the child started (the PartiQL capacity estimate's input,
   * bench/partiql-capacity.ts), so the child sends nothing before its measured call.
   */
  readonly itemSizesFile?: string;
  /**
   * `--deployed-reach`, the sweep and the notifier: the owner directory the driver imported (bench/deployed-reach.ts).
   * With it both are wired as deployed with owners imported (bench/deployed-wiring.ts); absent: no directory, no
   * subscription listing, no alarm topic check.
   */
  readonly directoryTableName?: string;
  /** Write floors: requests in flight at most (the sweep's `writeConcurrency`). */
  readonly writeConcurrency?: number;
  /** Memory runs: also track the heap in use after each full collection (`peakLiveHeapUsedMb`). */
  readonly trackLiveHeap?: boolean;
  /** `--cpu-prof`: write a V8 CPU profile of the measured call alone to this path (bench/measured-profile.ts). */
  readonly cpuProfilePath?: string;
  /**
   * The notifier, warm (bench/compare-notifier.ts's `--warm` variants): drain this table (a copy of the outbox)
   * once with the same clients before the measured drain, unmeasured, so the measured call runs in a process whose
   * SDK and code have already served a drain, as a Lambda's later invocations do. Its requests are in the
   * DynamoDB meter's totals; its CPU and time are not in the figures.
   */
  readonly warmUpTableName?: string;
}

/** One measurement result. */
export interface ChildResult {
  readonly task: ChildTaskName;
  /** Wall time of the measured call only (not process start or module load). */
  readonly ms: number;
  /** CPU time (user + system) of the child during the measured call, ms. */
  readonly cpuMs: number;
  /**
   * CPU time of the DynamoDB Local JVM during the measured call only (read
   * from `/proc` just before and after it, so the child's own reads before and
   * after the measurement are not in it), ms; absent when `/proc` is unreadable.
   */
  readonly serverCpuMs?: number;
  /**
   * CPU time of the bench's SNS server process during the measured call (read like `serverCpuMs`):
   * the server's side of the SNS requests, never part of the client's `cpuMs`.
   */
  readonly snsServerCpuMs?: number;
  /** Peak resident set size of the whole child process, MB. */
  readonly maxRssMb: number;
  /** Peak V8 heap in use (live objects and not yet collected garbage), sampled every 25 ms, MB. */
  readonly peakHeapUsedMb: number;
  /** Peak heap in use of the young generation alone, and of the rest (each sampled, its own peak), MB. */
  readonly peakYoungUsedMb: number;
  readonly peakOldUsedMb: number;
  /** V8's heap limit in this process (`v8.getHeapStatistics().heap_size_limit`), MB. */
  readonly heapSizeLimitMb: number;
  /**
   * Memory runs (`trackLiveHeap`): the largest heap in use right after a full
   * collection, MB: what the code holds, garbage excluded; null without a full
   * collection (or when not tracked).
   */
  readonly peakLiveHeapUsedMb: number | null;
  /** Heap in use before the measured call started (modules loaded, clients built), MB. */
  readonly baseHeapUsedMb: number;
  /** Peak V8 heap reserved (sampled), MB: what V8 holds from the system for its heap. */
  readonly peakHeapTotalMb: number;
  /** Peak memory outside the V8 heap that V8 knows of (Buffers, ArrayBuffers; sampled), MB. */
  readonly peakExternalMb: number;
  readonly dynamo: DynamoMeterTotals;
  /** Arms that scan: when the first and last page came back and what followed the scan. */
  readonly scanTimeline?: ScanTimeline;
  /** The sweep: how long its own code held the pages it read (bench/page-hold.ts). */
  readonly pageHold?: PageHold;
  /** What the SNS server received from this measurement's client (every attempt counted). */
  readonly sns: SnsTotals;
  /** Task-specific figures (items read, transitions applied, owners notified, ...). */
  readonly detail: Readonly<Record<string, number | string>>;
}

/** Marks the result line among anything else a child might print. */
export const RESULT_PREFIX = 'BENCH_RESULT ';
