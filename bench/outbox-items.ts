/**
 * Whole stored items read outside a measurement, for the PartiQL capacity
 * estimate's item sizes (bench/partiql-capacity.ts): the items with pending
 * outbox events (the sparse index's items, read with a filtered Scan) by the
 * driver before a notifier measurement starts, their sizes handed to the
 * child in a file — also what the notifier comparison loads before every
 * drain — and the items a sweep's statements wrote, by key, after it.
 */
import { BatchGetCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { itemSizeBytes } from '../cli/aws/item-limits';
import { TABLE_DEFINITION } from '../lambdas/aws/credential-table-definition';
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

/** The items of `tableName` with these keys (`id`), whole, 100 keys per `BatchGetItem`. */
export async function readItemsByKey(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly string[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [tableName]: { Keys: keys.slice(start, start + 100).map((id) => ({ id })) },
    };
    while (request !== undefined && Object.keys(request).length > 0) {
      const out = await client.send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(out.Responses?.[tableName] ?? []));
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return items;
}
