/**
 * What `DescribeTable` answers for the CLI's tables, built from their one
 * definition (cli/aws/create-table.ts, cli/aws/create-owner-directory-table.ts):
 * for the stand-ins of DynamoDB (aws-sdk-client-mock, a local HTTP server)
 * of tests whose command opens a table, since every command checks the
 * table's key first (cli/aws/table-key.ts).
 */
import type { DescribeTableCommandOutput } from '@aws-sdk/client-dynamodb';
import { createOwnerDirectoryTableInput } from '../../cli/aws/create-owner-directory-table';
import { createTableInput } from '../../cli/aws/create-table';

/** `DescribeTable`'s answer for a credentials table named `tableName` (key `id`). */
export function credentialsTableDescription(
  tableName = 'PersonalClients',
): Partial<DescribeTableCommandOutput> {
  return { Table: { TableName: tableName, KeySchema: createTableInput(tableName).KeySchema } };
}

/** `DescribeTable`'s answer for an owner directory table named `tableName` (key `userId`). */
export function ownerDirectoryDescription(
  tableName = 'PersonalClientOwners',
): Partial<DescribeTableCommandOutput> {
  return { Table: { TableName: tableName, KeySchema: createOwnerDirectoryTableInput(tableName).KeySchema } };
}
