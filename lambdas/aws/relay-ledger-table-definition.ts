/**
 * The relay ledger table, defined once: the CDK construct and the tests build
 * it from {@link RELAY_LEDGER_TABLE} (plain data; tables for tests are made by
 * `cli/aws/create-relay-ledger-table.ts`). One small item per owner email the relay
 * claimed (`relay#<drainId>#<part>#<userId>`), removed by DynamoDB TTL after
 * SQS's longest retention, so the table stays the size of two weeks of email
 * (docs/data-model.md, "Relay ledger"). Its own table, not the directory's:
 * the directory is a record of people that operators import, list and export;
 * the ledger is delivery bookkeeping with a TTL the directory does not have.
 */
import { RELAY_LEDGER_ATTR } from '../hygiene/data-contract';

/** The table's shape. */
export interface RelayLedgerTableDefinition {
  readonly partitionKey: { readonly name: string; readonly type: 'S' };
  /** Epoch seconds after which DynamoDB removes an entry. */
  readonly timeToLiveAttribute: string;
  readonly billing: 'PAY_PER_REQUEST';
}

/** Partition key `id`, TTL on `expiresAt`, on-demand. */
export const RELAY_LEDGER_TABLE: RelayLedgerTableDefinition = {
  partitionKey: { name: RELAY_LEDGER_ATTR.key, type: 'S' },
  timeToLiveAttribute: RELAY_LEDGER_ATTR.expiresAt,
  billing: 'PAY_PER_REQUEST',
};

/**
 * How long an entry is kept: SQS keeps a message at most 14 days, so no
 * redelivery can arrive later; one day more for clock skew and retries.
 */
export const RELAY_LEDGER_RETENTION_DAYS = 15;
