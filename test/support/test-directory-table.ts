/**
 * A fresh, uniquely named owner directory table on the run's DynamoDB Local,
 * created from the one definition (`lambdas/aws/owner-directory-table-definition.ts`),
 * so test files running in parallel never see each other's owners.
 */
import { createOwnerDirectoryTable } from '../../cli/aws/create-owner-directory-table';
import { createLocalTable, dynamoDbEndpoint, type TestTable, useLocalTable } from './test-table';

/** A directory table made for one test file (`drop` from `afterAll`). */
export type TestDirectoryTable = TestTable;

/**
 * Creates an owner directory table named `<label>-<random>`.
 * @param label a readable part of the name, e.g. the test file's subject
 */
export function createTestDirectoryTable(
  label = 'owners',
  endpoint: string = dynamoDbEndpoint(),
): Promise<TestDirectoryTable> {
  return createLocalTable(
    (client, tableName) => createOwnerDirectoryTable(client, tableName),
    label,
    endpoint,
  );
}

/**
 * An owner directory table for the enclosing `describe`, created before all
 * its tests (`'all'`) or before each (`'each'`) and dropped after (as
 * `useTestTable` does for the credentials table).
 */
export function useTestDirectoryTable(label: string, lifetime: 'all' | 'each' = 'all'): TestDirectoryTable {
  return useLocalTable(() => createTestDirectoryTable(label), label, lifetime);
}
