/**
 * One repetition of one (size, change rate) case: freshly generated and
 * loaded tables, then every measurement in its own fresh process.
 *
 * Table A (read floor, then ours): sequential floor → parallel floor → sweep →
 * notifier drain; with `--deployed-reach`, an owner directory holding every
 * owner of the table and the topics' subscriptions are made before the sweep
 * (bench/deployed-reach.ts), and the sweep and the drain wired to them. Table
 * B (same records): naive, then the two write floors (their plain writes set
 * what the naive run set: the same work on the same items). The tables are
 * dropped afterwards, so DynamoDB Local holds at most one case's data at a
 * time.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteItems } from '../cli/aws/batch-import';
import { createTable } from '../cli/aws/create-table';
import { DEFAULT_SCAN_PAGE_SIZE } from '../lambdas/aws/credential-scanner';
import { type HygieneConfig, parseConfig } from '../lambdas/hygiene/config';
import { createRunId } from '../lambdas/hygiene/sweep';
import { CHILD_TASKS, type ChildResult, type ChildTask, type ChildTaskName } from './child-protocol';
import { type DeployedReach, prepareDeployedReach } from './deployed-reach';
import { BENCH_NOW, type GeneratedTable, generateTable } from './generate';
import type { LatencyModel } from './latency-model';
import { naiveWrites } from './naive';
import { readPendingOutboxItems, sizesOf } from './outbox-items';
import { runChild } from './run-child';
import type { BenchEndpoints } from './services';
import { SNS_LIST_PAGE_SIZE } from './sns-subscription-listing';
import { withJsonFile } from './task-files';

/** The measurements of one repetition. */
export interface CaseRep {
  readonly size: number;
  readonly changeRate: number;
  readonly rep: number;
  readonly changes: number;
  readonly loadMs: number;
  readonly results: Readonly<Record<ChildTaskName, ChildResult>>;
  /** `--deployed-reach`: the sweep and the drain ran as deployed with every owner imported; absent: without. */
  readonly deployedReach?: true;
  /** DynamoDB Local (JVM) CPU time during each measured call (the child's reading), ms; absent when /proc is unreadable. */
  readonly serverCpuMs: Readonly<Partial<Record<ChildTaskName, number>>>;
  /** The bench's SNS server's CPU time during each measured call, ms (read the same way). */
  readonly snsServerCpuMs?: Readonly<Partial<Record<ChildTaskName, number>>>;
}

/** A measurement disagreed with what the table holds (the comparison would be meaningless). */
export class BenchConsistencyError extends Error {
  override readonly name = 'BenchConsistencyError';
}

/** Creates a table named after `label` and loads `items` (8 requests in flight); returns its name and load time. */
export async function freshTable(
  client: DynamoDBDocumentClient,
  label: string,
  items: readonly Record<string, unknown>[],
) {
  const tableName = `bench-${label}-${randomUUID().slice(0, 8)}`;
  await createTable(client, tableName);
  const started = performance.now();
  await batchWriteItems(client, tableName, items, { concurrency: 8 });
  return { tableName, loadMs: performance.now() - started };
}

/** Deletes a table made by {@link freshTable}. */
export async function dropTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
}

/** Where and how one repetition runs its measurement children. */
interface CaseOptions {
  readonly size: number;
  readonly changeRate: number;
  readonly rep: number;
  /** The bundled measurement child (bench/child-bundle.ts). */
  readonly childScript: string;
  readonly rttMs: number;
  /** `--max-old-space-size` for every child, MB. */
  readonly heapCapMb?: number;
  /** Write a CPU profile of every child to this directory. */
  readonly cpuProfDir?: string;
  /** The service latency model (`--latency aws`); absent = none. */
  readonly latency?: LatencyModel;
  /** `--deployed-reach`: measure the sweep and the drain as deployed with every owner imported. */
  readonly deployedReach?: boolean;
}

/** Runs one measurement child on a table; records DynamoDB Local's CPU during its measured call in `serverCpuMs`. */
type Measure = (task: ChildTaskName, tableName: string, extra?: Partial<ChildTask>) => Promise<ChildResult>;

/** The measurement function of one repetition (its label, seed and segment count fixed). */
function measurer(
  endpoints: BenchEndpoints,
  options: CaseOptions,
  repetition: {
    readonly label: string;
    readonly seed: number;
    readonly segments: number;
    readonly serverCpuMs: Partial<Record<ChildTaskName, number>>;
    readonly snsServerCpuMs: Partial<Record<ChildTaskName, number>>;
  },
  log: (line: string) => void,
): Measure {
  const { label, seed, segments, serverCpuMs, snsServerCpuMs } = repetition;
  const nodeFlags = options.heapCapMb === undefined ? [] : [`--max-old-space-size=${options.heapCapMb}`];
  return async (task, tableName, extra = {}) => {
    const result = await runChild(
      options.childScript,
      {
        ...extra,
        task,
        endpoint: endpoints.dynamo,
        sns: endpoints.sns,
        tableName,
        segments,
        now: BENCH_NOW,
        rttMs: options.rttMs,
        // The floors read with the sweep scanner's page size: same page settings on both sides.
        pageSize: DEFAULT_SCAN_PAGE_SIZE,
        ...(options.latency && {
          latency: { model: options.latency, seed: seed * 31 + CHILD_TASKS.indexOf(task) },
        }),
        ...(options.cpuProfDir !== undefined && {
          cpuProfilePath: join(options.cpuProfDir, `${label}-${task}.cpuprofile`),
        }),
      },
      nodeFlags,
    );
    if (result.serverCpuMs !== undefined) serverCpuMs[task] = result.serverCpuMs;
    if (result.snsServerCpuMs !== undefined) snsServerCpuMs[task] = result.snsServerCpuMs;
    log(
      `  ${label} ${task}: ${Math.round(result.ms)} ms (client CPU ${Math.round(result.cpuMs)} ms, DynamoDB Local CPU ${serverCpuMs[task] ?? '?'} ms, SNS server CPU ${snsServerCpuMs[task] ?? '?'} ms), peak RSS ${Math.round(result.maxRssMb)} MB`,
    );
    return result;
  };
}

/** The two write floors on `tableName`, their writes (the naive run's, computed here) handed over in a file. */
async function measureWriteFloors(
  measure: Measure,
  tableName: string,
  table: GeneratedTable,
  label: string,
  config: HygieneConfig,
): Promise<Pick<CaseRep['results'], 'write-floor' | 'batched-write-floor'>> {
  const runId = createRunId(BENCH_NOW, 'bench0001');
  const writes = naiveWrites(table.items, { config, now: BENCH_NOW, runId });
  return withJsonFile(`writes-${label}`, writes, async (writesFile) => {
    const extra = { writesFile, writeConcurrency: config.writeConcurrency };
    return {
      'write-floor': await measure('write-floor', tableName, extra),
      'batched-write-floor': await measure('batched-write-floor', tableName, extra),
    };
  });
}

/**
 * The notifier's drain of `tableName`. The sizes of the items with pending events (the capacity
 * estimate's input) are read here, before the child starts, and handed over in a file: a read in
 * the child would warm its SDK before the measured call.
 */
async function measureNotify(
  measure: Measure,
  client: DynamoDBDocumentClient,
  tableName: string,
  label: string,
  extra: Partial<ChildTask> = {},
): Promise<ChildResult> {
  const sizes = sizesOf(await readPendingOutboxItems(client, tableName));
  return withJsonFile(`sizes-${label}`, sizes, (itemSizesFile) =>
    measure('notify', tableName, { itemSizesFile, ...extra }),
  );
}

/**
 * The sweep and the drain of table A, with `--deployed-reach` against an owner directory holding every owner of
 * `table` and the topics' subscriptions (made first, not measured; the directory dropped after the drain).
 */
async function measureOurs(
  measure: Measure,
  client: DynamoDBDocumentClient,
  endpoints: BenchEndpoints,
  ours: { readonly tableName: string; readonly table: GeneratedTable; readonly label: string },
  deployedReach: boolean,
): Promise<{ sweep: ChildResult; notify: ChildResult; reach?: DeployedReach }> {
  const { tableName, table, label } = ours;
  if (!deployedReach) {
    const sweep = await measure('sweep', tableName);
    return { sweep, notify: await measureNotify(measure, client, tableName, label) };
  }
  const reach = await prepareDeployedReach(client, endpoints.sns.endpoint, table.items, label, BENCH_NOW);
  try {
    const extra = { directoryTableName: reach.directoryTableName };
    const sweep = await measure('sweep', tableName, extra);
    return { sweep, notify: await measureNotify(measure, client, tableName, label, extra), reach };
  } finally {
    await reach.drop();
  }
}

/**
 * Every measurement must have done what its table says it would, or the comparison is meaningless.
 * @throws {BenchConsistencyError} on the first that did not
 */
function checkConsistency(label: string, table: GeneratedTable, results: CaseRep['results']): void {
  const size = table.items.length;
  const { floor, sweep, notify, naive } = results;
  const writeFloor = results['write-floor'];
  const batched = results['batched-write-floor'];
  const checks: [string, unknown, unknown][] = [
    ['floor items', floor.detail.items, size],
    ['parallel floor items', results['parallel-floor'].detail.items, size],
    ['sweep scanned', sweep.detail.scanned, size],
    ['sweep failed writes', sweep.detail.failed, 0],
    ['sweep skipped writes', sweep.detail.skipped, 0],
    ['sweep guard tripped', sweep.detail.guardTripped, 'no'],
    ['sweep transitions written one by one (a failed batched statement)', sweep.detail.transitionsPerItem, 0],
    ['sweep PartiQL writes whose capacity could not be estimated', sweep.dynamo.unestimatedStatements, 0],
    [
      'sweep writes whose capacity was neither reported nor estimated',
      sweep.dynamo.requestsWithoutCapacity,
      0,
    ],
    ['sweep run manifest failed', sweep.detail.manifestFailed, 'no'],
    ['sweep admin run summary published', sweep.detail.adminSummaryPublished, 'yes'],
    ['naive updates', naive.detail.updates, table.changes],
    ['write floor items', writeFloor.detail.items, size],
    ['write floor writes', writeFloor.detail.writes, table.changes],
    ['batched write floor items', batched.detail.items, size],
    ['batched write floor writes', batched.detail.writes, table.changes],
    ['events published (ours vs naive)', notify.detail.eventsPublished, naive.detail.published],
    ['notifier failed events', notify.detail.eventsFailed, 0],
    ['notifier PartiQL writes whose capacity could not be estimated', notify.dynamo.unestimatedStatements, 0],
    [
      'notifier writes whose capacity was neither reported nor estimated',
      notify.dynamo.requestsWithoutCapacity,
      0,
    ],
  ];
  throwOnMismatch(label, checks);
}

/** @throws {BenchConsistencyError} on the first check whose value is not the one expected */
function throwOnMismatch(label: string, checks: readonly (readonly [string, unknown, unknown])[]): void {
  for (const [what, actual, expected] of checks) {
    if (actual !== expected)
      throw new BenchConsistencyError(`${label}: ${what} = ${actual}, expected ${expected}`);
  }
}

/**
 * `--deployed-reach`: the sweep and the drain must have judged every owner reachable against the directory (every
 * owner imported and confirmed), the sweep checked the alarm topic (its one subscription), and the drain listed the
 * topic once (every page).
 * @throws {BenchConsistencyError} on the first that did not
 */
function checkDeployedReach(
  label: string,
  reach: DeployedReach,
  sweep: ChildResult,
  notify: ChildResult,
): void {
  const listed = (result: ChildResult) => result.sns.byAction.ListSubscriptionsByTopic ?? 0;
  throwOnMismatch(label, [
    ['sweep owner reach', sweep.detail.reach, 'verified'],
    ['sweep unreachable owners', sweep.detail.unreachableOwners, 0],
    ['sweep alarm topic check', sweep.detail.alarmTopic, 'checked: 1 confirmed, 0 pending'],
    ['sweep alarm topic listing pages', listed(sweep), 1],
    ['notifier owner reach', notify.detail.reach, 'verified'],
    ['notifier subscription check', notify.detail.subscriptionCheck, 'listed'],
    ['notifier unreachable owners', notify.detail.unreachableOwners, 0],
    [
      'notifier topic listing pages',
      listed(notify),
      Math.ceil(reach.topicSubscriptions / SNS_LIST_PAGE_SIZE),
    ],
  ]);
}

/**
 * The generator seed of the bench's table for `size`, `changeRate` and
 * repetition `rep`: one table per case and repetition, the same in every run
 * (also used by the side tools that rebuild the bench's tables).
 */
export function benchSeed(size: number, changeRate: number, rep: number): number {
  return 7919 * (rep + 1) + size + Math.round(changeRate * 1000);
}

/** Runs one repetition; `log` receives one line per step. */
export async function runCase(
  client: DynamoDBDocumentClient,
  endpoints: BenchEndpoints,
  options: CaseOptions,
  log: (line: string) => void,
): Promise<CaseRep> {
  const { size, changeRate, rep } = options;
  const config = parseConfig({});
  const seed = benchSeed(size, changeRate, rep);
  const table = generateTable({ size, changeRate, seed });
  const label = `${size}-${Math.round(changeRate * 100)}pct-r${rep}`;
  const serverCpuMs: Partial<Record<ChildTaskName, number>> = {};
  const snsServerCpuMs: Partial<Record<ChildTaskName, number>> = {};
  const measure = measurer(
    endpoints,
    options,
    { label, seed, segments: config.scanSegments, serverCpuMs, snsServerCpuMs },
    log,
  );

  const ours = await freshTable(client, `${label}-ours`, table.items);
  log(`  ${label}: loaded ${size} items (${table.changes} changing) in ${Math.round(ours.loadMs)} ms`);
  const floor = await measure('floor', ours.tableName);
  const parallelFloor = await measure('parallel-floor', ours.tableName);
  const { sweep, notify, reach } = await measureOurs(
    measure,
    client,
    endpoints,
    { tableName: ours.tableName, table, label },
    options.deployedReach ?? false,
  );
  await dropTable(client, ours.tableName);

  const naiveTable = await freshTable(client, `${label}-naive`, table.items);
  const naive = await measure('naive', naiveTable.tableName);
  const writeFloors = await measureWriteFloors(measure, naiveTable.tableName, table, label, config);
  await dropTable(client, naiveTable.tableName);

  const results = { floor, 'parallel-floor': parallelFloor, sweep, notify, naive, ...writeFloors };
  checkConsistency(label, table, results);
  if (reach !== undefined) checkDeployedReach(label, reach, sweep, notify);
  return {
    size,
    changeRate,
    rep,
    ...(reach !== undefined && { deployedReach: true }),
    changes: table.changes,
    loadMs: ours.loadMs,
    results,
    serverCpuMs,
    snsServerCpuMs,
  };
}
