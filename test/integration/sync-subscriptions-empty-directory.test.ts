/**
 * `pc-hygiene owners sync-subscriptions` against an empty owner directory (child process; the directory on
 * DynamoDB Local, the topic on the SNS-compatible local server): the reconciler now lists the topic before it
 * refuses (the refusal carries the admin count the Lambda emits: docs/notifications.md, "Admin reach"), and the
 * CLI says it: exit 3, the reason on stderr, and on stdout only the admins' reach (no summary of a run that did not
 * happen; at 0, the warning a finished run gives), and no change to the topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { runSyncSubscriptions } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-empty-directory';
const WRITE_ACTIONS = ['Subscribe', 'SetSubscriptionAttributes', 'Unsubscribe'];

describe('pc-hygiene owners sync-subscriptions on an empty directory', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
    table = await createTestDirectoryTable('sync-cli-empty');
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'ada@example.com',
      filterPolicy: { userId: ['ada'], audience: ['owner'] },
    });
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'admins@example.com',
      filterPolicy: { audience: ['admin'] },
    });
  });
  afterAll(async () => {
    await sns.stop();
    await table.drop();
  });

  it('exits 3 with the reason and the admin count, in text and JSON, and changes nothing', async () => {
    const text = await runSyncSubscriptions(TOPIC, sns, table);
    const json = await runSyncSubscriptions(TOPIC, sns, table, '--format', 'json');

    for (const run of [text, json]) {
      expect(run.code).toBe(3);
      expect(run.stderr).toBe(
        'pc-hygiene: The owner directory is empty: reconciling would remove every owner subscription. ' +
          'Import the directory first (pc-hygiene owners import), or check the directory table name.\n',
      );
    }
    expect(text.stdout).toBe('  admin subscriptions  1\n');
    expect(JSON.parse(json.stdout)).toEqual({ emptyDirectory: true, adminSubscriptions: 1 });
    // Each run listed the topic (the admin count), then refused: no write.
    expect(sns.callCount('ListSubscriptionsByTopic')).toBeGreaterThanOrEqual(2);
    expect(WRITE_ACTIONS.map((action) => sns.callCount(action))).toEqual([0, 0, 0]);
    expect(sns.subscriptionsOf(TOPIC).map((s) => s.endpoint)).toEqual([
      'ada@example.com',
      'admins@example.com',
    ]);
  });

  it('warns when no subscription delivers every admin message', async () => {
    const topic = `${TOPIC}-no-admin`;
    sns.addSubscription({
      topicArn: topic,
      protocol: 'email',
      endpoint: 'ada@example.com',
      filterPolicy: { userId: ['ada'], audience: ['owner'] },
    });
    const text = await runSyncSubscriptions(topic, sns, table);
    const json = await runSyncSubscriptions(topic, sns, table, '--format', 'json');

    expect([text.code, json.code]).toEqual([3, 3]);
    expect(text.stdout).toMatch(
      /^ {2}admin subscriptions {2}0\n {2}no admin subscription: .*"Runbook: No admin subscription"\n$/,
    );
    expect(JSON.parse(json.stdout)).toEqual({ emptyDirectory: true, adminSubscriptions: 0 });
  });
});
