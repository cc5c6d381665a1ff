/**
 * The subscription reconciler on the wire: the real SDK SNS client and
 * `SnsTopicSubscriptions` against the SNS-compatible local server
 * (test/integration/fake-sns-server.ts: subscriptions, confirmation, an
 * unsubscribe by the email's link, the filter-policy quota: the reconciler
 * leaves one free, so a switch to relay can still subscribe its queue), and the
 * owner directory on DynamoDB Local, where the states are recorded (only for
 * the address each was planned for).
 */
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { planOwnerImport } from '../../lambdas/hygiene/owner-import';
import type { ImportedOwner } from '../../lambdas/hygiene/owner-import-rows';
import { ownerFilterPolicy } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { FilterPolicyQuotaError } from '../../lambdas/hygiene/subscription-quota';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { upsertNewOwners } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const OTHER_TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene-v2';
const NOW = '2026-12-01T00:00:00.000Z';
const WRITE_ACTIONS = ['Subscribe', 'SetSubscriptionAttributes', 'Unsubscribe'];
/** The owner filter policy the reconciler sets, as the fake holds it. */
const ownerPolicy = (userId: string) => JSON.parse(ownerFilterPolicy(userId)) as Record<string, string[]>;
/** Any subscription ARN of `topic` (the fake server's ids are random). */
const arnOn = (topic = TOPIC) => expect.stringMatching(new RegExp(`^${topic}:[0-9a-f-]{36}$`));

describe('subscription reconciler over an SNS-compatible server and DynamoDB Local', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;
  let topic: SnsTopicSubscriptions;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
    topic = new SnsTopicSubscriptions(
      createSnsClient({ endpoint: sns.endpoint, retryMode: 'adaptive' }),
      TOPIC,
    );
  });
  afterAll(() => sns.stop());
  beforeEach(async () => {
    sns.subscriptions.length = 0;
    sns.forgetDeleted();
    sns.calls.clear();
    sns.filterPolicyQuota = 200;
    sns.listPageSize = 100;
    sns.throttle.clear();
    table = await createTestDirectoryTable('reconciler');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
    return () => table.drop();
  });

  const load = (owners: readonly ImportedOwner[]) => upsertNewOwners(directory, owners, NOW);
  const reconcile = (extra: { filterPolicyQuota?: number; dryRun?: boolean } = {}) =>
    reconcileSubscriptions({ topic, directory }, { route: 'sns-email', ...extra });
  const writes = () => WRITE_ACTIONS.reduce((sum, action) => sum + sns.callCount(action), 0);
  /** ada and bob imported, subscribed, and their subscriptions confirmed (the next reconcile records it). */
  const adaAndBobConfirmed = async () => {
    await load([
      { userId: 'ada', email: 'ada@example.com', status: 'active' },
      { userId: 'bob', email: 'bob@example.com', status: 'active' },
    ]);
    await reconcile();
    sns.confirm('ada@example.com');
    sns.confirm('bob@example.com');
  };
  const statesOf = async () =>
    Object.fromEntries((await directory.listOwners()).map((o: OwnerRecord) => [o.userId, o.subscription]));

  it('creates, repairs and removes owner subscriptions, leaves admin and machine subscribers, and records states', async () => {
    await load([
      { userId: 'ada', email: 'ada@example.com', status: 'active' },
      { userId: 'bob', email: 'bob@example.com', status: 'active' },
      { userId: 'cy', email: 'cy@example.com', status: 'departed' },
      { userId: 'dee', status: 'active' },
    ]);
    const bob = sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'bob@example.com',
      filterPolicy: { userId: ['bob'], audience: ['owner', 'admin'] },
    });
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'cy@example.com',
      filterPolicy: ownerPolicy('cy'),
    });
    const admin = sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'security@example.com',
      filterPolicy: { audience: ['admin'] },
    });
    const queue = sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'sqs',
      endpoint: 'arn:aws:sqs:us-east-1:123456789012:audit',
      filterPolicy: { userId: ['cy'], audience: ['owner'] },
    });

    const summary = await reconcile();

    expect(summary).toMatchObject({ created: 1, repaired: 1, removed: 1, failed: [], untouched: 2 });
    expect(sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.filterPolicy, s.pending])).toEqual([
      ['bob@example.com', ownerPolicy('bob'), false],
      ['security@example.com', { audience: ['admin'] }, false],
      ['arn:aws:sqs:us-east-1:123456789012:audit', { userId: ['cy'], audience: ['owner'] }, false],
      ['ada@example.com', ownerPolicy('ada'), true],
    ]);
    expect(sns.subscriptionsOf(TOPIC)).toEqual(expect.arrayContaining([bob, admin, queue]));
    expect(await statesOf()).toEqual({ ada: 'pending', bob: 'confirmed', cy: undefined, dee: undefined });
  });

  it('a second run makes no write call; after the owner confirms, the next run records confirmed', async () => {
    await load([
      { userId: 'ada', email: 'ada@example.com', status: 'active' },
      { userId: 'bob', email: 'bob@example.com', status: 'active' },
    ]);
    await reconcile();
    const writesAfterFirst = writes();

    const second = await reconcile();
    sns.confirm('ada@example.com');
    const third = await reconcile();

    expect(writesAfterFirst).toBe(2);
    expect(writes()).toBe(2);
    expect(second.stateChanges).toEqual([]);
    expect(third.stateChanges).toEqual([{ userId: 'ada', state: 'confirmed', subscriptionArn: arnOn() }]);
    expect(await statesOf()).toEqual({ ada: 'confirmed', bob: 'pending' });
  });

  it('upgrading: repairs the two-key filter of a confirmed subscription in place, once, without a new confirmation', async () => {
    await adaAndBobConfirmed();
    await reconcile();
    const twoKey = (userId: string) => ({ userId: [userId], audience: ['owner'] });
    // Subscriptions made by an earlier version: no ownerReach key.
    for (const s of sns.subscriptionsOf(TOPIC))
      s.filterPolicy = twoKey(s.filterPolicy?.userId?.[0] as string);
    const before = sns.subscriptionsOf(TOPIC).map((s) => s.arn);
    const statesBefore = await statesOf();
    sns.calls.clear();

    const upgrade = await reconcile();
    const next = await reconcile();

    expect(upgrade).toMatchObject({ created: 0, removed: 0, repaired: 2, failed: [], stateChanges: [] });
    expect(sns.callCount('SetSubscriptionAttributes')).toBe(2);
    expect(sns.callCount('Subscribe')).toBe(0);
    expect(sns.callCount('Unsubscribe')).toBe(0);
    expect(sns.subscriptionsOf(TOPIC).map((s) => [s.arn, s.filterPolicy, s.pending])).toEqual([
      [before[0], ownerPolicy('ada'), false],
      [before[1], ownerPolicy('bob'), false],
    ]);
    expect(statesBefore).toEqual({ ada: 'confirmed', bob: 'confirmed' });
    expect(await statesOf()).toEqual(statesBefore);
    expect(next).toMatchObject({ repaired: 0 });
    expect(writes()).toBe(2);
  });

  it('re-subscribes an owner only after an unconfirmed subscription has expired', async () => {
    await load([{ userId: 'ada', email: 'ada@example.com', status: 'active' }]);
    await reconcile();
    await reconcile();
    expect(sns.callCount('Subscribe')).toBe(1);

    sns.expirePending();
    const afterExpiry = await reconcile();

    expect(afterExpiry.created).toBe(1);
    expect(sns.callCount('Subscribe')).toBe(2);
    expect(sns.callCount('Unsubscribe')).toBe(0);
  });

  it('lists every page of a topic with more subscriptions than one page holds', async () => {
    sns.listPageSize = 3;
    const owners = Array.from({ length: 8 }, (_, i) => ({
      userId: `u${i}`,
      email: `u${i}@example.com`,
      status: 'active' as const,
    }));
    await load(owners);
    for (const o of owners.slice(0, 7)) {
      sns.addSubscription({
        topicArn: TOPIC,
        protocol: 'email',
        endpoint: o.email,
        filterPolicy: ownerPolicy(o.userId),
      });
    }

    const summary = await reconcile();

    expect(sns.callCount('ListSubscriptionsByTopic')).toBe(3);
    expect(summary.operations).toEqual([
      {
        kind: 'create',
        userId: 'u7',
        email: 'u7@example.com',
        filterPolicy: JSON.stringify(ownerPolicy('u7')),
      },
    ]);
    expect(summary.states).toEqual({ confirmed: 7, pending: 1, none: 0, unsubscribed: 0 });
  });

  it('stops with FilterPolicyQuotaError, removing and subscribing only the owners that fit (first by userId), when the owners need more filter policies than the quota', async () => {
    await load(
      Array.from({ length: 4 }, (_, i) => ({
        userId: `u${i}`,
        email: `u${i}@example.com`,
        status: 'active' as const,
      })),
    );
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'gone@example.com',
      filterPolicy: ownerPolicy('gone'),
    });
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'sec@example.com',
      filterPolicy: { audience: ['admin'] },
    });
    sns.filterPolicyQuota = 5;

    const run = reconcile({ filterPolicyQuota: 5 });

    // 2 now − gone + 4 new = 5 > 4 (the quota of 5 less the one kept free): with gone's removed, room for 3, which
    // SNS accepts (no FilterPolicyLimitExceeded)
    await expect(run).rejects.toThrow(FilterPolicyQuotaError);
    await expect(run).rejects.toThrow(/would need 5 subscription filter policies.*quota of 5/);
    await expect(run).rejects.toMatchObject({
      creations: 4,
      leftOut: 1,
      summary: { created: 3, failed: [] },
    });
    expect(sns.callCount('Subscribe')).toBe(3);
    expect(
      sns
        .subscriptionsOf(TOPIC)
        .map((s) => s.endpoint)
        .sort(),
    ).toEqual(['sec@example.com', 'u0@example.com', 'u1@example.com', 'u2@example.com']);
    expect(await statesOf()).toEqual({ u0: 'pending', u1: 'pending', u2: 'pending', u3: undefined });
  });

  it('at the quota N leaves the topic N − 1 filter policies: the relay queue’s filtered subscription (a switch to relay) still succeeds', async () => {
    const quota = 5;
    sns.filterPolicyQuota = quota;
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'sec@example.com',
      filterPolicy: { audience: ['admin'] },
    });
    await load(
      Array.from({ length: 8 }, (_, i) => ({
        userId: `u${i}`,
        email: `u${i}@example.com`,
        status: 'active' as const,
      })),
    );
    const filterPolicies = () =>
      sns.subscriptionsOf(TOPIC).filter((s) => s.filterPolicy !== undefined).length;

    const stop = await reconcile({ filterPolicyQuota: quota }).catch((error: unknown) => error);
    const afterRun = filterPolicies();
    // What CloudFormation does when ownerDelivery switches to relay (lib/owner-email-relay.ts): not refused.
    const relayQueue = await createSnsClient({ endpoint: sns.endpoint })
      .send(
        new SubscribeCommand({
          TopicArn: TOPIC,
          Protocol: 'sqs',
          Endpoint: 'arn:aws:sqs:us-east-1:123456789012:pc-hygiene-relay',
          Attributes: { FilterPolicy: '{"audience":["owner"]}' },
          ReturnSubscriptionArn: true,
        }),
      )
      .then(
        (answer) => answer.SubscriptionArn,
        (error: Error) => `${error.name}: ${error.message}`,
      );

    expect(relayQueue).toEqual(arnOn());
    expect(afterRun).toBe(quota - 1);
    expect(stop).toMatchObject({ needed: 9, leftOut: 5, summary: { created: 3, failed: [] } });
    expect(filterPolicies()).toBe(quota);

    // A run before the switch takes effect has no room left: it asks SNS for nothing it would refuse.
    const beforeSwitch = reconcile({ filterPolicyQuota: quota });
    await expect(beforeSwitch).rejects.toMatchObject({ summary: { created: 0, failed: [] } });
    // The relay route's run then removes the owner subscriptions (once confirmed: SNS cannot delete a pending
    // one), and leaves the relay queue's.
    for (const email of ['u0@example.com', 'u1@example.com', 'u2@example.com']) sns.confirm(email);
    const relayRun = await reconcileSubscriptions(
      { topic, directory },
      { route: 'relay', filterPolicyQuota: quota },
    );
    expect(relayRun).toMatchObject({ removed: 3, failed: [] });
    expect(sns.subscriptionsOf(TOPIC).map((s) => s.endpoint)).toEqual([
      'sec@example.com',
      'arn:aws:sqs:us-east-1:123456789012:pc-hygiene-relay',
    ]);
  });

  it('over the quota, still records that an owner who unsubscribed by the link is no longer reachable', async () => {
    await adaAndBobConfirmed();
    await reconcile();
    expect(await statesOf()).toEqual({ ada: 'confirmed', bob: 'confirmed' });

    sns.unsubscribeByLink('ada@example.com');
    // cy is new: subscribing him would pass the quota, so the run stops after recording the states
    await upsertNewOwners(directory, [{ userId: 'cy', email: 'cy@example.com', status: 'active' }], NOW);
    const run = reconcile({ filterPolicyQuota: 1 });

    await expect(run).rejects.toThrow(FilterPolicyQuotaError);
    expect(await statesOf()).toEqual({ ada: 'unsubscribed', bob: 'confirmed', cy: undefined });
    expect(reachabilityOf((await directory.getMany(['ada'])).get('ada'), 'sns-email')).toEqual({
      reachable: false,
      reason: 'unsubscribed',
    });
  });

  it('an owner who clicked the unsubscribe link (listed as "Deleted" for a while) is recorded unsubscribed and not subscribed again', async () => {
    await adaAndBobConfirmed();
    await reconcile();

    expect(sns.unsubscribeByLink('ada@example.com')).toBe(1);
    const afterClick = await reconcile();
    sns.forgetDeleted();
    const later = await reconcile();

    expect(afterClick).toMatchObject({ failed: [], created: 0, removed: 0, operations: [] });
    expect(afterClick.stateChanges).toEqual([
      { userId: 'ada', state: 'unsubscribed', subscriptionArn: arnOn() },
    ]);
    expect(afterClick.states).toEqual({ confirmed: 1, pending: 0, none: 0, unsubscribed: 1 });
    expect(later).toMatchObject({ failed: [], operations: [], stateChanges: [] });
    expect(sns.callCount('Subscribe')).toBe(2);
    expect(await statesOf()).toEqual({ ada: 'unsubscribed', bob: 'confirmed' });
    expect(sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.pending])).toEqual([
      ['bob@example.com', false],
    ]);
  });

  it('over another topic (a new stack’s, or --topic-arn), subscribes every owner confirmed on the old one again and records no opt-out', async () => {
    await adaAndBobConfirmed();
    await reconcile();
    const other = new SnsTopicSubscriptions(
      createSnsClient({ endpoint: sns.endpoint, retryMode: 'adaptive' }),
      OTHER_TOPIC,
    );

    const moved = await reconcileSubscriptions({ topic: other, directory }, { route: 'sns-email' });

    expect(moved).toMatchObject({ created: 2, failed: [] });
    expect(moved.states).toEqual({ confirmed: 0, pending: 2, none: 0, unsubscribed: 0 });
    expect(moved.unsubscribeGuard).toMatchObject({ tripped: false, newlyUnsubscribed: [] });
    expect(await statesOf()).toEqual({ ada: 'pending', bob: 'pending' });
    expect(sns.subscriptionsOf(OTHER_TOPIC).map((s) => [s.endpoint, s.pending])).toEqual([
      ['ada@example.com', true],
      ['bob@example.com', true],
    ]);

    // once confirmed there, an unsubscribe on that topic is an opt-out again
    sns.confirm('ada@example.com');
    sns.confirm('bob@example.com');
    await reconcileSubscriptions({ topic: other, directory }, { route: 'sns-email' });
    sns.unsubscribeByLink('ada@example.com');
    await reconcileSubscriptions({ topic: other, directory }, { route: 'sns-email' });
    expect((await directory.getMany(['ada'])).get('ada')).toMatchObject({
      subscription: 'unsubscribed',
      subscriptionArn: arnOn(OTHER_TOPIC),
    });
  });

  it('a run that read the directory before an operator’s resubscribe cannot write the old opt-out back over it', async () => {
    await adaAndBobConfirmed();
    await reconcile();
    const confirmedArn = (await directory.getMany(['ada'])).get('ada')?.subscriptionArn;
    // The stale run read ada confirmed; before it lists the topic, ada clicks the unsubscribe link, the hourly
    // run records the opt-out, and the operator runs owners resubscribe (state none).
    const stale: TopicSubscriptions = {
      topicArn: TOPIC,
      list: async () => {
        sns.unsubscribeByLink('ada@example.com');
        await reconcile();
        await directory.recordSubscription({
          userId: 'ada',
          email: 'ada@example.com',
          state: 'none',
          read: {
            subscription: 'unsubscribed',
            ...(confirmedArn !== undefined && { subscriptionArn: confirmedArn }),
          },
        });
        return topic.list();
      },
      create: (email, filterPolicy) => topic.create(email, filterPolicy),
      setFilterPolicy: (arn, filterPolicy) => topic.setFilterPolicy(arn, filterPolicy),
      remove: (arn) => topic.remove(arn),
    };

    const racing = await reconcileSubscriptions({ topic: stale, directory }, { route: 'sns-email' });

    expect(racing.skippedStateChanges).toEqual([
      { userId: 'ada', state: 'unsubscribed', subscriptionArn: confirmedArn },
    ]);
    expect(racing.stateChanges).toEqual([]);
    expect(await statesOf()).toEqual({ ada: 'none', bob: 'confirmed' });
    // the next run does what the operator asked, once SNS lets it: while SNS still lists ada's subscription as
    // deleted by her click (up to 72 hours), it refuses to subscribe her address: one failed create per run, ada
    // stays none, nothing else changes or trips
    const subscribesBefore = sns.callCount('Subscribe');
    const refused = await reconcile();
    expect(sns.callCount('Subscribe') - subscribesBefore).toBe(1);
    expect(refused.failed.map((f) => `${f.operation.kind} ${f.operation.userId}`)).toEqual(['create ada']);
    expect(refused).toMatchObject({ created: 0, stateChanges: [], withdrawnAfterCreate: [] });
    expect(refused.unsubscribeGuard.tripped).toBe(false);
    expect(await statesOf()).toEqual({ ada: 'none', bob: 'confirmed' });
    sns.forgetDeleted();
    const next = await reconcile();
    expect(next).toMatchObject({ created: 1, failed: [] });
    expect(await statesOf()).toEqual({ ada: 'pending', bob: 'confirmed' });
  });

  it('two active owners sharing one address: one subscription, the other reported as a conflict on every run, never refused', async () => {
    await load([
      { userId: 'bob', email: 'team@example.com', status: 'active' },
      { userId: 'ada', email: 'team@example.com', status: 'active' },
    ]);

    const first = await reconcile();
    sns.confirm('team@example.com');
    const second = await reconcile();
    const third = await reconcile();

    const runs = [first, second, third];
    expect(runs.map((r) => r.failed)).toEqual([[], [], []]);
    expect(runs.map((r) => r.conflicts)).toEqual(
      Array(3).fill([
        { userId: 'bob', email: 'team@example.com', reason: 'shared-address', sharedWith: 'ada' },
      ]),
    );
    expect(sns.callCount('Subscribe')).toBe(1);
    expect(sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.filterPolicy, s.pending])).toEqual([
      ['team@example.com', ownerPolicy('ada'), false],
    ]);
    expect(await statesOf()).toEqual({ ada: 'confirmed', bob: undefined });
    // bob's digests do not reach the address (its filter is ada's): his events go to the admins' report
    expect(reachabilityOf((await directory.getMany(['bob'])).get('bob'), 'sns-email')).toEqual({
      reachable: false,
      reason: 'no-subscription',
    });
  });

  it('an Unsubscribe of a subscription another run already removed is done, not a failure', async () => {
    await load([{ userId: 'ada', email: 'ada@example.com', status: 'departed' }]);
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'ada@example.com',
      filterPolicy: ownerPolicy('ada'),
    });
    const listedBefore = await topic.list();
    await reconcile();
    // an overlapping run that listed the topic before the first one removed the subscription
    const overlapping: TopicSubscriptions = {
      topicArn: TOPIC,
      list: async () => listedBefore,
      create: (email, filterPolicy) => topic.create(email, filterPolicy),
      setFilterPolicy: (arn, filterPolicy) => topic.setFilterPolicy(arn, filterPolicy),
      remove: (arn) => topic.remove(arn),
    };

    const second = await reconcileSubscriptions({ topic: overlapping, directory }, { route: 'sns-email' });

    expect(sns.callCount('Unsubscribe')).toBe(2);
    expect(second).toMatchObject({ removed: 1, failed: [] });
  });

  it('reports what SNS refuses past its quota when the configured quota is set too high, again each run', async () => {
    await load([
      { userId: 'ada', email: 'ada@example.com', status: 'active' },
      { userId: 'bob', email: 'bob@example.com', status: 'active' },
    ]);
    sns.filterPolicyQuota = 1;

    // no quota stop (the plan fits the configured quota): each refused Subscribe fails on its own
    const summary = await reconcile({ filterPolicyQuota: 200 });

    expect(summary.created).toBe(1);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]?.error).toMatch(/^FilterPolicyLimitExceededException: /);
    expect(summary.states).toEqual({ confirmed: 0, pending: 1, none: 1, unsubscribed: 0 });
    // the refused owner is left in state none (here never subscribed: no state written, which reads as none):
    // unreachable (no-subscription), their events go to the admins
    const states = await statesOf();
    const refused = Object.keys(states).find((userId) => states[userId] !== 'pending') ?? '';
    expect(states).toEqual({ ada: 'pending', bob: 'pending', [refused]: undefined });
    const owner = (await directory.getMany([refused])).get(refused);
    expect(reachabilityOf(owner, 'sns-email')).toEqual({ reachable: false, reason: 'no-subscription' });
    // the next run asks again, and is refused again (docs/notifications.md, "Quota")
    const again = await reconcile({ filterPolicyQuota: 200 });
    expect(sns.callCount('Subscribe')).toBe(3);
    expect(again).toMatchObject({
      created: 0,
      failed: [
        expect.objectContaining({ error: expect.stringMatching(/^FilterPolicyLimitExceededException: /) }),
      ],
    });
    expect(await statesOf()).toEqual(states);
  });

  it('rides out SNS throttling (Rate exceeded) through the client’s retries', async () => {
    await load([
      { userId: 'ada', email: 'ada@example.com', status: 'active' },
      { userId: 'bob', email: 'bob@example.com', status: 'active' },
    ]);
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'gone@example.com',
      filterPolicy: ownerPolicy('gone'),
    });
    sns.throttle.set('ListSubscriptionsByTopic', 1).set('Subscribe', 1).set('Unsubscribe', 1);

    const summary = await reconcile();

    expect(summary).toMatchObject({ created: 2, removed: 1, failed: [] });
    expect(sns.callCount('Subscribe')).toBe(3);
    expect(sns.callCount('Unsubscribe')).toBe(2);
    expect(
      sns
        .subscriptionsOf(TOPIC)
        .map((s) => s.endpoint)
        .sort(),
    ).toEqual(['ada@example.com', 'bob@example.com']);
  });

  it('records states only for owners still in the directory with the address they were planned for', async () => {
    await load([
      { userId: 'ada', email: 'ada@example.com', status: 'active' },
      { userId: 'bob', email: 'bob@new.example', status: 'active' },
      { userId: 'dee', status: 'active' },
    ]);

    const skipped = await directory.recordSubscriptionStates([
      { userId: 'ada', email: 'ada@example.com', state: 'confirmed', read: {} },
      { userId: 'removed-meanwhile', email: 'gone@example.com', state: 'pending', read: {} },
      { userId: 'bob', email: 'bob@old.example', state: 'confirmed', read: {} },
      { userId: 'dee', email: undefined, state: 'none', read: {} },
    ]);

    expect([...skipped].sort()).toEqual(['bob', 'removed-meanwhile']);
    expect(await statesOf()).toEqual({ ada: 'confirmed', bob: undefined, dee: 'none' });
  });

  it('leaves the state an import cleared when it changes an address during a run, and reports the owner skipped', async () => {
    await load([{ userId: 'alice', email: 'old@x.example', status: 'active' }]);
    const old = sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'old@x.example',
      filterPolicy: ownerPolicy('alice'),
    });
    // the daily import changes alice's address (clearing her state) after the run read the directory
    const importing: TopicSubscriptions = {
      topicArn: TOPIC,
      list: async () => {
        const moved = await directory.upsertOwners(
          planOwnerImport(
            await directory.getMany(['alice']),
            [{ userId: 'alice', email: 'new@x.example', status: 'active' }],
            false,
          ).upserts,
          NOW,
        );
        expect(moved).toEqual({ written: 1, refused: [] });
        return topic.list();
      },
      create: (email, filterPolicy) => topic.create(email, filterPolicy),
      setFilterPolicy: (arn, filterPolicy) => topic.setFilterPolicy(arn, filterPolicy),
      remove: (arn) => topic.remove(arn),
    };

    const racing = await reconcileSubscriptions({ topic: importing, directory }, { route: 'sns-email' });

    expect(racing.skippedStateChanges).toEqual([
      { userId: 'alice', state: 'confirmed', subscriptionArn: old.arn },
    ]);
    expect(racing.stateChanges).toEqual([]);
    const alice = (await directory.getMany(['alice'])).get('alice');
    expect(alice).toEqual({ userId: 'alice', email: 'new@x.example', status: 'active', updatedAt: NOW });
    expect(reachabilityOf(alice, 'sns-email')).toEqual({ reachable: false, reason: 'no-subscription' });

    // the next run plans for the new address
    const next = await reconcile();

    expect(next).toMatchObject({ created: 1, removed: 1, skippedStateChanges: [] });
    expect(next.stateChanges).toEqual([{ userId: 'alice', state: 'pending' }]);
    expect(sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.pending])).toEqual([['new@x.example', true]]);
    expect(sns.subscriptionsOf(TOPIC)).not.toContainEqual(old);
    expect(await statesOf()).toEqual({ alice: 'pending' });
  });

  it('delivers an owner digest only once the owner has confirmed the subscription the reconciler made', async () => {
    await load([{ userId: 'ada', email: 'ada@example.com', status: 'active' }]);
    await reconcile();
    const [ada] = sns.subscriptionsOf(TOPIC);
    const digest = () =>
      fetch(sns.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          Action: 'PublishBatch',
          TopicArn: TOPIC,
          'PublishBatchRequestEntries.member.1.Id': 'd1',
          'PublishBatchRequestEntries.member.1.Message': 'digest',
          'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name': 'userId',
          'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType': 'String',
          'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue': 'ada',
          'PublishBatchRequestEntries.member.1.MessageAttributes.entry.2.Name': 'audience',
          'PublishBatchRequestEntries.member.1.MessageAttributes.entry.2.Value.DataType': 'String',
          'PublishBatchRequestEntries.member.1.MessageAttributes.entry.2.Value.StringValue': 'owner',
          'PublishBatchRequestEntries.member.1.MessageAttributes.entry.3.Name': 'ownerReach',
          'PublishBatchRequestEntries.member.1.MessageAttributes.entry.3.Value.DataType': 'String',
          'PublishBatchRequestEntries.member.1.MessageAttributes.entry.3.Value.StringValue': 'reachable',
        }),
      });

    await digest();
    sns.confirm('ada@example.com');
    await digest();

    expect(ada?.received.map((m) => m.message)).toEqual(['digest']);
    expect(sns.accepted).toHaveLength(2);
  });
});
