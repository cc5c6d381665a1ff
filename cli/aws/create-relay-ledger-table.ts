/**
 * Creates the relay ledger table from {@link RELAY_LEDGER_TABLE} for local use
 * and the tests, with TTL on. The deployed table is CDK's job.
 */
import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RELAY_LEDGER_TABLE } from '../../lambdas/aws/relay-ledger-table-definition';

/**
 * Creates the ledger table (tests, local use), waits until it is active and
 * turns TTL on. The deployed table is CDK's job.
 */
export async function createRelayLedgerTable(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<void> {
  const key = RELAY_LEDGER_TABLE.partitionKey;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: RELAY_LEDGER_TABLE.billing,
        AttributeDefinitions: [{ AttributeName: key.name, AttributeType: key.type }],
        KeySchema: [{ AttributeName: key.name, KeyType: 'HASH' }],
      }),
    );
  } catch (error: unknown) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists(
    { client, maxWaitTime: 120, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: RELAY_LEDGER_TABLE.timeToLiveAttribute, Enabled: true },
    }),
  );
}
