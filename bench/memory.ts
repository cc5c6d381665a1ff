/**
 * `--memory`: does the sweep's memory stay flat as the table grows? For each
 * size, a table is streamed into DynamoDB Local (BatchWriteItem, several
 * requests in flight; the load is timed on its own), then the shipped sweep
 * runs over it (1% changes, `enforce`, guard limits above the table: bench/generate.ts) in a fresh process
 * under `--max-old-space-size=<cap>`. The child samples its V8 heap in use
 * every 25 ms, records the heap in use after each full collection and
 * reports its peak RSS; a child that runs out of heap is reported as not
 * completed, not as an error of the bench. The driver repeats each size
 * (`--reps`) and reports medians ({@link combineMemoryReps}).
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteItems } from '../cli/aws/batch-import';
import { createTable } from '../cli/aws/create-table';
import type { ChildResult } from './child-protocol';
import { generateRecords, tableShape } from './generate';
import { benchTask, ChildMeasurementError, runChild } from './run-child';
import type { BenchEndpoints } from './services';
import { median, round } from './stats';

/** The change rate of every memory run (the 1%). */
export const MEMORY_CHANGE_RATE = 0.01;

/** `BatchWriteItem` requests in flight while loading. */
const LOAD_CONCURRENCY = 8;

/** One `--memory` measurement (the `memory` list of the results JSON). */
export interface MemoryResult {
  readonly size: number;
  readonly heapCapMb: number;
  /**
   * `--max-semi-space-size` given to the children, MB; null = V8's default, which scales with the
   * machine's memory (64 MB semi-spaces on a 24 GB machine, 16 MB in a 1 GiB process).
   */
  readonly semiSpaceMb?: number | null;
  /** V8's heap limit in the sweep's process (old-space cap + young generation), MB: what the flags gave it. */
  readonly heapSizeLimitMb?: number | null;
  /** The sweep finished and scanned every record under the cap. */
  readonly completed: boolean;
  /** Peak V8 heap in use (sampled every 25 ms), MB, rounded to 0.1 MB; null when the child died. */
  readonly peakHeapUsedMb: number | null;
  /** The same unrounded (the median of the repetitions'): what the memory target is judged on (bench/verdicts.ts). */
  readonly exactPeakHeapUsedMb?: number | null;
  /**
   * The largest heap in use right after a full collection, MB: what the sweep
   * holds, garbage excluded (null when the child died or never collected fully).
   */
  readonly peakLiveHeapUsedMb: number | null;
  /** Peak resident set size of the sweep's process, MB; null when the child died. */
  readonly peakRssMb: number | null;
  /**
   * The sampled heap in use split: peak of the young generation (not capped by
   * `--max-old-space-size`; V8 sizes it itself) and peak of the rest, MB.
   */
  readonly peakYoungUsedMb?: number | null;
  readonly peakOldUsedMb?: number | null;
  /** Heap in use before the sweep started (modules loaded, clients built), MB. */
  readonly baseHeapUsedMb: number | null;
  /** Peak V8 heap reserved, and peak memory outside it (Buffers/ArrayBuffers), MB: what explains the RSS. */
  readonly peakHeapTotalMb: number | null;
  readonly peakExternalMb: number | null;
  /** Records needing a transition. */
  readonly changes: number;
  /** Time to load the table (not part of the measurement), ms. */
  readonly loadMs: number;
  /** The sweep's wall time, ms; null when it did not complete. */
  readonly sweepMs: number | null;
  /** What grows with the number of changes, not the table: deletions buffered for the guard, owners with events. */
  readonly deletionsBuffered?: number;
  readonly eventOwners?: number;
  /** The bare parallel read floor under the same cap (null when it died): the runtime's and the SDK's share. */
  readonly floorPeakHeapUsedMb: number | null;
  readonly floorPeakLiveHeapUsedMb: number | null;
  readonly floorPeakRssMb: number | null;
  /** Why the sweep did not complete (the child's last output). */
  readonly error?: string;
  /**
   * Repetitions (each on a freshly loaded table) and each one's sampled peak,
   * after-GC peak and young-generation peak, MB: the figures above are their medians.
   */
  readonly reps?: number;
  readonly runs?: readonly {
    readonly peakHeapUsedMb: number | null;
    readonly peakLiveHeapUsedMb: number | null;
    readonly peakYoungUsedMb?: number | null;
  }[];
}

/** The peak heap used of a memory result, unrounded when the result has it. */
export function exactPeakHeapUsedMb(result: MemoryResult): number | null {
  return result.exactPeakHeapUsedMb ?? result.peakHeapUsedMb;
}

/** The median of the values present, unrounded (null when none is). */
function exactMedianOf(values: readonly (number | null | undefined)[]): number | null {
  const present = values.filter((v): v is number => typeof v === 'number');
  return present.length === 0 ? null : median(present);
}

/** The median of the values present, to 0.1 (null when none is). */
function medianOf(values: readonly (number | null | undefined)[]): number | null {
  const exact = exactMedianOf(values);
  return exact === null ? null : round(exact, 1);
}

/**
 * One size's repetitions as one result: every figure the median of the
 * repetitions that have it; completed only when every repetition completed
 * (the first failure's reason kept); each repetition's two heap peaks listed.
 */
export function combineMemoryReps(results: readonly MemoryResult[]): MemoryResult {
  const [first] = results;
  if (first === undefined) throw new RangeError('no memory repetition to combine');
  const failed = results.find((r) => !r.completed);
  const figure = (pick: (r: MemoryResult) => number | null | undefined) => medianOf(results.map(pick));
  return {
    size: first.size,
    heapCapMb: first.heapCapMb,
    semiSpaceMb: first.semiSpaceMb ?? null,
    heapSizeLimitMb: figure((r) => r.heapSizeLimitMb),
    changes: first.changes,
    completed: failed === undefined,
    peakHeapUsedMb: figure((r) => r.peakHeapUsedMb),
    exactPeakHeapUsedMb: exactMedianOf(results.map(exactPeakHeapUsedMb)),
    peakLiveHeapUsedMb: figure((r) => r.peakLiveHeapUsedMb),
    peakRssMb: figure((r) => r.peakRssMb),
    peakYoungUsedMb: figure((r) => r.peakYoungUsedMb),
    peakOldUsedMb: figure((r) => r.peakOldUsedMb),
    baseHeapUsedMb: figure((r) => r.baseHeapUsedMb),
    peakHeapTotalMb: figure((r) => r.peakHeapTotalMb),
    peakExternalMb: figure((r) => r.peakExternalMb),
    loadMs: round(median(results.map((r) => r.loadMs))),
    sweepMs: figure((r) => r.sweepMs),
    ...(first.deletionsBuffered !== undefined && { deletionsBuffered: first.deletionsBuffered }),
    ...(first.eventOwners !== undefined && { eventOwners: first.eventOwners }),
    floorPeakHeapUsedMb: figure((r) => r.floorPeakHeapUsedMb),
    floorPeakLiveHeapUsedMb: figure((r) => r.floorPeakLiveHeapUsedMb),
    floorPeakRssMb: figure((r) => r.floorPeakRssMb),
    ...(failed?.error !== undefined && { error: failed.error }),
    reps: results.length,
    runs: results.map((r) => ({
      peakHeapUsedMb: r.peakHeapUsedMb,
      peakLiveHeapUsedMb: r.peakLiveHeapUsedMb,
      peakYoungUsedMb: r.peakYoungUsedMb ?? null,
    })),
  };
}

/** Streams `size` generated records into a fresh table; returns its name and the load time. */
async function loadTable(
  client: DynamoDBDocumentClient,
  size: number,
  log: (line: string) => void,
): Promise<{ tableName: string; loadMs: number }> {
  const tableName = `bench-memory-${size}-${randomUUID().slice(0, 8)}`;
  await createTable(client, tableName);
  const started = performance.now();
  let next = 100_000;
  await batchWriteItems(
    client,
    tableName,
    generateRecords({ size, changeRate: MEMORY_CHANGE_RATE, seed: 104_729 + size }),
    {
      concurrency: LOAD_CONCURRENCY,
      onWritten: (written) => {
        if (written < next) return;
        log(`  memory ${size}: ${written} loaded (${Math.round((performance.now() - started) / 1000)} s)`);
        next += 100_000;
      },
    },
  );
  return { tableName, loadMs: performance.now() - started };
}

/** What one memory case runs under: the table size, the heap cap, the semi-space size (V8's default when absent). */
export interface MemoryCaseOptions {
  readonly size: number;
  readonly heapCapMb: number;
  readonly semiSpaceMb?: number;
  readonly childScript: string;
}

/** Runs one measurement child over `tableName` under the heap cap; a child that dies is reported, not thrown. */
async function underCap(
  task: 'sweep' | 'parallel-floor',
  endpoints: BenchEndpoints,
  tableName: string,
  options: MemoryCaseOptions,
): Promise<ChildResult | { readonly error: string }> {
  try {
    return await runChild(
      options.childScript,
      { ...benchTask(task, endpoints, tableName), trackLiveHeap: true },
      [
        `--max-old-space-size=${options.heapCapMb}`,
        ...(options.semiSpaceMb === undefined ? [] : [`--max-semi-space-size=${options.semiSpaceMb}`]),
      ],
    );
  } catch (error: unknown) {
    if (!(error instanceof ChildMeasurementError)) throw error;
    return { error: error.message.slice(-2_000) };
  }
}

/** A figure in MB to one decimal, or null when there is none. */
function megabytes(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : round(value, 1);
}

/** The sweep's figures, or nulls (and the reason) when it did not complete. */
function sweepFigures(size: number, sweep: ChildResult | { readonly error: string }) {
  if ('error' in sweep) {
    return {
      completed: false,
      peakHeapUsedMb: null,
      exactPeakHeapUsedMb: null,
      peakLiveHeapUsedMb: null,
      peakRssMb: null,
      peakYoungUsedMb: null,
      peakOldUsedMb: null,
      heapSizeLimitMb: null,
      baseHeapUsedMb: null,
      peakHeapTotalMb: null,
      peakExternalMb: null,
      sweepMs: null,
      error: sweep.error,
    };
  }
  const completed =
    sweep.detail.scanned === size && sweep.detail.failed === 0 && sweep.detail.guardTripped === 'no';
  return {
    completed,
    peakHeapUsedMb: megabytes(sweep.peakHeapUsedMb),
    exactPeakHeapUsedMb: sweep.peakHeapUsedMb,
    peakLiveHeapUsedMb: megabytes(sweep.peakLiveHeapUsedMb),
    peakRssMb: megabytes(sweep.maxRssMb),
    peakYoungUsedMb: megabytes(sweep.peakYoungUsedMb),
    peakOldUsedMb: megabytes(sweep.peakOldUsedMb),
    heapSizeLimitMb: megabytes(sweep.heapSizeLimitMb),
    baseHeapUsedMb: megabytes(sweep.baseHeapUsedMb),
    peakHeapTotalMb: megabytes(sweep.peakHeapTotalMb),
    peakExternalMb: megabytes(sweep.peakExternalMb),
    sweepMs: round(sweep.ms),
    deletionsBuffered: Number(sweep.detail.deletionsApplied),
    eventOwners: Number(sweep.detail.eventOwners),
    ...(!completed && {
      error: `scanned ${sweep.detail.scanned} of ${size}, ${sweep.detail.failed} failed writes, guard tripped: ${sweep.detail.guardTripped}`,
    }),
  };
}

/**
 * Loads a table of `size` records, then under the heap cap: the bare parallel
 * read floor (what the runtime and the SDK need to read the table at all),
 * then the sweep.
 */
export async function runMemoryCase(
  client: DynamoDBDocumentClient,
  endpoints: BenchEndpoints,
  options: MemoryCaseOptions,
  log: (line: string) => void,
): Promise<MemoryResult> {
  const { size, heapCapMb } = options;
  const { changes } = tableShape(size, MEMORY_CHANGE_RATE);
  const { tableName, loadMs } = await loadTable(client, size, log);
  log(
    `  memory ${size}: loaded in ${Math.round(loadMs / 1000)} s; floor and sweep under a ${heapCapMb} MB heap cap`,
  );
  try {
    const floor = await underCap('parallel-floor', endpoints, tableName, options);
    const sweep = await underCap('sweep', endpoints, tableName, options);
    const floorRun = 'error' in floor ? undefined : floor;
    return {
      size,
      heapCapMb,
      semiSpaceMb: options.semiSpaceMb ?? null,
      changes,
      loadMs: round(loadMs),
      ...sweepFigures(size, sweep),
      floorPeakHeapUsedMb: megabytes(floorRun?.peakHeapUsedMb),
      floorPeakLiveHeapUsedMb: megabytes(floorRun?.peakLiveHeapUsedMb),
      floorPeakRssMb: megabytes(floorRun?.maxRssMb),
    };
  } finally {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  }
}
