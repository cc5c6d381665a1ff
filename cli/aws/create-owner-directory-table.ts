/**
 * Creates the owner directory table from {@link OWNER_DIRECTORY_TABLE} for the
 * CLI (`owners import --create-table`, `local`) and the tests. The deployed
 * table is CDK's job (`lib/owner-directory-table.ts`). The creating and
 * waiting is create-table.ts's `createTableFrom`, shared with the credentials table.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OWNER_DIRECTORY_TABLE } from '../../lambdas/aws/owner-directory-table-definition';
import {
  type CreateTableOptions,
  createTableFrom,
  type NamedCreateTableInput,
  singleKeyTableInput,
} from './create-table';
import { OWNER_DIRECTORY_TABLE_KEY } from './table-key';

/** The `CreateTable` request for a local or CLI-created owner directory table. */
export function createOwnerDirectoryTableInput(tableName: string): NamedCreateTableInput {
  return singleKeyTableInput(OWNER_DIRECTORY_TABLE, tableName);
}

/**
 * Creates the owner directory table and waits until it is active. PITR and
 * deletion protection are the deployed table's (CDK); a CLI-created table is
 * for local use and tests, where DynamoDB Local ignores both.
 * @returns whether the table was created (false: it existed and `ifNotExists` was set)
 * @throws {ResourceInUseException} when the table exists and `ifNotExists` is not set
 * @throws {TableKeyMismatchError} when it exists with another key (nothing changed on it)
 */
export function createOwnerDirectoryTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: CreateTableOptions = {},
): Promise<{ readonly created: boolean }> {
  const spec = { input: createOwnerDirectoryTableInput(tableName), kind: OWNER_DIRECTORY_TABLE_KEY };
  return createTableFrom(client, spec, options);
}
