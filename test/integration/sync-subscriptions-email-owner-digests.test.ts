/**
 * `pc-hygiene owners sync-subscriptions` (child process; the directory on DynamoDB Local, the topic on the
 * SNS-compatible local server) on a topic whose only admin email subscription has no filter policy: it also receives
 * every owner digest, so SNS would suspend it (past 10 messages a second), and it does not count as an admin
 * subscription. The CLI says so on the refusal of an empty directory (the topic also holds an owner subscription,
 * which that directory would remove): the row, the warning at 0 and why, and in JSON
 * `emailSubscriptionsWithOwnerDigests` (docs/notifications.md, "Admin reach").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { runSyncSubscriptions } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-wide-email';

describe('pc-hygiene owners sync-subscriptions with an unfiltered admin email subscription', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
    table = await createTestDirectoryTable('sync-cli-wide-email');
    sns.addSubscription({ topicArn: TOPIC, protocol: 'email', endpoint: 'security-team@example.com' });
    // An owner subscription the empty directory would remove: the run is refused (with none it would complete).
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

  it('does not count it, and says why, in text and JSON', async () => {
    const text = await runSyncSubscriptions(TOPIC, sns, table);
    const json = await runSyncSubscriptions(TOPIC, sns, table, '--format', 'json');

    expect([text.code, json.code]).toEqual([3, 3]);
    expect(text.stdout).toMatch(
      /^ {2}admin subscriptions {2}0\n {2}no admin subscription: .*\n {2}email subscriptions that also receive owner digests: 1 \(not counted: SNS suspends an email subscription past 10 messages a second: filter it to \{"audience": \["admin"\]\}\)\n$/,
    );
    expect(JSON.parse(json.stdout)).toEqual({
      emptyDirectory: true,
      adminSubscriptions: 0,
      emailSubscriptionsWithOwnerDigests: 1,
    });
  });
});
