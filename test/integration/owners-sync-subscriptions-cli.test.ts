/**
 * `pc-hygiene owners sync-subscriptions` as a user runs it (child process):
 * the directory on DynamoDB Local, the topic on the SNS-compatible local
 * server. Dry run, a real run and its idempotent repeat, the quota stop
 * (exit 3, nothing created; removals still made), and usage errors (exit 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { runCli } from '../support/run-cli';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { upsertNewOwners } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';
/** A second topic, for the quota stop (it removes cy's subscription there, leaving TOPIC's for the later tests). */
const QUOTA_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-over-quota';
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
    runCli([
      'owners',
      'sync-subscriptions',
      '--topic-arn',
      topicArn,
      '--sns-endpoint',
      sns.endpoint,
      '--endpoint',
      table.endpoint,
      '--directory-table',
      table.tableName,
      ...extra,
    ]);
  const sync = (...extra: string[]) => syncTopic(TOPIC, ...extra);
  const writes = () => WRITE_ACTIONS.reduce((sum, action) => sum + sns.callCount(action), 0);
  const states = async () =>
    Object.fromEntries((await directory.listOwners()).map((o) => [o.userId, o.subscription ?? '-']));

  it('exits 3 naming the quota and how to raise it when the owners need more filter policies, creating nothing', async () => {
    const run = await syncTopic(QUOTA_TOPIC, '--filter-policy-quota', '2');

    expect(run.code).toBe(3);
    expect(run.stderr).toContain('would need 3 subscription filter policies');
    expect(run.stderr).toContain('quota of 2 filter policies per topic');
    expect(run.stderr).toContain('no subscription was created (1 removed and 0 repaired');
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
