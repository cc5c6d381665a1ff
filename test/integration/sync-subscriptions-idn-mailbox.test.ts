/**
 * `pc-hygiene owners sync-subscriptions` (the CLI, as a child process; the
 * directory on DynamoDB Local, the topic on the SNS-compatible local server)
 * after an `owners import` that re-spells an owner's internationalised domain
 * in Punycode: the same mailbox to the import, the relay and the reconciler
 * (`mailboxKey`, docs/notifications.md, "Subscription reconciler"), so the
 * confirmed subscription stays: no Unsubscribe, no Subscribe (no confirmation
 * email to click again), the owner still `confirmed` with the same ARN. The
 * plan is covered both ways in test/unit/subscription-plan-mailboxes.test.ts.
 * And `pc-hygiene owners unsubscribe` then finds that subscription (the
 * listing and the match by the same rule), removes it, and the owner stays
 * `unsubscribed` through the next sync (compared case-insensitively only, it
 * was left on the topic and the sync matched it: `confirmed` again).
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { runSyncSubscriptions } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-idn';
const UNICODE = 'bob@bücher.example';
const PUNYCODE = 'bob@xn--bcher-kva.example';
const CID_UNICODE = 'cid@bücher.example';
const CID_PUNYCODE = 'cid@xn--bcher-kva.example';
const WRITE_ACTIONS = ['Subscribe', 'SetSubscriptionAttributes', 'Unsubscribe'];

describe('owners sync-subscriptions after an import re-spells a domain in Punycode', () => {
  const table = useTestDirectoryTable('sync-idn');
  const dir = useTempDir('sync-idn');
  let sns: FakeSnsServer;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(() => sns.stop());

  /** `owners import` of a CSV giving `userId` `email`, as of `asOf` (the others left as they are: no --sync). */
  async function importAt(userId: string, email: string, asOf: string) {
    const file = join(dir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(file, `userId,email,name,status\n${userId},${email},${userId},active\n`);
    const run = await runCli(['owners', 'import', file, ...directoryFlags(table), '--as-of', asOf]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
  }
  const importBobAt = (email: string, asOf: string) => importAt('bob', email, asOf);
  const sync = () => runSyncSubscriptions(TOPIC, sns, table, '--format', 'json');
  const owner = async (userId: string) =>
    (await new DynamoOwnerDirectory(table.client, table.tableName).getMany([userId])).get(userId);
  const bob = () => owner('bob');
  const writes = () => WRITE_ACTIONS.reduce((sum, action) => sum + sns.callCount(action), 0);

  it('keeps the confirmed subscription and the recorded state: nothing removed, nothing created', async () => {
    await importBobAt(UNICODE, '2026-12-01T00:00:00Z');
    expect((await sync()).code).toBe(0);
    expect(sns.confirm(UNICODE)).toBe(1);
    expect((await sync()).code).toBe(0);
    const confirmed = await bob();
    expect(confirmed).toMatchObject({ subscription: 'confirmed', subscriptionArn: expect.any(String) });
    await importBobAt(PUNYCODE, '2026-12-02T00:00:00Z');
    sns.calls.clear();

    const run = await sync();

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      operations: [],
      created: 0,
      removed: 0,
      stateChanges: [],
    });
    expect(writes()).toBe(0);
    expect(sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.pending])).toEqual([[UNICODE, false]]);
    expect(await bob()).toMatchObject({
      email: PUNYCODE,
      subscription: 'confirmed',
      subscriptionArn: confirmed?.subscriptionArn,
    });
  });

  it('owners unsubscribe removes the subscription in the other spelling: the owner stays unsubscribed after a sync', async () => {
    await importAt('cid', CID_UNICODE, '2026-12-03T00:00:00Z');
    expect((await sync()).code).toBe(0);
    expect(sns.confirm(CID_UNICODE)).toBe(1);
    expect((await sync()).code).toBe(0);
    const arn = (await owner('cid'))?.subscriptionArn;
    expect(await owner('cid')).toMatchObject({
      subscription: 'confirmed',
      subscriptionArn: expect.any(String),
    });
    await importAt('cid', CID_PUNYCODE, '2026-12-04T00:00:00Z');
    const cidEndpoints = () =>
      sns
        .subscriptionsOf(TOPIC)
        .map((s) => s.endpoint)
        .filter((e) => e.startsWith('cid@'));

    const run = await runCli([
      ...['owners', 'unsubscribe', 'cid', '--format', 'json'],
      ...['--topic-arn', TOPIC, '--sns-endpoint', sns.endpoint, ...directoryFlags(table)],
    ]);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({
      unsubscribed: [{ userId: 'cid', removed: [arn], subscriptionArn: arn, recordedMeanwhile: false }],
      notChanged: [],
    });
    expect(cidEndpoints()).toEqual([]);
    const after = await sync();
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ created: 0, stateChanges: [] });
    expect(await owner('cid')).toMatchObject({
      email: CID_PUNYCODE,
      subscription: 'unsubscribed',
      subscriptionArn: arn,
    });
    expect(cidEndpoints()).toEqual([]);
  });
});
