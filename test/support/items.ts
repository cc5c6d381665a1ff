/** Reading and writing raw items in a test table. */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Credential, parseCredential } from '../../lambdas/hygiene/credential';
import { OUTBOX_ATTR, OUTBOX_INDEX } from '../../lambdas/hygiene/data-contract';
import { batchWriteAll } from './batch-write';

/**
 * Writes raw items (25 per BatchWrite, unprocessed items retried a few times: {@link batchWriteAll}).
 * @throws {FixtureWriteIncompleteError} (test/support/batch-write.ts) when some are still unprocessed after the
 *   last attempt
 */
export async function putItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  await batchWriteAll(
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
    async (requests) => {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      return out.UnprocessedItems?.[tableName] as typeof requests | undefined;
    },
  );
}

/** Writes one raw item. */
export async function putItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
): Promise<void> {
  await client.send(new PutCommand({ TableName: tableName, Item: item }));
}

/** Reads one item (strongly consistent), or `undefined`. */
export async function getItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const out = await client.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }));
  return out.Item;
}

/** Reads an item and parses it as a credential; throws when absent or invalid. */
export async function readCredential(
  client: DynamoDBDocumentClient,
  tableName: string,
  id: string,
): Promise<Credential> {
  const item = await getItem(client, tableName, id);
  const parsed = parseCredential(item);
  if (!parsed.ok) throw new Error(`item ${id} is not a valid credential: ${JSON.stringify(parsed)}`);
  return parsed.credential;
}

/** The outbox index entries of one owner (a Query on the sparse, keys-only index; docs/data-model.md). */
export async function outboxIndexEntriesOf(
  client: DynamoDBDocumentClient,
  tableName: string,
  owner: string,
): Promise<Record<string, unknown>[]> {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: OUTBOX_INDEX,
      KeyConditionExpression: '#o = :u',
      ExpressionAttributeNames: { '#o': OUTBOX_ATTR.owner },
      ExpressionAttributeValues: { ':u': owner },
    }),
  );
  return out.Items ?? [];
}

/**
 * {@link updateItem} on a test table: another writer (a user, another run)
 * changing an item after the code under test read it.
 */
export function changeItem(
  table: { readonly client: DynamoDBDocumentClient; readonly tableName: string },
  id: string,
  update: string,
  values?: Record<string, unknown>,
  names?: Record<string, string>,
): Promise<void> {
  return updateItem(table.client, table.tableName, id, update, values, names);
}

/** Updates one item with `update` (unconditionally), as another writer (a user, another process) would. */
export async function updateItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  id: string,
  update: string,
  values?: Record<string, unknown>,
  names?: Record<string, string>,
): Promise<void> {
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { id },
      UpdateExpression: update,
      ExpressionAttributeValues: values,
      ExpressionAttributeNames: names,
    }),
  );
}

/** Sets one attribute of one item, as another writer (a user, another process) would. */
export function setItemAttribute(
  client: DynamoDBDocumentClient,
  tableName: string,
  id: string,
  name: string,
  value: unknown,
): Promise<void> {
  return updateItem(client, tableName, id, 'SET #n = :v', { ':v': value }, { '#n': name });
}
