/**
 * Vitest global setup for the `integration` and `faults` projects: starts ONE
 * DynamoDB Local for the whole run and provides its endpoint to every test
 * file (`inject('dynamoDbEndpoint')`); each file makes its own table, under a
 * name of its own. At the end it checks that no file made a table under a
 * default name (`PersonalClients`, `PersonalClientOwners`): several files
 * check what a command does when the default table is missing
 * (`plan-orphans-cli`, `report-reach-cli`, `owners-default-stack-cli`…), and
 * such a table would make them pass or fail by the order files run in.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../cli/local/local-dynamodb';
import { DEFAULT_TABLE_NAME } from '../../lambdas/aws/credential-table-definition';
import { DEFAULT_DIRECTORY_TABLE_NAME } from '../../lambdas/aws/owner-directory-table-definition';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local started for this test run. */
    dynamoDbEndpoint: string;
  }
}

/** The names no test may give a table on the shared DynamoDB Local. */
export const DEFAULT_TABLE_NAMES: readonly string[] = [DEFAULT_TABLE_NAME, DEFAULT_DIRECTORY_TABLE_NAME];

/** Every table on `endpoint` (all pages). */
async function tableNames(endpoint: string): Promise<string[]> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const names: string[] = [];
    let start: string | undefined;
    do {
      const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
      names.push(...(page.TableNames ?? []));
      start = page.LastEvaluatedTableName;
    } while (start !== undefined);
    return names;
  } finally {
    client.destroy();
  }
}

/**
 * The problem when a test made a table under a default name, or `undefined`.
 * @param names the tables on the shared DynamoDB Local at the end of the run
 */
export function defaultNamedTablesProblem(names: readonly string[]): string | undefined {
  const found = names.filter((name) => DEFAULT_TABLE_NAMES.includes(name));
  if (found.length === 0) return undefined;
  return (
    `a test made ${found.map((n) => `"${n}"`).join(' and ')} on the shared DynamoDB Local: the files that check a ` +
    'command without the default table then pass or fail by file order; give every table a name of its own'
  );
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const local = await startDynamoDbLocal();
  project.provide('dynamoDbEndpoint', local.endpoint);
  return async () => {
    try {
      const problem = defaultNamedTablesProblem(await tableNames(local.endpoint));
      if (problem !== undefined) throw new Error(problem);
    } finally {
      await local.stop();
    }
  };
}
