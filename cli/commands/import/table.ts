/**
 * The table `pc-hygiene import` writes to, made ready before any line is reported: created with `--create-table`,
 * and in every case a credentials table (docs/data-model.md, "Import and export").
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTable } from '../../aws/create-table';
import { CREDENTIALS_TABLE_KEY, requireTableKind } from '../../aws/table-key';
import type { ImportOptions } from './types';

/**
 * Creates the table (`--create-table`) or checks it exists, before any line
 * is reported; either way a table already there must be a credentials table
 * (its key `id` and its `hygiene-outbox` index: `createTable`, `requireTableKind`), so a table of another
 * kind named by mistake (the owner directory: every credential has a
 * `userId`, which DynamoDB would take as its key) is refused before anything
 * is written to it. A dry run makes the same check and nothing else (one
 * `DescribeTable`: nothing created, no item read, nothing written), so it is refused where
 * the import would be; with `--create-table` a missing table is no refusal,
 * the import would create it (docs/data-model.md, "Import and export").
 * @returns whether the table was created (for a dry run: would be)
 */
export async function prepareTable(client: DynamoDBDocumentClient, options: ImportOptions): Promise<boolean> {
  const mayBeMissing = options.createTable === true;
  // A dry run's answer is what the import would do: `true` for a missing table `--create-table` would create.
  if (options.dryRun)
    return !(await requireTableKind(client, options.table, CREDENTIALS_TABLE_KEY, { mayBeMissing }));
  if (mayBeMissing) return (await createTable(client, options.table, { ifNotExists: true })).created;
  await requireTableKind(client, options.table);
  return false;
}
