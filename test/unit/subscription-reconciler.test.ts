/**
 * The reconciler use case over in-memory ports: it applies the plan; at the
 * quota with no room left it creates nothing but still removes, repairs and
 * records the states (the room, when there is some: subscription-reconciler-quota-room.test.ts);
 * it stops before any change on an empty directory that would lose an owner subscription (carrying the admin
 * count) and completes, changing nothing, on one with none to remove (day one), writes nothing in a dry
 * run, records only the states that changed, never records `confirmed`
 * for an owner whose digests a refused repair leaves filtered away,
 * subscribes no owner who opted out, left or moved while it ran (counting
 * them under the state re-read), withdraws what it just created for one who did
 * so while its creations ran (removed, or left pending, not failed, where SNS
 * cannot delete a pending subscription; but not one an import only re-spelled: the
 * same mailbox by the rule given), creates nothing when that re-read fails,
 * and counts an owner whose state write was skipped under the state it read.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { PendingSubscriptionNotRemovableError } from '../../lambdas/hygiene/subscription-creations';
import { ownerFilterPolicy, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { FilterPolicyQuotaError } from '../../lambdas/hygiene/subscription-quota';
import {
  EmptyOwnerDirectoryError,
  reconcileSubscriptions,
} from '../../lambdas/hygiene/subscription-reconciler';
import { mailboxKey } from '../../lambdas/relay/ses-address';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';
const arnOf = (userId: string) => `${TOPIC}:${userId}`;

/**
 * A topic in memory, as SNS behaves: `create` resolves to the new subscription's ARN (`ReturnSubscriptionArn`),
 * `list` shows a pending subscription's ARN as `PendingConfirmation`, `remove` of an ARN no longer there is done,
 * and `remove` of a pending subscription is refused as the SNS adapter reports it (SNS cannot delete one).
 */
class MemoryTopic implements TopicSubscriptions {
  readonly topicArn = TOPIC;
  readonly calls: string[] = [];
  failCreateFor = new Set<string>();
  failRemoveOf = new Set<string>();
  failRepair = false;
  constructor(readonly subscriptions: TopicSubscription[] = []) {}
  async list() {
    this.calls.push('list');
    return this.subscriptions.map((s) => (s.pending ? { ...s, arn: 'PendingConfirmation' } : s));
  }
  async create(email: string, filterPolicy: string) {
    this.calls.push(`create ${email}`);
    if (this.failCreateFor.has(email)) throw new Error(`refused ${email}`);
    const arn = `${TOPIC}:new-${email}`;
    this.subscriptions.push({ arn, protocol: 'email', endpoint: email, filterPolicy, pending: true });
    return arn;
  }
  async setFilterPolicy(arn: string) {
    this.calls.push(`repair ${arn}`);
    if (this.failRepair) throw new Error(`AuthorizationError: refused ${arn}`);
  }
  async remove(arn: string) {
    this.calls.push(`remove ${arn}`);
    if (this.failRemoveOf.has(arn)) throw new Error(`AuthorizationError: refused ${arn}`);
    const index = this.subscriptions.findIndex((s) => s.arn === arn);
    if (this.subscriptions[index]?.pending) throw new PendingSubscriptionNotRemovableError(arn);
    if (index >= 0) this.subscriptions.splice(index, 1);
  }
  /** The recipient clicks the confirmation link. */
  confirm(email: string) {
    this.subscriptions.forEach((s, i) => {
      if (s.endpoint === email) this.subscriptions[i] = { ...s, pending: false };
    });
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
/** The admins' email subscription: a filter policy the reconciler never touches. */
const ADMIN: TopicSubscription = {
  arn: `${TOPIC}:admin`,
  protocol: 'email',
  endpoint: 'sec@x',
  filterPolicy: '{"audience":["admin"]}',
  pending: false,
};

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
        {
          userId: 'ada',
          state: 'confirmed',
          subscriptionArn: arnOf('ada'),
          email: 'ada@x',
          read: {},
          whileActive: true,
        },
        { userId: 'bob', state: 'pending', email: 'bob@x', read: {}, confirmationEmailsSent: 1 },
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
        { ...confirmed('ada'), email: 'ada@x', read: {}, whileActive: true },
        { ...confirmed('bob'), email: 'bob@x', read: {}, whileActive: true },
        { ...confirmed('cy'), email: 'cy@x', read: {}, whileActive: true },
      ],
    ]);
    expect(directory.owners).toEqual([
      owner('ada', { email: 'ada@new' }),
      owner('cy', { subscription: 'confirmed', subscriptionArn: arnOf('cy') }),
    ]);
    expect(summary.stateChanges).toEqual([confirmed('cy')]);
    expect(summary.skippedStateChanges).toEqual([confirmed('ada'), confirmed('bob')]);
  });

  it('counts an owner whose state write was skipped under the state it read, not the one it planned', async () => {
    // ada's confirmed subscription vanished (the link): planned unsubscribed; bob confirmed his: planned confirmed
    const topic = new MemoryTopic([confirmedSub('bob'), confirmedSub('cy')]);
    const cy = owner('cy', { subscription: 'confirmed', subscriptionArn: arnOf('cy') });
    const directory = new MemoryOwnerRegistry([
      owner('ada', { subscription: 'confirmed', subscriptionArn: arnOf('ada') }),
      owner('bob', { subscription: 'pending' }),
      cy,
    ]);
    const list = topic.list.bind(topic);
    topic.list = async () => {
      // an import meanwhile: ada's address changes (her state cleared), bob leaves the directory
      directory.owners = [owner('ada', { email: 'ada@new' }), cy];
      return list();
    };

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(summary.stateChanges).toEqual([]);
    expect(summary.skippedStateChanges).toEqual([
      { userId: 'ada', state: 'unsubscribed', subscriptionArn: arnOf('ada') },
      { userId: 'bob', state: 'confirmed', subscriptionArn: arnOf('bob') },
    ]);
    // nothing recorded for ada and bob: they count as read (confirmed, pending), never as planned; cy confirmed
    expect(summary.states).toEqual({ confirmed: 2, pending: 1, none: 0, unsubscribed: 0 });
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
    // before the creations; then every owner it subscribed, ada (recorded) and gil (not: another spelling)
    expect(directory.lookups).toEqual([
      ['ada', 'bob', 'cy', 'dee', 'eve', 'fay', 'gil'],
      ['ada', 'gil'],
    ]);
    const pending = (userId: string) => ({ userId, state: 'pending' });
    expect(directory.recorded).toEqual([
      [
        { ...pending('ada'), email: 'ada@x', read: {}, confirmationEmailsSent: 1 },
        { ...pending('gil'), email: 'gil@x', read: {}, confirmationEmailsSent: 1 },
      ],
    ]);
    expect(directory.owners).toEqual([
      owner('ada', { subscription: 'pending', confirmationEmailsSent: 1 }),
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
    // counted as re-read, not as planned: bob and eve unsubscribed, cy (departed) and dee (moved: state cleared)
    // none, fay (gone from the directory) under no state; gil (subscribed, his write skipped) as read: none;
    // ada pending
    expect(summary.states).toEqual({ confirmed: 0, pending: 1, none: 3, unsubscribed: 2 });
    expect(summary.withdrawnAfterCreate).toEqual([]);
  });

  it('withdraws a subscription it created for an owner who opted out after the re-read, while the creations ran: left pending, not failed, when SNS cannot delete it', async () => {
    // eve's expired pending subscription is gone from the topic: subscribed again, her state unchanged (not written)
    const topic = new MemoryTopic();
    const create = topic.create.bind(topic);
    topic.create = async (email, filterPolicy) => {
      const arn = await create(email, filterPolicy);
      if (email === 'bob@x') topic.confirm(email); // bob clicks the link at once: his can be removed, eve's not
      return arn;
    };
    const directory = new MemoryOwnerRegistry([
      owner('ada'),
      owner('bob'),
      owner('eve', { subscription: 'pending' }),
    ]);
    const getMany = directory.getMany.bind(directory);
    directory.getMany = async (userIds) => {
      const found = await getMany(userIds);
      if (directory.lookups.length === 1) {
        // right after the re-read before the creations: `owners unsubscribe bob eve`
        directory.owners = directory.owners.map((o) =>
          o.userId === 'ada' ? o : { ...o, subscription: 'unsubscribed' as const },
        );
      }
      return found;
    };

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    const created = (userId: string) => `${TOPIC}:new-${userId}@x`;
    expect(topic.calls).toEqual([
      'list',
      'create ada@x',
      'create bob@x',
      'create eve@x',
      `remove ${created('bob')}`,
      `remove ${created('eve')}`,
    ]);
    // eve's stays pending: it delivers nothing, and SNS deletes it unconfirmed after 48 hours
    expect(topic.subscriptions.map((s) => [s.arn, s.pending])).toEqual([
      [created('ada'), true],
      [created('eve'), true],
    ]);
    expect(directory.lookups).toEqual([
      ['ada', 'bob', 'eve'],
      ['ada', 'bob', 'eve'],
    ]);
    expect(directory.owners).toEqual([
      owner('ada', { subscription: 'pending', confirmationEmailsSent: 1 }),
      owner('bob', { subscription: 'unsubscribed' }),
      owner('eve', { subscription: 'unsubscribed' }),
    ]);
    expect(summary).toMatchObject({
      created: 3,
      removed: 0,
      failed: [],
      stateChanges: [{ userId: 'ada', state: 'pending' }],
      skippedStateChanges: [{ userId: 'bob', state: 'pending' }],
      states: { confirmed: 0, pending: 1, none: 0, unsubscribed: 2 },
    });
    // bob's removal took its filter policy with it; eve's pending subscription keeps hers
    expect(summary.filterPolicies).toMatchObject({ current: 0, planned: 2 });
    expect(summary.withdrawnAfterCreate).toEqual(
      ['bob', 'eve'].map((userId) => ({
        kind: 'withdraw',
        userId,
        email: `${userId}@x`,
        subscriptionArn: created(userId),
        pendingLeft: userId === 'eve',
      })),
    );
  });

  it('with the relay’s mailbox rule, withdraws no creation for an owner an import only re-spells mid-run', async () => {
    // An import writes the owners' domains in Punycode (one mailbox): bob's before the re-read ahead of the
    // creations, cid's while the creations run (before the re-read after them).
    const [bobUnicode, cidUnicode] = ['bob@bücher.example', 'cid@bücher.example'];
    const respelled = (o: OwnerRecord) => ({
      ...o,
      email: (o.email ?? '').replace('bücher', 'xn--bcher-kva'),
    });
    const topic = new MemoryTopic();
    const directory = new MemoryOwnerRegistry([
      owner('bob', { email: bobUnicode }),
      owner('cid', { email: cidUnicode }),
    ]);
    const respell = (userId: string) => {
      directory.owners = directory.owners.map((o) => (o.userId === userId ? respelled(o) : o));
    };
    const getMany = directory.getMany.bind(directory);
    directory.getMany = async (userIds) => {
      if (directory.lookups.length === 0) respell('bob');
      return getMany(userIds);
    };
    const create = topic.create.bind(topic);
    topic.create = async (email, filterPolicy) => {
      respell('cid');
      return create(email, filterPolicy);
    };

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email', mailboxKey });

    // both subscribed at the planned spelling, neither removed again
    expect(topic.calls).toEqual(['list', `create ${bobUnicode}`, `create ${cidUnicode}`]);
    expect(topic.subscriptions.map((s) => s.endpoint)).toEqual([bobUnicode, cidUnicode]);
    expect(summary.withdrawnAfterCreate).toEqual([]);
    expect(summary).toMatchObject({ created: 2, removed: 0, failed: [] });
    // the state writes, conditional on the spelling read, are skipped: the next run matches by the mailbox
    expect(summary.skippedStateChanges.map((s) => s.userId)).toEqual(['bob', 'cid']);
  });

  it('withdraws a subscription it created and recorded pending for an owner marked departed while the creations ran', async () => {
    // The state write's condition is on the address, state and ARN, not on status: bob's `pending` is written.
    const topic = new MemoryTopic();
    const directory = new MemoryOwnerRegistry([owner('bob')]);
    const create = topic.create.bind(topic);
    topic.create = async (email, filterPolicy) => {
      const arn = await create(email, filterPolicy);
      directory.owners = [owner('bob', { status: 'departed' })]; // an import --sync, while the creations run
      return arn;
    };

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    // SNS cannot delete it while pending: left to expire; the next run records the departed owner none
    expect(topic.calls).toEqual(['list', 'create bob@x', `remove ${TOPIC}:new-bob@x`]);
    expect(topic.subscriptions.map((s) => s.pending)).toEqual([true]);
    expect(directory.lookups).toEqual([['bob'], ['bob']]);
    expect(summary.stateChanges).toEqual([{ userId: 'bob', state: 'pending' }]);
    expect(summary.failed).toEqual([]);
    expect(summary.withdrawnAfterCreate).toEqual([
      {
        kind: 'withdraw',
        userId: 'bob',
        email: 'bob@x',
        subscriptionArn: `${TOPIC}:new-bob@x`,
        pendingLeft: true,
      },
    ]);
  });

  it('still withdraws what it created for an owner who opted out when the state writes fail, then fails', async () => {
    const topic = new MemoryTopic();
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob')]);
    const create = topic.create.bind(topic);
    topic.create = async (email, filterPolicy) => {
      const arn = await create(email, filterPolicy);
      if (email === 'bob@x')
        directory.owners = [owner('ada'), owner('bob', { subscription: 'unsubscribed' })];
      return arn;
    };
    directory.recordSubscriptionStates = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };

    await expect(reconcileSubscriptions({ topic, directory }, { route: 'sns-email' })).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
    // the withdrawal was asked for; SNS leaves bob's pending subscription, as it cannot delete one
    expect(topic.calls).toEqual(['list', 'create ada@x', 'create bob@x', `remove ${TOPIC}:new-bob@x`]);
  });

  it('reports a removal of a just-created subscription that SNS refused as failed', async () => {
    const topic = new MemoryTopic();
    topic.failRemoveOf.add(`${TOPIC}:new-bob@x`);
    const directory = new MemoryOwnerRegistry([owner('bob')]);
    const getMany = directory.getMany.bind(directory);
    directory.getMany = async (userIds) => {
      const found = await getMany(userIds);
      directory.owners = [owner('bob', { subscription: 'unsubscribed' })];
      return found;
    };

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(summary.withdrawnAfterCreate).toEqual([]);
    expect(summary.failed).toEqual([
      {
        operation: { kind: 'withdraw', userId: 'bob', email: 'bob@x', subscriptionArn: `${TOPIC}:new-bob@x` },
        error: `Error: AuthorizationError: refused ${TOPIC}:new-bob@x`,
      },
    ]);
    expect(directory.owners).toEqual([owner('bob', { subscription: 'unsubscribed' })]);
  });

  it('keeps what it created, reported failed, when the re-read after the state writes fails', async () => {
    const topic = new MemoryTopic();
    const directory = new MemoryOwnerRegistry([owner('bob', { subscription: 'pending' })]);
    const getMany = directory.getMany.bind(directory);
    directory.getMany = async (userIds) => {
      if (directory.lookups.length > 0) throw new Error('InternalServerError: try again');
      return getMany(userIds);
    };

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(topic.calls).toEqual(['list', 'create bob@x']);
    expect(summary).toMatchObject({ created: 1, withdrawnAfterCreate: [], states: { pending: 1 } });
    expect(summary.failed).toEqual([
      {
        operation: { kind: 'withdraw', userId: 'bob', email: 'bob@x', subscriptionArn: `${TOPIC}:new-bob@x` },
        error:
          're-reading the owners subscribed failed, subscription left: Error: InternalServerError: try again',
      },
    ]);
  });

  it('creates nothing when the re-read before the creations fails, still records the others, and reports the error', async () => {
    const topic = new MemoryTopic([confirmedSub('ada'), confirmedSub('gone')]);
    const directory = new MemoryOwnerRegistry([
      owner('ada'),
      owner('bob'),
      owner('cy', { subscription: 'none' }),
    ]);
    directory.getMany = async () => {
      throw new Error('ProvisionedThroughputExceededException: slow down');
    };

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(topic.calls).toEqual(['list', `remove ${arnOf('gone')}`]);
    expect(directory.recorded).toEqual([
      [
        {
          userId: 'ada',
          state: 'confirmed',
          subscriptionArn: arnOf('ada'),
          email: 'ada@x',
          read: {},
          whileActive: true,
        },
      ],
    ]);
    const error =
      're-reading the owners to subscribe failed, nothing subscribed: Error: ProvisionedThroughputExceededException: slow down';
    expect(summary.failed).toEqual(
      ['bob', 'cy'].map((userId) => ({
        operation: { kind: 'create', userId, email: `${userId}@x`, filterPolicy: ownerFilterPolicy(userId) },
        error,
      })),
    );
    expect(summary).toMatchObject({
      created: 0,
      removed: 1,
      operations: [{ kind: 'remove', userId: 'gone' }],
      stateChanges: [{ userId: 'ada', state: 'confirmed' }],
      skippedStateChanges: [
        { userId: 'bob', state: 'pending' },
        { userId: 'cy', state: 'pending' },
      ],
      // bob and cy count as the run read them (no state recorded: none), not as planned
      states: { confirmed: 1, pending: 0, none: 2, unsubscribed: 0 },
    });
  });

  it('re-reads the directory only when it creates: not in a dry run, not at a quota with no room, not without creations', async () => {
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob')]);
    const run = (topic: MemoryTopic, extra: { dryRun?: boolean; filterPolicyQuota?: number } = {}) =>
      reconcileSubscriptions({ topic, directory }, { route: 'sns-email', ...extra }).catch((e: unknown) => e);

    await run(new MemoryTopic(), { dryRun: true });
    await run(new MemoryTopic([ADMIN]), { filterPolicyQuota: 1 });
    await run(new MemoryTopic([confirmedSub('ada'), confirmedSub('bob')]));

    expect(directory.lookups).toEqual([]);
  });

  it('at the quota with no room left creates nothing but still removes and repairs, records the states, then throws FilterPolicyQuotaError', async () => {
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

    // 2 policies now − left + dee, eve = 3 > 1: no room once left's is removed (cy's stays)
    const error = await reconcileSubscriptions(
      { topic, directory },
      { route: 'sns-email', filterPolicyQuota: 1 },
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FilterPolicyQuotaError);
    expect(error).toMatchObject({
      quota: 1,
      needed: 3,
      creations: 2,
      leftOut: 2,
      applied: { removed: 1, repaired: 1, failed: 0 },
    });
    expect((error as Error).message).toContain(
      'none of them fits, and those owners are left without a subscription (recorded none) ' +
        '(this run: 1 removed and 1 repaired; owner states recorded)',
    );
    expect(topic.calls).toEqual(['list', `remove ${arnOf('left')}`, `repair ${arnOf('cy')}`]);
    expect(directory.recorded).toEqual([
      [
        {
          userId: 'ada',
          state: 'unsubscribed',
          subscriptionArn: arnOf('ada'),
          email: 'ada@x',
          read: confirmed('ada'),
          whileActive: true,
        },
        { userId: 'left', state: 'none', email: 'left@x', read: confirmed('left') },
        { userId: 'eve', state: 'none', email: 'eve@x', read: { subscription: 'pending' } },
      ],
    ]);
  });

  it('at the quota reports removals SNS refused in the error, and a dry run changes nothing', async () => {
    const topic = new MemoryTopic([ADMIN, confirmedSub('gone')]);
    topic.remove = async (arn) => {
      topic.calls.push(`remove ${arn}`);
      throw new Error('AuthorizationError');
    };
    const directory = new MemoryOwnerRegistry([owner('ada'), owner('bob'), owner('cy')]);
    const run = (dryRun: boolean) =>
      reconcileSubscriptions({ topic, directory }, { route: 'sns-email', filterPolicyQuota: 1, dryRun });

    await expect(run(true)).rejects.toMatchObject({
      name: 'FilterPolicyQuotaError',
      applied: undefined,
      summary: { dryRun: true, created: 0, removed: 0, stateChanges: [] },
    });
    expect(topic.calls).toEqual(['list']);
    await expect(run(false)).rejects.toMatchObject({ applied: { removed: 0, repaired: 0, failed: 1 } });
    await expect(run(false)).rejects.toThrow(/1 operation\(s\) failed/);
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
    expect(directory.recorded).toEqual([
      [{ userId: 'ada', state: 'pending', email: 'ada@x', read: {}, confirmationEmailsSent: 1 }],
    ]);
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

  it('keeps confirmed when SNS refuses to repair the two-key filter of earlier versions (it lets through more, not less)', async () => {
    const twoKey = JSON.stringify({ userId: ['ada'], audience: ['owner'] });
    const topic = new MemoryTopic([confirmedSub('ada', twoKey)]);
    topic.failRepair = true;
    const directory = new MemoryOwnerRegistry([owner('ada')]);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(summary.failed.map((f) => f.operation.kind)).toEqual(['repair']);
    expect(directory.owners[0]?.subscription).toBe('confirmed');
  });

  it('records none when SNS refuses to repair a filter narrowing ownerReach: her reachable digests are held back', async () => {
    const narrowed = JSON.stringify({ userId: ['ada'], audience: ['owner'], ownerReach: ['unverified'] });
    const topic = new MemoryTopic([confirmedSub('ada', narrowed)]);
    topic.failRepair = true;
    const directory = new MemoryOwnerRegistry([
      owner('ada', { subscription: 'confirmed', subscriptionArn: arnOf('ada') }),
    ]);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(summary.failed.map((f) => f.operation.kind)).toEqual(['repair']);
    expect(directory.owners[0]).toEqual(owner('ada', { subscription: 'none' }));
  });

  it('refuses an empty directory on the sns-email route instead of removing every owner subscription', async () => {
    const topic = new MemoryTopic([confirmedSub('ada')]);

    await expect(
      reconcileSubscriptions({ topic, directory: new MemoryOwnerRegistry([]) }, { route: 'sns-email' }),
    ).rejects.toThrow(EmptyOwnerDirectoryError);
    expect(topic.calls).toEqual(['list']); // listed (for the admin count), nothing changed
  });

  it('completes on an empty directory when the topic holds no owner subscription (day one): nothing applied', async () => {
    const admin = { ...confirmedSub('sec'), filterPolicy: '{"audience":["admin"]}' };
    const queue = {
      arn: `${TOPIC}:queue`,
      protocol: 'sqs',
      endpoint: 'arn:aws:sqs:eu-west-1:111122223333:q',
      pending: false,
    };
    const unconfirmed = {
      ...confirmedSub('new-admin'),
      filterPolicy: '{"audience":["admin"]}',
      pending: true,
    };
    const topic = new MemoryTopic([admin, queue, unconfirmed]);
    const directory = new MemoryOwnerRegistry([]);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(topic.calls).toEqual(['list']);
    expect(directory.recorded).toEqual([]);
    expect(summary).toMatchObject({
      owners: 0,
      operations: [],
      created: 0,
      repaired: 0,
      removed: 0,
      failed: [],
      stateChanges: [],
      untouched: 3,
      adminSubscriptions: 2, // the admin email and the unfiltered queue
    });
  });

  it('still refuses an empty directory, before any change, when an owner subscription is among admin and machine ones', async () => {
    const admin = { ...confirmedSub('sec'), filterPolicy: '{"audience":["admin"]}' };
    const queue = {
      arn: `${TOPIC}:queue`,
      protocol: 'sqs',
      endpoint: 'arn:aws:sqs:eu-west-1:111122223333:q',
      pending: false,
    };
    // The filter policy of earlier versions (no ownerReach): still an owner subscription the plan would remove.
    const legacy = confirmedSub('ada', JSON.stringify({ userId: ['ada'], audience: ['owner'] }));
    for (const dryRun of [false, true]) {
      const topic = new MemoryTopic([admin, queue, legacy]);
      const directory = new MemoryOwnerRegistry([]);

      await expect(
        reconcileSubscriptions({ topic, directory }, { route: 'sns-email', dryRun }),
      ).rejects.toMatchObject({ name: 'EmptyOwnerDirectoryError', adminSubscriptions: 2 });
      expect(topic.calls).toEqual(['list']);
      expect(directory.recorded).toEqual([]);
    }
  });

  it('carries the admins’ reach on the refusal of an empty directory, from the one listing', async () => {
    const admin = { ...confirmedSub('sec'), filterPolicy: '{"audience":["admin"]}' };
    const outcome = (topic: MemoryTopic) =>
      reconcileSubscriptions({ topic, directory: new MemoryOwnerRegistry([]) }, { route: 'sns-email' }).catch(
        (error: unknown) => error,
      );

    expect(await outcome(new MemoryTopic([confirmedSub('ada'), admin]))).toMatchObject({
      name: 'EmptyOwnerDirectoryError',
      adminSubscriptions: 1,
    });
    expect(await outcome(new MemoryTopic([confirmedSub('ada')]))).toMatchObject({ adminSubscriptions: 0 });
  });
});
