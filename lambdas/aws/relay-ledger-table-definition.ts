/**
 * The relay ledger table, defined once: the CDK construct and the tests build
 * it from {@link RELAY_LEDGER_TABLE} (plain data; tables for tests are made by
 * `cli/aws/create-relay-ledger-table.ts`). One small item per owner email the relay
 * claimed (`relay#<drainId>#<part>#<userId>#<eventsKey>`), removed by DynamoDB TTL once
 * no delivery of its digest can arrive any more, a redrive from the DLQ included
 * ({@link RELAY_LEDGER_RETENTION_DAYS}), so the table stays the size of three weeks of
 * email (docs/data-model.md, "Relay ledger"). Its own table, not the directory's:
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
 * How long the relay queue keeps a digest (lib/owner-email-relay.ts): half its
 * DLQ's {@link DEAD_LETTER_RETENTION_DAYS}, because SQS moves a message of a
 * standard queue to its DLQ with its original enqueue time, so a digest that
 * waited N days in the queue has only the DLQ's retention less N days there.
 * With 7, a digest moved to the DLQ has at least 7 days there for an operator
 * to fix the cause and redrive it; the queue's age alarm fires after an hour.
 */
export const RELAY_QUEUE_RETENTION_DAYS = 7;

/**
 * How long every dead-letter queue of the worker keeps a message: `addDeadLetterQueue` (lib/dead-letter-queue.ts)
 * builds them all with it, the relay DLQ among them, where a digest's time counts from its enqueue time in the
 * relay queue. Defined here, beside the ledger's TTL computed from it, because the Lambda bundles read this module
 * and must not import `lib/` (CDK); a change here moves both.
 */
export const DEAD_LETTER_RETENTION_DAYS = 14;

/**
 * How long an entry is kept, from its claim (a digest's first receive, at or
 * after the digest's enqueue time T): its last delivery can come from one
 * redrive. The digest leaves the DLQ by T + {@link DEAD_LETTER_RETENTION_DAYS}
 * at the latest; a redrive sends it to the relay queue as a new message,
 * whose retention starts again, so it can be received until
 * T + {@link DEAD_LETTER_RETENTION_DAYS} + {@link RELAY_QUEUE_RETENTION_DAYS};
 * one day more for clock skew and SNS's duplicate deliveries: 22 days. Not
 * covered: a digest redriven, failed into the DLQ again and redriven a
 * second time more than 22 days after its first enqueue (each redrive
 * starts its retention anew): if it had been emailed, it is emailed again.
 */
export const RELAY_LEDGER_RETENTION_DAYS = DEAD_LETTER_RETENTION_DAYS + RELAY_QUEUE_RETENTION_DAYS + 1;

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
