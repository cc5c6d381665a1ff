/**
 * The floors: what reading the table costs with nothing else done (the read
 * floors), and what reading it and making one plain write per changing record
 * costs with nothing else done (the write floors: no decision, no condition,
 * no outbox — the least any sweep making those changes must do, with one
 * request per write or 25 writes to a request). All use the same document
 * client (and so the same unmarshalling) as the sweep, and the same page
 * settings (`Limit` = the sweep scanner's page size), so the ratios compare
 * like with like.
 */
import {
  BatchExecuteStatementCommand,
  type DynamoDBDocumentClient,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TaskPool } from '../lambdas/hygiene/task-pool';
import { type NaiveWrite, naiveStatement, naiveUpdate } from './naive';

/** Reads one scan segment page by page, handing each page's items to `onItems`; returns the items seen. */
async function scanSegment(
  client: DynamoDBDocumentClient,
  tableName: string,
  pageSize: number,
  segment?: { readonly index: number; readonly total: number },
  onItems: (items: readonly Record<string, unknown>[]) => Promise<void> = async () => undefined,
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
    await onItems(page.Items ?? []);
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

/** How the write floor sends its writes: one `UpdateItem` each, or PartiQL `UPDATE`s 25 to a `BatchExecuteStatement`. */
export type WriteFloorMode = 'items' | 'batched';

/** Statements per `BatchExecuteStatement` (DynamoDB's limit). */
const STATEMENTS_PER_BATCH = 25;

/**
 * The write floor: the parallel read floor, plus, for each item read that is
 * in `writes`, its plain write (`items`: one `UpdateItem`; `batched`: PartiQL
 * `UPDATE`s, sent 25 at a time), at most `concurrency` requests in flight, the
 * next page read only when a slot is free. Like any sweep that keeps the
 * mass-deletion guard, it makes the soft-deletes only after the whole scan
 * (the guard must count them all first); every other write goes out as its
 * page arrives. The writes are computed before the measurement.
 * @returns the items read, the writes made and the write requests sent
 * @throws {Error} when a batched statement fails (the floor would be meaningless)
 */
export async function writeFloor(
  client: DynamoDBDocumentClient,
  options: {
    readonly tableName: string;
    readonly segments: number;
    readonly pageSize: number;
    readonly writes: ReadonlyMap<string, NaiveWrite>;
    readonly concurrency: number;
    readonly mode: WriteFloorMode;
  },
): Promise<{ readonly items: number; readonly writes: number; readonly requests: number }> {
  const { tableName, segments, pageSize, writes, mode } = options;
  const pool = new TaskPool(options.concurrency);
  let requests = 0;
  let written = 0;
  let batch: NaiveWrite[] = [];
  const deletions: NaiveWrite[] = [];
  const send = (toSend: readonly NaiveWrite[]) => {
    requests++;
    return pool.submit(() =>
      mode === 'items'
        ? sendItem(client, tableName, toSend[0] as NaiveWrite)
        : sendBatch(client, tableName, toSend),
    );
  };
  const write = async (next: NaiveWrite) => {
    written++;
    if (mode === 'items') return send([next]);
    if (batch.push(next) < STATEMENTS_PER_BATCH) return;
    const full = batch;
    batch = [];
    await send(full);
  };
  const writeChanging = async (items: readonly Record<string, unknown>[]) => {
    for (const item of items) {
      const found = writes.get(String(item.id));
      if (found?.deletion) deletions.push(found);
      else if (found) await write(found);
    }
  };
  const counts = await Promise.all(
    Array.from({ length: segments }, (_, index) =>
      scanSegment(client, tableName, pageSize, { index, total: segments }, writeChanging),
    ),
  );
  for (const deletion of deletions) await write(deletion);
  if (batch.length > 0) await send(batch);
  await pool.drain();
  return { items: counts.reduce((sum, n) => sum + n, 0), writes: written, requests };
}

async function sendItem(client: DynamoDBDocumentClient, tableName: string, write: NaiveWrite): Promise<void> {
  await client.send(
    new UpdateCommand({ TableName: tableName, Key: { id: write.id }, ...naiveUpdate(write.changes) }),
  );
}

async function sendBatch(
  client: DynamoDBDocumentClient,
  tableName: string,
  writes: readonly NaiveWrite[],
): Promise<void> {
  const response = await client.send(
    new BatchExecuteStatementCommand({ Statements: writes.map((write) => naiveStatement(tableName, write)) }),
  );
  const failed = (response.Responses ?? []).find((r) => r.Error !== undefined);
  if (failed?.Error)
    throw new Error(`write floor statement failed: ${failed.Error.Code} ${failed.Error.Message}`);
}
