/**
 * `pc-hygiene owners sync-subscriptions` as a user runs it (child process):
 * the directory on DynamoDB Local, the topic on the SNS-compatible local
 * server. Dry run, a real run and its idempotent repeat, the quota stop
 * (exit 3, nothing created with no room left; removals still made; the run's summary printed,
 * also when the same run trips the guard), the mass-unsubscribe guard
 * (exit 3, opt-outs held back) and its override, and usage errors (exit 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { runCli } from '../support/run-cli';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { runSyncSubscriptions, upsertNewOwners } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';
/** A second topic, for the quota stop (it removes cy's subscription there, leaving TOPIC's for the later tests). */
const QUOTA_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-over-quota';
/** A third topic, for the mass-unsubscribe guard (with its own directory table). */
const GUARD_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-guard';
const WRITE_ACTIONS = ['Subscribe', 'SetSubscriptionAttributes', 'Unsubscribe'];

describe('pc-hygiene owners sync-subscriptions', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
    table = await createTestDirectoryTable('sync-cli');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
    await upsertNewOwners(
      directory,
      [
        { userId: 'ada', email: 'ada@example.com', status: 'active' as const },
        { userId: 'bob', email: 'bob@example.com', status: 'active' as const },
        { userId: 'cy', email: 'cy@example.com', status: 'departed' as const },
      ],
      '2026-12-01T00:00:00.000Z',
    );
    for (const topicArn of [TOPIC, QUOTA_TOPIC]) {
      sns.addSubscription({
        topicArn,
        protocol: 'email',
        endpoint: 'cy@example.com',
        filterPolicy: { userId: ['cy'], audience: ['owner'] },
      });
      sns.addSubscription({
        topicArn,
        protocol: 'email',
        endpoint: 'sec@example.com',
        filterPolicy: { audience: ['admin'] },
      });
    }
  });
  afterAll(async () => {
    await sns.stop();
    await table.drop();
  });

  const syncTopic = (topicArn: string, ...extra: string[]) =>
    runSyncSubscriptions(topicArn, sns, table, ...extra);
  const sync = (...extra: string[]) => syncTopic(TOPIC, ...extra);
  const writes = () => WRITE_ACTIONS.reduce((sum, action) => sum + sns.callCount(action), 0);
  const states = async () =>
    Object.fromEntries((await directory.listOwners()).map((o) => [o.userId, o.subscription ?? '-']));

  it('exits 3 naming the quota and how to raise it when the owners need more filter policies, creating none with no room', async () => {
    // sec's filter stays: with a quota of 1 no room is left for ada or bob once cy's is removed
    const run = await syncTopic(QUOTA_TOPIC, '--filter-policy-quota', '1');

    expect(run.code).toBe(3);
    expect(run.stderr).toContain('would need 3 subscription filter policies');
    expect(run.stderr).toContain('quota of 1 filter policies per topic');
    expect(run.stderr).toContain(
      'none of them fits, and those owners are left without a subscription (recorded none) ' +
        '(this run: 1 removed and 0 repaired',
    );
    expect(run.stderr).toContain('Filter policies per topic');
    // the departed owner's subscription is removed (it frees quota); nothing is subscribed
    expect(sns.callCount('Subscribe')).toBe(0);
    expect(sns.subscriptionsOf(QUOTA_TOPIC).map((s) => s.endpoint)).toEqual(['sec@example.com']);
    expect(await states()).toEqual({ ada: '-', bob: '-', cy: '-' });
    sns.calls.clear();
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const run = await sync('--dry-run');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DRY RUN, nothing changed');
    expect(run.stdout).toMatch(/would create +2/);
    expect(run.stdout).toMatch(/would remove +1/);
    expect(run.stdout).toContain('remove  cy <cy@example.com>');
    expect(run.stdout).toContain('(departed)');
    expect(writes()).toBe(0);
    expect(await states()).toEqual({ ada: '-', bob: '-', cy: '-' });
  });

  it('syncs, records the states, and a second run (JSON) changes nothing', async () => {
    const first = await sync();
    const writesAfterFirst = writes();
    const second = await sync('--format', 'json');

    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/created +2/);
    expect(first.stdout).toMatch(/removed +1/);
    expect(writesAfterFirst).toBe(3);
    expect(sns.subscriptionsOf(TOPIC).map((s) => s.endpoint)).toEqual([
      'sec@example.com',
      'ada@example.com',
      'bob@example.com',
    ]);
    expect(await states()).toEqual({ ada: 'pending', bob: 'pending', cy: '-' });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ operations: [], stateChanges: [], created: 0 });
    expect(writes()).toBe(writesAfterFirst);
  });

  it('exits 3 naming the owners the mass-unsubscribe guard holds back (recorded none, subscribed again next run); --allow-mass-unsubscribe records them', async () => {
    const guarded = await createTestDirectoryTable('sync-cli-guard');
    const owners = new DynamoOwnerDirectory(guarded.client, guarded.tableName);
    const ids = ['u1', 'u2', 'u3', 'u4', 'u5'];
    await upsertNewOwners(
      owners,
      ids.map((userId) => ({ userId, email: `${userId}@example.com`, status: 'active' as const })),
      '2026-12-01T00:00:00.000Z',
    );
    const made = ids.map((userId) =>
      sns.addSubscription({
        topicArn: GUARD_TOPIC,
        protocol: 'email',
        endpoint: `${userId}@example.com`,
        filterPolicy: { userId: [userId], audience: ['owner'] },
      }),
    );
    const run = (...extra: string[]) => runSyncSubscriptions(GUARD_TOPIC, sns, guarded, ...extra);
    const recorded = async () => (await owners.listOwners()).map((o) => o.subscription).sort();
    try {
      expect((await run()).code).toBe(0);
      expect(await recorded()).toEqual(Array(5).fill('confirmed'));
      // The topic is deleted and re-created under the same name: same ARN, no subscription left.
      for (const m of made) sns.subscriptions.splice(sns.subscriptions.indexOf(m), 1);
      const subscribes = sns.callCount('Subscribe');

      const held = await run();

      expect(held.code).toBe(3);
      expect(held.stdout).toContain(
        'mass-unsubscribe guard (over 10% and at least 5, or all of at least 2): 5 of 5 confirmed owners have no subscription left on the topic; ' +
          'none recorded unsubscribed: recorded none (unreachable: their events go to the admins), and the next run ' +
          'subscribes them again',
      );
      expect(held.stdout).toContain('held: u1, u2, u3, u4, u5');
      expect(await recorded()).toEqual(Array(5).fill('none'));
      expect(sns.callCount('Subscribe')).toBe(subscribes);

      // The next run subscribes them again on the re-created topic (a confirmation email each).
      const next = await run();

      expect(next.code).toBe(0);
      expect(sns.callCount('Subscribe')).toBe(subscribes + 5);
      expect(await recorded()).toEqual(Array(5).fill('pending'));

      // Confirmed again, then all five really unsubscribe at once: the operator records it for that run.
      for (const id of ['u1', 'u2', 'u3', 'u4', 'u5']) sns.confirm(`${id}@example.com`);
      expect((await run()).code).toBe(0);
      expect(await recorded()).toEqual(Array(5).fill('confirmed'));
      for (const id of ['u1', 'u2', 'u3', 'u4', 'u5'])
        expect(sns.unsubscribeByLink(`${id}@example.com`)).toBe(1);

      const allowed = await run('--allow-mass-unsubscribe');

      expect(allowed.code).toBe(0);
      expect(allowed.stdout).toContain('were recorded unsubscribed (--allow-mass-unsubscribe)');
      expect(await recorded()).toEqual(Array(5).fill('unsubscribed'));
    } finally {
      await guarded.drop();
    }
  });

  /**
   * Five confirmed owners whose subscriptions vanish (the topic re-created), an admin subscription with a
   * filter and a new owner to subscribe: with a quota of 1 the run stops at the quota and trips the guard.
   */
  async function quotaStopWithGuard(label: string, ...extra: string[]) {
    const topicArn = `arn:aws:sns:eu-west-1:123456789012:hygiene-${label}`;
    const guarded = await createTestDirectoryTable(`sync-cli-${label}`);
    const owners = new DynamoOwnerDirectory(guarded.client, guarded.tableName);
    const owner = (userId: string) => ({ userId, email: `${userId}@example.com`, status: 'active' as const });
    const ids = ['q1', 'q2', 'q3', 'q4', 'q5'];
    try {
      await upsertNewOwners(owners, ids.map(owner), '2026-12-01T00:00:00.000Z');
      sns.addSubscription({
        topicArn,
        protocol: 'email',
        endpoint: 'sec@example.com',
        filterPolicy: { audience: ['admin'] },
      });
      const made = ids.map((userId) =>
        sns.addSubscription({
          topicArn,
          protocol: 'email',
          endpoint: `${userId}@example.com`,
          filterPolicy: { userId: [userId], audience: ['owner'] },
        }),
      );
      const run = (...args: string[]) => runSyncSubscriptions(topicArn, sns, guarded, ...args);
      expect((await run()).code).toBe(0);
      for (const m of made) sns.subscriptions.splice(sns.subscriptions.indexOf(m), 1);
      await upsertNewOwners(owners, [owner('q6')], '2026-12-02T00:00:00.000Z');
      const subscribes = sns.callCount('Subscribe');

      const dry = await run('--filter-policy-quota', '1', '--dry-run', ...extra);
      const stopped = await run('--filter-policy-quota', '1', ...extra);

      expect(sns.callCount('Subscribe')).toBe(subscribes);
      return { dry, stopped, recorded: (await owners.listOwners()).map((o) => o.subscription ?? '-').sort() };
    } finally {
      await guarded.drop();
    }
  }

  it('at the quota prints the run’s summary (with the mass-unsubscribe guard and the held owners) on stdout, the quota error on stderr, exit 3', async () => {
    const { dry, stopped, recorded } = await quotaStopWithGuard('quota-guard');

    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toMatch(/created +0/);
    expect(stopped.stdout).toContain(
      'owners in directory  6 (confirmed 0, pending 0, unsubscribed 0, none 6)',
    );
    expect(stopped.stdout).toContain('filter policies      1 now, 1 after, quota 1');
    expect(stopped.stdout).toContain(
      'mass-unsubscribe guard (over 10% and at least 5, or all of at least 2): 5 of 5 confirmed owners have no subscription left on the topic; ' +
        'none recorded unsubscribed',
    );
    expect(stopped.stdout).toContain('held: q1, q2, q3, q4, q5');
    expect(stopped.stdout).not.toContain('pc-hygiene:');
    expect(stopped.stderr).toContain('would need 2 subscription filter policies');
    expect(stopped.stderr).toContain('none of them fits, and those owners are left without a subscription');
    expect(stopped.stderr).toContain('(this run: 0 removed and 0 repaired');
    // the held owners recorded none; the new owner, never subscribed, has no state yet
    expect(recorded).toEqual(['-', ...Array(5).fill('none')]);
    // A dry run at the quota prints what it would do, the guard's verdict included, then the error.
    expect(dry.code).toBe(3);
    expect(dry.stdout).toContain('DRY RUN, nothing changed');
    expect(dry.stdout).toMatch(/would create +0/);
    expect(dry.stdout).toContain('held: q1, q2, q3, q4, q5');
    expect(dry.stderr).toContain('would need 2 subscription filter policies');
    expect(dry.stderr).not.toContain('0 removed and 0 repaired');
  });

  it('at the quota with --format json prints the run’s summary as JSON, exit 3', async () => {
    const { stopped } = await quotaStopWithGuard('quota-guard-json', '--format', 'json');

    expect(stopped.code).toBe(3);
    expect(JSON.parse(stopped.stdout)).toMatchObject({
      dryRun: false,
      created: 0,
      states: { confirmed: 0, none: 6 },
      unsubscribeGuard: {
        tripped: true,
        overridden: false,
        newlyUnsubscribed: ['q1', 'q2', 'q3', 'q4', 'q5'],
      },
      filterPolicies: { current: 1, planned: 1, quota: 1 },
      // exit 3 is shared with the guard: the JSON says the quota stopped the run
      quotaStop: { quota: 1, needed: 2, creations: 1 },
    });
    expect(stopped.stderr).toContain(
      'above the 0 the reconciler fills: the quota of 1 filter policies per topic',
    );
  });

  it('prints no quotaStop in the JSON of a run the quota did not stop', async () => {
    const run = await sync('--dry-run', '--format', 'json');

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).not.toHaveProperty('quotaStop');
  });

  it('refuses a missing or malformed topic ARN and a bad quota with exit 2', async () => {
    const noTopic = await runCli(['owners', 'sync-subscriptions', '--endpoint', table.endpoint], {
      PC_HYGIENE_TOPIC_ARN: '',
    });
    const badTopic = await sync('--topic-arn', 'arn:aws:sns:eu-west-1:1:x');
    const badQuota = await sync('--filter-policy-quota', '0');

    expect(noTopic.code).toBe(2);
    expect(noTopic.stderr).toContain('--topic-arn is required');
    expect(badTopic.code).toBe(2);
    expect(badTopic.stderr).toContain('is not a standard SNS topic ARN');
    expect(badQuota.code).toBe(2);
    expect(badQuota.stderr).toContain('--filter-policy-quota "0" must be an integer from 1 to 1000000');
  });
});
