/**
 * At the filter-policy quota the plan is applied within it (`withinQuota`): the removals and repairs, and as many
 * creations as the quota, less the one filter policy the reconciler keeps free (`FREE_FILTER_POLICIES`: for the
 * relay queue's subscription or a new admin address), leaves room for, first by `userId`, the owners left out
 * recorded `none`; the quota error says how many fit and how many were left out, and why one is kept free. Around
 * SNS's default quota of 200: a topic at 198 and 199 after the plan is no stop; at 200 the one slot left goes to the
 * first new owner by `userId`, not to none of them, and the topic keeps one filter policy free.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { planSubscriptions, type SubscriptionPlan } from '../../lambdas/hygiene/subscription-plan';
import {
  DEFAULT_FILTER_POLICY_QUOTA,
  FilterPolicyQuotaError,
  FREE_FILTER_POLICIES,
  filterPolicyQuotaProblem,
  withinQuota,
} from '../../lambdas/hygiene/subscription-quota';
import {
  ADMIN,
  confirmedOwner,
  confirmedOwnersAnd,
  confirmedSub,
  newOwner,
  TOPIC,
} from './support/quota-room-fixtures';

/** The plan over the admins' subscription and `existing` confirmed owners on the topic, and `fresh` owners to subscribe. */
function planFor(existing: number, fresh: readonly string[]): SubscriptionPlan {
  return planSubscriptions({ ...confirmedOwnersAnd(existing, fresh), topicArn: TOPIC, route: 'sns-email' });
}
const creates = (plan: SubscriptionPlan) =>
  plan.operations.flatMap((o) => (o.kind === 'create' ? [o.userId] : []));
const stateOf = (plan: SubscriptionPlan, userId: string) =>
  plan.states.find((s) => s.userId === userId)?.state;

describe('the filter-policy quota, around 200', () => {
  const quota = DEFAULT_FILTER_POLICY_QUOTA;

  it.each([
    [198, 196],
    [199, 197],
  ])('%i filter policies after the plan: no stop, the new owner is subscribed', (needed, existing) => {
    const plan = planFor(existing, ['new1']);

    expect(plan.filterPolicies.planned).toBe(needed);
    expect(filterPolicyQuotaProblem(plan, quota)).toBeUndefined();
    expect(withinQuota(plan, quota)).toBe(plan);
  });

  it('200 (one slot, two new owners): the first by userId is subscribed, the other recorded none, one policy kept free', () => {
    // directory order is not userId order: the slot goes by userId, so every run picks the same owner
    const plan = planFor(197, ['zed', 'amy']);

    const problem = filterPolicyQuotaProblem(plan, quota);
    const applied = withinQuota(plan, quota);

    expect(FREE_FILTER_POLICIES).toBe(1);
    expect(problem).toMatchObject({ quota: 200, needed: 200, creations: 2, leftOut: 1 });
    expect(creates(applied)).toEqual(['amy']);
    // 199 of 200: the last one left for the relay queue's subscription (or a new admin address)
    expect(applied.filterPolicies).toEqual({ current: 198, planned: 199 });
    expect(stateOf(applied, 'amy')).toBe('pending');
    expect(stateOf(applied, 'zed')).toBe('none');
    expect(problem?.message).toContain(
      'above the 199 the reconciler fills: the quota of 200 filter policies per topic less 1 kept free for a ' +
        "deployment's own filtered subscription (the relay queue's, a new admin address): only the first 1 of them " +
        'by userId fit and are subscribed; the other 1 owner(s) are left without one (recorded none)',
    );
  });

  it('a plan at exactly the quota is a stop: it would leave no filter policy for the relay queue', () => {
    const plan = planFor(198, ['new1']);

    expect(plan.filterPolicies.planned).toBe(quota);
    expect(filterPolicyQuotaProblem(plan, quota)).toMatchObject({ needed: 200, creations: 1, leftOut: 1 });
    expect(creates(withinQuota(plan, quota))).toEqual([]);
    expect(withinQuota(plan, quota).filterPolicies.planned).toBe(quota - FREE_FILTER_POLICIES);
  });

  it('gives the room the removals free to the new owners, and none when there is no room at all', () => {
    const departedOwner: OwnerRecord = { ...confirmedOwner('left'), status: 'departed' };
    const withRemoval = planSubscriptions({
      owners: [departedOwner, ...['c', 'a', 'b'].map(newOwner)],
      subscriptions: [ADMIN, confirmedSub('left')],
      topicArn: TOPIC,
      route: 'sns-email',
    });
    // 2 now − left + a, b, c = 4; quota 4 (3 filled, one kept free): removing left frees one slot, one was free already
    expect(creates(withinQuota(withRemoval, 4))).toEqual(['a', 'b']);
    // quota 2: the admins' filter fills the one it fills; quota 1: it fills none
    expect(creates(withinQuota(withRemoval, 2))).toEqual([]);
    expect(creates(withinQuota(withRemoval, 1))).toEqual([]);
    expect(
      withinQuota(withRemoval, 1)
        .states.filter((s) => s.state === 'none')
        .map((s) => s.userId),
    ).toEqual(['left', 'c', 'a', 'b']);
    expect(withinQuota(withRemoval, 1).operations.map((o) => o.kind)).toEqual(['remove']);
  });

  it('says when none of the new owners fits', () => {
    const problem = new FilterPolicyQuotaError(5, 7, 2);

    expect(problem.leftOut).toBe(2);
    expect(problem.message).toContain(
      "quota of 5 filter policies per topic less 1 kept free for a deployment's own filtered subscription (the " +
        "relay queue's, a new admin address): none of them fits, and those owners are left without a subscription " +
        '(recorded none)',
    );
    expect(problem.message).toContain('set filterPolicyQuota');
  });
});
