/**
 * Bulk loading with BatchWriteItem (cli/aws/batch-import.ts; docs/data-model.md, "Import and export"), against a
 * client-boundary mock of the document client: batches of 25 without a repeated id, unprocessed items retried with
 * growing backoff and named when attempts run out; a refused batch written item by item so only the refused item is
 * left out (or, without `onRefused`, the writer stopped); a request error stops the writer, its items and every
 * later one counted once as not written, never as written.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchItemWriter, BatchWriteIncompleteError, batchWriteItems } from '../../cli/aws/batch-import';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(DynamoDBDocumentClient);
const items = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `pc-${i}`, userId: 'u' }));
type Put = { PutRequest: { Item: { id: string } } };
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `pc-${from + i}`);
const throttled = () =>
  Object.assign(new Error('Throughput exceeds the current capacity'), {
    name: 'ProvisionedThroughputExceededException',
  });

/** Puts every item (an item `put` refuses is the caller's to count), then finishes; returns the tally and `finish`'s error. */
async function putAll(writer: BatchItemWriter, all: readonly { id: string }[]) {
  const refusedByPut: string[] = [];
  for (const item of all) await writer.put(item).catch(() => refusedByPut.push(item.id));
  const error = await writer.finish().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ...writer.tally, refusedByPut, error };
}
const requestsOf = (call: number): Put[] =>
  (ddb.commandCalls(BatchWriteCommand)[call]?.args[0].input.RequestItems?.t ?? []) as Put[];

describe('batchWriteItems', () => {
  afterEach(() => ddb.reset());

  it('writes in batches of 25', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    const written = await batchWriteItems(documentClient, 't', items(60), { concurrency: 1 });
    expect(written).toBe(60);
    expect(ddb.commandCalls(BatchWriteCommand).map((_, i) => requestsOf(i).length)).toEqual([25, 25, 10]);
  });

  it('retries unprocessed items with growing backoff until they are written', async () => {
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({
        UnprocessedItems: {
          t: [{ PutRequest: { Item: { id: 'pc-3' } } }, { PutRequest: { Item: { id: 'pc-4' } } }],
        },
      })
      .resolvesOnce({ UnprocessedItems: { t: [{ PutRequest: { Item: { id: 'pc-4' } } }] } })
      .resolves({});
    const delays: number[] = [];
    const written = await batchWriteItems(documentClient, 't', items(5), {
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.999,
      baseDelayMs: 100,
    });
    expect(written).toBe(5);
    expect(requestsOf(1).map((r) => r.PutRequest.Item.id)).toEqual(['pc-3', 'pc-4']);
    expect(requestsOf(2).map((r) => r.PutRequest.Item.id)).toEqual(['pc-4']);
    expect(delays).toEqual([99, 199]);
  });

  it('gives up after maxAttempts and names what was not written', async () => {
    ddb
      .on(BatchWriteCommand)
      .resolves({ UnprocessedItems: { t: [{ PutRequest: { Item: { id: 'pc-1' } } }] } });
    const attempt = batchWriteItems(documentClient, 't', items(2), {
      maxAttempts: 3,
      sleep: async () => undefined,
    });
    await expect(attempt).rejects.toThrow(BatchWriteIncompleteError);
    await expect(attempt).rejects.toMatchObject({ written: 1, unwrittenIds: ['pc-1'] });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });

  it('never puts two items with the same id in one batch', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    await batchWriteItems(documentClient, 't', [{ id: 'a' }, { id: 'b' }, { id: 'a' }], { concurrency: 1 });
    expect(requestsOf(0).map((r) => r.PutRequest.Item.id)).toEqual(['a', 'b']);
    expect(requestsOf(1).map((r) => r.PutRequest.Item.id)).toEqual(['a']);
  });

  it('a refused batch is written item by item: only the refused item is left out, and reported', async () => {
    const refused = Object.assign(new Error('Number underflow'), { name: 'ValidationException' });
    const refusesPc27 = (input: { RequestItems?: Record<string, unknown[]> }) =>
      ((input.RequestItems?.t ?? []) as Put[]).some((r) => r.PutRequest.Item.id === 'pc-27');
    ddb.on(BatchWriteCommand).callsFake(async (input) => {
      if (refusesPc27(input)) throw refused;
      return {};
    });
    const reports: [unknown, string][] = [];
    const written = await batchWriteItems(documentClient, 't', items(30), {
      concurrency: 1,
      onRefused: (item, message) => reports.push([item.id, message]),
    });
    expect(written).toBe(29);
    expect(reports).toEqual([['pc-27', 'Number underflow']]);
    // The first batch at once; the refused one again as 5 single items; the rest unaffected.
    expect(ddb.commandCalls(BatchWriteCommand).map((_, i) => requestsOf(i).length)).toEqual([
      25, 5, 1, 1, 1, 1, 1,
    ]);
  });

  it('without onRefused a refused batch stops the writer with the error', async () => {
    const refused = Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
      name: 'ValidationException',
    });
    ddb.on(BatchWriteCommand).rejects(refused);
    await expect(batchWriteItems(documentClient, 't', items(3))).rejects.toThrow(/Item size/);
  });

  it('a request error stops the writer: its items and every later one count as not written, never as written', async () => {
    ddb.on(BatchWriteCommand).resolvesOnce({}).rejects(throttled());
    const writer = new BatchItemWriter(documentClient, 't', { concurrency: 1 });

    const outcome = await putAll(writer, items(80));

    expect(outcome.error).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(outcome.written).toBe(25);
    // The failed request (25-49), then whatever was buffered or given to put after it: all counted.
    expect(outcome.unwrittenIds.toSorted()).toEqual(ids(25, 80).toSorted());
    expect(outcome.refusedByPut).toContain('pc-79');
    expect(outcome.refusedByPut.filter((id) => !outcome.unwrittenIds.includes(id))).toEqual([]);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(2);
  });

  it('a request error while a refused batch is written item by item: each item counted once', async () => {
    const refused = Object.assign(new Error('Number underflow'), { name: 'ValidationException' });
    ddb.on(BatchWriteCommand).callsFake(async (input: { RequestItems?: Record<string, Put[]> }) => {
      const sent = (input.RequestItems?.t ?? []).map((r) => r.PutRequest.Item.id);
      if (sent.length > 1) throw refused;
      if (sent[0] === 'pc-3') throw refused;
      if (sent[0] === 'pc-5') throw throttled();
      return {};
    });
    const reports: unknown[] = [];
    const writer = new BatchItemWriter(documentClient, 't', {
      concurrency: 1,
      onRefused: (item) => reports.push(item.id),
    });

    const outcome = await putAll(writer, items(30));

    expect(outcome.error).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(outcome.written).toBe(4); // pc-0, pc-1, pc-2, pc-4
    expect(reports).toEqual(['pc-3']);
    expect(outcome.unwrittenIds.toSorted()).toEqual(ids(5, 30).toSorted());
  });

  it('propagates a request error', async () => {
    ddb.on(BatchWriteCommand).rejects(new Error('AccessDenied'));
    await expect(batchWriteItems(documentClient, 't', items(30))).rejects.toThrow('AccessDenied');
  });
});
