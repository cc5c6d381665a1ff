/**
 * The whole stored items with pending outbox events (the sparse index's
 * items, read from the table with a filtered Scan): what the bench needs
 * before a notifier measurement (item sizes for the PartiQL capacity
 * estimate) and what the notifier comparison loads before every drain.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { OUTBOX_ATTR } from '../lambdas/hygiene/data-contract';

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
