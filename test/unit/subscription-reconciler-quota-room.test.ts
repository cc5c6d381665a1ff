/**
 * A reconciler run stopped at the filter-policy quota subscribes the new owners that fit, first by `userId`, and
 * still throws the quota error (the Lambda's `SubscriptionQuotaExceeded`): at 200 filter policies with one slot
 * left below the one kept free (`FREE_FILTER_POLICIES`), one of two new owners is subscribed, not neither, every
 * run; the other is recorded unreachable with advice that names the quota (waiting alone does not help); a slot
 * freed later goes to them. The topic never holds more than the quota less the one kept free.
 */
import { describe, expect, it } from 'vitest';
import { reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { ownerFilterPolicy, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { FilterPolicyQuotaError } from '../../lambdas/hygiene/subscription-quota';
import {
  type ReconcileSummary,
  reconcileSubscriptions,
  SubscriptionQuotaStop,
} from '../../lambdas/hygiene/subscription-reconciler';
import { UNREACHABLE_REASON_TEXT } from '../../lambdas/hygiene/unreachable-report';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';
import { confirmedOwnersAnd, TOPIC } from './support/quota-room-fixtures';

/** A topic in memory: `create` adds a pending subscription (listed without its ARN), `remove` deletes one. */
class MemoryTopic implements TopicSubscriptions {
  readonly topicArn = TOPIC;
  readonly created: string[] = [];
  constructor(readonly subscriptions: TopicSubscription[]) {}
  async list() {
    return this.subscriptions.map((s) => (s.pending ? { ...s, arn: 'PendingConfirmation' } : s));
  }
  async create(email: string, filterPolicy: string) {
    this.created.push(email);
    const arn = `${TOPIC}:new-${email}`;
    this.subscriptions.push({ arn, protocol: 'email', endpoint: email, filterPolicy, pending: true });
    return arn;
  }
  async setFilterPolicy() {}
  async remove(arn: string) {
    const index = this.subscriptions.findIndex((s) => s.arn === arn);
    if (index >= 0) this.subscriptions.splice(index, 1);
  }
}

/**
 * The admins' filter and 197 confirmed owners: 198 of the 200 filter policies SNS allows by default, so one slot
 * left below the one the reconciler keeps free.
 */
function oneSlotLeft(fresh: readonly string[]) {
  const { owners, subscriptions } = confirmedOwnersAnd(197, fresh);
  return { topic: new MemoryTopic(subscriptions), directory: new MemoryOwnerRegistry(owners) };
}
const stopOf = async (run: Promise<ReconcileSummary>) => {
  const error = await run.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SubscriptionQuotaStop);
  return error as SubscriptionQuotaStop;
};

describe('the reconciler at the filter-policy quota', () => {
  it('199 after the plan (one slot, one new owner): subscribes them, no stop', async () => {
    const { topic, directory } = oneSlotLeft(['new1']);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(topic.created).toEqual(['new1@x']);
    expect(summary.filterPolicies).toEqual({ current: 198, planned: 199, quota: 200 });
  });

  it('200 (one slot, two new owners): subscribes the first by userId, stops with the error, and the next run too', async () => {
    const { topic, directory } = oneSlotLeft(['zed', 'amy']);

    const stop = await stopOf(reconcileSubscriptions({ topic, directory }, { route: 'sns-email' }));

    expect(stop).toBeInstanceOf(FilterPolicyQuotaError);
    expect(stop).toMatchObject({ quota: 200, needed: 200, creations: 2, leftOut: 1 });
    expect(topic.created).toEqual(['amy@x']);
    expect(stop.summary).toMatchObject({
      created: 1,
      filterPolicies: { current: 198, planned: 199, quota: 200 },
    });
    expect(stop.summary.operations).toEqual([
      { kind: 'create', userId: 'amy', email: 'amy@x', filterPolicy: ownerFilterPolicy('amy') },
    ]);
    const zed = directory.owners.find((o) => o.userId === 'zed');
    expect(directory.owners.find((o) => o.userId === 'amy')?.subscription).toBe('pending');
    expect(zed?.subscription ?? 'none').toBe('none');
    const reach = reachabilityOf(zed, 'sns-email');
    expect(reach).toEqual({ reachable: false, reason: 'no-subscription' });
    expect(UNREACHABLE_REASON_TEXT['no-subscription'].todo('zed', undefined)).toContain(
      'if it stops at the filter-policy quota (SubscriptionQuotaExceeded)',
    );

    // amy's pending subscription holds the slot now: the next run subscribes no one and stops again
    const next = await stopOf(reconcileSubscriptions({ topic, directory }, { route: 'sns-email' }));
    expect(next).toMatchObject({ needed: 200, creations: 1, leftOut: 1, summary: { created: 0 } });
    expect(topic.created).toEqual(['amy@x']);
  });

  it('gives a slot freed later (an owner departed) to the owner left out', async () => {
    const { topic, directory } = oneSlotLeft(['zed', 'amy']);
    await stopOf(reconcileSubscriptions({ topic, directory }, { route: 'sns-email' }));
    directory.owners = directory.owners.map((o) => (o.userId === 'o0000' ? { ...o, status: 'departed' } : o));

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(topic.created).toEqual(['amy@x', 'zed@x']);
    expect(summary).toMatchObject({ created: 1, removed: 1 });
  });
});
