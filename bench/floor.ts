/**
 * The read floor: what reading the table costs with nothing else done. Both
 * use the same document client (and so the same unmarshalling) as the sweep,
 * and the same page settings (`Limit` = the sweep scanner's page size), so the
 * ratio compares like with like.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';

/** Reads one scan segment page by page; returns the items seen. */
async function scanSegment(
  client: DynamoDBDocumentClient,
  tableName: string,
  pageSize: number,
  segment?: { readonly index: number; readonly total: number },
): Promise<number> {
  let items = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ExclusiveStartKey: startKey,
        Limit: pageSize,
        ...(segment && { Segment: segment.index, TotalSegments: segment.total }),
      }),
    );
    items += page.Items?.length ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** A bare sequential paginated Scan of the whole table, `pageSize` items a page. */
export function sequentialFloor(
  client: DynamoDBDocumentClient,
  tableName: string,
  pageSize: number,
): Promise<number> {
  return scanSegment(client, tableName, pageSize);
}

/** A bare parallel Scan: `segments` segment loops at once, `pageSize` items a page. */
export async function parallelFloor(
  client: DynamoDBDocumentClient,
  tableName: string,
  segments: number,
  pageSize: number,
): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: segments }, (_, index) =>
      scanSegment(client, tableName, pageSize, { index, total: segments }),
    ),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}
