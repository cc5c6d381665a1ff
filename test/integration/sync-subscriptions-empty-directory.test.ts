/**
 * `pc-hygiene owners sync-subscriptions` against an empty owner directory (child process; the directory on
 * DynamoDB Local, the topic on the SNS-compatible local server). With an owner subscription on the topic the
 * reconciler refuses, after listing the topic (the refusal carries the admin count the Lambda emits:
 * docs/notifications.md, "Admin reach"), and the CLI says it: exit 3, the reason on stderr, and on stdout only the
 * admins' reach (no summary of a run that did not happen; at 0, the warning a finished run gives), and no change to
 * the topic. With none (day one, before the first import) there is nothing to remove: the run completes, exit 0,
 * with its ordinary summary, and changes nothing.
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

  it('completes with the ordinary summary when the topic holds no owner subscription (day one), and changes nothing', async () => {
    const topic = `${TOPIC}-day-one`;
    sns.addSubscription({
      topicArn: topic,
      protocol: 'email',
      endpoint: 'admins@example.com',
      filterPolicy: { audience: ['admin'] },
    });
    const writesBefore = WRITE_ACTIONS.map((action) => sns.callCount(action));
    const text = await runSyncSubscriptions(topic, sns, table);
    const json = await runSyncSubscriptions(topic, sns, table, '--format', 'json');

    for (const run of [text, json]) expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain(`Owner subscriptions on ${topic} (route sns-email)\n`);
    expect(text.stdout).toMatch(
      /^ {2}owners in directory {2}0 \(confirmed 0, pending 0, unsubscribed 0, none 0\)$/m,
    );
    expect(text.stdout).toMatch(/^ {2}removed {14}0$/m);
    expect(text.stdout).toMatch(/^ {2}admin subscriptions {2}1$/m);
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: false,
      owners: 0,
      operations: [],
      created: 0,
      removed: 0,
      adminSubscriptions: 1,
    });
    expect(JSON.parse(json.stdout)).not.toHaveProperty('emptyDirectory');
    expect(WRITE_ACTIONS.map((action) => sns.callCount(action))).toEqual(writesBefore);
    expect(sns.subscriptionsOf(topic).map((s) => s.endpoint)).toEqual(['admins@example.com']);
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
