/**
 * The batch writer's `existing` option (cli/aws/batch-import.ts; docs/data-model.md, "Import and export"), against a
 * client-boundary mock of the document client: each batch's ids read first with one `BatchGetItem` (`id` only,
 * consistent); the ids found reported and left out, or written with `replace`; unprocessed keys retried after the
 * writer's own backoff, and those still unread counted as not written; a read error stops the writer like a write error. Without the option nothing
 * is read (`local`, the benchmarks).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchItemWriter, BatchWriteIncompleteError, batchWriteItems } from '../../cli/aws/batch-import';
import type { RawItem } from '../../lambdas/hygiene/ports';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(DynamoDBDocumentClient);
const items = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `pc-${i}`, userId: 'u' }));
type Put = { PutRequest: { Item: { id: string } } };
const writtenIds = () =>
  ddb
    .commandCalls(BatchWriteCommand)
    .flatMap((call) =>
      ((call.args[0].input.RequestItems?.t ?? []) as Put[]).map((r) => r.PutRequest.Item.id),
    );
const keysOf = (call: number) =>
  (ddb.commandCalls(BatchGetCommand)[call]?.args[0].input.RequestItems?.t?.Keys ?? []).map((k) => k.id);

/** Writes `all` with `existing` set; returns what `onExisting` saw, the tally and `finish`'s error. */
async function writeAll(all: readonly RawItem[], replace: boolean, maxAttempts?: number) {
  const seen: unknown[] = [];
  const writer = new BatchItemWriter(documentClient, 't', {
    concurrency: 1,
    sleep: async () => undefined,
    ...(maxAttempts !== undefined && { maxAttempts }),
    existing: { replace, onExisting: (item) => seen.push(item.id) },
  });
  for (const item of all) await writer.put(item).catch(() => undefined);
  const error = await writer.finish().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { seen, ...writer.tally, error };
}

describe('BatchItemWriter with existing', () => {
  afterEach(() => ddb.reset());

  it('reads each batch of 25 first (id only, consistent) and leaves out and reports the ids found', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { t: [{ id: 'pc-3' }, { id: 'pc-26' }] } });
    ddb.on(BatchWriteCommand).resolves({});

    const outcome = await writeAll(items(30), false);

    expect(ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.t)).toMatchObject(
      [
        { ProjectionExpression: '#id', ExpressionAttributeNames: { '#id': 'id' }, ConsistentRead: true },
        { ConsistentRead: true },
      ],
    );
    expect(keysOf(0)).toHaveLength(25);
    expect(keysOf(1)).toHaveLength(5);
    expect(outcome.seen).toEqual(['pc-3', 'pc-26']);
    expect(outcome).toMatchObject({ written: 28, unwrittenIds: [], error: undefined });
    expect(writtenIds()).not.toContain('pc-3');
    expect(writtenIds()).not.toContain('pc-26');
  });

  it('with replace writes the ids found too, still reporting them', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { t: [{ id: 'pc-1' }] } });
    ddb.on(BatchWriteCommand).resolves({});

    const outcome = await writeAll(items(3), true);

    expect(outcome.seen).toEqual(['pc-1']);
    expect(outcome.written).toBe(3);
    expect(writtenIds()).toEqual(['pc-0', 'pc-1', 'pc-2']);
  });

  it('retries unprocessed keys; ids still unread after every attempt are not written, and named', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { t: [] },
        UnprocessedKeys: { t: { Keys: [{ id: 'pc-1' }, { id: 'pc-2' }] } },
      })
      .resolvesOnce({
        Responses: { t: [{ id: 'pc-1' }] },
        UnprocessedKeys: { t: { Keys: [{ id: 'pc-2' }] } },
      })
      .resolves({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [{ id: 'pc-2' }] } } });
    ddb.on(BatchWriteCommand).resolves({});

    const outcome = await writeAll(items(4), false, 3);

    expect(keysOf(1)).toEqual(['pc-1', 'pc-2']);
    expect(keysOf(2)).toEqual(['pc-2']);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
    expect(outcome.seen).toEqual(['pc-1']);
    expect(writtenIds()).toEqual(['pc-0', 'pc-3']);
    expect(outcome).toMatchObject({ written: 2, unwrittenIds: ['pc-2'] });
    expect(outcome.error).toBeInstanceOf(BatchWriteIncompleteError);
  });

  it("waits the writer's backoff between reads: full jitter from 50 ms, none after the last attempt", async () => {
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { t: { Keys: [{ id: 'pc-0' }] } } });
    const slept: number[] = [];
    const writer = new BatchItemWriter(documentClient, 't', {
      maxAttempts: 4,
      random: () => 0.999,
      sleep: async (ms) => {
        slept.push(ms);
      },
      existing: { replace: false, onExisting: () => undefined },
    });

    await writer.put(items(1)[0] as RawItem);
    await expect(writer.finish()).rejects.toThrow(BatchWriteIncompleteError);

    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(4);
    expect(slept).toEqual([49, 99, 199]);
    expect(writer.tally).toEqual({ written: 0, unwrittenIds: ['pc-0'] });
  });

  it('a read error stops the writer: its batch and every later item count as not written', async () => {
    ddb.on(BatchGetCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    ddb.on(BatchWriteCommand).resolves({});

    const outcome = await writeAll(items(30), false);

    expect(outcome.error).toMatchObject({ name: 'AccessDeniedException' });
    expect(outcome.written).toBe(0);
    expect(outcome.unwrittenIds.toSorted()).toEqual(
      items(30)
        .map((i) => i.id)
        .toSorted(),
    );
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
  });

  it('without existing reads nothing', async () => {
    ddb.on(BatchWriteCommand).resolves({});

    expect(await batchWriteItems(documentClient, 't', items(30))).toBe(30);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });
});
