/**
 * One measurement, as bench/child.ts runs it in a fresh process (see
 * child-protocol.ts), in two parts:
 *
 * - {@link prepareMeasurement} builds the clients and reads the inputs the
 *   driver handed over in files (the write floors' writes, the sizes of the
 *   items with pending events), and sends nothing: every arm starts cold, its
 *   process's first SDK request the measured call's own (BENCHMARKS.md,
 *   "Method"), except a notifier task given a warm-up table
 *   (bench/compare-notifier.ts's `--warm`), which drains that first;
 * - {@link measure} times the measured call, then does the bench's
 *   bookkeeping (reads after the call, the SNS server's counts).
 *
 * `sweep` and `notify` are the shipped use cases over the shipped adapters,
 * wired as the Lambda handlers wire them: the sweep with its checkpoint store,
 * run manifest and guard approvals, then the admin run summary published; SNS
 * is the bench's SNS server, reached by the deployed client's settings
 * (bench/sns-bench-client.ts). Without an owner directory and an alarm topic,
 * unless the task names a directory (`--deployed-reach`): then both also have
 * what the deployed handlers wire for them (bench/deployed-wiring.ts: the
 * directory, the notifier's listing of the topic, the sweep's alarm topic
 * check before its admin summary). The sweep runs in `enforce` mode under guard
 * limits it cannot exceed ({@link BENCH_GUARD_LIMITS}), so it makes the same
 * writes the naive run makes, its deletions waiting for the guard as in the
 * deployed sweep. The read and write floors are bench/floor.ts.
 */
import { readFile } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sweepTransitionWriter } from '../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../lambdas/aws/dynamodb-client';
import { DynamoDbGuardApprovals } from '../lambdas/aws/guard-approval-store';
import { DynamoDbOutboxStore } from '../lambdas/aws/outbox-store';
import { DynamoDbRunManifestWriter } from '../lambdas/aws/run-manifest-store';
import { SnsPublisher } from '../lambdas/aws/sns-publisher';
import { timerSleep } from '../lambdas/aws/timer-sleep';
import { parseConfig } from '../lambdas/hygiene/config';
import { runNotifier } from '../lambdas/hygiene/notifier';
import { createRunId, runSweep } from '../lambdas/hygiene/sweep';
import { type AdminReportContext, publishAdminReport } from '../lambdas/render/admin-report';
import { BENCH_TOPIC_ARN } from './bench-topics';
import type { ChildResult, ChildTask } from './child-protocol';
import type { DeployedWiring } from './deployed-wiring';
import { meterDynamo, scanTimeline } from './dynamo-meter';
import { parallelFloor, sequentialFloor, writeFloor } from './floor';
import { BENCH_GUARD_LIMITS } from './generate';
import { createLatencySampler } from './latency-model';
import { startMeasuredProfile } from './measured-profile';
import { LiveHeapTracker, MemorySampler } from './memory-sampler';
import { type NaiveWrite, runNaive } from './naive';
import { type ItemSizes, itemSizeStats, readItemsByKey } from './outbox-items';
import { type PageHoldTimer, timePageHolds } from './page-hold';
import { findDynamoDbLocalPid, processCpuMs } from './server-cpu';
import { type BenchSnsClient, createBenchSnsClient } from './sns-bench-client';

const MB = 1024 * 1024;

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The figures each task reports beside time, memory and requests. */
type Detail = Record<string, number | string>;

/** A prepared measurement: the clients and inputs of one task, nothing sent yet. */
export interface PreparedMeasurement {
  readonly task: ChildTask;
  readonly dynamo: DynamoDBDocumentClient;
  readonly meter: ReturnType<typeof meterDynamo>;
  readonly sns: BenchSnsClient;
  readonly config: ReturnType<typeof parseConfig>;
  readonly runId: string;
  /** Write floors: the writes to make, by credential id. */
  readonly writes: ReadonlyMap<string, NaiveWrite>;
  /** The notifier: the sizes of the items with pending events, by id (what bounds a mark's units). */
  readonly itemSizes: ItemSizes;
  /** The sweep's scanner, timing how long the sweep holds each page (bench/page-hold.ts). */
  readonly sweepPages: PageHoldTimer;
  /** `--deployed-reach` (the task names a directory): what the deployed handlers also wire; absent: none of it. */
  readonly deployed?: DeployedWiring;
}

/**
 * The sweep as the sweep Lambda wires it (lambdas/handlers/sweep.ts), then its admin run summary published (after
 * the alarm topic check, with `--deployed-reach`).
 */
async function runSweepTask({ task, dynamo, sns, config, runId, sweepPages, deployed }: PreparedMeasurement) {
  const writer = sweepTransitionWriter(dynamo, task.tableName);
  const summary = await runSweep(
    {
      scanner: sweepPages.scanner,
      writer,
      checkpoints: new DynamoDbCheckpointStore(dynamo, task.tableName),
      manifest: new DynamoDbRunManifestWriter(dynamo, task.tableName),
      approvals: new DynamoDbGuardApprovals(dynamo, task.tableName),
      ...deployed?.sweep,
      clock: Date.now,
    },
    { config, now: task.now, runId, mode: 'enforce' },
  );
  // As the handler does once the run's writes are committed.
  const context = (await deployed?.adminContext()) ?? {};
  const admin = await publishAdminReport(new SnsPublisher(sns.client, BENCH_TOPIC_ARN), summary, context);
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
    manifestPages: summary.manifest?.pages ?? 0,
    manifestEntries: summary.manifest?.entries ?? 0,
    manifestFailed: summary.manifest?.failed ?? 'no',
    adminSummaryPublished: admin.published ? 'yes' : `no: ${admin.failure?.code ?? 'unknown'}`,
    reach: summary.reach.status,
    ownersChecked: summary.reach.ownersChecked,
    unreachableOwners: summary.reach.unreachableOwners,
    alarmTopic: alarmTopicDetail(context),
  };
}

/** What the alarm topic check found, for the detail: `checked: N confirmed, M pending`, why not, or `none`. */
function alarmTopicDetail({ alarmTopic }: AdminReportContext): string {
  if (alarmTopic === undefined) return 'none';
  if (alarmTopic.status === 'unchecked') return `unchecked: ${alarmTopic.error}`;
  return `checked: ${alarmTopic.confirmed} confirmed, ${alarmTopic.pending} pending`;
}

/**
 * A clock that reads `start` now and runs with the wall clock: a drain right after the sweep, as the deployed
 * notifier drains within its 15-minute schedule of the sweep's run. The digests' relative phrases ("in 14 days"),
 * and so the SNS bytes, are then the same in every run, whatever day the bench runs on.
 */
export function clockFrom(start: number): () => number {
  const startedAt = Date.now();
  return () => start + (Date.now() - startedAt);
}

/** The notifier's drain, as the notifier Lambda wires it (lambdas/handlers/notifier.ts) with `--deployed-reach`. */
async function runNotifyTask({ task, dynamo, sns, deployed }: PreparedMeasurement): Promise<Detail> {
  const summary = await runNotifier(
    {
      outbox: new DynamoDbOutboxStore(dynamo, task.tableName),
      publisher: new SnsPublisher(sns.client, BENCH_TOPIC_ARN),
      clock: clockFrom(task.now),
      sleep: timerSleep,
      ...deployed?.notifier,
    },
    deployed?.notifierOptions ?? {},
  );
  return {
    status: summary.status,
    pendingItems: summary.pendingItems,
    owners: summary.owners,
    digests: summary.digests,
    parts: summary.parts,
    eventsPublished: summary.eventsPublished,
    eventsFailed: summary.eventsFailed,
    storeErrors: summary.storeErrors,
    reach: summary.reach,
    subscriptionCheck: summary.subscriptionCheck,
    unreachableOwners: summary.unreachableOwners,
  };
}

/** Runs the measured call of `prepared.task`. */
async function runTask(prepared: PreparedMeasurement): Promise<Detail> {
  const { task, dynamo, sns, config, runId } = prepared;
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
          { tableName: task.tableName, topicArn: BENCH_TOPIC_ARN, config, now: task.now, runId },
        )),
      };
    case 'sweep':
      return runSweepTask(prepared);
    case 'notify':
      return runNotifyTask(prepared);
    case 'write-floor':
    case 'batched-write-floor':
      return {
        ...(await writeFloor(dynamo, {
          tableName: task.tableName,
          segments: task.segments,
          pageSize: task.pageSize,
          writes: prepared.writes,
          concurrency: task.writeConcurrency ?? config.writeConcurrency,
          mode: task.task === 'write-floor' ? 'items' : 'batched',
        })),
        pageSize: task.pageSize,
      };
  }
}

/** A JSON file the driver wrote for this task (bench/task-files.ts), or `empty` when the task names none. */
async function taskFile<T>(path: string | undefined, empty: T): Promise<T> {
  return path === undefined ? empty : (JSON.parse(await readFile(path, 'utf8')) as T);
}

/**
 * Builds the clients and reads the task's input files; sends no request (the
 * measured call makes the process's first).
 */
export async function prepareMeasurement(task: ChildTask): Promise<PreparedMeasurement> {
  const dynamo = createDocumentClient({ endpoint: task.endpoint });
  // One sampler for both clients: one seeded sequence of draws per measurement.
  const latency = task.latency && createLatencySampler(task.latency.model, task.latency.seed);
  const meter = meterDynamo(dynamo, { rttMs: task.rttMs, ...(latency && { latency }) });
  const sns = createBenchSnsClient(task.sns, { rttMs: task.rttMs, ...(latency && { latency }) });
  const writes = await taskFile<NaiveWrite[]>(task.writesFile, []);
  const itemSizes: ItemSizes = new Map(await taskFile<[string, number][]>(task.itemSizesFile, []));
  meter.knowSizes(itemSizes);
  const config = parseConfig({ mode: 'enforce', ...BENCH_GUARD_LIMITS });
  // Loaded only for a deployed-reach task: the default arms' processes hold none of its modules.
  const deployed =
    task.directoryTableName === undefined
      ? undefined
      : (await import('./deployed-wiring')).deployedWiring(
          dynamo,
          sns.client,
          task.directoryTableName,
          config,
        );
  return {
    task,
    dynamo,
    meter,
    sns,
    config,
    ...(deployed !== undefined && { deployed }),
    runId: createRunId(task.now, 'bench0001'),
    writes: new Map(writes.map((write) => [write.id, write])),
    itemSizes,
    sweepPages: timePageHolds(new DynamoDbCredentialScanner(dynamo, task.tableName)),
  };
}

/**
 * Reads with a client of its own, after the measurement (not metered, not
 * timed): the whole items a sweep's PartiQL statements wrote, whose size after
 * the write bounds their units (bench/partiql-capacity.ts).
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

/** A full garbage collection when the process runs with `--expose-gc` (bench/run-child.ts), else nothing. */
function collectSetupGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** CPU time of a server process (DynamoDB Local, the SNS server) over the measured call, if both readings exist. */
function cpuBetween(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}

/** Prepares and runs one measurement; see the module's header. */
export async function measure(task: ChildTask): Promise<ChildResult> {
  const prepared = await prepareMeasurement(task);
  const { dynamo, meter, sns } = prepared;
  // The servers' CPU is read around the measured call only (not the reads before and after it).
  const serverPid = findDynamoDbLocalPid(Number(new URL(task.endpoint).port));
  const snsPid = task.sns.pid;
  if (task.task === 'notify' && task.warmUpTableName !== undefined)
    await runNotifyTask({ ...prepared, task: { ...task, tableName: task.warmUpTableName } });
  // The setup's garbage (module loading, the input files, a warm-up drain) is the bench's, not the measured
  // call's: collected now, so the call's CPU and heap figures do not include collecting it.
  collectSetupGarbage();
  const baseHeapUsed = process.memoryUsage().heapUsed;
  const memory = new MemorySampler();
  const liveHeap = task.trackLiveHeap ? new LiveHeapTracker() : undefined;
  const stopProfile = await startMeasuredProfile(task.cpuProfilePath);
  const serverCpuBefore = processCpuMs(serverPid);
  const snsCpuBefore = processCpuMs(snsPid);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const taskDetail = await runTask(prepared);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpuMs = cpuBetween(serverCpuBefore, processCpuMs(serverPid));
  const snsServerCpuMs = cpuBetween(snsCpuBefore, processCpuMs(snsPid));
  const timeline = scanTimeline(meter.scanWindow(), started, ms);
  // After the clock and CPU readings: the bench's own bookkeeping is not part of the measurement.
  const peaks = memory.stop();
  const peakLiveHeapUsed = liveHeap?.stop() ?? null;
  // After the memory figures: the profile's serialisation is a large string.
  await stopProfile();
  const detail = { ...taskDetail, ...(task.task === 'notify' && itemSizeStats(prepared.itemSizes)) };
  const unsized = meter.unsizedKeys();
  if (unsized.length > 0)
    meter.knowItems(await readUnmetered(task, (client, table) => readItemsByKey(client, table, unsized)));
  const snsTotals = await sns.takeTotals();
  dynamo.destroy();
  sns.client.destroy();
  return {
    task: task.task,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...(serverCpuMs !== undefined && { serverCpuMs }),
    ...(snsServerCpuMs !== undefined && { snsServerCpuMs }),
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
    ...(task.task === 'sweep' && { pageHold: prepared.sweepPages.figures() }),
    sns: snsTotals,
    detail,
  };
}
