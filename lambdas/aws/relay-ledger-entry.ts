/**
 * What the relay ledger's two protocols share (docs/notifications.md, "Email
 * relay"; items: docs/data-model.md, "Relay ledger"): the table every request
 * goes to and how claims are named ({@link RelayLedgerTable}), the TTL an
 * entry is written with ({@link expiresAt}), and whether a failed condition
 * met our own claim ({@link heldBy}).
 *
 * Why its own module: the digest part's claim (`relay-ledger-parts.ts`) and
 * the bounce report's claim (`relay-ledger-reports.ts`) are the same kind of
 * claim on the same entries, judged by the same rules; one copy of each rule
 * keeps the two from drifting apart.
 */
import type { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DAY_MS } from '../hygiene/time';
import { RELAY_LEDGER_RETENTION_DAYS } from './relay-ledger-table-definition';

/** The relay ledger a request goes to: the document client, the table's name, and how claims are named. */
export interface RelayLedgerTable {
  readonly client: DynamoDBDocumentClient;
  /** The ledger table's name. */
  readonly tableName: string;
  /** Claim tokens, a new one for each call. */
  readonly newToken: () => string;
}

/** The TTL of an entry written at `now` (epoch seconds). */
export function expiresAt(now: number): number {
  return Math.floor((now + RELAY_LEDGER_RETENTION_DAYS * DAY_MS) / 1000);
}

/**
 * Whether the entry a failed condition returned (`ALL_OLD`) holds our own
 * claim: `token` in `attribute`. Then the write did apply, in an attempt whose
 * response was lost, and the SDK's retry met it. The token, new for each
 * call, is the whole rule: no other writer can have put it there, so no
 * judgement of the attempts (`may-have-applied.ts`) is needed.
 */
export function heldBy(failed: ConditionalCheckFailedException, attribute: string, token: string): boolean {
  // The document client does not unmarshall the item attached to the exception.
  return failed.Item?.[attribute]?.S === token;
}
