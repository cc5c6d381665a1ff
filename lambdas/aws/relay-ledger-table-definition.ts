/**
 * The relay ledger table, defined once: the CDK construct and the tests build
 * it from {@link RELAY_LEDGER_TABLE} (plain data; tables for tests are made by
 * `cli/aws/create-relay-ledger-table.ts`). One small item per owner email the relay
 * claimed (`relay#<drainId>#<part>#<userId>#<eventsKey>`), removed by DynamoDB TTL after
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

/**
 * The ledger's attributes for bounce reports (docs/data-model.md, "Relay
 * ledger"), beside `RELAY_LEDGER_ATTR`: the part's events kept by the claim,
 * and the report's own claim (the same protocol as the send's: claim with a
 * lease before publishing, mark after, release on failure).
 */
export const RELAY_LEDGER_BOUNCE_ATTR = {
  /** Binary: the digest part's events, gzip-compressed JSON (`lambdas/relay/stored-digest.ts`), written by the claim. */
  digestEvents: 'digestEvents',
  /** `reporting` (claimed, publish in progress) | `reported`: the admins were sent the bounce report. */
  bounceReport: 'bounceReport',
  /** String: a random token naming the report's claim, so only its holder releases it. */
  bounceReportToken: 'bounceReportToken',
  /** Number, epoch ms: when a `reporting` claim lapses and a redelivered bounce may take it over. */
  bounceReportLeaseUntil: 'bounceReportLeaseUntil',
  /** UTC ISO string: when the report was published. */
  bounceReportedAt: 'bounceReportedAt',
} as const;
