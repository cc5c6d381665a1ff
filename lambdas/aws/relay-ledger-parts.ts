/**
 * The relay ledger's digest parts (docs/notifications.md, "Email relay"): the
 * conditional writes that make each digest message go out once
 * ({@link claimPart}, {@link markPartSent}, {@link releasePart}), the read of
 * a part's state by the same rule where nothing is to be sent
 * ({@link readPartState}), and the read of the events a claim kept, for the
 * report of that email's bounce ({@link readPartDigest}).
 *
 * Why a conditional write of our own and not Powertools idempotency: the
 * idempotency key is a domain fact (`drainId`, `part`, `userId` and the
 * part's events key: `lambdas/relay/events-key.ts`), not a hash of the whole
 * payload; the relay needs three outcomes the use case acts on (ours,
 * already sent, someone else is sending) behind a port the unit tests fake;
 * and a claim with a lease is the same protocol the outbox already uses
 * (docs/notifications.md, "The outbox protocol"), one less idea to learn.
 * Same guarantee as Powertools' in-progress record: a sender that crashes
 * after SES accepted the email and before `markSent` leaves a claim that
 * lapses after the lease, and the redelivery sends again: one of the duplicate
 * windows docs/notifications.md lists ("The relay's guarantees").
 *
 * An entry whose bounce was reported (`relay-ledger-reports.ts`) is never
 * claimed for sending again: the email went out (it bounced).
 */
import { type AttributeValue, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RELAY_LEDGER_ATTR as A } from '../hygiene/data-contract';
import type { OutboxEvent } from '../hygiene/events';
import { formatInstant } from '../hygiene/time';
import type { LedgerClaim, LedgerPartState, StoredDigestPart } from '../relay/ports';
import { decodeDigestEvents, encodeDigestEvents } from '../relay/stored-digest';
import { sendUnlessConditionFails } from './dynamodb-client';
import { expiresAt, heldBy, type RelayLedgerTable } from './relay-ledger-entry';
import { RELAY_LEDGER_BOUNCE_ATTR as B } from './relay-ledger-table-definition';

/**
 * What a send's claim meets in the entry `item` (as DynamoDB returns it, not
 * unmarshalled) at `now`, by the rule of the claim's condition: an entry
 * `sent` or whose bounce was reported went out; a `sending` claim whose lease
 * has lapsed is free to take over; any other entry is held.
 */
function entryState(item: Record<string, AttributeValue> | undefined, now: number): LedgerPartState {
  if (item === undefined) return { status: 'free' };
  if (item[A.state]?.S === 'sent' || item[B.bounceReport] !== undefined) return { status: 'sent' };
  const leaseUntil = Number(item[A.leaseUntil]?.N);
  return item[A.state]?.S === 'sending' && leaseUntil < now ? { status: 'free' } : { status: 'in-progress' };
}

/**
 * Puts a `sending` entry unless one exists that is `sent`, holds a live
 * lease or had its bounce reported (an email that went out, whatever
 * `markSent` managed); keeps `events` compressed (`stored-digest.ts`), with
 * the digest's `generatedAt`, when given and small enough; reads the existing entry's state from the failed condition
 * (our own claim there, which an SDK retry after a lost response meets: claimed).
 */
export async function claimPart(
  ledger: RelayLedgerTable,
  key: string,
  now: number,
  leaseMs: number,
  events?: readonly OutboxEvent[],
  generatedAt?: string,
): Promise<LedgerClaim> {
  const token = ledger.newToken();
  const stored = events !== undefined ? encodeDigestEvents(events, generatedAt) : undefined;
  const sent = await sendUnlessConditionFails(
    ledger.client,
    new PutCommand({
      TableName: ledger.tableName,
      Item: {
        [A.key]: key,
        [A.state]: 'sending',
        [A.claimToken]: token,
        [A.leaseUntil]: now + leaseMs,
        [A.expiresAt]: expiresAt(now),
        ...(stored !== undefined && { [B.digestEvents]: stored }),
      },
      ConditionExpression:
        'attribute_not_exists(#id) OR (#state = :sending AND #leaseUntil < :now AND attribute_not_exists(#bounce))',
      ExpressionAttributeNames: {
        '#id': A.key,
        '#state': A.state,
        '#leaseUntil': A.leaseUntil,
        '#bounce': B.bounceReport,
      },
      ExpressionAttributeValues: { ':sending': 'sending', ':now': now },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (sent.applied) return { status: 'claimed', token };
  // The document client does not unmarshall the item attached to the exception.
  if (entryState(sent.failed.Item, now).status === 'sent') return { status: 'sent' };
  return heldBy(sent.failed, A.claimToken, token) ? { status: 'claimed', token } : { status: 'in-progress' };
}

/**
 * The part's state by the claim's rule (a consistent read of the entry's
 * state, lease and report only), writing nothing: a part the relay will not
 * send keeps its entry, and the events a crashed sender's claim kept, for
 * the report of that email's bounce.
 */
export async function readPartState(
  ledger: RelayLedgerTable,
  key: string,
  now: number,
): Promise<LedgerPartState> {
  const out = await ledger.client.send(
    new GetItemCommand({
      TableName: ledger.tableName,
      Key: { [A.key]: { S: key } },
      ConsistentRead: true,
      // The key too: an entry holding none of the others is still an entry.
      ProjectionExpression: '#id, #state, #leaseUntil, #bounce',
      ExpressionAttributeNames: {
        '#id': A.key,
        '#state': A.state,
        '#leaseUntil': A.leaseUntil,
        '#bounce': B.bounceReport,
      },
    }),
  );
  return entryState(out.Item, now);
}

/**
 * Sets the entry `sent` with SES's message id (whoever holds it now: the email
 * went out). An entry gone meanwhile — another delivery took the lapsed claim
 * over and released it after its own send failed, or an operator removed it —
 * is written again, `sent`, with the TTL a claim at `now` would write: a record
 * that the email went out keeps that delivery's retry from sending it again,
 * and the entry is still purged like every other (docs/data-model.md, "Relay
 * ledger"). A condition that the entry exists would drop that record, and the
 * failed mark is acknowledged, never retried (docs/notifications.md, "The
 * relay's guarantees").
 */
export async function markPartSent(
  ledger: RelayLedgerTable,
  key: string,
  messageId: string,
  now: number,
): Promise<void> {
  await ledger.client.send(
    new UpdateCommand({
      TableName: ledger.tableName,
      Key: { [A.key]: key },
      UpdateExpression:
        'SET #state = :sent, #messageId = :messageId, #sentAt = :sentAt, ' +
        '#expiresAt = if_not_exists(#expiresAt, :expiresAt) REMOVE #leaseUntil',
      ExpressionAttributeNames: {
        '#state': A.state,
        '#messageId': A.sesMessageId,
        '#sentAt': A.sentAt,
        '#expiresAt': A.expiresAt,
        '#leaseUntil': A.leaseUntil,
      },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':messageId': messageId,
        ':sentAt': formatInstant(now),
        // Only for an entry that vanished: a claimed one keeps its claim's TTL.
        ':expiresAt': expiresAt(now),
      },
    }),
  );
}

/** Deletes the entry if it is still our `sending` claim. */
export async function releasePart(ledger: RelayLedgerTable, key: string, token: string): Promise<void> {
  // A failed condition: the entry is no longer our claim (sent, taken over or gone): left alone.
  await sendUnlessConditionFails(
    ledger.client,
    new DeleteCommand({
      TableName: ledger.tableName,
      Key: { [A.key]: key },
      ConditionExpression: '#state = :sending AND #token = :token',
      ExpressionAttributeNames: { '#state': A.state, '#token': A.claimToken },
      ExpressionAttributeValues: { ':sending': 'sending', ':token': token },
    }),
  );
}

/** The entry's events and the digest's `generatedAt` when kept (a consistent read), decoded. */
export async function readPartDigest(ledger: RelayLedgerTable, key: string): Promise<StoredDigestPart> {
  const out = await ledger.client.send(
    new GetCommand({ TableName: ledger.tableName, Key: { [A.key]: key }, ConsistentRead: true }),
  );
  if (out.Item === undefined) return { status: 'absent' };
  const stored: unknown = out.Item[B.digestEvents];
  if (!(stored instanceof Uint8Array))
    return {
      status: 'unreadable',
      problem: 'the ledger entry holds no events (claimed before they were kept)',
    };
  const decoded = decodeDigestEvents(stored);
  if (!decoded.ok) return { status: 'unreadable', problem: decoded.problem };
  const { events, generatedAt } = decoded;
  return { status: 'found', events, ...(generatedAt !== undefined && { generatedAt }) };
}
