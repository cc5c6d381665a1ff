/**
 * An owner's unsubscribe honoured, end to end as an operator runs it (child
 * processes): the directory on DynamoDB Local, the topic on the SNS-compatible
 * local server. Import, reconcile, confirm, the owner clicks the unsubscribe
 * link; the next reconcile subscribes nobody and records `unsubscribed` (the
 * owner is unreachable, reason `unsubscribed`); `owners resubscribe` undoes it
 * for that owner only, and the next reconcile subscribes them again; its text
 * ends with how to lift SES's suppression of the address (route `relay`), JSON
 * does not. A new address from the import clears the opt-out as well.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resubscribeOwners } from '../../cli/use-cases/resubscribe-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { OPT_OUT_SUPPRESSION_ADVICE } from '../../lambdas/hygiene/unreachable-report';
import { directoryFlags, runCli } from '../support/run-cli';
import { updateOwnerAfterRead } from '../support/send-hooks';
import { useTempDir } from '../support/temp-dir';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { runSyncSubscriptions, syncSubscriptionsJson } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';

describe('pc-hygiene owners resubscribe, after an owner unsubscribed by the link', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;
  const dir = useTempDir('resubscribe-cli');

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
    table = await createTestDirectoryTable('resubscribe-cli');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
  });
  afterAll(async () => {
    await sns.stop();
    await table.drop();
  });

  const importCsv = async (name: string, rows: string) => {
    const path = join(dir(), name);
    await writeFile(path, `userId,email,name,status\n${rows}`);
    return runCli(['owners', 'import', path, ...directoryFlags(table)]);
  };
  const sync = () => syncSubscriptionsJson(TOPIC, sns, table);
  const resubscribe = (...args: string[]) =>
    runCli(['owners', 'resubscribe', ...args, ...directoryFlags(table)]);
  const states = async () =>
    Object.fromEntries((await directory.listOwners()).map((o) => [o.userId, o.subscription ?? '-']));
  const ownerSubscriptions = () => sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.pending]);

  it('honours the opt-out until the operator resubscribes the owner or the import gives a new address', async () => {
    expect(
      (await importCsv('owners.csv', 'ada,ada@example.com,Ada,active\nbob,bob@example.com,Bob,active\n'))
        .code,
    ).toBe(0);
    expect((await sync()).created).toBe(2);
    sns.confirm('ada@example.com');
    sns.confirm('bob@example.com');
    await sync();
    expect(await states()).toEqual({ ada: 'confirmed', bob: 'confirmed' });

    // ada clicks the unsubscribe link of an email: SNS deletes her subscription
    expect(sns.unsubscribeByLink('ada@example.com')).toBe(1);
    const afterClick = await sync();
    sns.forgetDeleted();
    const later = await sync();

    expect([afterClick.created, later.created]).toEqual([0, 0]);
    expect(afterClick.states).toEqual({ confirmed: 1, pending: 0, none: 0, unsubscribed: 1 });
    const text = await runSyncSubscriptions(TOPIC, sns, table, '--dry-run');
    expect(text.stdout).toMatch(/owners in directory +2 \(confirmed 1, pending 0, unsubscribed 1, none 0\)/);
    expect(sns.callCount('Subscribe')).toBe(2);
    expect(ownerSubscriptions()).toEqual([['bob@example.com', false]]);
    expect(await states()).toEqual({ ada: 'unsubscribed', bob: 'confirmed' });
    const unreachable = await runCli([
      'owners',
      'list',
      '--unreachable',
      '--route',
      'sns-email',
      ...directoryFlags(table),
    ]);
    expect(unreachable.stdout).toMatch(/^ada +active +ada@example\.com +Ada +unreachable: unsubscribed$/m);
    expect(unreachable.stdout).not.toContain('bob');

    // the operator: ada wants the emails again; bob is not unsubscribed, zed is unknown
    const run = await resubscribe('ada', 'bob', 'zed');

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`ada: resubscribe recorded in ${table.tableName} (state none)`);
    expect(run.stdout).toContain('bob: not changed: state confirmed, not unsubscribed: nothing to undo');
    expect(run.stdout).toContain('zed: not changed: not in the owner directory');
    // Once, last: on relay the address may also be on SES's suppression list, which the directory cannot lift.
    const suppression = run.stdout.split('\n').filter((line) => line.includes('suppression list'));
    // Conditional: only an opt-out that came from a complaint put the address there (the link used here did not).
    expect(suppression).toEqual([`on route relay, ${OPT_OUT_SUPPRESSION_ADVICE}`]);
    expect(suppression[0]).toMatch(
      /^on route relay, an opt-out that came from a complaint \(not from the SNS unsubscribe link or pc-hygiene owners unsubscribe\) also put the address on SES’s suppression list, .* aws sesv2 get-suppressed-destination --email-address "<address>" tells whether it is there, and aws sesv2 delete-suppressed-destination --email-address "<address>" removes it/,
    );
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(suppression[0]);
    expect(await states()).toEqual({ ada: 'none', bob: 'confirmed' });
    const again = await sync();
    expect(again.created).toBe(1);
    expect(ownerSubscriptions()).toEqual([
      ['bob@example.com', false],
      ['ada@example.com', true],
    ]);
    expect(await states()).toEqual({ ada: 'pending', bob: 'confirmed' });

    // bob unsubscribes too, then the import gives him a new address: the opt-out was for the old one
    sns.unsubscribeByLink('bob@example.com');
    await sync();
    expect((await states()).bob).toBe('unsubscribed');
    expect(
      (await importCsv('moved.csv', 'ada,ada@example.com,Ada,active\nbob,bob@new.example,Bob,active\n')).code,
    ).toBe(0);
    const moved = await sync();

    expect(moved.created).toBe(1);
    expect(await states()).toEqual({ ada: 'pending', bob: 'pending' });
    expect(ownerSubscriptions()).toContainEqual(['bob@new.example', true]);
  });

  it('names what it did as JSON, and exits 0 when every named owner was unsubscribed', async () => {
    const ada = (await directory.getMany(['ada'])).get('ada');
    await directory.recordSubscription({
      userId: 'ada',
      email: 'ada@example.com',
      state: 'unsubscribed',
      read: {
        ...(ada?.subscription !== undefined && { subscription: ada.subscription }),
        ...(ada?.confirmationEmailsSent !== undefined && {
          confirmationEmailsSent: ada.confirmationEmailsSent,
        }),
      },
    });

    const run = await resubscribe('ada', '--format', 'json');

    expect(run.code).toBe(0);
    // The JSON is the result only: no hint (a consumer knows its route).
    expect(JSON.parse(run.stdout)).toEqual({ resubscribed: ['ada'], notChanged: [] });
    expect((await states()).ada).toBe('none');
  });

  it('records nothing when the owner’s state changed after it was read (a run found their subscription again)', async () => {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          userId: 'cyd',
          email: 'cyd@example.com',
          status: 'active',
          subscription: 'unsubscribed',
          subscriptionArn: `${TOPIC}:1f2e`,
        },
      }),
    );
    // The reconciler records cyd confirmed (she subscribed again) between the command's read and its write.
    const spy = updateOwnerAfterRead(table.client, table.tableName, 'cyd', {
      expression: 'SET subscription = :confirmed, subscriptionArn = :arn',
      values: { ':confirmed': 'confirmed', ':arn': `${TOPIC}:2a3b` },
    });

    const result = await resubscribeOwners(directory, ['cyd']).finally(() => spy.mockRestore());

    expect(result).toEqual({
      resubscribed: [],
      notChanged: [{ userId: 'cyd', reason: 'changed-meanwhile' }],
    });
    expect((await directory.getMany(['cyd'])).get('cyd')).toMatchObject({
      subscription: 'confirmed',
      subscriptionArn: `${TOPIC}:2a3b`,
    });
  });

  it('shows a stored control character in an owner id as a visible escape, never raw', async () => {
    const run = await resubscribe('evil\u001b[2J');

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('evil\\x1b[2J: not changed: not in the owner directory');
    expect(run.stdout).not.toContain('\u001b');
    // Nobody resubscribed: nothing to lift.
    expect(run.stdout).not.toContain('suppression list');
  });
});
