/**
 * The relay ledger on DynamoDB (table: `relay-ledger-table-definition.ts`): the
 * conditional writes that make each digest part go out once per owner
 * (docs/notifications.md, "Email relay").
 *
 * Why a conditional write of our own and not Powertools idempotency: the
 * idempotency key is a domain fact (`drainId`, `part`, `userId`), not a hash
 * of the payload; the relay needs three outcomes the use case acts on (ours,
 * already sent, someone else is sending) behind a port the unit tests fake;
 * and a claim with a lease is the same protocol the outbox already uses
 * (docs/notifications.md, "The outbox protocol"), one less idea to learn.
 * Same guarantee as Powertools' in-progress record: a sender that crashes
 * after SES accepted the email and before `markSent` leaves a claim that
 * lapses after the lease, and the redelivery sends again: one of the two duplicate
 * windows (docs/notifications.md, "The relay's guarantees"; the other is a send retried after an unknown outcome).
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RELAY_LEDGER_ATTR as A } from '../hygiene/data-contract';
import { DAY_MS, formatInstant } from '../hygiene/time';
import type { LedgerClaim, RelayLedger } from '../relay/ports';
import { RELAY_LEDGER_RETENTION_DAYS } from './relay-ledger-table-definition';

/** {@link RelayLedger} on a DynamoDB table. */
export class DynamoRelayLedger implements RelayLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    /** The ledger table's name. */
    readonly tableName: string,
    /** Claim tokens (injectable for tests). */
    private readonly newToken: () => string = randomUUID,
  ) {}

  /**
   * Puts a `sending` entry unless one exists that is `sent` or holds a live
   * lease; reads the existing entry's state from the failed condition.
   */
  async claim(key: string, now: number, leaseMs: number): Promise<LedgerClaim> {
    const token = this.newToken();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [A.key]: key,
            [A.state]: 'sending',
            [A.claimToken]: token,
            [A.leaseUntil]: now + leaseMs,
            [A.expiresAt]: Math.floor((now + RELAY_LEDGER_RETENTION_DAYS * DAY_MS) / 1000),
          },
          ConditionExpression: 'attribute_not_exists(#id) OR (#state = :sending AND #leaseUntil < :now)',
          ExpressionAttributeNames: { '#id': A.key, '#state': A.state, '#leaseUntil': A.leaseUntil },
          ExpressionAttributeValues: { ':sending': 'sending', ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { status: 'claimed', token };
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The document client does not unmarshall the item attached to the exception.
      return error.Item?.[A.state]?.S === 'sent' ? { status: 'sent' } : { status: 'in-progress' };
    }
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
}
