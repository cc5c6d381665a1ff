/**
 * The owner directory table, defined once: the CDK construct, the CLI
 * (`owners import --create-table`, `local`) and the tests all build it from
 * {@link OWNER_DIRECTORY_TABLE}, so the deployed table and the local ones
 * cannot drift (docs/deploy.md, "Owner directory").
 *
 * One item per owner, keyed by `userId`, plus one reserved freshness item
 * (docs/data-model.md, "Owner directory"). No index: the sweep reads the
 * departed owners with one filtered scan per run (a directory is small next
 * to the credentials table), the notifier and the relay read owners by key.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OWNER_ATTR } from '../hygiene/data-contract';

/** The table's shape and its protection knobs (the same ones the credentials table has). */
export interface OwnerDirectoryTableDefinition {
  readonly partitionKey: { readonly name: string; readonly type: 'S' };
  readonly billing: 'PAY_PER_REQUEST';
  /** Point-in-time recovery: an import gone wrong can be rolled back. */
  readonly pointInTimeRecovery: true;
  /** Encrypted with the AWS-managed key by default (a customer-managed key: bring your own table). */
  readonly encryption: 'AWS_MANAGED';
  /** Refuse `DeleteTable`, even from administrators, until switched off. */
  readonly deletionProtection: true;
}

/** Partition key `userId` (the credentials' owner id); on-demand; PITR; AWS-managed encryption. */
export const OWNER_DIRECTORY_TABLE: OwnerDirectoryTableDefinition = {
  partitionKey: { name: OWNER_ATTR.userId, type: 'S' },
  billing: 'PAY_PER_REQUEST',
  pointInTimeRecovery: true,
  encryption: 'AWS_MANAGED',
  deletionProtection: true,
};

/** Default directory table name for the CLI and local mode (`--directory-table`, `PC_HYGIENE_DIRECTORY_TABLE`). */
export const DEFAULT_DIRECTORY_TABLE_NAME = 'PersonalClientOwners';

/** The `CreateTable` request for a local or CLI-created owner directory table. */
export function createOwnerDirectoryTableInput(tableName: string): CreateTableCommandInput {
  const key = OWNER_DIRECTORY_TABLE.partitionKey;
  return {
    TableName: tableName,
    BillingMode: OWNER_DIRECTORY_TABLE.billing,
    AttributeDefinitions: [{ AttributeName: key.name, AttributeType: key.type }],
    KeySchema: [{ AttributeName: key.name, KeyType: 'HASH' }],
  };
}

/**
 * Creates the owner directory table and waits until it is active. PITR and
 * deletion protection are the deployed table's (CDK); a CLI-created table is
 * for local use and tests, where DynamoDB Local ignores both.
 * @returns whether the table was created (false: it existed and `ifNotExists` was set)
 * @throws {ResourceInUseException} when the table exists and `ifNotExists` is not set
 */
export async function createOwnerDirectoryTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly ifNotExists?: boolean; readonly maxWaitSeconds?: number } = {},
): Promise<{ readonly created: boolean }> {
  let created = true;
  try {
    await client.send(new CreateTableCommand(createOwnerDirectoryTableInput(tableName)));
  } catch (error: unknown) {
    if (!(error instanceof ResourceInUseException && options.ifNotExists)) throw error;
    created = false;
  }
  await waitUntilTableExists(
    { client, maxWaitTime: options.maxWaitSeconds ?? 120, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
  return { created };
}
