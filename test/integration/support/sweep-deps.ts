/** Sweep wiring over a test table, and a full export for before/after comparisons. */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCheckpointStore } from '../../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../../lambdas/aws/credential-scanner';
import { DynamoDbTransitionWriter } from '../../../lambdas/aws/transition-writer';
import type { SweepDeps } from '../../../lambdas/hygiene/sweep';
import type { TestTable } from '../../support/test-table';

/** The real adapters over `table`, with small pages so several pages and segments are exercised. */
export function sweepDeps(
  table: TestTable,
  pageSize = 4,
): SweepDeps & {
  scanner: DynamoDbCredentialScanner;
  writer: DynamoDbTransitionWriter;
  checkpoints: DynamoDbCheckpointStore;
} {
  return {
    scanner: new DynamoDbCredentialScanner(table.client, table.tableName, { pageSize }),
    writer: new DynamoDbTransitionWriter(table.client, table.tableName),
    checkpoints: new DynamoDbCheckpointStore(table.client, table.tableName),
  };
}

/** Every item of the table, reserved ones included, sorted by id (consistent reads). */
export async function exportTable(table: TestTable): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items.sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

/** Deletes from `items` the attributes named (a copy), to compare the rest exactly. */
export function without(
  item: Record<string, unknown> | undefined,
  ...names: string[]
): Record<string, unknown> {
  const copy = { ...item };
  for (const name of names) delete copy[name];
  return copy;
}
