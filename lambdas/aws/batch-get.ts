/**
 * THE way the code base reads a batch of keys with `BatchGetItem`: DynamoDB may answer a call with only part of the
 * items and hand the rest back as `UnprocessedKeys` (throttling, a response over 16 MB), and every reader has to ask
 * for those again, after a wait, a bounded number of times. The drain's outbox reads (outbox-reads.ts), the owner
 * directory's reads (owner-directory-reads.ts), `import`'s check of the ids already stored (cli/aws/batch-import.ts)
 * and the benchmarks' item sizes (bench/outbox-items.ts) all go through {@link batchGetUntilProcessed}, so the loop —
 * which keys go in the next call, when to wait, when to stop — is written and tested once.
 *
 * Each caller keeps its own backoff (it passes the delay after each failed attempt, computed with
 * lambdas/hygiene/backoff.ts, and the sleep, so its tests' fake sleeps keep working) and decides what keys left
 * unprocessed after the last attempt mean: its own error, or ids reported as unread.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { timerSleep } from './timer-sleep';

/** DynamoDB's limit of keys in one `BatchGetItem` call. */
export const BATCH_GET_KEY_LIMIT = 100;

/** One item's primary key, as the document client takes it (`{ id: 'pc-1' }`). */
export type ItemKey = Record<string, unknown>;

/** How every call reads the items: the `KeysAndAttributes` settings besides `Keys`, sent as given on every attempt. */
export interface BatchGetReadSettings {
  /** A strongly consistent read (DynamoDB's default is eventually consistent). */
  readonly ConsistentRead?: boolean;
  /** The attributes to return (default: the whole item). */
  readonly ProjectionExpression?: string;
  /** The `#name` placeholders of {@link ProjectionExpression}. */
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>;
}

/** What to read: one table's keys, at most {@link BATCH_GET_KEY_LIMIT}. */
export interface BatchGetRequest {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The keys to read (none: nothing is sent). */
  readonly keys: readonly ItemKey[];
  /** How to read them (none: whole items, eventually consistent). */
  readonly settings?: BatchGetReadSettings;
}

/** How to ask again for the keys a call left unprocessed. */
export interface UnprocessedKeysRetry {
  /** Calls in all, the first included: a whole number from 1. */
  readonly maxAttempts: number;
  /** The wait in ms after failed attempt `attempt` (1 for the first) before the next call. */
  readonly delayMs: (attempt: number) => number;
  /** Waits `ms` (default: a real timer, {@link timerSleep}; tests pass a fake). */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** What the calls returned: the items found, and the keys still unprocessed after the last attempt. */
export interface BatchGetResult {
  /** The items found, in the order the calls returned them (a key with no item is simply absent). */
  readonly items: Record<string, unknown>[];
  /** The keys the last call left unprocessed: none when every key was read. */
  readonly unprocessedKeys: ItemKey[];
}

/**
 * Reads `request.keys` with `BatchGetItem`: sends them all, keeps the items returned, and sends the keys the call
 * left unprocessed again — only those, with the same settings — after `retry.delayMs(attempt)`, until none is left or
 * `retry.maxAttempts` calls were made. It never waits after the last call.
 * @returns the items found and the keys left unprocessed (the caller decides what those mean)
 * @throws {RangeError} when there are more than {@link BATCH_GET_KEY_LIMIT} keys, or `maxAttempts` is not a whole
 *   number from 1 (programming errors: nothing is sent)
 * @throws whatever the client throws for a call (nothing is retried here beyond the SDK's own retries)
 */
export async function batchGetUntilProcessed(
  request: BatchGetRequest,
  retry: UnprocessedKeysRetry,
): Promise<BatchGetResult> {
  const { client, tableName, settings } = request;
  if (request.keys.length > BATCH_GET_KEY_LIMIT)
    throw new RangeError(
      `BatchGetItem takes at most ${BATCH_GET_KEY_LIMIT} keys a call, got ${request.keys.length} for table ${tableName}`,
    );
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1)
    throw new RangeError(`BatchGetItem attempts must be a whole number from 1, got ${retry.maxAttempts}`);
  const items: Record<string, unknown>[] = [];
  let keys: ItemKey[] = [...request.keys];
  for (let attempt = 1; keys.length > 0; attempt++) {
    const out = await client.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ...settings } } }),
    );
    items.push(...(out.Responses?.[tableName] ?? []));
    keys = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    if (keys.length === 0 || attempt >= retry.maxAttempts) break;
    await (retry.sleep ?? timerSleep)(retry.delayMs(attempt));
  }
  return { items, unprocessedKeys: keys };
}
