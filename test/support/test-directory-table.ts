/**
 * A fresh, uniquely named owner directory table on the run's DynamoDB Local,
 * created from the one definition (`lambdas/aws/owner-directory-table.ts`),
 * so test files running in parallel never see each other's owners.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createOwnerDirectoryTable } from '../../cli/aws/create-owner-directory-table';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { dynamoDbEndpoint } from './test-table';

/** A directory table made for one test file. */
export interface TestDirectoryTable {
  readonly tableName: string;
  readonly endpoint: string;
  readonly client: DynamoDBDocumentClient;
  /** Deletes the table (call from `afterAll`). */
  drop(): Promise<void>;
}

/**
 * Creates an owner directory table named `<label>-<random>`.
 * @param label a readable part of the name, e.g. the test file's subject
 */
export async function createTestDirectoryTable(
  label = 'owners',
  endpoint: string = dynamoDbEndpoint(),
): Promise<TestDirectoryTable> {
  const client = createDocumentClient({ endpoint });
  const tableName = `${label.replace(/[^A-Za-z0-9_.-]/g, '-')}-${randomUUID().slice(0, 8)}`;
  await createOwnerDirectoryTable(client, tableName);
  return {
    tableName,
    endpoint,
    client,
    async drop() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
