/**
 * One repetition of one (size, change rate) case: freshly generated and
 * loaded tables, then every measurement in its own fresh process.
 *
 * Table A (read floor, then ours): sequential floor → parallel floor → sweep →
 * notifier drain. Table B (same records): naive, then the two write floors
 * (their plain writes set what the naive run set: the same work on the same
 * items). Both tables are dropped afterwards, so DynamoDB Local holds at most
 * one case's data at a time.
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteItems } from '../cli/aws/batch-import';
import { createTable } from '../cli/aws/create-table';
import { DEFAULT_SCAN_PAGE_SIZE } from '../lambdas/aws/credential-scanner';
import { parseConfig } from '../lambdas/hygiene/config';
import { createRunId } from '../lambdas/hygiene/sweep';
import { CHILD_TASKS, type ChildResult, type ChildTask, type ChildTaskName } from './child-protocol';
import { BENCH_NOW, type GeneratedTable, generateTable } from './generate';
import type { LatencyModel } from './latency-model';
import { naiveWrites } from './naive';
import { runChild } from './run-child';
import { findDynamoDbLocalPid, processCpuMs } from './server-cpu';

/** The measurements of one repetition. */
export interface CaseRep {
  readonly size: number;
  readonly changeRate: number;
  readonly rep: number;
  readonly changes: number;
  readonly loadMs: number;
  readonly results: Readonly<Record<ChildTaskName, ChildResult>>;
  /** DynamoDB Local (JVM) CPU time during each measurement, ms; absent when /proc is unreadable. */
  readonly serverCpuMs: Readonly<Partial<Record<ChildTaskName, number>>>;
}

/** A measurement disagreed with what the table holds (the comparison would be meaningless). */
export class BenchConsistencyError extends Error {
  override readonly name = 'BenchConsistencyError';
}

async function freshTable(client: DynamoDBDocumentClient, label: string, table: GeneratedTable) {
  const tableName = `bench-${label}-${randomUUID().slice(0, 8)}`;
  await createTable(client, tableName);
  const started = performance.now();
  await batchWriteItems(client, tableName, table.items, { concurrency: 8 });
  return { tableName, loadMs: performance.now() - started };
}

async function dropTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
}

/** Runs one repetition; `log` receives one line per step. */
export async function runCase(
  client: DynamoDBDocumentClient,
  endpoint: string,
  options: {
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
  },
  log: (line: string) => void,
): Promise<CaseRep> {
  const { size, changeRate, rep, rttMs } = options;
  const config = parseConfig({});
  const segments = config.scanSegments;
  const seed = 7919 * (rep + 1) + size + Math.round(changeRate * 1000);
  const table = generateTable({ size, changeRate, seed });
  const label = `${size}-${Math.round(changeRate * 100)}pct-r${rep}`;
  const serverPid = findDynamoDbLocalPid(Number(new URL(endpoint).port));
  const serverCpuMs: Partial<Record<ChildTaskName, number>> = {};
  const measure = async (task: ChildTaskName, tableName: string, extra: Partial<ChildTask> = {}) => {
    const cpuBefore = processCpuMs(serverPid);
    const result = await runChild(
      options.childScript,
      {
        ...extra,
        task,
        endpoint,
        tableName,
        segments,
        now: BENCH_NOW,
        rttMs,
        // The floors read with the sweep scanner's page size: same page settings on both sides.
        pageSize: DEFAULT_SCAN_PAGE_SIZE,
        ...(options.latency && {
          latency: { model: options.latency, seed: seed * 31 + CHILD_TASKS.indexOf(task) },
        }),
      },
      [
        ...(options.heapCapMb === undefined ? [] : [`--max-old-space-size=${options.heapCapMb}`]),
        ...(options.cpuProfDir === undefined
          ? []
          : [
              '--cpu-prof',
              `--cpu-prof-dir=${options.cpuProfDir}`,
              `--cpu-prof-name=${label}-${task}.cpuprofile`,
            ]),
      ],
    );
    const cpuAfter = processCpuMs(serverPid);
    if (cpuBefore !== undefined && cpuAfter !== undefined) serverCpuMs[task] = cpuAfter - cpuBefore;
    log(
      `  ${label} ${task}: ${Math.round(result.ms)} ms (client CPU ${Math.round(result.cpuMs)} ms, DynamoDB Local CPU ${serverCpuMs[task] ?? '?'} ms), peak RSS ${Math.round(result.maxRssMb)} MB`,
    );
    return result;
  };

  const ours = await freshTable(client, `${label}-ours`, table);
  log(`  ${label}: loaded ${size} items (${table.changes} changing) in ${Math.round(ours.loadMs)} ms`);
  const floor = await measure('floor', ours.tableName);
  const parallelFloor = await measure('parallel-floor', ours.tableName);
  const sweep = await measure('sweep', ours.tableName);
  const notify = await measure('notify', ours.tableName);
  await dropTable(client, ours.tableName);

  const naiveTable = await freshTable(client, `${label}-naive`, table);
  const naive = await measure('naive', naiveTable.tableName);
  const writesFile = join(tmpdir(), `pch-bench-writes-${label}-${randomUUID().slice(0, 8)}.json`);
  const writes = naiveWrites(table.items, {
    config,
    now: BENCH_NOW,
    runId: createRunId(BENCH_NOW, 'bench0001'),
  });
  await writeFile(writesFile, JSON.stringify(writes));
  const writeFloors = { writesFile, writeConcurrency: config.writeConcurrency };
  const floorOfWrites = await measure('write-floor', naiveTable.tableName, writeFloors);
  const batchedFloorOfWrites = await measure(
    'batched-write-floor',
    naiveTable.tableName,
    writeFloors,
  ).finally(() => rm(writesFile, { force: true }));
  await dropTable(client, naiveTable.tableName);

  const checks: [string, unknown, unknown][] = [
    ['floor items', floor.detail.items, size],
    ['parallel floor items', parallelFloor.detail.items, size],
    ['sweep scanned', sweep.detail.scanned, size],
    ['sweep failed writes', sweep.detail.failed, 0],
    ['sweep skipped writes', sweep.detail.skipped, 0],
    ['naive updates', naive.detail.updates, table.changes],
    ['write floor items', floorOfWrites.detail.items, size],
    ['write floor writes', floorOfWrites.detail.writes, table.changes],
    ['batched write floor items', batchedFloorOfWrites.detail.items, size],
    ['batched write floor writes', batchedFloorOfWrites.detail.writes, table.changes],
    ['events published (ours vs naive)', notify.detail.eventsPublished, naive.detail.published],
    ['notifier failed events', notify.detail.eventsFailed, 0],
    ['notifier PartiQL writes whose capacity could not be estimated', notify.dynamo.unestimatedStatements, 0],
  ];
  for (const [what, actual, expected] of checks) {
    if (actual !== expected)
      throw new BenchConsistencyError(`${label}: ${what} = ${actual}, expected ${expected}`);
  }
  return {
    size,
    changeRate,
    rep,
    changes: table.changes,
    loadMs: ours.loadMs,
    results: {
      floor,
      'parallel-floor': parallelFloor,
      sweep,
      notify,
      naive,
      'write-floor': floorOfWrites,
      'batched-write-floor': batchedFloorOfWrites,
    },
    serverCpuMs,
  };
}
