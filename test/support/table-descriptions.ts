/**
 * What `DescribeTable` answers for the CLI's tables, built from their one
 * definition (cli/aws/create-table.ts, cli/aws/create-owner-directory-table.ts,
 * cli/aws/create-relay-ledger-table.ts):
 * for the stand-ins of DynamoDB (aws-sdk-client-mock, a local HTTP server)
 * of tests whose command opens a table, since every command checks the
 * table's key and indexes first (cli/aws/table-key.ts).
 */
import type { DescribeTableCommandOutput } from '@aws-sdk/client-dynamodb';
import { createOwnerDirectoryTableInput } from '../../cli/aws/create-owner-directory-table';
import { createTableInput, singleKeyTableInput } from '../../cli/aws/create-table';
import { RELAY_LEDGER_TABLE } from '../../lambdas/aws/relay-ledger-table-definition';

/**
 * `DescribeTable`'s answer for a credentials table named `tableName`: key `id` and the `hygiene-outbox` index,
 * which tell it from an owner directory and from a relay ledger.
 */
export function credentialsTableDescription(
  tableName = 'PersonalClients',
): Partial<DescribeTableCommandOutput> {
  const { KeySchema, GlobalSecondaryIndexes } = createTableInput(tableName);
  return { Table: { TableName: tableName, KeySchema, GlobalSecondaryIndexes } };
}

/** `DescribeTable`'s answer for an owner directory table named `tableName` (key `userId`). */
export function ownerDirectoryDescription(
  tableName = 'PersonalClientOwners',
): Partial<DescribeTableCommandOutput> {
  return { Table: { TableName: tableName, KeySchema: createOwnerDirectoryTableInput(tableName).KeySchema } };
}

/** `DescribeTable`'s answer for a relay ledger table named `tableName` (key `id`, no index). */
export function relayLedgerDescription(tableName = 'RelayLedger'): Partial<DescribeTableCommandOutput> {
  return {
    Table: { TableName: tableName, KeySchema: singleKeyTableInput(RELAY_LEDGER_TABLE, tableName).KeySchema },
  };
}
