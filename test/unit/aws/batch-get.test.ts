/**
 * The one `BatchGetItem` loop (lambdas/aws/batch-get.ts), against a client-boundary mock of the document client: the
 * exact request of each attempt (the caller's settings every time, the keys left unprocessed only after the first),
 * the caller's delay asked of the caller's sleep after each failed attempt and never after the last, the give-up
 * after `maxAttempts` returning the keys left, the client's errors passed through, and the programming errors refused
 * before anything is sent. Also the benchmarks' reader that had no bound (bench/outbox-items.ts `readItemsByKey`):
 * 100 keys a loop, and an error once keys stay unprocessed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { readItemsByKey } from '../../../bench/outbox-items';
import {
  BATCH_GET_KEY_LIMIT,
  type BatchGetReadSettings,
  batchGetUntilProcessed,
  type ItemKey,
} from '../../../lambdas/aws/batch-get';

const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(DynamoDBDocumentClient);
const sentRequests = () => ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems);
const keys = (...ids: string[]) => ids.map((id) => ({ id }));
const SETTINGS: BatchGetReadSettings = {
  ConsistentRead: true,
  ProjectionExpression: '#id, #n',
  ExpressionAttributeNames: { '#id': 'id', '#n': 'name' },
};

/** Reads `wanted` from table `t` with {@link SETTINGS}, recording the delays asked for and the sleeps done. */
async function read(wanted: readonly ItemKey[], maxAttempts: number) {
  const asked: number[] = [];
  const slept: number[] = [];
  const result = await batchGetUntilProcessed(
    { client, tableName: 't', keys: wanted, settings: SETTINGS },
    {
      maxAttempts,
      delayMs: (attempt) => {
        asked.push(attempt);
        return attempt * 100 + 7;
      },
      sleep: async (ms) => {
        slept.push(ms);
      },
    },
  );
  return { ...result, asked, slept };
}

describe('batchGetUntilProcessed', () => {
  afterEach(() => ddb.reset());

  it('sends every key once with the settings, and waits for nothing when all were processed', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { t: [{ id: 'a', name: 'A' }] } });

    const outcome = await read(keys('a', 'b'), 3);

    expect(sentRequests()).toEqual([{ t: { Keys: keys('a', 'b'), ...SETTINGS } }]);
    expect(outcome).toEqual({ items: [{ id: 'a', name: 'A' }], unprocessedKeys: [], asked: [], slept: [] });
  });

  it('asks again only for the keys left, with the same settings, after the delay of the attempt that left them', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [{ id: 'a' }] }, UnprocessedKeys: { t: { Keys: keys('b', 'c') } } })
      .resolvesOnce({ Responses: { t: [{ id: 'c' }] }, UnprocessedKeys: { t: { Keys: keys('b') } } })
      .resolves({ Responses: { t: [{ id: 'b' }] } });

    const outcome = await read(keys('a', 'b', 'c'), 5);

    expect(sentRequests()).toEqual([
      { t: { Keys: keys('a', 'b', 'c'), ...SETTINGS } },
      { t: { Keys: keys('b', 'c'), ...SETTINGS } },
      { t: { Keys: keys('b'), ...SETTINGS } },
    ]);
    expect(outcome.asked).toEqual([1, 2]);
    expect(outcome.slept).toEqual([107, 207]);
    expect(outcome.items).toEqual([{ id: 'a' }, { id: 'c' }, { id: 'b' }]);
    expect(outcome.unprocessedKeys).toEqual([]);
  });

  it('gives up after maxAttempts calls, without waiting after the last, and returns the keys left', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [{ id: 'a' }] }, UnprocessedKeys: { t: { Keys: keys('b', 'c') } } })
      .resolves({ UnprocessedKeys: { t: { Keys: keys('c') } } });

    const outcome = await read(keys('a', 'b', 'c'), 3);

    expect(sentRequests()).toHaveLength(3);
    expect(outcome.slept).toEqual([107, 207]);
    expect(outcome.items).toEqual([{ id: 'a' }]);
    expect(outcome.unprocessedKeys).toEqual(keys('c'));
  });

  it('with one attempt sends once and never waits', async () => {
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { t: { Keys: keys('a') } } });

    const outcome = await read(keys('a'), 1);

    expect(sentRequests()).toHaveLength(1);
    expect(outcome).toMatchObject({ items: [], unprocessedKeys: keys('a'), asked: [], slept: [] });
  });

  it("sends only the keys when given no settings, and reads another table's unprocessed keys as none", async () => {
    ddb
      .on(BatchGetCommand)
      .resolves({ Responses: { t: [] }, UnprocessedKeys: { other: { Keys: keys('x') } } });

    const outcome = await batchGetUntilProcessed(
      { client, tableName: 't', keys: keys('a') },
      { maxAttempts: 2, delayMs: () => 0 },
    );

    expect(sentRequests()).toEqual([{ t: { Keys: keys('a') } }]);
    expect(outcome).toEqual({ items: [], unprocessedKeys: [] });
  });

  it('passes the client error through and sends nothing more', async () => {
    const throttled = Object.assign(new Error('rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ UnprocessedKeys: { t: { Keys: keys('a') } } })
      .rejects(throttled);

    await expect(read(keys('a'), 5)).rejects.toBe(throttled);
    expect(sentRequests()).toHaveLength(2);
  });

  it('sends nothing for no keys', async () => {
    expect(await read([], 3)).toEqual({ items: [], unprocessedKeys: [], asked: [], slept: [] });
    expect(sentRequests()).toHaveLength(0);
  });

  it(`takes ${BATCH_GET_KEY_LIMIT} keys, refuses one more before sending anything`, async () => {
    ddb.on(BatchGetCommand).resolves({});
    const many = (count: number) => keys(...Array.from({ length: count }, (_, i) => `k-${i}`));

    await read(many(BATCH_GET_KEY_LIMIT), 1);
    expect(sentRequests()).toHaveLength(1);

    await expect(read(many(BATCH_GET_KEY_LIMIT + 1), 1)).rejects.toThrow(
      new RangeError('BatchGetItem takes at most 100 keys a call, got 101 for table t'),
    );
    expect(sentRequests()).toHaveLength(1);
  });

  it('refuses maxAttempts that is not a whole number from 1, before sending anything', async () => {
    for (const maxAttempts of [0, -1, 1.5, Number.NaN])
      await expect(read(keys('a'), maxAttempts)).rejects.toThrow(
        new RangeError(`BatchGetItem attempts must be a whole number from 1, got ${maxAttempts}`),
      );
    expect(sentRequests()).toHaveLength(0);
  });
});

describe("the benchmarks' readItemsByKey (bench/outbox-items.ts)", () => {
  afterEach(() => ddb.reset());

  it('reads 100 keys a loop, whole items, asking again for the unprocessed ones', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `pc-${i}`);
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [{ id: 'pc-0' }] }, UnprocessedKeys: { t: { Keys: keys('pc-1') } } })
      .resolvesOnce({ Responses: { t: [{ id: 'pc-1' }] } })
      .resolves({ Responses: { t: [{ id: 'pc-100' }] } });
    const slept: number[] = [];

    const items = await readItemsByKey(client, 't', ids, async (ms) => {
      slept.push(ms);
    });

    expect(sentRequests()).toEqual([
      { t: { Keys: keys(...ids.slice(0, 100)) } },
      { t: { Keys: keys('pc-1') } },
      { t: { Keys: keys(...ids.slice(100)) } },
    ]);
    expect(items).toEqual([{ id: 'pc-0' }, { id: 'pc-1' }, { id: 'pc-100' }]);
    expect(slept).toEqual([50]);
  });

  it('gives up after 8 calls 50 … 3,200 ms apart, naming how many items stayed unread', async () => {
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { t: { Keys: keys('pc-0') } } });
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
    };

    await expect(readItemsByKey(client, 't', ['pc-0'], sleep)).rejects.toThrow(
      '1 item(s) of t left unread after 8 BatchGetItem calls (throttled?)',
    );
    expect(sentRequests()).toHaveLength(8);
    expect(slept).toEqual([50, 100, 200, 400, 800, 1_600, 3_200]);
  });
});
