/**
 * The reconciler use case over in-memory ports: it applies the plan, stops
 * before any change at the quota or on an empty directory, writes nothing in
 * a dry run, and records only the states that changed.
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

class MemoryTopic implements TopicSubscriptions {
  readonly calls: string[] = [];
  failCreateFor = new Set<string>();
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
const confirmedSub = (userId: string): TopicSubscription => ({
  arn: `arn:${userId}`,
  protocol: 'email',
  endpoint: `${userId}@x`,
  filterPolicy: ownerFilterPolicy(userId),
  pending: false,
});

describe('reconcileSubscriptions', () => {
  it('applies the plan, records the changed states, and a second run changes nothing', async () => {
    const topic = new MemoryTopic([confirmedSub('ada'), confirmedSub('gone')]);
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob')]);

    const first = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });
    const callsAfterFirst = topic.calls.length;
    const second = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(topic.calls.slice(0, callsAfterFirst)).toEqual(['list', 'remove arn:gone', 'create bob@x']);
    expect(first).toMatchObject({ created: 1, removed: 1, repaired: 0, failed: [] });
    expect(first.states).toEqual({ confirmed: 1, pending: 1, none: 0 });
    expect(directory.recorded).toEqual([
      [
        { userId: 'ada', state: 'confirmed', email: 'ada@x' },
        { userId: 'bob', state: 'pending', email: 'bob@x' },
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

    expect(directory.recorded).toEqual([
      [
        { userId: 'ada', state: 'confirmed', email: 'ada@x' },
        { userId: 'bob', state: 'confirmed', email: 'bob@x' },
        { userId: 'cy', state: 'confirmed', email: 'cy@x' },
      ],
    ]);
    expect(directory.owners).toEqual([
      owner('ada', { email: 'ada@new' }),
      owner('cy', { subscription: 'confirmed' }),
    ]);
    expect(summary.stateChanges).toEqual([{ userId: 'cy', state: 'confirmed' }]);
    expect(summary.skippedStateChanges).toEqual([
      { userId: 'ada', state: 'confirmed' },
      { userId: 'bob', state: 'confirmed' },
    ]);
  });

  it('stops before any change with FilterPolicyQuotaError when the plan passes the quota', async () => {
    const topic = new MemoryTopic([confirmedSub('gone')]);
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob'), owner('cy')]);

    const run = reconcileSubscriptions({ topic, directory }, { route: 'sns-email', filterPolicyQuota: 2 });

    await expect(run).rejects.toThrow(FilterPolicyQuotaError);
    await expect(run).rejects.toMatchObject({ quota: 2, needed: 3 });
    expect(topic.calls).toEqual(['list']);
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
    expect(directory.recorded).toEqual([[{ userId: 'ada', state: 'pending', email: 'ada@x' }]]);
  });

  it('refuses an empty directory on the sns-email route instead of removing every owner subscription', async () => {
    const topic = new MemoryTopic([confirmedSub('ada')]);

    await expect(
      reconcileSubscriptions({ topic, directory: new MemoryOwnerRegistry([]) }, { route: 'sns-email' }),
    ).rejects.toThrow(EmptyOwnerDirectoryError);
    expect(topic.calls).toEqual([]);
  });
});
