/**
 * The relay ledger on DynamoDB (table: `relay-ledger-table-definition.ts`): the
 * conditional writes that make each digest message go out once, and the read
 * of a part's state by the same rule where nothing is to be sent
 * (docs/notifications.md, "Email relay").
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
 * The same entries serve the SES events handler ({@link BounceReportLedger}):
 * the claim keeps the part's events, and a bounce's report (permanent, or one SES gave up on) to the
 * admins is claimed on the entry (or, when the part cannot be found, on a
 * `bounce#<SES message id>` entry) before it is published, so a redelivered
 * bounce publishes nothing. An entry whose bounce was reported is never
 * claimed for sending again: the email went out (it bounced).
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { RELAY_LEDGER_ATTR as A } from '../hygiene/data-contract';
import type { OutboxEvent } from '../hygiene/events';
import { DAY_MS, formatInstant } from '../hygiene/time';
import type {
  BounceReportClaim,
  BounceReportLedger,
  LedgerClaim,
  LedgerPartState,
  RelayLedger,
  StoredDigestPart,
} from '../relay/ports';
import { decodeDigestEvents, encodeDigestEvents } from '../relay/stored-digest';
import { RELAY_LEDGER_BOUNCE_ATTR as B, RELAY_LEDGER_RETENTION_DAYS } from './relay-ledger-table-definition';

/** The TTL of an entry written at `now` (epoch seconds). */
function expiresAt(now: number): number {
  return Math.floor((now + RELAY_LEDGER_RETENTION_DAYS * DAY_MS) / 1000);
}

/**
 * Whether the entry a failed condition returned (`ALL_OLD`) holds our own
 * claim: `token` in `attribute`. Then the write did apply, in an attempt whose
 * response was lost, and the SDK's retry met it. The token, new for each
 * call, is the whole rule: no other writer can have put it there, so no
 * judgement of the attempts (`may-have-applied.ts`) is needed.
 */
function heldBy(failed: ConditionalCheckFailedException, attribute: string, token: string): boolean {
  // The document client does not unmarshall the item attached to the exception.
  return failed.Item?.[attribute]?.S === token;
}

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

/** {@link RelayLedger} and {@link BounceReportLedger} on a DynamoDB table. */
export class DynamoRelayLedger implements RelayLedger, BounceReportLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    /** The ledger table's name. */
    readonly tableName: string,
    /** Claim tokens, a new one for each call (injectable for tests). */
    private readonly newToken: () => string = randomUUID,
  ) {}

  /**
   * Puts a `sending` entry unless one exists that is `sent`, holds a live
   * lease or had its bounce reported (an email that went out, whatever
   * `markSent` managed); keeps `events` compressed (`stored-digest.ts`) when
   * given and small enough; reads the existing entry's state from the failed condition
   * (our own claim there, which an SDK retry after a lost response meets: claimed).
   */
  async claim(
    key: string,
    now: number,
    leaseMs: number,
    events?: readonly OutboxEvent[],
  ): Promise<LedgerClaim> {
    const token = this.newToken();
    const stored = events !== undefined ? encodeDigestEvents(events) : undefined;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
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
      return { status: 'claimed', token };
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The document client does not unmarshall the item attached to the exception.
      if (entryState(error.Item, now).status === 'sent') return { status: 'sent' };
      return heldBy(error, A.claimToken, token) ? { status: 'claimed', token } : { status: 'in-progress' };
    }
  }

  /**
   * The part's state by the claim's rule (a consistent read of the entry's
   * state, lease and report only), writing nothing: a part the relay will not
   * send keeps its entry, and the events a crashed sender's claim kept, for
   * the report of that email's bounce.
   */
  async partState(key: string, now: number): Promise<LedgerPartState> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
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

  /** Sets the entry `sent` with SES's message id (whoever holds it now: the email went out). */
  async markSent(key: string, _token: string, messageId: string, now: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [A.key]: key },
        UpdateExpression: 'SET #state = :sent, #messageId = :messageId, #sentAt = :sentAt REMOVE #leaseUntil',
        ExpressionAttributeNames: {
          '#state': A.state,
          '#messageId': A.sesMessageId,
          '#sentAt': A.sentAt,
          '#leaseUntil': A.leaseUntil,
        },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':messageId': messageId,
          ':sentAt': formatInstant(now),
        },
      }),
    );
  }

  /** Deletes the entry if it is still our `sending` claim. */
  async release(key: string, token: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [A.key]: key },
          ConditionExpression: '#state = :sending AND #token = :token',
          ExpressionAttributeNames: { '#state': A.state, '#token': A.claimToken },
          ExpressionAttributeValues: { ':sending': 'sending', ':token': token },
        }),
      );
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The entry's events (a consistent read), decoded. */
  async readDigest(key: string): Promise<StoredDigestPart> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [A.key]: key }, ConsistentRead: true }),
    );
    if (out.Item === undefined) return { status: 'absent' };
    const stored: unknown = out.Item[B.digestEvents];
    if (!(stored instanceof Uint8Array))
      return {
        status: 'unreadable',
        problem: 'the ledger entry holds no events (claimed before they were kept)',
      };
    const decoded = decodeDigestEvents(stored);
    return decoded.ok
      ? { status: 'found', events: decoded.events }
      : { status: 'unreadable', problem: decoded.problem };
  }

  /**
   * Sets the report's claim (`reporting`, a token and a lease) unless the
   * bounce was reported or a live claim holds it; with `mustExist`, only on
   * an existing entry, else creating one with the ledger's TTL. Reads the
   * entry's state from the failed condition (our own claim there, which an SDK
   * retry after a lost response meets: claimed).
   */
  async claimReport(
    key: string,
    now: number,
    leaseMs: number,
    mustExist: boolean,
  ): Promise<BounceReportClaim> {
    const token = this.newToken();
    const free = '(attribute_not_exists(#report) OR (#report = :reporting AND #reportLease < :now))';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [A.key]: key },
          UpdateExpression: `SET #report = :reporting, #reportToken = :token, #reportLease = :lease${
            mustExist ? '' : ', #expiresAt = if_not_exists(#expiresAt, :expiresAt)'
          }`,
          ConditionExpression: mustExist ? `attribute_exists(#id) AND ${free}` : free,
          ExpressionAttributeNames: {
            '#report': B.bounceReport,
            '#reportToken': B.bounceReportToken,
            '#reportLease': B.bounceReportLeaseUntil,
            ...(mustExist ? { '#id': A.key } : { '#expiresAt': A.expiresAt }),
          },
          ExpressionAttributeValues: {
            ':reporting': 'reporting',
            ':token': token,
            ':lease': now + leaseMs,
            ':now': now,
            ...(!mustExist && { ':expiresAt': expiresAt(now) }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { status: 'claimed', token };
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (error.Item === undefined) return { status: 'absent' };
      if (error.Item[B.bounceReport]?.S === 'reported') return { status: 'reported' };
      return heldBy(error, B.bounceReportToken, token)
        ? { status: 'claimed', token }
        : { status: 'in-progress' };
    }
  }

  /** Sets the report `reported` (whoever holds the claim now: the report went out); never recreates a removed entry. */
  async markReported(key: string, _token: string, now: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [A.key]: key },
          UpdateExpression: 'SET #report = :reported, #reportedAt = :at REMOVE #reportLease',
          ConditionExpression: 'attribute_exists(#id)',
          ExpressionAttributeNames: {
            '#id': A.key,
            '#report': B.bounceReport,
            '#reportedAt': B.bounceReportedAt,
            '#reportLease': B.bounceReportLeaseUntil,
          },
          ExpressionAttributeValues: { ':reported': 'reported', ':at': formatInstant(now) },
        }),
      );
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Removes the report's claim if it is still ours and `reporting`. */
  async releaseReport(key: string, token: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [A.key]: key },
          UpdateExpression: 'REMOVE #report, #reportToken, #reportLease',
          ConditionExpression: '#report = :reporting AND #reportToken = :token',
          ExpressionAttributeNames: {
            '#report': B.bounceReport,
            '#reportToken': B.bounceReportToken,
            '#reportLease': B.bounceReportLeaseUntil,
          },
          ExpressionAttributeValues: { ':reporting': 'reporting', ':token': token },
        }),
      );
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
