/**
 * Every measurement starts cold: a child's setup sends nothing, so its
 * process's first SDK request is the measured call's own, and every request a
 * server sees during a measurement is one the bench counted (bench/measure.ts).
 * The sweep is wired as its Lambda: the run manifest and the admin run summary
 * are part of the measured call. A local HTTP stand-in for DynamoDB records
 * what reaches it (an empty table, or a few generated records: the point is
 * what is sent, not what is stored); SNS is the bench's own server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHILD_TASKS, type ChildTask, type ChildTaskName } from '../../bench/child-protocol';
import { BENCH_NOW, generateTable } from '../../bench/generate';
import { clockFrom, measure, prepareMeasurement } from '../../bench/measure';
import { BenchSnsServer } from '../../bench/sns-server';
import { withJsonFile } from '../../bench/task-files';
import { RUN_INDEX_ID, runHeaderId } from '../../lambdas/hygiene/data-contract';
import { createRunId } from '../../lambdas/hygiene/sweep';

/** One request DynamoDB's stand-in received: its operation and the `id` of the key it names, if any. */
interface Received {
  readonly operation: string;
  readonly key?: string;
}

/** What the stand-in reads from a request. */
interface RequestBody {
  readonly Key?: { readonly id?: { readonly S?: string } };
  readonly Segment?: number;
  readonly Statements?: readonly unknown[];
}

/**
 * Answers as DynamoDB does for a table whose scan segment 0 holds `items` (every statement of a
 * batch succeeds), with capacity where DynamoDB Local reports it.
 */
function answer(operation: string, body: RequestBody, items: readonly unknown[]): Record<string, unknown> {
  const capacity = { ConsumedCapacity: { TableName: 'bench', CapacityUnits: 1 } };
  if (operation === 'Scan') {
    const page = (body.Segment ?? 0) === 0 ? items : [];
    return { Items: page, Count: page.length, ScannedCount: page.length, ...capacity };
  }
  if (operation === 'UpdateItem') return capacity;
  if (operation === 'BatchExecuteStatement') return { Responses: (body.Statements ?? []).map(() => ({})) };
  if (operation === 'BatchGetItem') return { Responses: { bench: [] } };
  return {};
}

function recordingDynamo() {
  const state = { received: [] as Received[], items: [] as unknown[] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as RequestBody;
      const key = body.Key?.id?.S;
      state.received.push({ operation, ...(key !== undefined && { key }) });
      res
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
        .end(JSON.stringify(answer(operation, body, state.items)));
    });
  });
  return { server, state };
}

describe('a measurement child', () => {
  const dynamo = recordingDynamo();
  let sns: BenchSnsServer;
  let task: (name: ChildTaskName, extra?: Partial<ChildTask>) => ChildTask;

  beforeAll(async () => {
    await new Promise<void>((resolve) => dynamo.server.listen(0, '127.0.0.1', resolve));
    sns = await BenchSnsServer.start();
    const endpoint = `http://127.0.0.1:${(dynamo.server.address() as AddressInfo).port}`;
    task = (name, extra = {}) => ({
      task: name,
      endpoint,
      sns: { endpoint: sns.endpoint },
      tableName: 'bench',
      segments: 4,
      now: BENCH_NOW,
      rttMs: 0,
      pageSize: 1000,
      ...extra,
    });
  });
  afterAll(async () => {
    await sns.stop();
    await new Promise<void>((resolve) => dynamo.server.close(() => resolve()));
  });
  beforeEach(() => {
    dynamo.state.received.length = 0;
    dynamo.state.items = [];
  });

  it.each(CHILD_TASKS)('%s: sends nothing before its measured call', async (name) => {
    const sizes: [string, number][] = [
      ['cred-1', 951],
      ['cred-2', 1_100],
    ];
    const prepared = await withJsonFile('test-sizes', sizes, (itemSizesFile) =>
      prepareMeasurement(task(name, name === 'notify' ? { itemSizesFile } : {})),
    );

    expect(dynamo.state.received).toEqual([]);
    expect(await prepared.sns.takeTotals()).toMatchObject({ calls: 0 });
    // What the capacity estimate needs came from the driver's file, not from a read.
    if (name === 'notify') expect([...prepared.itemSizes]).toEqual(sizes);
    prepared.dynamo.destroy();
    prepared.sns.client.destroy();
  });

  it.each(CHILD_TASKS)('%s: every request the servers saw is one the bench counted', async (name) => {
    const result = await measure(task(name));

    expect(result.dynamo.requests).toBeGreaterThan(0);
    expect(dynamo.state.received).toHaveLength(result.dynamo.requests);
    expect(Object.values(result.sns.byAction).reduce((a, b) => a + b, 0)).toBe(result.sns.calls);
  });

  it('sweep: writes the run manifest and publishes the admin run summary inside the measured call', async () => {
    const table = generateTable({ size: 200, changeRate: 0.1, seed: 11 });
    dynamo.state.items = table.items.map((item) => marshall(item, { removeUndefinedValues: true }));

    const result = await measure(task('sweep'));
    const runId = createRunId(BENCH_NOW, 'bench0001');
    const updated = dynamo.state.received.filter((r) => r.operation === 'UpdateItem').map((r) => r.key);

    expect(updated).toContain(runHeaderId(runId));
    expect(updated).toContain(RUN_INDEX_ID);
    expect(result.detail).toMatchObject({ scanned: 200, manifestFailed: 'no', adminSummaryPublished: 'yes' });
    expect(Number(result.detail.manifestEntries)).toBeGreaterThan(0);
    expect(result.sns).toMatchObject({ calls: 1, messages: 1, byAction: { PublishBatch: 1 } });
    expect(result.dynamo.requestsWithoutCapacity).toBe(0);
  });
});

// `runNotifyTask` (bench/measure.ts) gives the drain `clockFrom(task.now)`; this pins the clock itself, and
// test/integration/bench-notify-clock.test.ts that wiring (the same digests whatever the wall clock).
describe('clockFrom, the notify measurement’s drain clock', () => {
  it('reads the given instant when made and runs with the wall clock from there, whatever the day', () => {
    const wall = vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-05T21:00:00.000Z'));
    try {
      const clock = clockFrom(BENCH_NOW);
      expect(clock()).toBe(BENCH_NOW);
      wall.mockReturnValue(Date.parse('2026-12-05T21:00:01.500Z'));
      expect(clock()).toBe(BENCH_NOW + 1_500);
    } finally {
      wall.mockRestore();
    }
  });
});
