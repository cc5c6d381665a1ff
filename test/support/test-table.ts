/**
 * A fresh, uniquely named credentials table on the run's DynamoDB Local, so
 * test files running in parallel never see each other's items.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { createTable } from '../../cli/aws/create-table';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { putItems } from './items';

/** A table made for one test file. */
export interface TestTable {
  readonly tableName: string;
  readonly endpoint: string;
  readonly client: DynamoDBDocumentClient;
  /** Deletes the table (call from `afterAll`). */
  drop(): Promise<void>;
}

/** The endpoint of the DynamoDB Local started by the integration global setup. */
export function dynamoDbEndpoint(): string {
  return inject('dynamoDbEndpoint');
}

/**
 * Creates a table from TABLE_DEFINITION (GSI and TTL included) named
 * `<label>-<random>`.
 * @param endpoint defaults to the run's DynamoDB Local
 * @param label a readable part of the name, e.g. the test file's subject
 */
export function createTestTable(endpoint: string = dynamoDbEndpoint(), label = 'test'): Promise<TestTable> {
  return createLocalTable((client, tableName) => createTable(client, tableName), label, endpoint);
}

/**
 * Creates a table named `<label>-<random>` with `create` (one of the
 * `cli/aws/` creators) and returns it with its client and a `drop`.
 */
export async function createLocalTable(
  create: (client: DynamoDBDocumentClient, tableName: string) => Promise<unknown>,
  label: string,
  endpoint: string,
): Promise<TestTable> {
  const client = createDocumentClient({ endpoint });
  const tableName = `${label.replace(/[^A-Za-z0-9_.-]/g, '-')}-${randomUUID().slice(0, 8)}`;
  await create(client, tableName);
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

/**
 * A test table for the enclosing `describe`: created before all its tests
 * (`'all'`) or before each (`'each'`), holding the items `seed` returns, and
 * dropped after. The returned view always reads the current table.
 */
export function useTestTable(
  label: string,
  lifetime: 'all' | 'each' = 'all',
  seed: () => readonly Record<string, unknown>[] = () => [],
): TestTable {
  return useLocalTable(
    async () => {
      const table = await createTestTable(undefined, label);
      await putItems(table.client, table.tableName, seed());
      return table;
    },
    label,
    lifetime,
  );
}

/**
 * A table made by `create` for the enclosing `describe` (see {@link useTestTable}):
 * the one lifecycle the credentials and the owner directory test tables share.
 */
export function useLocalTable(
  create: () => Promise<TestTable>,
  label: string,
  lifetime: 'all' | 'each',
): TestTable {
  let current: TestTable | undefined;
  const table = (): TestTable => {
    if (current === undefined) throw new Error(`test table ${label} is used outside its tests`);
    return current;
  };
  const [before, after] = lifetime === 'all' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    current = await create();
  });
  after(() => table().drop());
  return {
    get tableName() {
      return table().tableName;
    },
    get endpoint() {
      return table().endpoint;
    },
    get client() {
      return table().client;
    },
    drop: () => table().drop(),
  };
}
