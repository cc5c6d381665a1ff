/**
 * `pc-hygiene owners sync-subscriptions` (the CLI, as a child process; the
 * directory on DynamoDB Local, the topic on the SNS-compatible local server)
 * after an `owners import` that re-spells an owner's internationalised domain
 * in Punycode: the same mailbox to the import, the relay and the reconciler
 * (`mailboxKey`, docs/notifications.md, "Subscription reconciler"), so the
 * confirmed subscription stays: no Unsubscribe, no Subscribe (no confirmation
 * email to click again), the owner still `confirmed` with the same ARN. The
 * plan is covered both ways in test/unit/subscription-plan-mailboxes.test.ts.
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
const WRITE_ACTIONS = ['Subscribe', 'SetSubscriptionAttributes', 'Unsubscribe'];

describe('owners sync-subscriptions after an import re-spells a domain in Punycode', () => {
  const table = useTestDirectoryTable('sync-idn');
  const dir = useTempDir('sync-idn');
  let sns: FakeSnsServer;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(() => sns.stop());

  /** `owners import` of a CSV giving bob `email`, as of `asOf`. */
  async function importBobAt(email: string, asOf: string) {
    const file = join(dir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(file, `userId,email,name,status\nbob,${email},Bob,active\n`);
    const run = await runCli(['owners', 'import', file, ...directoryFlags(table), '--as-of', asOf]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
  }
  const sync = () => runSyncSubscriptions(TOPIC, sns, table, '--format', 'json');
  const bob = async () =>
    (await new DynamoOwnerDirectory(table.client, table.tableName).getMany(['bob'])).get('bob');
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
});
