/**
 * Raw DynamoDB access for fuzzing: items are written and read back as
 * low-level attribute values, bypassing the document client's marshalling,
 * so what the sweep meets is exactly what was generated.
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { batchWriteAll } from '../../support/batch-write';
import type { TestTable } from '../../support/test-table';
import type { RawDynamoItem } from './malformed';

/** A low-level client for the table's endpoint. */
export function rawClient(table: TestTable): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: table.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * Writes raw items, 25 a request, unprocessed items retried a few times ({@link batchWriteAll}).
 * @throws {FixtureWriteIncompleteError} (test/support/batch-write.ts) when some are still unprocessed after the
 *   last attempt
 */
export async function putRawItems(
  client: DynamoDBClient,
  tableName: string,
  items: readonly RawDynamoItem[],
): Promise<void> {
  const requests: WriteRequest[] = items.map((Item) => ({ PutRequest: { Item } }));
  await batchWriteAll(tableName, requests, async (batch) => {
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
    return out.UnprocessedItems?.[tableName];
  });
}

/** Every item as stored (consistent reads), by id. */
export async function scanRawItems(
  client: DynamoDBClient,
  tableName: string,
): Promise<Map<string, Record<string, AttributeValue>>> {
  const items = new Map<string, Record<string, AttributeValue>>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) items.set(item.id?.S ?? '', item);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}
