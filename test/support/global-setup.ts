/**
 * Vitest global setup for the `integration` project: starts ONE DynamoDB
 * Local for the whole run and provides its endpoint to every test file
 * (`inject('dynamoDbEndpoint')`); each file makes its own table.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../cli/local/local-dynamodb';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local started for this test run. */
    dynamoDbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const local = await startDynamoDbLocal();
  project.provide('dynamoDbEndpoint', local.endpoint);
  return () => local.stop();
}
