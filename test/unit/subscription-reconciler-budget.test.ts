/**
 * The reconciler's time budget (`ReconcilerDeps.remainingMs`; docs/notifications.md, "Subscription reconciler"),
 * over in-memory ports whose SNS calls are slow: each call moves a virtual clock, and the budget is read from it (no
 * wall-clock wait). Once the budget is spent the run starts no removal, repair or creation: it lists them as
 * `deferred`, records the states of what it did (an owner whose creation was left out is `none`), still withdraws
 * what it created for an owner who opted out meanwhile, and the next run continues from the topic's listing. Without
 * a budget (`owners sync-subscriptions`) a run as slow goes to the end.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { PendingSubscriptionNotRemovableError } from '../../lambdas/hygiene/subscription-creations';
import { ownerFilterPolicy, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';

/** What each SNS call that changes the topic costs on the virtual clock (a slow or throttled SNS). */
const CALL_MS = 10_000;

/**
 * A topic in memory whose every change takes {@link CALL_MS} of virtual time, charged when the call starts;
 * `list` shows a pending subscription as `PendingConfirmation`, and a pending one cannot be removed (as SNS).
 */
class SlowTopic implements TopicSubscriptions {
  readonly topicArn = TOPIC;
  readonly calls: string[] = [];
  now = 0;
  /** Runs as the creation of that address starts (an operator's change landing meanwhile). */
  onCreate = new Map<string, () => void>();
  constructor(readonly subscriptions: TopicSubscription[] = []) {}
  async list() {
    return this.subscriptions.map((s) => (s.pending ? { ...s, arn: 'PendingConfirmation' } : s));
  }
  async create(email: string, filterPolicy: string) {
    this.charge(`create ${email}`);
    this.onCreate.get(email)?.();
    const arn = `${TOPIC}:new-${email}`;
    this.subscriptions.push({ arn, protocol: 'email', endpoint: email, filterPolicy, pending: true });
    return arn;
  }
  async setFilterPolicy(arn: string, filterPolicy: string) {
    this.charge(`repair ${arn}`);
    const index = this.subscriptions.findIndex((s) => s.arn === arn);
    this.subscriptions[index] = { ...this.subscriptions[index]!, filterPolicy };
  }
  async remove(arn: string) {
    this.charge(`remove ${arn}`);
    const index = this.subscriptions.findIndex((s) => s.arn === arn);
    if (this.subscriptions[index]?.pending) throw new PendingSubscriptionNotRemovableError(arn);
    if (index >= 0) this.subscriptions.splice(index, 1);
  }
  private charge(call: string) {
    this.calls.push(call);
    this.now += CALL_MS;
  }
}

const owner = (userId: string, extra: Partial<OwnerRecord> = {}): OwnerRecord => ({
  userId,
  email: `${userId}@x`,
  status: 'active',
  ...extra,
});
const confirmedSub = (userId: string, filterPolicy = ownerFilterPolicy(userId)): TopicSubscription => ({
  arn: `${TOPIC}:${userId}`,
  protocol: 'email',
  endpoint: `${userId}@x`,
  filterPolicy,
  pending: false,
});

/** A budget of `ms` on the topic's virtual clock, as the Lambda's (its remaining time less the margin). */
const budgetOf = (topic: SlowTopic, ms: number) => () => ms - topic.now;

const OWNERS = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay'];

describe('reconcileSubscriptions with a time budget', () => {
  it('starts no creation once the budget is spent, records what it did, and the next run continues', async () => {
    const topic = new SlowTopic();
    const directory = new MemoryOwnerRegistry(OWNERS.map((id) => owner(id)));

    // Room for 3 calls: the 4th would start with nothing left.
    const first = await reconcileSubscriptions(
      { topic, directory, remainingMs: budgetOf(topic, 3 * CALL_MS) },
      { route: 'sns-email' },
    );

    expect(topic.calls).toEqual(['create ada@x', 'create bob@x', 'create cy@x']);
    expect(first).toMatchObject({ created: 3, failed: [], states: { pending: 3, none: 3 } });
    expect(first.deferred?.map((o) => `${o.kind} ${o.userId}`)).toEqual([
      'create dee',
      'create eve',
      'create fay',
    ]);
    // Planned: the deferred creations stay listed; the topic holds only the 3 created.
    expect(first.operations).toHaveLength(6);
    expect(first.filterPolicies).toMatchObject({ current: 0, planned: 3 });
    // The states of what it did are recorded; nothing for the owners it left (none: as never reconciled).
    expect(directory.recorded.flat().map((s) => `${s.userId} ${s.state}`)).toEqual([
      'ada pending',
      'bob pending',
      'cy pending',
    ]);
    // The check after the creations re-read exactly the owners it subscribed.
    expect(directory.lookups.at(-1)).toEqual(['ada', 'bob', 'cy']);

    const next = await reconcileSubscriptions(
      { topic, directory, remainingMs: budgetOf(topic, topic.now + 10 * CALL_MS) },
      { route: 'sns-email' },
    );

    expect(topic.calls.slice(3)).toEqual(['create dee@x', 'create eve@x', 'create fay@x']);
    expect(next).toMatchObject({ created: 3, states: { pending: 6, none: 0 } });
    expect(next.deferred).toBeUndefined();
  });

  it('leaves the repairs and creations after the removals that spent it, re-reading no one to subscribe', async () => {
    // Holds back ada's `unverified` digests: confirmed only once repaired.
    const oldFilter = JSON.stringify({ userId: ['ada'], audience: ['owner'], ownerReach: ['reachable'] });
    const topic = new SlowTopic([
      confirmedSub('gone1'),
      confirmedSub('gone2'),
      confirmedSub('ada', oldFilter),
    ]);
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob')]);

    const summary = await reconcileSubscriptions(
      { topic, directory, remainingMs: budgetOf(topic, CALL_MS) },
      { route: 'sns-email' },
    );

    expect(topic.calls).toEqual([`remove ${TOPIC}:gone1`]);
    expect(summary.deferred?.map((o) => `${o.kind} ${o.userId}`)).toEqual([
      'remove gone2',
      'repair ada',
      'create bob',
    ]);
    expect(summary).toMatchObject({ removed: 1, repaired: 0, created: 0, failed: [] });
    // 3 held − 1 removed: gone2's stays, bob's is not added.
    expect(summary.filterPolicies).toMatchObject({ current: 3, planned: 2 });
    // ada's filter was not repaired (as for a refused repair): none, as bob, whose creation was left out.
    expect(summary.states).toEqual({ confirmed: 0, pending: 0, none: 2, unsubscribed: 0 });
    expect(directory.lookups).toEqual([]);
  });

  it('still withdraws what it created for an owner who opted out meanwhile, after the budget is spent', async () => {
    const topic = new SlowTopic();
    const directory = new MemoryOwnerRegistry(OWNERS.map((id) => owner(id)));
    // `owners unsubscribe bob` lands while his creation runs, after the re-read before the creations.
    topic.onCreate.set('bob@x', () => {
      directory.owners = directory.owners.map((o) =>
        o.userId === 'bob' ? { ...o, subscription: 'unsubscribed' } : o,
      );
    });

    const summary = await reconcileSubscriptions(
      { topic, directory, remainingMs: budgetOf(topic, 2 * CALL_MS) },
      { route: 'sns-email' },
    );

    // The withdrawal is not cut by the budget: bob asked to stop (SNS leaves his pending subscription).
    expect(topic.calls).toEqual(['create ada@x', 'create bob@x', `remove ${TOPIC}:new-bob@x`]);
    expect(summary.withdrawnAfterCreate).toEqual([
      {
        kind: 'withdraw',
        userId: 'bob',
        email: 'bob@x',
        subscriptionArn: `${TOPIC}:new-bob@x`,
        pendingLeft: true,
      },
    ]);
    expect(summary.deferred).toHaveLength(4);
    expect(summary.states).toEqual({ confirmed: 0, pending: 1, none: 4, unsubscribed: 1 });
  });

  it('without a budget (owners sync-subscriptions) goes to the end however slow SNS is', async () => {
    const topic = new SlowTopic([confirmedSub('gone')]);
    const directory = new MemoryOwnerRegistry(OWNERS.map((id) => owner(id)));

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(topic.calls).toHaveLength(7);
    expect(summary).toMatchObject({ created: 6, removed: 1, states: { pending: 6 } });
    expect(summary.deferred).toBeUndefined();
  });

  it('changes nothing in a dry run, whatever the budget says', async () => {
    const topic = new SlowTopic();
    const directory = new MemoryOwnerRegistry([owner('ada')]);

    const summary = await reconcileSubscriptions(
      { topic, directory, remainingMs: () => 0 },
      { route: 'sns-email', dryRun: true },
    );

    expect(topic.calls).toEqual([]);
    expect(summary).toMatchObject({ created: 0, states: { pending: 1 } });
    expect(summary.deferred).toBeUndefined();
  });
});
