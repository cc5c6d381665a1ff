/**
 * The relay ledger on DynamoDB (table: `relay-ledger-table-definition.ts`;
 * items: docs/data-model.md, "Relay ledger"): one class,
 * {@link DynamoRelayLedger}, that implements the port the relay uses
 * ({@link RelayLedger}: each digest message goes out once) and the one the
 * SES events handler uses ({@link BounceReportLedger}: a bounced digest's
 * report to the admins goes out once), both on the same entries
 * (docs/notifications.md, "Email relay").
 *
 * Why a thin class over modules by protocol: the handlers want one object
 * that is the ledger (built once from a client and a table name), while the
 * two protocols change for different reasons, each in its own module, the
 * class only holding the table and delegating in one line per method:
 * - relay-ledger-parts.ts: a digest part's claim, its `sent` mark and
 *   release, its state read without claiming, and the events its claim kept
 *   (and why a conditional write of our own, not Powertools idempotency);
 * - relay-ledger-reports.ts: a bounce report's claim, its `reported` mark
 *   and release;
 * - below them, relay-ledger-entry.ts: the table a request goes to, an
 *   entry's TTL, and whether a failed condition met our own claim.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxEvent } from '../hygiene/events';
import type {
  BounceReportClaim,
  BounceReportLedger,
  LedgerClaim,
  LedgerPartState,
  RelayLedger,
  StoredDigestPart,
} from '../relay/ports';
import type { RelayLedgerTable } from './relay-ledger-entry';
import { claimPart, markPartSent, readPartDigest, readPartState, releasePart } from './relay-ledger-parts';
import { claimReport, markReported, releaseReport } from './relay-ledger-reports';

/** {@link RelayLedger} and {@link BounceReportLedger} on a DynamoDB table. */
export class DynamoRelayLedger implements RelayLedger, BounceReportLedger {
  private readonly table: RelayLedgerTable;

  constructor(
    client: DynamoDBDocumentClient,
    /** The ledger table's name. */
    readonly tableName: string,
    /** Claim tokens, a new one for each call (injectable for tests). */
    newToken: () => string = randomUUID,
  ) {
    this.table = { client, tableName, newToken };
  }

  // --- RelayLedger (the relay) ---

  /** Claims the part for sending, keeping `events` and the digest's `generatedAt` ({@link claimPart}). */
  async claim(
    key: string,
    now: number,
    leaseMs: number,
    events?: readonly OutboxEvent[],
    generatedAt?: string,
  ): Promise<LedgerClaim> {
    return claimPart(this.table, key, now, leaseMs, events, generatedAt);
  }

  /** The part's state by the claim's rule, writing nothing ({@link readPartState}). */
  async partState(key: string, now: number): Promise<LedgerPartState> {
    return readPartState(this.table, key, now);
  }

  /** Sets the entry `sent` with SES's message id, whoever holds it now ({@link markPartSent}). */
  async markSent(key: string, _token: string, messageId: string, now: number): Promise<void> {
    return markPartSent(this.table, key, messageId, now);
  }

  /** Deletes the entry if it is still our `sending` claim ({@link releasePart}). */
  async release(key: string, token: string): Promise<void> {
    return releasePart(this.table, key, token);
  }

  // --- BounceReportLedger (the SES events handler) ---

  /** The entry's events (and the digest's `generatedAt`), decoded ({@link readPartDigest}). */
  async readDigest(key: string): Promise<StoredDigestPart> {
    return readPartDigest(this.table, key);
  }

  /** Claims the report of a bounce on the entry ({@link claimReport}). */
  async claimReport(
    key: string,
    now: number,
    leaseMs: number,
    mustExist: boolean,
  ): Promise<BounceReportClaim> {
    return claimReport(this.table, key, now, leaseMs, mustExist);
  }

  /** Sets the report `reported`, whoever holds the claim now ({@link markReported}). */
  async markReported(key: string, _token: string, now: number): Promise<void> {
    return markReported(this.table, key, now);
  }

  /** Removes the report's claim if it is still ours ({@link releaseReport}). */
  async releaseReport(key: string, token: string): Promise<void> {
    return releaseReport(this.table, key, token);
  }
}
