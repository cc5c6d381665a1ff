/**
 * The owner filter policy (docs/notifications.md, "Message attributes and filter policies"): the one the plan writes
 * ({@link ownerFilterPolicy}), the reading of a policy found ({@link parsePolicy}, {@link ownerFilterUserIds}), and
 * whether it is exactly the plan's ({@link isOwnerFilterPolicy}) or lets through every deliverable digest all the same
 * ({@link deliversEveryDeliverableDigest}).
 */
import { OWNER_SUBSCRIPTION_PROTOCOL } from '../data-contract';
import type { OwnerReachVerdict } from '../message';
import { PENDING_CONFIRMATION_ARN, type TopicSubscription } from './topic-subscription';

/**
 * The `ownerReach` verdicts an owner subscription receives: every digest the
 * drain did not judge unreachable (`unverified`: no directory to judge by, so
 * delivered as to any owner). An `unreachable` owner's digest is still
 * published, for machine subscribers, and its events go to the admins' report;
 * a subscription SNS still holds for that owner — at the address an import
 * just moved them away from, until the reconciler's next run removes it —
 * must not receive it (docs/notifications.md, "Message attributes and filter
 * policies").
 */
const DELIVERABLE_REACH: readonly OwnerReachVerdict[] = ['reachable', 'unverified'];

/**
 * The filter policy of an owner's subscription: that owner's digests, when
 * the drain judged them deliverable ({@link DELIVERABLE_REACH}). Within SNS's
 * limits for a filter policy (at most 5 keys, at most 150 value combinations):
 * 3 keys, 1 × 1 × 2 = 2 combinations.
 */
export function ownerFilterPolicy(userId: string): string {
  return JSON.stringify({ userId: [userId], audience: ['owner'], ownerReach: DELIVERABLE_REACH });
}

/**
 * The `userId` values of an owner filter policy, or `undefined` when the
 * subscription is not a recognisable owner subscription (wrong protocol,
 * message-body scope, no or unparsable policy, no `userId` key, `audience`
 * without `owner`, or non-string values such as prefix matches). Other keys
 * do not matter: the current policy's `ownerReach`, or none (the policy of
 * earlier versions, which the plan repairs).
 */
export function ownerFilterUserIds(subscription: TopicSubscription): readonly string[] | undefined {
  if (
    subscription.protocol !== OWNER_SUBSCRIPTION_PROTOCOL ||
    subscription.arn === PENDING_CONFIRMATION_ARN
  ) {
    return undefined;
  }
  if ((subscription.filterPolicyScope ?? 'MessageAttributes') !== 'MessageAttributes') return undefined;
  const policy = parsePolicy(subscription.filterPolicy);
  const userIds = stringList(policy?.userId);
  const audience = stringList(policy?.audience);
  if (userIds === undefined || userIds.length === 0 || !audience?.includes('owner')) return undefined;
  return userIds;
}

/**
 * True when `filterPolicy` is exactly {@link ownerFilterPolicy} for `userId`
 * (key and value order aside). The two-key policy of earlier versions
 * (`userId` and `audience`, no `ownerReach`) is not: the plan repairs it.
 */
export function isOwnerFilterPolicy(filterPolicy: string | undefined, userId: string): boolean {
  const policy = parsePolicy(filterPolicy);
  if (policy === undefined || Object.keys(policy).length !== 3) return false;
  return (
    sameValues(stringList(policy.userId), [userId]) &&
    sameValues(stringList(policy.audience), ['owner']) &&
    sameValues(stringList(policy.ownerReach), DELIVERABLE_REACH)
  );
}

/** True when `list` holds exactly `expected`'s values, each once, in any order. */
function sameValues(list: readonly string[] | undefined, expected: readonly string[]): boolean {
  return (
    list !== undefined &&
    list.length === expected.length &&
    new Set(list).size === list.length &&
    expected.every((v) => list.includes(v))
  );
}

/**
 * A subscription's filter policy as a JSON object; `undefined` when there is none, or it is not valid JSON or not an
 * object (the one reading of a policy: the plan's and the admins' reach, `admin-reach.ts`).
 */
export function parsePolicy(json: string | undefined): Record<string, unknown> | undefined {
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/**
 * True when `filterPolicy` lets through every digest of `userId` that the
 * drain judged deliverable (`ownerReach` `reachable` or `unverified`), as
 * {@link ownerFilterPolicy} does: the keys `userId` and `audience`, exact
 * string values naming the owner and `owner`, and optionally `ownerReach`
 * naming both verdicts (docs/notifications.md, "Message attributes and filter
 * policies"). The two-key policy of earlier versions qualifies (it also lets
 * unreachable digests through: a superset); any other key, or an `ownerReach`
 * without one of the two, might hold some back (e.g. `severity`, or
 * `ownerReach: ["unverified"]`).
 */
export function deliversEveryDeliverableDigest(filterPolicy: string | undefined, userId: string): boolean {
  const policy = parsePolicy(filterPolicy);
  if (policy === undefined) return false;
  const keys = Object.keys(policy);
  const known = ['userId', 'audience', 'ownerReach'];
  if (!keys.every((k) => known.includes(k))) return false;
  const reach = policy.ownerReach === undefined ? DELIVERABLE_REACH : stringList(policy.ownerReach);
  return (
    stringList(policy.userId)?.includes(userId) === true &&
    stringList(policy.audience)?.includes('owner') === true &&
    DELIVERABLE_REACH.every((v) => reach?.includes(v) === true)
  );
}
