/**
 * An opt-out recorded by hand while a reconcile is in flight, on the wire:
 * the reconciler (real SDK SNS client, `SnsTopicSubscriptions`, the
 * SNS-compatible local server) pauses right after reading the directory on
 * DynamoDB Local, an operator runs `pc-hygiene owners unsubscribe` (child
 * process) for an owner the run has planned to subscribe, then the run
 * finishes. Why: a creation makes SNS email the person a confirmation link,
 * so the run must re-read the owners it subscribes (docs/notifications.md,
 * "Subscription reconciler") and subscribe nobody who asked to stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    table = await createTestDirectoryTable('opt-out-race');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
  });
  afterAll(async () => {
    await sns.stop();
    await table.drop();
  });

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

  it('subscribes no owner unsubscribed by hand after the run read the directory; their state stays unsubscribed', async () => {
    await upsertNewOwners(
      directory,
      ['ada', 'bob'].map((userId) => ({ userId, email: `${userId}@example.com`, status: 'active' as const })),
      '2026-12-01T00:00:00.000Z',
    );
    // bob is recorded none (no subscription: e.g. a quota stop held his creation back)
    expect(
      await directory.recordSubscriptionStates([
        { userId: 'bob', state: 'none', email: 'bob@example.com', read: {} },
      ]),
    ).toEqual([]);
    const unsubscribeBob = async () => {
      const run = await runCli([
        'owners',
        'unsubscribe',
        'bob',
        '--topic-arn',
        TOPIC,
        '--sns-endpoint',
        sns.endpoint,
        ...directoryFlags(table),
      ]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
    };
    const topic = new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), TOPIC);

    const summary = await reconcileSubscriptions(
      { topic, directory: pausedAfterListing(unsubscribeBob) },
      { route: 'sns-email' },
    );

    expect(sns.subscriptionsOf(TOPIC).map((s) => s.endpoint)).toEqual(['ada@example.com']);
    expect(sns.callCount('Subscribe')).toBe(1);
    expect((await directory.getMany(['bob'])).get('bob')?.subscription).toBe('unsubscribed');
    expect((await directory.getMany(['ada'])).get('ada')?.subscription).toBe('pending');
    expect(summary).toMatchObject({
      created: 1,
      stateChanges: [{ userId: 'ada', state: 'pending' }],
      skippedStateChanges: [{ userId: 'bob', state: 'pending' }],
    });
    expect(summary.operations.map((o) => `${o.kind} ${o.userId}`)).toEqual(['create ada']);
  });
});
