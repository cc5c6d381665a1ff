/**
 * An owner's opt-out undone by hand (`pc-hygiene owners resubscribe`,
 * docs/notifications.md, "Subscription reconciler"): the way back for an
 * owner who opted out (the unsubscribe link of an SNS email, or recorded by
 * an operator with `owners unsubscribe`), on both routes; the mirror of
 * `unsubscribe-owners.ts`. That opt-out (state `unsubscribed`) makes the
 * owner unreachable on `sns-email` and on `relay` alike, and the reconciler
 * never subscribes the owner again by itself; this records `none` for each
 * named owner in that state.
 *
 * Why the write is conditional: the state is written only while the owner
 * still has the address, the state `unsubscribed` and the subscription ARN it
 * was read with (`recordSubscription`): an import that moved the owner
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

/** What the use case reads and writes in the owner directory. */
export type ResubscribeDirectory = Pick<DynamoOwnerDirectory, 'getMany' | 'recordSubscription'>;

/** Why a named owner was left alone (`error`: reading or writing them failed). */
export type NotResubscribedReason = 'not-in-directory' | 'not-unsubscribed' | 'changed-meanwhile' | 'error';

/** A named owner left alone, and why. */
export interface NotResubscribedOwner {
  readonly userId: string;
  readonly reason: NotResubscribedReason;
  /** The state they are in, when the directory holds them (`not-unsubscribed`). */
  readonly state?: string;
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
  /** Owners left alone, and why. */
  readonly notChanged: readonly NotResubscribedOwner[];
}

/** One owner's outcome. */
type Outcome = 'resubscribed' | 'recorded-meanwhile' | NotResubscribedOwner;

/**
 * Records `none` for each named owner in state `unsubscribed`, for the
 * address, state and subscription ARN the directory held when read.
 * @returns who was resubscribed, and who was left alone and why
 */
export async function resubscribeOwners(
  directory: ResubscribeDirectory,
  userIds: readonly string[],
): Promise<ResubscribeResult> {
  const records = await directory.getMany(userIds);
  const resubscribed: string[] = [];
  const recordedMeanwhile: string[] = [];
  const notChanged: NotResubscribedOwner[] = [];
  for (const userId of [...new Set(userIds)]) {
    const outcome = await resubscribeOwner(directory, userId, records.get(userId));
    if (typeof outcome === 'object') notChanged.push(outcome);
    else resubscribed.push(userId);
    if (outcome === 'recorded-meanwhile') recordedMeanwhile.push(userId);
  }
  return { resubscribed, ...(recordedMeanwhile.length > 0 && { recordedMeanwhile }), notChanged };
}

/** One owner as read: `none` recorded, or, when the write fails its condition, judged on a fresh read. */
async function resubscribeOwner(
  directory: ResubscribeDirectory,
  userId: string,
  owner: OwnerRecord | undefined,
): Promise<Outcome> {
  if (owner === undefined) return { userId, reason: 'not-in-directory' };
  if (owner.subscription !== 'unsubscribed') {
    return { userId, reason: 'not-unsubscribed', state: owner.subscription ?? 'none' };
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

/** Whether `owner` is as this command's write leaves them: `none`, no ARN, at the address read. */
function isResubscribedAt(owner: OwnerRecord, email: string | undefined): boolean {
  return (
    owner.email === email && (owner.subscription ?? 'none') === 'none' && owner.subscriptionArn === undefined
  );
}
