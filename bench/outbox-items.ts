/**
 * Whole stored items read outside a measurement, for the PartiQL capacity
 * estimate's item sizes (bench/partiql-capacity.ts): the items with pending
 * outbox events (the sparse index's items, read with a filtered Scan) by the
 * driver before a notifier measurement starts, their sizes handed to the
 * child in a file — also what the notifier comparison loads before every
 * drain — and the items a sweep's statements wrote, by key, after it.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { itemSizeBytes } from '../cli/aws/item-limits';
import { BATCH_GET_KEY_LIMIT, batchGetUntilProcessed } from '../lambdas/aws/batch-get';
import { TABLE_DEFINITION } from '../lambdas/aws/credential-table-definition';
import { BACKOFF_CAP_MS, exponentialDelayMs } from '../lambdas/hygiene/backoff';
import { chunks } from '../lambdas/hygiene/chunks';
import { OUTBOX_ATTR } from '../lambdas/hygiene/data-contract';

/** Stored item sizes by key (`id`), bytes by the service's rules (cli/aws/item-limits.ts). */
export type ItemSizes = ReadonlyMap<string, number>;

/** The sizes of whole stored `items`, by key. */
export function sizesOf(items: readonly Readonly<Record<string, unknown>>[]): [string, number][] {
  const key = TABLE_DEFINITION.partitionKey.name;
  return items.map((item) => [String(item[key]), itemSizeBytes(item)]);
}

/** What bounds a mark's write units: how many items have pending events, their mean size, how many are over 1 KB. */
export function itemSizeStats(sizes: ItemSizes): {
  outboxItems: number;
  outboxItemMeanBytes: number;
  outboxItemsOver1Kb: number;
} {
  const bytes = [...sizes.values()];
  return {
    outboxItems: bytes.length,
    outboxItemMeanBytes: Math.round(bytes.reduce((a, b) => a + b, 0) / Math.max(1, bytes.length)),
    outboxItemsOver1Kb: bytes.filter((size) => size > 1024).length,
  };
}

/** Every item of `tableName` with pending outbox events, whole. */
export async function readPendingOutboxItems(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'attribute_exists(#owner)',
        ExpressionAttributeNames: { '#owner': OUTBOX_ATTR.owner },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** `BatchGetItem` calls per 100 keys, the first included, before {@link readItemsByKey} gives up on keys left unprocessed. */
const READ_ATTEMPTS = 8;
/** The wait after each call that left keys unprocessed: 50 ms doubled per attempt, capped (one reader: no jitter). */
const READ_BACKOFF = { baseMs: 50, capMs: BACKOFF_CAP_MS } as const;

/**
 * The items of `tableName` with these keys (`id`), whole, 100 keys per `BatchGetItem` ({@link batchGetUntilProcessed}),
 * keys left unprocessed asked again after a backoff.
 * @param sleep waits between calls (default a real timer; tests pass a fake)
 * @throws {Error} when keys are still unprocessed after {@link READ_ATTEMPTS} calls (the sizes would be incomplete)
 */
export async function readItemsByKey(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly string[],
  sleep?: (ms: number) => Promise<void>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const ids of chunks(keys, BATCH_GET_KEY_LIMIT)) {
    const out = await batchGetUntilProcessed(
      { client, tableName, keys: ids.map((id) => ({ id })) },
      { maxAttempts: READ_ATTEMPTS, delayMs: (attempt) => exponentialDelayMs(attempt, READ_BACKOFF), sleep },
    );
    if (out.unprocessedKeys.length > 0)
      throw new Error(
        `${out.unprocessedKeys.length} item(s) of ${tableName} left unread after ${READ_ATTEMPTS} BatchGetItem calls (throttled?)`,
      );
    items.push(...out.items);
  }
  return items;
}
