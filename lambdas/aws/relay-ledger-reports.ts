/**
 * The relay ledger as the SES events handler writes it (docs/notifications.md,
 * "Email relay"): a bounce's report (permanent, or one SES gave up on) to the
 * admins is claimed on the part's entry (or, when the part cannot be found,
 * on a `bounce#<SES message id>` entry) before it is published
 * ({@link claimReport}), marked after ({@link markReported}) and released on
 * failure ({@link releaseReport}), so a redelivered bounce publishes nothing.
 *
 * Why on the relay's entries and not a table of its own: the entry already
 * holds the part's events the report needs (`relay-ledger-parts.ts` reads
 * them back), and a reported bounce is what stops the entry from being
 * claimed for sending again: the email went out (it bounced).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RELAY_LEDGER_ATTR as A } from '../hygiene/data-contract';
import { formatInstant } from '../hygiene/time';
import type { BounceReportClaim } from '../relay/ports';
import { sendUnlessConditionFails } from './dynamodb-client';
import { expiresAt, heldBy, type RelayLedgerTable } from './relay-ledger-entry';
import { RELAY_LEDGER_BOUNCE_ATTR as B } from './relay-ledger-table-definition';

/**
 * Sets the report's claim (`reporting`, a token and a lease) unless the
 * bounce was reported or a live claim holds it; with `mustExist`, only on
 * an existing entry, else creating one with the ledger's TTL. Reads the
 * entry's state from the failed condition (our own claim there, which an SDK
 * retry after a lost response meets: claimed).
 */
export async function claimReport(
  ledger: RelayLedgerTable,
  key: string,
  now: number,
  leaseMs: number,
  mustExist: boolean,
): Promise<BounceReportClaim> {
  const token = ledger.newToken();
  const free = '(attribute_not_exists(#report) OR (#report = :reporting AND #reportLease < :now))';
  const sent = await sendUnlessConditionFails(
    ledger.client,
    new UpdateCommand({
      TableName: ledger.tableName,
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
  if (sent.applied) return { status: 'claimed', token };
  const { failed } = sent;
  if (failed.Item === undefined) return { status: 'absent' };
  if (failed.Item[B.bounceReport]?.S === 'reported') return { status: 'reported' };
  return heldBy(failed, B.bounceReportToken, token)
    ? { status: 'claimed', token }
    : { status: 'in-progress' };
}

/** Sets the report `reported` (whoever holds the claim now: the report went out); never recreates a removed entry. */
export async function markReported(ledger: RelayLedgerTable, key: string, now: number): Promise<void> {
  // A failed condition: the entry was removed meanwhile: nothing to mark, and it is not recreated.
  await sendUnlessConditionFails(
    ledger.client,
    new UpdateCommand({
      TableName: ledger.tableName,
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
}

/** Removes the report's claim if it is still ours and `reporting`. */
export async function releaseReport(ledger: RelayLedgerTable, key: string, token: string): Promise<void> {
  // A failed condition: the claim is no longer ours (reported, taken over or gone): left alone.
  await sendUnlessConditionFails(
    ledger.client,
    new UpdateCommand({
      TableName: ledger.tableName,
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
}
