/**
 * Two reconciler runs overlapping an import's departure, on the wire (real
 * SDK SNS client, `SnsTopicSubscriptions`, the SNS-compatible local server,
 * DynamoDB Local). Why: the hourly Lambda reads the directory (ada `active`,
 * `confirmed`); an `owners import --sync` then marks ada `departed`, keeping
 * her subscription state; `owners sync-subscriptions` removes her
 * subscription (she is departed) — and the Lambda, listing the topic after
 * that removal, takes the vanished subscription for her opt-out. Were its
 * `unsubscribed` recorded first, the other run's `none` would fail its
 * condition: ada would never be subscribed again once back, and the admins
 * would be told she opted out. A state naming a subscription ARN for an
 * owner read `active` is recorded only while they still are
 * (docs/notifications.md, "Subscription reconciler"). The other direction:
 * a departed owner made `active` again while the run removing her
 * subscription is in flight still gets that run's `none` (no ARN left
 * recorded whose subscription is gone), and the next run subscribes her.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { type OwnerSubscriptionRegistry, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { upsertNewOwners } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-departure-race';
const IMPORTED = '2026-12-01T00:00:00.000Z';
const DEPARTED = '2026-12-02T00:00:00.000Z';
const RETURNED = '2026-12-03T00:00:00.000Z';

/** A step of the race: `reached` resolves once `open` is called. */
interface Gate {
  readonly reached: Promise<void>;
  readonly open: () => void;
}

function gate(): Gate {
  let open!: () => void;
  const reached = new Promise<void>((resolve) => {
    open = () => resolve();
  });
  return { reached, open };
}

describe('two reconciler runs racing an import that marks an owner departed', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(() => sns.stop());
  beforeEach(async () => {
    sns.reset();
    table = await createTestDirectoryTable('departure-race');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
    await upsertNewOwners(
      directory,
      ['ada', 'bob'].map((userId) => ({ userId, email: `${userId}@example.com`, status: 'active' as const })),
      IMPORTED,
    );
    // both subscribed, both confirm: the next run records each confirmed with the subscription's ARN
    await reconcileSubscriptions({ topic: topicOnWire(), directory }, { route: 'sns-email' });
    expect([sns.confirm('ada@example.com'), sns.confirm('bob@example.com')]).toEqual([1, 1]);
    await reconcileSubscriptions({ topic: topicOnWire(), directory }, { route: 'sns-email' });
    expect(await ownerOf('ada')).toMatchObject({ subscription: 'confirmed', subscriptionArn: adaArn() });
  });
  afterEach(() => table.drop());

  const topicOnWire = () => new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), TOPIC);
  const ownerOf = async (userId: string) => (await directory.getMany([userId])).get(userId);
  const adaArn = () => sns.subscriptionsOf(TOPIC).find((s) => s.endpoint === 'ada@example.com')?.arn;

  /** ada back in the export, `active` at the same address, as `owners import` writes her. */
  const adaReturns = async () => {
    const ada = await ownerOf('ada');
    const { refused } = await directory.upsertOwners(
      [
        {
          owner: { userId: 'ada', email: 'ada@example.com', status: 'active' },
          existed: true,
          resetRoute: false,
          read: {
            email: 'ada@example.com',
            ...(ada?.subscription !== undefined && { subscription: ada.subscription }),
            ...(ada?.updatedAt !== undefined && { updatedAt: ada.updatedAt }),
          },
        },
      ],
      RETURNED,
    );
    expect(refused).toEqual([]);
  };

  /** The topic on the wire; its listing waits for `beforeList`, and `afterRemove` is called after each removal. */
  const topicWith = (hooks: {
    readonly beforeList?: Promise<void>;
    readonly afterRemove?: () => void;
  }): TopicSubscriptions => {
    const topic = topicOnWire();
    return {
      topicArn: TOPIC,
      list: async (options) => {
        await hooks.beforeList;
        return topic.list(options);
      },
      create: (email, filterPolicy) => topic.create(email, filterPolicy),
      setFilterPolicy: (subscriptionArn, filterPolicy) =>
        topic.setFilterPolicy(subscriptionArn, filterPolicy),
      remove: async (subscriptionArn) => {
        await topic.remove(subscriptionArn);
        hooks.afterRemove?.();
      },
    };
  };

  /** The directory; `afterListing` runs once a run has read every owner, its state writes wait for `beforeRecord`. */
  const directoryWith = (hooks: {
    readonly afterListing?: () => Promise<void> | void;
    readonly beforeRecord?: Promise<void>;
  }): OwnerSubscriptionRegistry => ({
    listOwners: async () => {
      const owners = await directory.listOwners();
      await hooks.afterListing?.();
      return owners;
    },
    getMany: (userIds) => directory.getMany(userIds),
    recordSubscriptionStates: async (states) => {
      await hooks.beforeRecord;
      return directory.recordSubscriptionStates(states);
    },
  });

  it('records no opt-out for an owner marked departed mid-run whose subscription the other run removed; back, she is subscribed again', async () => {
    const arn = adaArn();
    const hourlyRead = gate();
    const removedByHand = gate();
    const hourlyRecorded = gate();

    // the hourly run reads the directory, then lists the topic only after the other run's removal
    const hourly = reconcileSubscriptions(
      {
        topic: topicWith({ beforeList: removedByHand.reached }),
        directory: directoryWith({ afterListing: hourlyRead.open }),
      },
      { route: 'sns-email' },
    );
    // its state writes are done once it ends (whatever the outcome: the other run must not wait forever)
    void hourly.then(hourlyRecorded.open, hourlyRecorded.open);

    // `owners import --sync` marks ada departed (her subscription state kept)
    await hourlyRead.reached;
    expect(await directory.markDeparted(['ada'], DEPARTED)).toBe(1);

    // `owners sync-subscriptions` removes her subscription; its state writes come after the hourly run's
    const byHand = reconcileSubscriptions(
      {
        topic: topicWith({ afterRemove: removedByHand.open }),
        directory: directoryWith({ beforeRecord: hourlyRecorded.reached }),
      },
      { route: 'sns-email' },
    );
    void byHand.then(removedByHand.open, removedByHand.open);
    const [hourlySummary, byHandSummary] = await Promise.all([hourly, byHand]);

    // ada stays departed with none recorded (the other run's write), not unsubscribed
    const departed = await ownerOf('ada');
    expect(departed).toMatchObject({ status: 'departed', subscription: 'none' });
    expect(departed?.subscriptionArn).toBeUndefined();
    expect(sns.subscriptionsOf(TOPIC).map((s) => s.endpoint)).toEqual(['bob@example.com']);

    // the hourly run took the removal for an opt-out, but could not record it: ada was no longer active
    expect(hourlySummary.unsubscribeGuard).toMatchObject({ tripped: false, newlyUnsubscribed: ['ada'] });
    expect(hourlySummary).toMatchObject({
      failed: [],
      stateChanges: [],
      skippedStateChanges: [{ userId: 'ada', state: 'unsubscribed', subscriptionArn: arn }],
    });
    expect(byHandSummary).toMatchObject({
      removed: 1,
      failed: [],
      stateChanges: [{ userId: 'ada', state: 'none' }],
      skippedStateChanges: [],
    });

    // ada comes back: the next run subscribes her again (a confirmation email), no opt-out in the way
    await adaReturns();
    const next = await reconcileSubscriptions({ topic: topicOnWire(), directory }, { route: 'sns-email' });
    expect(next.operations.map((o) => `${o.kind} ${o.userId}`)).toEqual(['create ada']);
    expect(next).toMatchObject({ created: 1, failed: [] });
    const returned = await ownerOf('ada');
    expect(returned).toMatchObject({ status: 'active', subscription: 'pending' });
    expect(reachabilityOf(returned, 'sns-email')).toEqual({
      reachable: false,
      reason: 'subscription-pending',
    });
  });

  it('records none for a departed owner made active again while the run removing her subscription was in flight; the next run subscribes her', async () => {
    expect(await directory.markDeparted(['ada'], DEPARTED)).toBe(1);

    const summary = await reconcileSubscriptions(
      { topic: topicOnWire(), directory: directoryWith({ afterListing: adaReturns }) },
      { route: 'sns-email' },
    );

    // planned from ada departed: her subscription removed, none recorded although she is active by then
    expect(summary).toMatchObject({
      removed: 1,
      failed: [],
      stateChanges: [{ userId: 'ada', state: 'none' }],
      skippedStateChanges: [],
    });
    const returned = await ownerOf('ada');
    expect(returned).toMatchObject({ status: 'active', subscription: 'none' });
    expect(returned?.subscriptionArn).toBeUndefined();

    // no ARN of a removed subscription left recorded, so no opt-out is inferred: she is subscribed again
    const next = await reconcileSubscriptions({ topic: topicOnWire(), directory }, { route: 'sns-email' });
    expect(next.operations.map((o) => `${o.kind} ${o.userId}`)).toEqual(['create ada']);
    expect(next.unsubscribeGuard.newlyUnsubscribed).toEqual([]);
    expect(await ownerOf('ada')).toMatchObject({ status: 'active', subscription: 'pending' });
  });
});
