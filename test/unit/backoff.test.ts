/**
 * The one exponential backoff (lambdas/hygiene/backoff.ts): the ceiling doubles from the base and stops at the cap,
 * a full-jitter delay is a whole number of ms below it drawn by the injected `random` (so tests are deterministic),
 * nonsense terms are refused, and the retry loops that use it keep their delays: the outbox's `BatchGetItem`
 * rounds (lambdas/aws/outbox-reads.ts, through DynamoDbOutboxStore.read) wait 50 … 800 ms without jitter through an
 * injectable sleep, ask again only for the items left and name how many stayed unread, and `restore --run`'s in-flight retries (cli/use-cases/restore-run.ts) keep their ceilings of
 * 100 ms × 2^attempt.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbOutboxStore, OutboxReadThrottledError } from '../../lambdas/aws/outbox-store';
import { exponentialDelayMs, fullJitterDelayMs } from '../../lambdas/hygiene/backoff';

const attempts = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('exponentialDelayMs', () => {
  it('doubles from the base after each failed attempt', () => {
    expect(attempts(5).map((a) => exponentialDelayMs(a, { baseMs: 50 }))).toEqual([50, 100, 200, 400, 800]);
  });

  it('stops at the cap', () => {
    expect(attempts(8).map((a) => exponentialDelayMs(a, { baseMs: 200, capMs: 5_000 }))).toEqual([
      200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000,
    ]);
  });

  it('has no cap unless given one', () => {
    expect(exponentialDelayMs(31, { baseMs: 1 })).toBe(2 ** 30);
  });

  it('refuses an attempt that is not a whole number from 1, and a negative or missing base or cap', () => {
    for (const attempt of [0, -1, 1.5, Number.NaN])
      expect(() => exponentialDelayMs(attempt, { baseMs: 50 })).toThrow(/attempt must be a whole number/);
    expect(() => exponentialDelayMs(1, { baseMs: -1 })).toThrow(/base and cap must be 0 ms or more/);
    expect(() => exponentialDelayMs(1, { baseMs: Number.NaN })).toThrow(RangeError);
    expect(() => exponentialDelayMs(1, { baseMs: 50, capMs: -5 })).toThrow(RangeError);
  });
});

describe('fullJitterDelayMs', () => {
  it('draws from [0, ceiling) with the injected random, in whole milliseconds', () => {
    const terms = { baseMs: 50, capMs: 5_000 };
    expect(attempts(3).map((a) => fullJitterDelayMs(a, { ...terms, random: () => 0 }))).toEqual([0, 0, 0]);
    expect(attempts(3).map((a) => fullJitterDelayMs(a, { ...terms, random: () => 0.5 }))).toEqual([
      25, 50, 100,
    ]);
    expect(attempts(3).map((a) => fullJitterDelayMs(a, { ...terms, random: () => 0.999 }))).toEqual([
      49, 99, 199,
    ]);
    expect(fullJitterDelayMs(20, { ...terms, random: () => 0.999 })).toBe(4_995);
  });

  it('is always a whole number of ms at least 0 and below its ceiling (0 when the ceiling is 0)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, capMs, r) => {
          const terms = { baseMs, ...(capMs !== undefined && { capMs }) };
          const ceiling = exponentialDelayMs(attempt, terms);
          const delay = fullJitterDelayMs(attempt, { ...terms, random: () => r });
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.max(0, ceiling - 1));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps restore --run's in-flight pauses: ceilings of 100 ms × 2^attempt (200, 400, 800 ms)", () => {
    const restoreRunTerms = { baseMs: 200, capMs: 5_000 };
    expect(attempts(3).map((a) => exponentialDelayMs(a, restoreRunTerms))).toEqual(
      attempts(3).map((a) => 100 * 2 ** a),
    );
  });
});

describe("the outbox's BatchGetItem rounds (DynamoDbOutboxStore.read)", () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const documentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  afterEach(() => ddb.reset());

  it('waits 50, 100, 200, 400, 800 ms through the given sleep between rounds, then names what stayed unread', async () => {
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { credentials: { Keys: [{ id: 'a' }] } } });
    const waits: number[] = [];
    const store = new DynamoDbOutboxStore(documentClient, 'credentials', {
      readOnly: true,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await expect(store.read(['a'])).rejects.toThrow(OutboxReadThrottledError);
    expect(waits).toEqual([50, 100, 200, 400, 800]);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(6);
  });

  it('asks again only for the items left, consistently and projected each round, and keeps what each round read', async () => {
    const pending = (id: string) => ({ id, hygieneOutboxOwner: 'u', hygieneOutbox: ['not an event'] });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { credentials: [pending('a')] },
        UnprocessedKeys: { credentials: { Keys: [{ id: 'b' }, { id: 'c' }] } },
      })
      .resolvesOnce({
        Responses: { credentials: [pending('c')] },
        UnprocessedKeys: { credentials: { Keys: [{ id: 'b' }] } },
      })
      .resolves({ Responses: { credentials: [pending('b')] } });
    const store = new DynamoDbOutboxStore(documentClient, 'credentials', {
      readOnly: true,
      sleep: async () => {},
    });

    const items = await store.read(['a', 'b', 'c']);

    expect(items.map((item) => item.credentialId)).toEqual(['a', 'c', 'b']);
    const requests = ddb
      .commandCalls(BatchGetCommand)
      .map((call) => call.args[0].input.RequestItems?.credentials);
    expect(requests.map((request) => request?.Keys)).toEqual([
      [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      [{ id: 'b' }, { id: 'c' }],
      [{ id: 'b' }],
    ]);
    for (const request of requests)
      expect(request).toMatchObject({
        ConsistentRead: true,
        ProjectionExpression: expect.stringContaining('#events'),
      });
  });

  it('names how many items stayed unread after the sixth round', async () => {
    ddb
      .on(BatchGetCommand)
      .resolves({ UnprocessedKeys: { credentials: { Keys: [{ id: 'a' }, { id: 'b' }] } } });
    const store = new DynamoDbOutboxStore(documentClient, 'credentials', {
      readOnly: true,
      sleep: async () => {},
    });

    await expect(store.read(['a', 'b'])).rejects.toThrow(
      new OutboxReadThrottledError('2 outbox item(s) left unread after 6 rounds'),
    );
  });
});
