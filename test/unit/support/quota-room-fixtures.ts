/**
 * A notification topic near the filter-policy quota, as the quota-room tests build it: the plan's
 * (test/unit/subscription-quota-room.test.ts) and the reconciler's (test/unit/subscription-reconciler-quota-room.test.ts)
 * — the admins' filter, owners confirmed on the topic, and new owners to subscribe. Written once, so both count the
 * same filter policies (docs/notifications.md, "Subscription reconciler").
 */
import type { OwnerRecord } from '../../../lambdas/hygiene/owner-directory';
import { ownerFilterPolicy, type TopicSubscription } from '../../../lambdas/hygiene/subscription-plan';

/** The topic's ARN: the prefix of its subscriptions' ARNs. */
export const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';

/** The admins' email subscription: a filter policy the reconciler never touches. */
export const ADMIN: TopicSubscription = {
  arn: `${TOPIC}:admin`,
  protocol: 'email',
  endpoint: 'sec@x',
  filterPolicy: '{"audience":["admin"]}',
  pending: false,
};

/** `n` user ids in `userId` order: o0000, o0001, … */
export const ownerIds = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `o${String(i).padStart(4, '0')}`);

/** An active owner at `<userId>@x` not subscribed yet: one to subscribe. */
export const newOwner = (userId: string): OwnerRecord => ({ userId, email: `${userId}@x`, status: 'active' });

/** An active owner recorded confirmed, with the subscription {@link confirmedSub} lists. */
export const confirmedOwner = (userId: string): OwnerRecord => ({
  ...newOwner(userId),
  subscription: 'confirmed',
  subscriptionArn: `${TOPIC}:${userId}`,
});

/** The owner's confirmed email subscription with its owner filter policy. */
export const confirmedSub = (userId: string): TopicSubscription => ({
  arn: `${TOPIC}:${userId}`,
  protocol: 'email',
  endpoint: `${userId}@x`,
  filterPolicy: ownerFilterPolicy(userId),
  pending: false,
});

/**
 * The directory and the topic's subscriptions: the admins' subscription and `existing` confirmed owners (their
 * filter policies: `existing` + 1 now), and the `fresh` owners to subscribe after them, in the order given.
 */
export function confirmedOwnersAnd(
  existing: number,
  fresh: readonly string[],
): { owners: OwnerRecord[]; subscriptions: TopicSubscription[] } {
  const confirmed = ownerIds(existing);
  return {
    owners: [...confirmed.map(confirmedOwner), ...fresh.map(newOwner)],
    subscriptions: [ADMIN, ...confirmed.map(confirmedSub)],
  };
}
