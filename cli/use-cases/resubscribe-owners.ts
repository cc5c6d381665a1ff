/**
 * An owner's opt-out undone by hand (`pc-hygiene owners resubscribe`,
 * docs/notifications.md, "Subscription reconciler"): the way back for an
 * owner who opted out (the unsubscribe link of an SNS email, or recorded by
 * an operator with `owners unsubscribe`), on both routes; the mirror of
 * `unsubscribe-owners.ts`. That opt-out (state `unsubscribed`) makes the
 * owner unreachable on `sns-email` and on `relay` alike, and the reconciler
 * never subscribes the owner again by itself; this records `none` for each
 * named owner in that state. It is also the way back for an owner whose
 * confirmation emails reached the limit unanswered (`subscription-unconfirmed`:
 * `none` with `MAX_CONFIRMATION_EMAILS` counted, no link pending;
 * `subscription-confirmations.ts`): it records `none` with the count removed,
 * so the next reconcile sends one new confirmation link, for an owner who
 * asked for it.
 *
 * Why the write is conditional: the state is written only while the owner
 * still has the address, the state (`unsubscribed`, or `none` at the limit),
 * the subscription ARN and the confirmation count it was read with
 * (`recordSubscription`): an import that moved the owner
 * meanwhile already set their state (cleared at an address they did not opt
 * out at, `unsubscribed` again at one they did), and a reconciler run that recorded
 * another state meanwhile (a subscription of theirs was found) is not
 * overwritten. A write that fails that condition is not always someone
 * else's: one whose response was lost is sent again by the SDK and fails on
 * its own change. So the owner is read again, and `none` at the address read
 * — the state this command writes, which only a resubscribe writes over
 * `unsubscribed` at the same address — is success, said as recorded while
 * this ran (this write's retry, or another resubscribe).
 *
 * Why each owner is on its own: owners are written one after another, and an
 * error on one (DynamoDB's, after the SDK's retries) is that owner's outcome
 * (reason `error`), so the owners written before and after it are still
 * reported. Kept out of the command module so it can be tested without the CLI.
 */
import type { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { errorText } from '../../lambdas/hygiene/errors';
import { type OwnerRecord, plannedStateFor } from '../../lambdas/hygiene/owner-directory';
import { confirmationLimitReached } from '../../lambdas/hygiene/subscription-confirmations';

/** What the use case reads and writes in the owner directory. */
export type ResubscribeDirectory = Pick<DynamoOwnerDirectory, 'getMany' | 'recordSubscription'>;

/**
 * Why a named owner was left alone (`not-unsubscribed`: neither opted out nor at the confirmation-email limit with
 * no link pending; `error`: reading or writing them failed).
 */
export type NotResubscribedReason = 'not-in-directory' | 'not-unsubscribed' | 'changed-meanwhile' | 'error';

/** A named owner left alone, and why. */
export interface NotResubscribedOwner {
  readonly userId: string;
  readonly reason: NotResubscribedReason;
  /** The state they are in, when the directory holds them (`not-unsubscribed`). */
  readonly state?: string;
  /** The confirmation emails counted for their address, when any (`not-unsubscribed`). */
  readonly confirmationEmailsSent?: number;
  /** What failed (`error`), as `Name: message`. */
  readonly error?: string;
}

/** What {@link resubscribeOwners} did for each named owner. */
export interface ResubscribeResult {
  /** Owners now recorded `none`: the next reconcile subscribes them (`sns-email`); reachable again (`relay`). */
  readonly resubscribed: readonly string[];
  /**
   * Those of {@link resubscribed} whose write failed its condition and who were found recorded `none` at the
   * address read: this write's retry after a lost response, or another resubscribe, recorded it. Absent when none.
   */
  readonly recordedMeanwhile?: readonly string[];
  /**
   * Those of {@link resubscribed} who had not opted out but whose confirmation emails had reached the limit
   * unanswered (`subscription-unconfirmed`): their count was removed, so the next reconcile sends one new link.
   * The others' opt-out was undone. Absent when none.
   */
  readonly confirmationLimitReset?: readonly string[];
  /** Owners left alone, and why. */
  readonly notChanged: readonly NotResubscribedOwner[];
}

/** One owner's outcome. */
type Outcome = 'resubscribed' | 'recorded-meanwhile' | NotResubscribedOwner;

/**
 * What a resubscribe undoes for an owner as read: their opt-out (`unsubscribed`), or the limit of confirmation
 * emails their address reached unanswered (recorded `none`, or no state, with the limit counted: no link is
 * pending, so the reconciler would send none), or nothing.
 */
export function resubscribeUndoes(owner: OwnerRecord): 'opt-out' | 'confirmation-limit' | undefined {
  if (owner.subscription === 'unsubscribed') return 'opt-out';
  return confirmationLimitReached(owner) ? 'confirmation-limit' : undefined;
}

/**
 * Records `none` (no confirmation count) for each named owner who opted out or whose confirmation emails reached
 * the limit ({@link resubscribeUndoes}), for the address, state, subscription ARN and count the directory held when
 * read.
 * @returns who was resubscribed (and which of them had reached the limit), and who was left alone and why
 */
export async function resubscribeOwners(
  directory: ResubscribeDirectory,
  userIds: readonly string[],
): Promise<ResubscribeResult> {
  const records = await directory.getMany(userIds);
  const resubscribed: string[] = [];
  const recordedMeanwhile: string[] = [];
  const confirmationLimitReset: string[] = [];
  const notChanged: NotResubscribedOwner[] = [];
  for (const userId of [...new Set(userIds)]) {
    const owner = records.get(userId);
    const outcome = await resubscribeOwner(directory, userId, owner);
    if (typeof outcome === 'object') notChanged.push(outcome);
    else resubscribed.push(userId);
    if (outcome === 'recorded-meanwhile') recordedMeanwhile.push(userId);
    if (
      typeof outcome !== 'object' &&
      owner !== undefined &&
      resubscribeUndoes(owner) === 'confirmation-limit'
    )
      confirmationLimitReset.push(userId);
  }
  return {
    resubscribed,
    ...(recordedMeanwhile.length > 0 && { recordedMeanwhile }),
    ...(confirmationLimitReset.length > 0 && { confirmationLimitReset }),
    notChanged,
  };
}

/** One owner as read: `none` recorded, or, when the write fails its condition, judged on a fresh read. */
async function resubscribeOwner(
  directory: ResubscribeDirectory,
  userId: string,
  owner: OwnerRecord | undefined,
): Promise<Outcome> {
  if (owner === undefined) return { userId, reason: 'not-in-directory' };
  if (resubscribeUndoes(owner) === undefined) {
    const sent = owner.confirmationEmailsSent;
    return {
      userId,
      reason: 'not-unsubscribed',
      state: owner.subscription ?? 'none',
      ...(sent !== undefined && { confirmationEmailsSent: sent }),
    };
  }
  try {
    if (await directory.recordSubscription(plannedStateFor(owner, { state: 'none' }))) return 'resubscribed';
    const now = (await directory.getMany([userId])).get(userId);
    return now !== undefined && isResubscribedAt(now, owner.email)
      ? 'recorded-meanwhile'
      : { userId, reason: 'changed-meanwhile' };
  } catch (error: unknown) {
    return { userId, reason: 'error', error: errorText(error) };
  }
}

/** Whether `owner` is as this command's write leaves them: `none`, no ARN, no confirmation count, at the address read. */
function isResubscribedAt(owner: OwnerRecord, email: string | undefined): boolean {
  return (
    owner.email === email &&
    (owner.subscription ?? 'none') === 'none' &&
    owner.subscriptionArn === undefined &&
    owner.confirmationEmailsSent === undefined
  );
}
