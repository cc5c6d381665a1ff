/**
 * Which failed records the relay handler holds back, and for how long, when SES refused them because the account's
 * 24-hour sending quota is spent (docs/deploy.md, "Email relay (SES)", step 2). That quota frees over a rolling day,
 * while the queue's deliveries are one visibility timeout (6 minutes) apart: without a longer wait every remaining
 * digest reaches the DLQ within half an hour. So such a record's message is hidden for hours, growing with its
 * delivery (`ApproximateReceiveCount`): 2 h, 4 h, 8 h, then 11 h, so the queue's default 5 deliveries span 25 hours.
 * 11 h, not SQS's 12: SQS counts a message's 12 hours of visibility from its receipt, part of which the invocation
 * has used. Only its first {@link MAX_HELD_DELIVERIES} deliveries are held, whatever the queue's `maxReceiveCount`
 * (up to 1,000): holds on every delivery would keep a digest in the relay queue past its 7 days' retention from 18
 * deliveries on, and SQS would delete it unsent, before the DLQ and its alarms (25 h of holds and 6 minutes a later
 * delivery keep even 1,000 deliveries under 6 days). A record on its last delivery is not held (no delivery follows: SQS moves it to the DLQ as before), nor
 * one whose delivery is not known. Pure: the refusal test is the caller's (`isDailyQuotaSesError`, the SES sender's).
 */
import type { RelayBatchResult, RelayRecord } from './relay';

/** The first hold: a quota spent since the last sends may free within hours as the rolling day moves on. */
export const FIRST_QUOTA_DEFERRAL_SECONDS = 2 * 3600;
/** The longest hold: under SQS's 12 hours from the message's receipt, with an hour for the invocation and retries. */
export const MAX_QUOTA_DEFERRAL_SECONDS = 11 * 3600;

/** The deliveries held, at most: the four holds, 25 h in all, span the quota's rolling day. */
export const MAX_HELD_DELIVERIES = 4;

/** A record to hold back: its SQS message, its owner when the record was readable, and for how long. */
export interface QuotaDeferral {
  readonly messageId: string;
  readonly userId?: string;
  /** The message's new visibility timeout, in seconds from now. */
  readonly seconds: number;
}

/**
 * How long to hold back a message refused for the daily quota on its `receiveCount`th delivery: doubling from
 * {@link FIRST_QUOTA_DEFERRAL_SECONDS}, at most {@link MAX_QUOTA_DEFERRAL_SECONDS}.
 */
export function quotaDeferralSeconds(receiveCount: number): number {
  const doublings = Math.max(0, Math.min(receiveCount - 1, 8));
  return Math.min(MAX_QUOTA_DEFERRAL_SECONDS, FIRST_QUOTA_DEFERRAL_SECONDS * 2 ** doublings);
}

/**
 * The batch's failed records SES refused for the spent daily quota (`isQuotaRefusal` of their error) that SQS will
 * deliver again (`receiveCount` known and under `maxReceiveCount`), each with its hold ({@link quotaDeferralSeconds}).
 * They stay in the partial batch response all the same: held back, not acknowledged.
 */
export function quotaDeferrals(
  records: readonly RelayRecord[],
  result: RelayBatchResult,
  maxReceiveCount: number,
  isQuotaRefusal: (error: unknown) => boolean,
): readonly QuotaDeferral[] {
  const receiveCounts = new Map(records.map((r) => [r.messageId, r.receiveCount]));
  return result.outcomes.flatMap((outcome) => {
    if (outcome.status !== 'failed' || !isQuotaRefusal(outcome.error)) return [];
    const receiveCount = receiveCounts.get(outcome.recordId);
    if (receiveCount === undefined || receiveCount >= maxReceiveCount || receiveCount > MAX_HELD_DELIVERIES)
      return [];
    const { recordId: messageId, userId } = outcome;
    return [
      { messageId, ...(userId !== undefined && { userId }), seconds: quotaDeferralSeconds(receiveCount) },
    ];
  });
}
