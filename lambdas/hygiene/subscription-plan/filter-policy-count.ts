/**
 * The filter policies a plan counts (what SNS's per-topic quota counts: `../subscription-quota.ts`): on the topic
 * now, and what dropping creations from a plan takes off.
 */
import { PENDING_CONFIRMATION_ARN, type TopicSubscription } from './topic-subscription';
import type { SubscriptionPlan } from './types';

/**
 * Filter policies on the topic as SNS counts them. An arn-less pending
 * subscription's policy cannot be read: it is counted (conservatively) as
 * holding one until it is confirmed or expires.
 */
export function countFilterPolicies(subscriptions: readonly TopicSubscription[]): number {
  return subscriptions.filter((s) => s.filterPolicy !== undefined || s.arn === PENDING_CONFIRMATION_ARN)
    .length;
}

/**
 * The plan without the creations for `userIds` (their planned states stay,
 * as for any state not recorded); the filter policies it adds drop with them.
 * The reconciler's re-check drops the owners withdrawn while it ran; a run
 * stopped at the quota, those the quota leaves out (`withinQuota`, subscription-quota.ts).
 */
export function withoutCreationsFor(plan: SubscriptionPlan, userIds: ReadonlySet<string>): SubscriptionPlan {
  if (userIds.size === 0) return plan;
  const operations = plan.operations.filter((o) => o.kind !== 'create' || !userIds.has(o.userId));
  return {
    ...plan,
    operations,
    filterPolicies: {
      ...plan.filterPolicies,
      planned: plan.filterPolicies.planned - (plan.operations.length - operations.length),
    },
  };
}
