/** Sweep wiring over a test table, and a full export for before/after comparisons. */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCheckpointStore } from '../../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../../lambdas/aws/credential-scanner';
import { DynamoDbRunManifestWriter } from '../../../lambdas/aws/run-manifest-store';
import { DynamoDbTransitionWriter } from '../../../lambdas/aws/transition-writer';
import { parseConfig } from '../../../lambdas/hygiene/config';
import { runSweep, type SweepDeps } from '../../../lambdas/hygiene/sweep';
import { putItems } from '../../support/items';
import type { TestTable } from '../../support/test-table';
import { NOW } from '../../unit/support/credentials';

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
    clock: Date.now,
    scanner: new DynamoDbCredentialScanner(table.client, table.tableName, { pageSize }),
    writer: new DynamoDbTransitionWriter(table.client, table.tableName),
    checkpoints: new DynamoDbCheckpointStore(table.client, table.tableName),
  };
}

/** A guard that lets every deletion through: the sweeps below make them all. */
const NO_GUARD = parseConfig({ maxDeletePercent: 100, maxDeletesPerRun: 10_000, writeConcurrency: 8 });

/**
 * Puts `items` in `table` and runs an enforce sweep at `NOW` with a run manifest, its guard letting every deletion
 * through; `failPage` makes that manifest page's write fail (the run's `manifest.failed`).
 */
export async function sweepWithManifest(
  table: TestTable,
  runId: string,
  items: Record<string, unknown>[],
  failPage?: number,
) {
  await putItems(table.client, table.tableName, items);
  const writer = new DynamoDbRunManifestWriter(table.client, table.tableName);
  const manifest = {
    writePage: (run: string, page: number, entries: Parameters<typeof writer.writePage>[2]) =>
      page === failPage ? Promise.reject(new Error('throttled')) : writer.writePage(run, page, entries),
    writeHeader: (header: Parameters<typeof writer.writeHeader>[0]) => writer.writeHeader(header),
  };
  return runSweep(
    { ...sweepDeps(table, 100), manifest },
    { config: NO_GUARD, now: NOW, runId, mode: 'enforce' },
  );
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
