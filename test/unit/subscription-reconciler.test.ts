/**
 * The reconciler use case over in-memory ports: it applies the plan; at the
 * quota it creates nothing but still removes, repairs and records the states;
 * it stops before any change on an empty directory, writes nothing in a dry
 * run, records only the states that changed, never records `confirmed`
 * for an owner whose digests a refused repair leaves filtered away, and
 * subscribes no owner who opted out, left or moved while it ran.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import {
  FilterPolicyQuotaError,
  ownerFilterPolicy,
  type TopicSubscription,
} from '../../lambdas/hygiene/subscription-plan';
import {
  EmptyOwnerDirectoryError,
  reconcileSubscriptions,
  type TopicSubscriptions,
} from '../../lambdas/hygiene/subscription-reconciler';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';
const arnOf = (userId: string) => `${TOPIC}:${userId}`;

class MemoryTopic implements TopicSubscriptions {
  readonly topicArn = TOPIC;
  readonly calls: string[] = [];
  failCreateFor = new Set<string>();
  failRepair = false;
  constructor(readonly subscriptions: TopicSubscription[] = []) {}
  async list() {
    this.calls.push('list');
    return [...this.subscriptions];
  }
  async create(email: string, filterPolicy: string) {
    this.calls.push(`create ${email}`);
    if (this.failCreateFor.has(email)) throw new Error(`refused ${email}`);
    this.subscriptions.push({
      arn: 'PendingConfirmation',
      protocol: 'email',
      endpoint: email,
      pending: true,
    });
    return `arn:new:${email}:${filterPolicy.length}`;
  }
  async setFilterPolicy(arn: string) {
    this.calls.push(`repair ${arn}`);
    if (this.failRepair) throw new Error(`AuthorizationError: refused ${arn}`);
  }
  async remove(arn: string) {
    this.calls.push(`remove ${arn}`);
    this.subscriptions.splice(
      this.subscriptions.findIndex((s) => s.arn === arn),
      1,
    );
  }
}

const owner = (userId: string, extra: Partial<OwnerRecord> = {}): OwnerRecord => ({
  userId,
  email: `${userId}@x`,
  status: 'active',
  ...extra,
});
const confirmedSub = (userId: string, filterPolicy = ownerFilterPolicy(userId)): TopicSubscription => ({
  arn: arnOf(userId),
  protocol: 'email',
  endpoint: `${userId}@x`,
  filterPolicy,
  pending: false,
});

describe('reconcileSubscriptions', () => {
  it('applies the plan, records the changed states, and a second run changes nothing', async () => {
    const topic = new MemoryTopic([confirmedSub('ada'), confirmedSub('gone')]);
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob')]);

    const first = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });
    const callsAfterFirst = topic.calls.length;
    const second = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(topic.calls.slice(0, callsAfterFirst)).toEqual([
      'list',
      `remove ${arnOf('gone')}`,
      'create bob@x',
    ]);
    expect(first).toMatchObject({ created: 1, removed: 1, repaired: 0, failed: [] });
    expect(first.states).toEqual({ confirmed: 1, pending: 1, none: 0, unsubscribed: 0 });
    expect(directory.recorded).toEqual([
      [
        { userId: 'ada', state: 'confirmed', subscriptionArn: arnOf('ada'), email: 'ada@x', read: {} },
        { userId: 'bob', state: 'pending', email: 'bob@x', read: {} },
      ],
    ]);
    expect(topic.calls.slice(callsAfterFirst)).toEqual(['list']);
    expect(second).toMatchObject({ operations: [], stateChanges: [], created: 0, removed: 0 });
    expect(first.skippedStateChanges).toEqual([]);
  });

  it('records nothing for an owner whose address or presence changed while it ran, and reports them skipped', async () => {
    const topic = new MemoryTopic([confirmedSub('ada'), confirmedSub('bob'), confirmedSub('cy')]);
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob'), owner('cy')]);
    const list = topic.list.bind(topic);
    topic.list = async () => {
      // an import meanwhile: ada's address changes (her state cleared), bob leaves the directory
      directory.owners = [owner('ada', { email: 'ada@new' }), owner('cy')];
      return list();
    };

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    const confirmed = (userId: string) => ({ userId, state: 'confirmed', subscriptionArn: arnOf(userId) });
    expect(directory.recorded).toEqual([
      [
        { ...confirmed('ada'), email: 'ada@x', read: {} },
        { ...confirmed('bob'), email: 'bob@x', read: {} },
        { ...confirmed('cy'), email: 'cy@x', read: {} },
      ],
    ]);
    expect(directory.owners).toEqual([
      owner('ada', { email: 'ada@new' }),
      owner('cy', { subscription: 'confirmed', subscriptionArn: arnOf('cy') }),
    ]);
    expect(summary.stateChanges).toEqual([confirmed('cy')]);
    expect(summary.skippedStateChanges).toEqual([confirmed('ada'), confirmed('bob')]);
  });

  it('subscribes no owner who opted out, left or moved while it ran: nothing recorded for them, listed as skipped', async () => {
    // eve's expired pending subscription is gone from the topic: the plan subscribes her again (state unchanged)
    const topic = new MemoryTopic([confirmedSub('gone')]);
    const directory = new MemoryOwnerRegistry([
      owner('ada'),
      owner('bob'),
      owner('cy', { subscription: 'none' }),
      owner('dee'),
      owner('eve', { subscription: 'pending' }),
      owner('fay'),
      owner('gil'),
    ]);
    const remove = topic.remove.bind(topic);
    topic.remove = async (arn) => {
      // after the run read the directory, before its creations: `owners unsubscribe` for bob and eve, an import
      // marks cy departed, gives dee a new address and gil another spelling of his, and drops fay
      directory.owners = [
        owner('ada'),
        owner('bob', { subscription: 'unsubscribed' }),
        owner('cy', { status: 'departed', subscription: 'none' }),
        owner('dee', { email: 'dee@new' }),
        owner('eve', { subscription: 'unsubscribed' }),
        owner('gil', { email: ' GIL@x' }),
      ];
      return remove(arn);
    };

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    // the same address (compared normalised) is still subscribed; its state is not recorded for another spelling
    expect(topic.calls).toEqual(['list', `remove ${arnOf('gone')}`, 'create ada@x', 'create gil@x']);
    expect(directory.lookups).toEqual([['ada', 'bob', 'cy', 'dee', 'eve', 'fay', 'gil']]);
    const pending = (userId: string) => ({ userId, state: 'pending' });
    expect(directory.recorded).toEqual([
      [
        { ...pending('ada'), email: 'ada@x', read: {} },
        { ...pending('gil'), email: 'gil@x', read: {} },
      ],
    ]);
    expect(directory.owners).toEqual([
      owner('ada', { subscription: 'pending' }),
      owner('bob', { subscription: 'unsubscribed' }),
      owner('cy', { status: 'departed', subscription: 'none' }),
      owner('dee', { email: 'dee@new' }),
      owner('eve', { subscription: 'unsubscribed' }),
      owner('gil', { email: ' GIL@x' }),
    ]);
    expect(summary).toMatchObject({ created: 2, removed: 1, failed: [], stateChanges: [pending('ada')] });
    expect(summary.operations.map((o) => `${o.kind} ${o.userId}`)).toEqual([
      'remove gone',
      'create ada',
      'create gil',
    ]);
    expect(summary.skippedStateChanges).toEqual(['bob', 'cy', 'dee', 'eve', 'fay', 'gil'].map(pending));
    expect(summary.filterPolicies).toMatchObject({ current: 1, planned: 2 });
  });

  it('re-reads the directory only when it creates: not in a dry run, not at the quota, not without creations', async () => {
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob')]);
    const run = (topic: MemoryTopic, extra: { dryRun?: boolean; filterPolicyQuota?: number } = {}) =>
      reconcileSubscriptions({ topic, directory }, { route: 'sns-email', ...extra }).catch((e: unknown) => e);

    await run(new MemoryTopic(), { dryRun: true });
    await run(new MemoryTopic(), { filterPolicyQuota: 1 });
    await run(new MemoryTopic([confirmedSub('ada'), confirmedSub('bob')]));

    expect(directory.lookups).toEqual([]);
  });

  it('at the quota creates nothing but still removes and repairs, records the states, then throws FilterPolicyQuotaError', async () => {
    // ada's recorded state is confirmed, but her subscription is gone (she unsubscribed: not subscribed again);
    // left departed: removing his subscription only frees quota; cy's filter needs a repair (count unchanged).
    const topic = new MemoryTopic([
      confirmedSub('left'),
      confirmedSub('cy', '{"userId":["cy"],"audience":["owner","admin"]}'),
    ]);
    const confirmed = (userId: string) => ({
      subscription: 'confirmed' as const,
      subscriptionArn: arnOf(userId),
    });
    const directory = new MemoryOwnerRegistry([
      owner('ada', confirmed('ada')),
      owner('left', { status: 'departed', ...confirmed('left') }),
      owner('cy', confirmed('cy')),
      owner('dee'),
      owner('eve', { subscription: 'pending' }),
    ]);

    // 2 policies now − left + dee, eve = 3 > 2
    const error = await reconcileSubscriptions(
      { topic, directory },
      { route: 'sns-email', filterPolicyQuota: 2 },
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FilterPolicyQuotaError);
    expect(error).toMatchObject({
      quota: 2,
      needed: 3,
      creations: 2,
      applied: { removed: 1, repaired: 1, failed: 0 },
    });
    expect((error as Error).message).toContain('no subscription was created (1 removed and 1 repaired');
    expect(topic.calls).toEqual(['list', `remove ${arnOf('left')}`, `repair ${arnOf('cy')}`]);
    expect(directory.recorded).toEqual([
      [
        {
          userId: 'ada',
          state: 'unsubscribed',
          subscriptionArn: arnOf('ada'),
          email: 'ada@x',
          read: confirmed('ada'),
        },
        { userId: 'left', state: 'none', email: 'left@x', read: confirmed('left') },
        { userId: 'eve', state: 'none', email: 'eve@x', read: { subscription: 'pending' } },
      ],
    ]);
  });

  it('at the quota reports removals SNS refused in the error, and a dry run changes nothing', async () => {
    const topic = new MemoryTopic([confirmedSub('gone')]);
    topic.remove = async (arn) => {
      topic.calls.push(`remove ${arn}`);
      throw new Error('AuthorizationError');
    };
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob'), owner('cy')]);
    const run = (dryRun: boolean) =>
      reconcileSubscriptions({ topic, directory }, { route: 'sns-email', filterPolicyQuota: 2, dryRun });

    await expect(run(true)).rejects.toMatchObject({
      name: 'FilterPolicyQuotaError',
      applied: undefined,
      summary: { dryRun: true, created: 0, removed: 0, stateChanges: [] },
    });
    expect(topic.calls).toEqual(['list']);
    await expect(run(false)).rejects.toMatchObject({ applied: { removed: 0, repaired: 0, failed: 1 } });
    await expect(run(false)).rejects.toThrow(/1 refused by SNS/);
    expect(directory.recorded).toEqual([]);
  });

  it('writes nothing in a dry run but reports the plan', async () => {
    const topic = new MemoryTopic([confirmedSub('gone')]);
    const directory = new MemoryOwnerRegistry([owner('ada')]);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email', dryRun: true });

    expect(topic.calls).toEqual(['list']);
    expect(directory.recorded).toEqual([]);
    expect(summary.operations.map((o) => o.kind)).toEqual(['remove', 'create']);
    expect(summary).toMatchObject({ dryRun: true, created: 0, removed: 0 });
  });

  it('reports a refused creation, records that owner as none, and still applies the rest', async () => {
    const topic = new MemoryTopic();
    topic.failCreateFor.add('bob@x');
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob')]);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(summary.created).toBe(1);
    expect(summary.failed).toEqual([
      {
        operation: { kind: 'create', userId: 'bob', email: 'bob@x', filterPolicy: ownerFilterPolicy('bob') },
        error: 'Error: refused bob@x',
      },
    ]);
    expect(directory.recorded).toEqual([[{ userId: 'ada', state: 'pending', email: 'ada@x', read: {} }]]);
  });

  it('records none for a confirmed owner whose narrowing filter SNS refused to repair: digests do not all reach her', async () => {
    const narrowed = JSON.stringify({ userId: ['ada'], audience: ['owner'], severity: ['high'] });
    const topic = new MemoryTopic([confirmedSub('ada', narrowed)]);
    topic.failRepair = true;
    const directory = new MemoryOwnerRegistry([
      owner('ada', { subscription: 'confirmed', subscriptionArn: arnOf('ada') }),
    ]);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(summary.failed.map((f) => f.operation.kind)).toEqual(['repair']);
    expect(summary.states).toEqual({ confirmed: 0, pending: 0, none: 1, unsubscribed: 0 });
    expect(directory.owners[0]).toEqual(owner('ada', { subscription: 'none' }));
  });

  it('keeps confirmed for an owner whose refused repair leaves a filter that lets all her digests through', async () => {
    const wider = JSON.stringify({ userId: ['ada', 'zed'], audience: ['owner', 'admin'] });
    const topic = new MemoryTopic([confirmedSub('ada', wider)]);
    topic.failRepair = true;
    const directory = new MemoryOwnerRegistry([owner('ada')]);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(summary.failed.map((f) => f.operation.kind)).toEqual(['repair']);
    expect(directory.owners[0]?.subscription).toBe('confirmed');
  });

  it('refuses an empty directory on the sns-email route instead of removing every owner subscription', async () => {
    const topic = new MemoryTopic([confirmedSub('ada')]);

    await expect(
      reconcileSubscriptions({ topic, directory: new MemoryOwnerRegistry([]) }, { route: 'sns-email' }),
    ).rejects.toThrow(EmptyOwnerDirectoryError);
    expect(topic.calls).toEqual([]);
  });
});
