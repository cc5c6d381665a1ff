/**
 * Creates the relay ledger table from {@link RELAY_LEDGER_TABLE} for local use
 * and the tests, with TTL on. The deployed table is CDK's job. The creating,
 * waiting and TTL are create-table.ts's `createTableFrom`, the one way every
 * table is created outside CDK (a table found already there keeps its TTL
 * untouched unless it is a ledger: keyed by `id` without the credentials
 * table's `hygiene-outbox` index, table-key.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RELAY_LEDGER_TABLE } from '../../lambdas/aws/relay-ledger-table-definition';
import { createTableFrom, singleKeyTableInput } from './create-table';
import { RELAY_LEDGER_TABLE_KEY, type TableIndexMismatchError } from './table-key';

/**
 * Creates the ledger table (tests, local use) unless it exists as a ledger,
 * waits until it is active and turns TTL on. A credentials table of that name
 * is refused (it has the `hygiene-outbox` index): TTL on its `expiresAt` would
 * be turned on otherwise.
 * @throws {TableKeyMismatchError} when a table of that name exists with another key, or
 *   ({@link TableIndexMismatchError}) the credentials table's index (nothing changed on it)
 */
export async function createRelayLedgerTable(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<void> {
  const spec = {
    input: singleKeyTableInput(RELAY_LEDGER_TABLE, tableName),
    kind: RELAY_LEDGER_TABLE_KEY,
    timeToLiveAttribute: RELAY_LEDGER_TABLE.timeToLiveAttribute,
  };
  await createTableFrom(client, spec, { ifNotExists: true });
}
