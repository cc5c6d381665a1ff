/**
 * The plan's operations on owner subscriptions (docs/notifications.md, "Subscription reconciler"): which of an
 * owner's subscriptions stays ({@link byPreference}), why a subscription is removed ({@link removalReason}), and the
 * removal and repair operations themselves.
 */
import { collate } from '../collate';
import type { OwnerDeliveryRoute, OwnerRecord } from '../owner-directory';
import { isOwnerFilterPolicy, ownerFilterPolicy } from './filter-policy';
import type { TopicSubscription } from './topic-subscription';
import type { RemovalReason, SubscriptionOperation } from './types';
import type { WantedOwner } from './wanted-owners';

/** Confirmed before pending, the exact policy before a wrong one, the directory's exact spelling first. */
export function byPreference(owner: WantedOwner['owner']) {
  const rank = (s: TopicSubscription) =>
    (s.pending ? 4 : 0) +
    (isOwnerFilterPolicy(s.filterPolicy, owner.userId) ? 0 : 2) +
    (s.endpoint === owner.email ? 0 : 1);
  return (a: TopicSubscription, b: TopicSubscription) => rank(a) - rank(b) || collate(a.arn, b.arn);
}

/** Why a stray owner subscription (one naming `userIds`, matching no wanted owner at its address) is removed. */
export function removalReason(
  userIds: readonly string[],
  owners: {
    readonly directory: ReadonlyMap<string, OwnerRecord>;
    readonly wanted: ReadonlyMap<string, WantedOwner>;
    /** Owners whose address another owner keeps. */
    readonly sharing: ReadonlySet<string>;
    /** Active owners with an email whose `userId` cannot be filtered on. */
    readonly unfilterable: ReadonlySet<string>;
  },
  route: OwnerDeliveryRoute,
): RemovalReason {
  const { directory, wanted, sharing, unfilterable } = owners;
  if (route !== 'sns-email') return 'route-relay';
  if (userIds.some((id) => wanted.has(id))) return 'address-changed';
  if (userIds.some((id) => unfilterable.has(id))) return 'unfilterable-id';
  if (userIds.some((id) => sharing.has(id))) return 'shared-address';
  const known = userIds.map((id) => directory.get(id)).filter((o) => o !== undefined);
  if (known.some((o) => o.status === 'departed')) return 'departed';
  return known.length > 0 ? 'no-email' : 'not-in-directory';
}

/** The operation that removes `subscription`, made for `userId`. */
export function removal(
  subscription: TopicSubscription,
  userId: string,
  reason: RemovalReason,
): SubscriptionOperation {
  return {
    kind: 'remove',
    subscriptionArn: subscription.arn,
    endpoint: subscription.endpoint,
    userId,
    reason,
  };
}

/** The operation that gives `subscription` the owner filter policy of `userId` ({@link ownerFilterPolicy}). */
export function repair(subscription: TopicSubscription, userId: string): SubscriptionOperation {
  return {
    kind: 'repair',
    userId,
    subscriptionArn: subscription.arn,
    filterPolicy: ownerFilterPolicy(userId),
    previous: subscription.filterPolicy ?? '',
  };
}
