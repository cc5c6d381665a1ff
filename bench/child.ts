/**
 * One measurement in a fresh process (see child-protocol.ts). Run by the
 * driver, bundled (bench/child-bundle.ts), as `node child.mjs '<task JSON>'`.
 *
 * `sweep` and `notify` are the shipped use cases over the shipped adapters,
 * wired as the Lambda handlers wire them (checkpoint store included), with SNS
 * stubbed at the client boundary. The sweep runs in `enforce` mode under
 * guard limits it cannot exceed ({@link BENCH_GUARD_LIMITS}), so it makes the
 * same writes the naive run makes, its deletions waiting for the guard as in
 * the deployed sweep.
 * The read and write floors are bench/floor.ts; the write floors' writes come
 * from a file the driver wrote, read before the measurement.
 */

import { readFile } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { itemSizeBytes } from '../cli/aws/item-limits';
import { sweepTransitionWriter } from '../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../lambdas/aws/dynamodb-client';
import { DynamoDbOutboxStore } from '../lambdas/aws/outbox-store';
import { SnsPublisher } from '../lambdas/aws/sns-publisher';
import { parseConfig } from '../lambdas/hygiene/config';
import { runNotifier } from '../lambdas/hygiene/notifier';
import { createRunId, runSweep } from '../lambdas/hygiene/sweep';
import { type ChildResult, type ChildTask, RESULT_PREFIX } from './child-protocol';
import { meterDynamo, scanTimeline } from './dynamo-meter';
import { parallelFloor, sequentialFloor, writeFloor } from './floor';
import { BENCH_GUARD_LIMITS } from './generate';
import { createLatencySampler } from './latency-model';
import { startMeasuredProfile } from './measured-profile';
import { LiveHeapTracker, MemorySampler } from './memory-sampler';
import { type NaiveWrite, runNaive } from './naive';
import { readItemsByKey, readPendingOutboxItems } from './outbox-items';
import { type PageHoldTimer, timePageHolds } from './page-hold';
import { findDynamoDbLocalPid, processCpuMs } from './server-cpu';
import { createStubSnsClient } from './sns-stub';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:bench-hygiene';

const MB = 1024 * 1024;

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The figures each task reports beside time, memory and requests. */
type Detail = Record<string, number | string>;

/** The clients and settings every task gets. */
interface TaskContext {
  readonly task: ChildTask;
  readonly dynamo: ReturnType<typeof createDocumentClient>;
  readonly sns: ReturnType<typeof createStubSnsClient>;
  readonly config: ReturnType<typeof parseConfig>;
  readonly runId: string;
  /** Write floors: the writes to make, by credential id. */
  readonly writes: ReadonlyMap<string, NaiveWrite>;
  /** The sweep's scanner, timing how long the sweep holds each page (bench/page-hold.ts). */
  readonly sweepPages: PageHoldTimer;
}

async function runSweepTask({ task, dynamo, config, runId, sweepPages }: TaskContext): Promise<Detail> {
  const writer = sweepTransitionWriter(dynamo, task.tableName);
  const summary = await runSweep(
    {
      scanner: sweepPages.scanner,
      writer,
      checkpoints: new DynamoDbCheckpointStore(dynamo, task.tableName),
    },
    { config, now: task.now, runId, mode: 'enforce' },
  );
  return {
    status: summary.status,
    scanned: summary.scanned,
    plannedActions: sum(Object.values(summary.planned)),
    appliedActions: sum(Object.values(summary.applied)),
    deletionsApplied: summary.deletions.applied,
    guardTripped: summary.guard.tripped ? 'yes' : 'no',
    skipped: summary.skippedChanged.count,
    failed: summary.failed.count,
    events: summary.events.total,
    eventOwners: summary.events.owners,
    segments: config.scanSegments,
    writeConcurrency: config.writeConcurrency,
    // Nothing else writes the bench's table: every transition should go in a batch, none one by one.
    transitionCalls: writer.stats.batches,
    transitionsPerItem: writer.stats.perItem,
  };
}

async function runNotifyTask({ task, dynamo, sns }: TaskContext): Promise<Detail> {
  const summary = await runNotifier({
    outbox: new DynamoDbOutboxStore(dynamo, task.tableName),
    publisher: new SnsPublisher(sns.client, TOPIC_ARN),
    clock: Date.now,
  });
  return {
    status: summary.status,
    pendingItems: summary.pendingItems,
    owners: summary.owners,
    digests: summary.digests,
    parts: summary.parts,
    eventsPublished: summary.eventsPublished,
    eventsFailed: summary.eventsFailed,
    storeErrors: summary.storeErrors,
  };
}

/** Runs the measured call of `context.task`. */
async function runTask(context: TaskContext): Promise<Detail> {
  const { task, dynamo, sns, config, runId } = context;
  switch (task.task) {
    case 'floor':
      return { items: await sequentialFloor(dynamo, task.tableName, task.pageSize), pageSize: task.pageSize };
    case 'parallel-floor':
      return {
        items: await parallelFloor(dynamo, task.tableName, task.segments, task.pageSize),
        segments: task.segments,
        pageSize: task.pageSize,
      };
    case 'naive':
      return {
        ...(await runNaive(
          { dynamo, sns: sns.client },
          { tableName: task.tableName, topicArn: TOPIC_ARN, config, now: task.now, runId },
        )),
      };
    case 'sweep':
      return runSweepTask(context);
    case 'notify':
      return runNotifyTask(context);
    case 'write-floor':
    case 'batched-write-floor':
      return {
        ...(await writeFloor(dynamo, {
          tableName: task.tableName,
          segments: task.segments,
          pageSize: task.pageSize,
          writes: context.writes,
          concurrency: task.writeConcurrency ?? config.writeConcurrency,
          mode: task.task === 'write-floor' ? 'items' : 'batched',
        })),
        pageSize: task.pageSize,
      };
  }
}

/** The write floors' writes, read from the file the driver wrote (before the measurement). */
async function writesOf(task: ChildTask): Promise<ReadonlyMap<string, NaiveWrite>> {
  if (task.writesFile === undefined) return new Map();
  const writes = JSON.parse(await readFile(task.writesFile, 'utf8')) as NaiveWrite[];
  return new Map(writes.map((write) => [write.id, write]));
}

/**
 * Reads with a client of its own, outside the measurement (not metered, not
 * timed): the whole items the PartiQL capacity estimate needs the sizes of
 * (bench/partiql-capacity.ts) — the items with pending outbox events before a
 * drain, and after a sweep the items its statements wrote (their size after
 * the write bounds its units).
 */
async function readUnmetered<T>(
  task: ChildTask,
  read: (client: DynamoDBDocumentClient, tableName: string) => Promise<T>,
): Promise<T> {
  const client = createDocumentClient({ endpoint: task.endpoint });
  try {
    return await read(client, task.tableName);
  } finally {
    client.destroy();
  }
}

/** What bounds a mark's write units: the sizes of the items with pending events (1 WCU per started KB). */
function outboxItemSizes(items: readonly Record<string, unknown>[]): Detail {
  const sizes = items.map(itemSizeBytes);
  return {
    outboxItems: sizes.length,
    outboxItemMeanBytes: Math.round(sum(sizes) / Math.max(1, sizes.length)),
    outboxItemsOver1Kb: sizes.filter((bytes) => bytes > 1024).length,
  };
}

/** A full garbage collection when the process runs with `--expose-gc` (bench/run-child.ts), else nothing. */
function collectSetupGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function measure(task: ChildTask): Promise<ChildResult> {
  const dynamo = createDocumentClient({ endpoint: task.endpoint });
  // One sampler for both clients: one seeded sequence of draws per measurement.
  const latency = task.latency && createLatencySampler(task.latency.model, task.latency.seed);
  const meter = meterDynamo(dynamo, { rttMs: task.rttMs, ...(latency && { latency }) });
  const sns = createStubSnsClient({ rttMs: task.rttMs, ...(latency && { latency }) });
  const pending = task.task === 'notify' ? await readUnmetered(task, readPendingOutboxItems) : [];
  meter.knowItems(pending);
  const context: TaskContext = {
    task,
    dynamo,
    sns,
    config: parseConfig({ mode: 'enforce', ...BENCH_GUARD_LIMITS }),
    runId: createRunId(task.now, 'bench0001'),
    writes: await writesOf(task),
    sweepPages: timePageHolds(new DynamoDbCredentialScanner(dynamo, task.tableName)),
  };
  // The emulator's CPU is read around the measured call only (not the reads before and after it).
  const serverPid = findDynamoDbLocalPid(Number(new URL(task.endpoint).port));
  // The setup's garbage (the notifier's pre-read of whole outbox items above, module loading) is the bench's,
  // not the measured call's: collected now, so the call's CPU and heap figures do not include collecting it.
  collectSetupGarbage();
  const baseHeapUsed = process.memoryUsage().heapUsed;
  const memory = new MemorySampler();
  const liveHeap = task.trackLiveHeap ? new LiveHeapTracker() : undefined;
  const stopProfile = await startMeasuredProfile(task.cpuProfilePath);
  const serverCpuBefore = processCpuMs(serverPid);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const taskDetail = await runTask(context);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpuAfter = processCpuMs(serverPid);
  const timeline = scanTimeline(meter.scanWindow(), started, ms);
  // After the clock and CPU readings: the bench's own bookkeeping is not part of the measurement.
  const peaks = memory.stop();
  const peakLiveHeapUsed = liveHeap?.stop() ?? null;
  // After the memory figures: the profile's serialisation is a large string.
  await stopProfile();
  const detail = { ...taskDetail, ...(task.task === 'notify' && outboxItemSizes(pending)) };
  const unsized = meter.unsizedKeys();
  if (unsized.length > 0)
    meter.knowItems(await readUnmetered(task, (client, table) => readItemsByKey(client, table, unsized)));
  dynamo.destroy();
  sns.client.destroy();
  return {
    task: task.task,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...(serverCpuBefore !== undefined &&
      serverCpuAfter !== undefined && { serverCpuMs: serverCpuAfter - serverCpuBefore }),
    // maxRSS is in kilobytes.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapUsedMb: peaks.heapUsed / MB,
    peakYoungUsedMb: peaks.youngUsed / MB,
    peakOldUsedMb: peaks.oldUsed / MB,
    heapSizeLimitMb: getHeapStatistics().heap_size_limit / MB,
    peakLiveHeapUsedMb: peakLiveHeapUsed === null ? null : peakLiveHeapUsed / MB,
    baseHeapUsedMb: baseHeapUsed / MB,
    peakHeapTotalMb: peaks.heapTotal / MB,
    peakExternalMb: peaks.external / MB,
    dynamo: meter.totals(),
    ...(timeline && { scanTimeline: timeline }),
    ...(task.task === 'sweep' && { pageHold: context.sweepPages.figures() }),
    sns: sns.totals(),
    detail,
  };
}

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
const result = await measure(task);
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
