/**
 * An opt-out recorded by hand while a reconcile is in flight, on the wire:
 * the reconciler (real SDK SNS client, `SnsTopicSubscriptions`, the
 * SNS-compatible local server) pauses right after reading the directory on
 * DynamoDB Local — or right after its re-read before the creations — an
 * operator runs `pc-hygiene owners unsubscribe` (child process) for an owner
 * the run has planned to subscribe, then the run finishes. Why: a creation
 * makes SNS email the person a confirmation link, so the run must re-read the
 * owners it subscribes (docs/notifications.md, "Subscription reconciler")
 * and subscribe nobody who asked to stop; one who asks while the creations
 * run gets the subscription just created withdrawn (by the ARN `Subscribe`
 * returned). SNS cannot delete a subscription pending confirmation (the
 * local server refuses it as SNS does), so it is left pending: expected, not
 * a failed operation; it counts for nobody and SNS deletes it unconfirmed
 * after 48 hours, unless the person confirms it (then the next run records
 * `confirmed`).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import type { OwnerSubscriptionRegistry } from '../../lambdas/hygiene/owner-directory';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { directoryFlags, runCli } from '../support/run-cli';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { upsertNewOwners } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-opt-out-race';

describe('a reconcile racing `owners unsubscribe`', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(() => sns.stop());
  beforeEach(async () => {
    sns.reset();
    table = await createTestDirectoryTable('opt-out-race');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
    await upsertNewOwners(
      directory,
      ['ada', 'bob'].map((userId) => ({ userId, email: `${userId}@example.com`, status: 'active' as const })),
      '2026-12-01T00:00:00.000Z',
    );
  });
  afterEach(() => table.drop());

  /** `pc-hygiene owners unsubscribe <userId>` against the table and the topic, as an operator runs it. */
  const unsubscribeByHand = async (userId: string) => {
    const run = await runCli([
      'owners',
      'unsubscribe',
      userId,
      '--topic-arn',
      TOPIC,
      '--sns-endpoint',
      sns.endpoint,
      ...directoryFlags(table),
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
  };
  const topicOnWire = () => new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), TOPIC);
  const stateOf = async (userId: string) => (await directory.getMany([userId])).get(userId)?.subscription;

  /** The directory, with `meanwhile` run after the reconciler has read every owner and before it goes on. */
  const pausedAfterListing = (meanwhile: () => Promise<void>): OwnerSubscriptionRegistry => ({
    listOwners: async () => {
      const owners = await directory.listOwners();
      await meanwhile();
      return owners;
    },
    getMany: (userIds) => directory.getMany(userIds),
    recordSubscriptionStates: (states) => directory.recordSubscriptionStates(states),
  });

  /** The directory, with `meanwhile` run once, right after the reconciler's first re-read (before its creations). */
  const pausedAfterReread = (meanwhile: () => Promise<void>): OwnerSubscriptionRegistry => {
    let rereads = 0;
    return {
      listOwners: () => directory.listOwners(),
      getMany: async (userIds) => {
        const found = await directory.getMany(userIds);
        if (rereads++ === 0) await meanwhile();
        return found;
      },
      recordSubscriptionStates: (states) => directory.recordSubscriptionStates(states),
    };
  };

  it('subscribes no owner unsubscribed by hand after the run read the directory; their state stays unsubscribed', async () => {
    // bob is recorded none (no subscription: e.g. a quota stop held his creation back)
    expect(
      await directory.recordSubscriptionStates([
        { userId: 'bob', state: 'none', email: 'bob@example.com', read: {} },
      ]),
    ).toEqual([]);
    const subscribesBefore = sns.callCount('Subscribe');

    const summary = await reconcileSubscriptions(
      { topic: topicOnWire(), directory: pausedAfterListing(() => unsubscribeByHand('bob')) },
      { route: 'sns-email' },
    );

    expect(sns.subscriptionsOf(TOPIC).map((s) => s.endpoint)).toEqual(['ada@example.com']);
    expect(sns.callCount('Subscribe') - subscribesBefore).toBe(1);
    expect(await stateOf('bob')).toBe('unsubscribed');
    expect(await stateOf('ada')).toBe('pending');
    expect(summary).toMatchObject({
      created: 1,
      stateChanges: [{ userId: 'ada', state: 'pending' }],
      skippedStateChanges: [{ userId: 'bob', state: 'pending' }],
      withdrawnAfterCreate: [],
    });
    expect(summary.operations.map((o) => `${o.kind} ${o.userId}`)).toEqual(['create ada']);
  });

  it('withdraws the subscription it created for an owner unsubscribed by hand right after its re-read: SNS leaves it pending, no failure; they stay unsubscribed', async () => {
    const unsubscribesBefore = sns.callCount('Unsubscribe');

    // the re-read before the creations finds bob active; `owners unsubscribe bob` lands right after it
    const summary = await reconcileSubscriptions(
      { topic: topicOnWire(), directory: pausedAfterReread(() => unsubscribeByHand('bob')) },
      { route: 'sns-email' },
    );

    // bob's pending subscription (SNS emailed him a confirmation link) could not be deleted by its ARN: SNS
    // refused the one Unsubscribe, and it stays pending, delivering nothing
    expect(sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.pending])).toEqual([
      ['ada@example.com', true],
      ['bob@example.com', true],
    ]);
    expect(sns.callCount('Unsubscribe') - unsubscribesBefore).toBe(1);
    expect(await stateOf('bob')).toBe('unsubscribed');
    expect(await stateOf('ada')).toBe('pending');
    expect(summary).toMatchObject({
      created: 2,
      removed: 0,
      failed: [],
      stateChanges: [{ userId: 'ada', state: 'pending' }],
      skippedStateChanges: [{ userId: 'bob', state: 'pending' }],
      states: { confirmed: 0, pending: 1, none: 0, unsubscribed: 1 },
      withdrawnAfterCreate: [
        {
          kind: 'withdraw',
          userId: 'bob',
          email: 'bob@example.com',
          subscriptionArn: expect.stringMatching(new RegExp(`^${TOPIC}:`)),
          pendingLeft: true,
        },
      ],
    });
    // bob's pending subscription still holds its filter policy
    expect(summary.filterPolicies).toMatchObject({ current: 0, planned: 2 });

    // the next run finds nothing to do: bob's pending subscription does not count for him, his opt-out stands
    const next = await reconcileSubscriptions({ topic: topicOnWire(), directory }, { route: 'sns-email' });
    expect(next).toMatchObject({ operations: [], created: 0, failed: [], stateChanges: [] });
    expect(next.states).toMatchObject({ pending: 1, unsubscribed: 1 });
    expect(await stateOf('bob')).toBe('unsubscribed');

    // unless he confirms it before SNS deletes it: then the run after records him confirmed
    expect(sns.confirm('bob@example.com')).toBe(1);
    const confirmed = await reconcileSubscriptions(
      { topic: topicOnWire(), directory },
      { route: 'sns-email' },
    );
    expect(confirmed).toMatchObject({ operations: [], failed: [] });
    expect(await stateOf('bob')).toBe('confirmed');
  });

  it('withdraws nothing more once SNS has deleted the pending subscription left behind', async () => {
    await reconcileSubscriptions(
      { topic: topicOnWire(), directory: pausedAfterReread(() => unsubscribeByHand('bob')) },
      { route: 'sns-email' },
    );

    // 48 hours pass: SNS deletes both unconfirmed subscriptions; ada is subscribed again, bob is not
    expect(sns.expirePending()).toBe(2);
    const next = await reconcileSubscriptions({ topic: topicOnWire(), directory }, { route: 'sns-email' });
    expect(next.operations.map((o) => `${o.kind} ${o.userId}`)).toEqual(['create ada']);
    expect(next).toMatchObject({ failed: [], withdrawnAfterCreate: [] });
    expect(sns.subscriptionsOf(TOPIC).map((s) => s.endpoint)).toEqual(['ada@example.com']);
    expect(await stateOf('bob')).toBe('unsubscribed');
  });
});
