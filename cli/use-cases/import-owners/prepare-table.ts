/**
 * The owner directory an import writes to, made ready: created with `--create-table` (not on a dry run), else
 * checked to be an owner directory, a missing one at a local endpoint told to add `--create-table`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createOwnerDirectoryTable } from '../../aws/create-owner-directory-table';
import { OWNER_DIRECTORY_TABLE_KEY, requireTableKind } from '../../aws/table-key';
import type { OwnerImportRequest } from './request';

/**
 * What a missing directory at a local endpoint says to an import without
 * `--create-table`: add it. A dry run with it creates nothing (it plans
 * against an empty directory), so a dry run is told so, and what creates it.
 */
const ADD_CREATE_TABLE = {
  import: 'run this import again with --create-table to create it',
  dryRun:
    'run this dry run again with --create-table to plan against an empty directory; without --dry-run, --create-table creates it',
} as const;

/**
 * Creates the directory (`--create-table`, not on a dry run) or checks it is one.
 * @returns whether the table was created
 */
export async function prepareTable(
  client: DynamoDBDocumentClient,
  request: OwnerImportRequest,
): Promise<boolean> {
  if (request.createTable && !request.dryRun) {
    return (await createOwnerDirectoryTable(client, request.table, { ifNotExists: true })).created;
  }
  // A dry run with --create-table plans against an empty directory when the table is missing, but never against
  // another kind of table (its key is not `userId`).
  if (request.createTable && request.dryRun) {
    await requireTableKind(client, request.table, OWNER_DIRECTORY_TABLE_KEY, { mayBeMissing: true });
  } else if (request.requireTable !== undefined) {
    // Here --create-table was not given: at a local endpoint, adding it to this command is the fix (ADD_CREATE_TABLE).
    await request.requireTable(client, request.dryRun ? ADD_CREATE_TABLE.dryRun : ADD_CREATE_TABLE.import);
  } else {
    await requireTableKind(client, request.table, OWNER_DIRECTORY_TABLE_KEY);
  }
  return false;
}
