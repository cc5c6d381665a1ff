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
 * overwritten. Kept out of the command module so it can be tested without
 * the CLI.
 */
import type { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { plannedStateFor } from '../../lambdas/hygiene/owner-directory';

/** What the use case reads and writes in the owner directory. */
export type ResubscribeDirectory = Pick<DynamoOwnerDirectory, 'getMany' | 'recordSubscription'>;

/** Why a named owner was left alone. */
export type NotResubscribedReason = 'not-in-directory' | 'not-unsubscribed' | 'changed-meanwhile';

/** What {@link resubscribeOwners} did for each named owner. */
export interface ResubscribeResult {
  /** Owners now recorded `none`: the next reconcile subscribes them (`sns-email`); reachable again (`relay`). */
  readonly resubscribed: readonly string[];
  /** Owners left alone, with the state they are in when the directory holds them. */
  readonly notChanged: readonly {
    readonly userId: string;
    readonly reason: NotResubscribedReason;
    readonly state?: string;
  }[];
}

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
  const notChanged: ResubscribeResult['notChanged'][number][] = [];
  for (const userId of [...new Set(userIds)]) {
    const owner = records.get(userId);
    if (owner === undefined) notChanged.push({ userId, reason: 'not-in-directory' });
    else if (owner.subscription !== 'unsubscribed') {
      notChanged.push({ userId, reason: 'not-unsubscribed', state: owner.subscription ?? 'none' });
    } else if (await directory.recordSubscription(plannedStateFor(owner, { state: 'none' }))) {
      resubscribed.push(userId);
    } else notChanged.push({ userId, reason: 'changed-meanwhile' });
  }
  return { resubscribed, notChanged };
}
