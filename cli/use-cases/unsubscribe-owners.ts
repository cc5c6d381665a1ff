/**
 * An owner's opt-out recorded by hand (`pc-hygiene owners unsubscribe`,
 * docs/notifications.md, "Subscription reconciler"): the mirror of `owners
 * resubscribe`, for a person who asked the admins to stop emailing them, or
 * an owner on the `relay` route (relay emails carry no unsubscribe link).
 *
 * Why it also changes the topic: state `unsubscribed` alone does not hold on
 * `sns-email`, because the reconciler's plan lets a subscription it matches
 * to the owner win (`planSubscriptions`: a confirmed one records
 * `confirmed`, a pending one with an ARN `pending`). So the owner's
 * subscriptions the plan would match (filter policy naming the owner, at
 * their address) are removed first, and only then is `unsubscribed`
 * recorded, with the removed subscription's ARN as the evidence the
 * reconciler already reads (`subscription-opt-out.ts`). A subscription
 * awaiting confirmation is listed without its ARN and cannot be removed; the
 * plan never lets one erase a recorded opt-out, and the result says it is
 * there. Kept out of the command module so it can be tested without the CLI.
 */
import type { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { errorText } from '../../lambdas/hygiene/errors';
import {
  normalizeEmail,
  type OwnerDeliveryRoute,
  type OwnerRecord,
  type PlannedSubscriptionState,
} from '../../lambdas/hygiene/owner-directory';
import { unsubscribedState } from '../../lambdas/hygiene/subscription-opt-out';
import {
  isArnlessPendingEmail,
  ownerFilterUserIds,
  type TopicSubscription,
} from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';

/** What the use case reads and writes in the owner directory. */
export type OptOutDirectory = Pick<DynamoOwnerDirectory, 'getMany' | 'recordSubscription'>;

/** Where owner email goes: on `sns-email` the topic whose owner subscriptions must go too; on `relay` only the record. */
export type OptOutRoute =
  | { readonly route: 'relay' }
  | { readonly route: 'sns-email'; readonly topic: Pick<TopicSubscriptions, 'list' | 'remove'> };

/** Why a named owner was not recorded `unsubscribed`. */
export type NotUnsubscribedReason =
  | 'not-in-directory'
  | 'already-unsubscribed'
  | 'changed-meanwhile'
  | 'sns-refused';

/** An owner now recorded `unsubscribed`. */
export interface UnsubscribedOwner {
  readonly userId: string;
  /** The ARNs of the owner's subscriptions removed from the topic (`sns-email`; none on `relay`). */
  readonly removed: readonly string[];
  /** The ARN recorded with the state (the evidence), when there is one. */
  readonly subscriptionArn?: string;
  /** A subscription awaiting confirmation at the owner's address is still on the topic (SNS hides its ARN). */
  readonly pendingLeft: boolean;
}

/** An owner left unrecorded, and why. */
export interface NotUnsubscribedOwner {
  readonly userId: string;
  readonly reason: NotUnsubscribedReason;
  /** Subscriptions removed before the state could not be recorded (`changed-meanwhile`, `sns-refused`). */
  readonly removed?: readonly string[];
  /** The removals SNS refused (`sns-refused`). */
  readonly refused?: readonly { readonly subscriptionArn: string; readonly error: string }[];
}

/** What {@link unsubscribeOwners} did for each named owner. */
export interface UnsubscribeResult {
  readonly route: OwnerDeliveryRoute;
  readonly unsubscribed: readonly UnsubscribedOwner[];
  readonly notChanged: readonly NotUnsubscribedOwner[];
}

/**
 * Records `unsubscribed` for each named owner in the directory not already
 * in that state; on `sns-email`, after removing their subscriptions from the
 * topic (listed once, and only when someone is to be unsubscribed).
 * @returns who was unsubscribed (and what was removed), and who was left alone and why
 */
export async function unsubscribeOwners(
  directory: OptOutDirectory,
  target: OptOutRoute,
  userIds: readonly string[],
): Promise<UnsubscribeResult> {
  const ids = [...new Set(userIds)];
  const records = await directory.getMany(ids);
  const toRecord = ids.some((id) => isToRecord(records.get(id)));
  const listing = target.route === 'sns-email' && toRecord ? await target.topic.list() : [];
  const unsubscribed: UnsubscribedOwner[] = [];
  const notChanged: NotUnsubscribedOwner[] = [];
  for (const userId of ids) {
    const owner = records.get(userId);
    if (owner === undefined) notChanged.push({ userId, reason: 'not-in-directory' });
    else if (!isToRecord(owner)) notChanged.push({ userId, reason: 'already-unsubscribed' });
    else {
      const outcome = await unsubscribeOwner(directory, target, owner, listing);
      if ('reason' in outcome) notChanged.push(outcome);
      else unsubscribed.push(outcome);
    }
  }
  return { route: target.route, unsubscribed, notChanged };
}

function isToRecord(owner: OwnerRecord | undefined): owner is OwnerRecord {
  return owner !== undefined && owner.subscription !== 'unsubscribed';
}

/** One owner: their subscriptions removed (`sns-email`), then the state recorded. */
async function unsubscribeOwner(
  directory: OptOutDirectory,
  target: OptOutRoute,
  owner: OwnerRecord,
  listing: readonly TopicSubscription[],
): Promise<UnsubscribedOwner | NotUnsubscribedOwner> {
  const { userId } = owner;
  const { removable, pendingLeft } = subscriptionsOf(owner, listing);
  const { removed, refused } =
    target.route === 'sns-email' ? await removeAll(target.topic, removable) : { removed: [], refused: [] };
  if (refused.length > 0) return { userId, reason: 'sns-refused', removed, refused };
  // Removed first, recorded after: a reconcile in between finds the recorded `confirmed` whose ARN the
  // topic no longer lists, which is itself the opt-out evidence (subscription-opt-out.ts). Recorded first,
  // a reconcile before the removal would match the live subscription and record `confirmed` again.
  const planned = unsubscribedFor(owner, evidenceArn(owner, removed));
  if (!(await directory.recordSubscription(planned))) return { userId, reason: 'changed-meanwhile', removed };
  return {
    userId,
    removed,
    ...(planned.subscriptionArn !== undefined && { subscriptionArn: planned.subscriptionArn }),
    pendingLeft,
  };
}

/**
 * The owner's subscriptions on the topic as the reconciler's plan matches
 * them (`classify`, `subscription-plan.ts`: a recognised owner subscription
 * whose filter names the owner, at their address compared as `normalizeEmail`
 * does), confirmed first; and whether an arn-less pending subscription is at
 * their address (the plan's `pendingAddresses`: its filter cannot be read).
 */
function subscriptionsOf(
  owner: OwnerRecord,
  listing: readonly TopicSubscription[],
): { readonly removable: readonly TopicSubscription[]; readonly pendingLeft: boolean } {
  const email = owner.email?.trim();
  if (email === undefined || email === '') return { removable: [], pendingLeft: false };
  const address = normalizeEmail(email);
  const atAddress = listing.filter((s) => normalizeEmail(s.endpoint) === address);
  return {
    removable: atAddress
      .filter((s) => ownerFilterUserIds(s)?.includes(owner.userId) === true)
      .sort((a, b) => Number(a.pending) - Number(b.pending)),
    pendingLeft: atAddress.some(isArnlessPendingEmail),
  };
}

/** Removes each subscription; a refusal is collected, and the others are still removed. */
async function removeAll(
  topic: Pick<TopicSubscriptions, 'remove'>,
  subscriptions: readonly TopicSubscription[],
): Promise<{ removed: string[]; refused: { subscriptionArn: string; error: string }[] }> {
  const removed: string[] = [];
  const refused: { subscriptionArn: string; error: string }[] = [];
  for (const { arn } of subscriptions) {
    try {
      await topic.remove(arn);
      removed.push(arn);
    } catch (error: unknown) {
      refused.push({ subscriptionArn: arn, error: errorText(error) });
    }
  }
  return { removed, refused };
}

/**
 * The ARN to record with `unsubscribed`: the recorded one when it was removed
 * now, else the first removed (confirmed before pending), else the one
 * already recorded (as the reconciler keeps it: `unsubscribedState`).
 */
function evidenceArn(owner: OwnerRecord, removed: readonly string[]): string | undefined {
  if (owner.subscriptionArn !== undefined && removed.includes(owner.subscriptionArn)) {
    return owner.subscriptionArn;
  }
  return removed[0] ?? owner.subscriptionArn;
}

/** State `unsubscribed` for the owner, written only while the address, state and ARN are still as read. */
function unsubscribedFor(owner: OwnerRecord, subscriptionArn: string | undefined): PlannedSubscriptionState {
  return {
    userId: owner.userId,
    ...unsubscribedState({ ...owner, ...(subscriptionArn !== undefined && { subscriptionArn }) }),
    email: owner.email,
    read: {
      ...(owner.subscription !== undefined && { subscription: owner.subscription }),
      ...(owner.subscriptionArn !== undefined && { subscriptionArn: owner.subscriptionArn }),
    },
  };
}
