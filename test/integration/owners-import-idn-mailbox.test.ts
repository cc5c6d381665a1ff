/**
 * `pc-hygiene owners import` (the CLI, as a child process, on DynamoDB Local)
 * of a re-export that spells an internationalised domain in Punycode where the
 * directory holds it in Unicode: the same mailbox, as the relay and the SES
 * events handler take it (`mailboxKey`), so the import keeps the opt-out and
 * the bounce recorded there instead of treating the line as a move to an
 * address the owner did not opt out at (docs/notifications.md, "Subscription
 * reconciler"). The planning is covered both ways in
 * test/unit/owner-import-mailboxes.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';

const BOUNCED_AT = '2026-11-30T10:00:00.000Z';

describe('owners import of a domain spelled in Punycode where the directory holds Unicode', () => {
  const table = useTestDirectoryTable('owners-idn', 'each');
  const dir = useTempDir('owners-idn');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);

  /** `owners import` of a CSV giving bob and cid `domain`, as of `asOf`. */
  async function importAt(domain: string, asOf: string) {
    const file = join(dir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(
      file,
      `userId,email,name,status\nbob,bob@${domain},Bob,active\ncid,cid@${domain},Cid,active\n`,
    );
    return runCli(['owners', 'import', file, ...directoryFlags(table), '--as-of', asOf, '--format', 'json']);
  }

  /** Records `set` on `userId` as the relay's SES events handler would (a complaint, a bounce). */
  const record = (userId: string, set: string, values: Record<string, string>) =>
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { userId },
        UpdateExpression: `SET ${set}`,
        ExpressionAttributeValues: values,
      }),
    );

  it('keeps bob unsubscribed and cid bouncing: the relay emails neither', async () => {
    expect((await importAt('bücher.example', '2026-12-01T00:00:00Z')).code).toBe(0);
    await record('bob', 'subscription = :s', { ':s': 'unsubscribed' });
    await record('cid', 'subscription = :s, bouncingSince = :b', { ':s': 'none', ':b': BOUNCED_AT });

    const run = await importAt('xn--bcher-kva.example', '2026-12-02T00:00:00Z');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'imported', updated: 2 });
    const owners = await directory().getMany(['bob', 'cid']);
    const bob = owners.get('bob');
    const cid = owners.get('cid');
    expect(bob).toMatchObject({ email: 'bob@xn--bcher-kva.example', subscription: 'unsubscribed' });
    expect(cid).toMatchObject({
      email: 'cid@xn--bcher-kva.example',
      subscription: 'none',
      bouncingSince: BOUNCED_AT,
    });
    expect(reachabilityOf(bob, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
    expect(reachabilityOf(cid, 'relay')).toEqual({ reachable: false, reason: 'bouncing' });
  });
});
