/**
 * `pc-hygiene owners sync-subscriptions` against an empty owner directory (child process; the directory on
 * DynamoDB Local, the topic on the SNS-compatible local server): the reconciler now lists the topic before it
 * refuses (the refusal carries the admin count the Lambda emits: docs/notifications.md, "Admin reach"), and the
 * CLI's output stays what it was: exit 3, the reason on stderr, nothing on stdout (no summary of a run that did not
 * happen), and no change to the topic.
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
  });
  afterAll(async () => {
    await sns.stop();
    await table.drop();
  });

  it('exits 3 with the reason alone, in text and JSON, and changes nothing', async () => {
    const text = await runSyncSubscriptions(TOPIC, sns, table);
    const json = await runSyncSubscriptions(TOPIC, sns, table, '--format', 'json');

    for (const run of [text, json]) {
      expect(run.code).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        'pc-hygiene: The owner directory is empty: reconciling would remove every owner subscription. ' +
          'Import the directory first (pc-hygiene owners import), or check the directory table name.\n',
      );
    }
    // Each run listed the topic (the admin count), then refused: no write.
    expect(sns.callCount('ListSubscriptionsByTopic')).toBeGreaterThanOrEqual(2);
    expect(WRITE_ACTIONS.map((action) => sns.callCount(action))).toEqual([0, 0, 0]);
    expect(sns.subscriptionsOf(TOPIC).map((s) => s.endpoint)).toEqual(['ada@example.com']);
  });
});
