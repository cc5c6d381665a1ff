/**
 * `pc-hygiene owners clear-bouncing` on DynamoDB Local, as an operator runs it
 * (child processes): an owner a permanent bounce marked `bouncing` (route
 * `relay`) is reachable again once cleared, while an owner not bouncing or not
 * in the directory is named and left alone (exit 1); the text ends with how to
 * lift SES's suppression of the address, JSON does not. The write is
 * conditional on the address and the bouncing instant read: a new bounce
 * (after another clear) or an import that re-spells the address between the
 * read and the write wins, while a bounce that only repeats the one read
 * changes nothing and is cleared with it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearBouncingOwners } from '../../cli/use-cases/clear-bouncing-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { SES_SUPPRESSION_ADVICE } from '../../lambdas/hygiene/unreachable-report';
import { putItem } from '../support/items';
import { directoryFlags, runCli } from '../support/run-cli';
import { updateOwnerAfterRead } from '../support/send-hooks';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';

const BOUNCED = '2026-11-30T00:00:00.000Z';
const LATER = '2026-12-01T00:00:00.000Z';

describe('pc-hygiene owners clear-bouncing, after a permanent bounce on route relay', () => {
  const table = useTestDirectoryTable('clear-bouncing-cli');
  let directory: DynamoOwnerDirectory;
  const dir = useTempDir('clear-bouncing-cli');

  beforeAll(() => {
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
  });

  const clearBouncing = (...args: string[]) =>
    runCli(['owners', 'clear-bouncing', ...args, ...directoryFlags(table)]);
  /** The owners unreachable on route relay, with the reason. */
  const unreachableOnRelay = async () => {
    const run = await runCli([
      'owners',
      'list',
      '--unreachable',
      '--route',
      'relay',
      '--format',
      'json',
      ...directoryFlags(table),
    ]);
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout) as { owners: { userId: string; reason: string }[] };
    return Object.fromEntries(listed.owners.map((o) => [o.userId, o.reason]));
  };
  const owner = async (userId: string) => (await directory.getMany([userId])).get(userId);
  /** An owner put as stored, bouncing since `since` unless undefined. */
  const putOwner = (userId: string, since: string | undefined) =>
    putItem(table.client, table.tableName, {
      userId,
      email: `${userId}@example.com`,
      status: 'active',
      ...(since !== undefined && { bouncingSince: since }),
    });

  it('clears a bouncing owner, who is reachable on relay again; names the others, exit 1; the hint last', async () => {
    const path = join(dir(), 'owners.csv');
    await writeFile(
      path,
      'userId,email,name,status\nada,ada@example.com,Ada,active\nbob,bob@example.com,Bob,active\ncyd,cyd@example.com,Cyd,active\n',
    );
    expect((await runCli(['owners', 'import', path, ...directoryFlags(table)])).code).toBe(0);
    expect(await directory.markBouncing('ada', 'ada@example.com', BOUNCED)).toBe(true);
    expect(await directory.markBouncing('bob', 'bob@example.com', BOUNCED)).toBe(true);
    expect(await unreachableOnRelay()).toEqual({ ada: 'bouncing', bob: 'bouncing' });
    const adaBefore = await owner('ada');

    // the operator: ada's mailbox is back; cyd never bounced; zed is unknown
    const run = await clearBouncing('ada', 'cyd', 'zed');

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `ada: bouncing cleared in ${table.tableName}: on route relay they are reachable again now`,
    );
    expect(run.stdout).toContain('cyd: not changed: not bouncing: nothing to clear');
    expect(run.stdout).toContain('zed: not changed: not in the owner directory');
    // Once, last: SES's suppression list may still hold the address, which the directory cannot lift.
    const suppression = run.stdout.split('\n').filter((line) => line.includes('suppression list'));
    // The domain's one wording of the advice: a suppressed send is reported as a bounce or a complaint.
    expect(suppression).toEqual([
      'on route relay, clearing the mark does not lift SES’s suppression of an address (after a bounce, or a ' +
        `complaint by anyone sharing it): ${SES_SUPPRESSION_ADVICE}`,
    ]);
    expect(suppression[0]).toContain('a bounce or a complaint with subtype OnAccountSuppressionList');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(suppression[0]);
    expect(await unreachableOnRelay()).toEqual({ bob: 'bouncing' });
    // Only the bounce is gone: not updatedAt (an import's own), nor anything else.
    const { bouncingSince: _, ...rest } = adaBefore ?? { userId: 'ada' };
    expect(await owner('ada')).toEqual(rest);
    expect((await owner('cyd'))?.bouncingSince).toBeUndefined();
  });

  it('names what it did as JSON, without the hint, and exits 0 when every named owner was bouncing', async () => {
    const run = await clearBouncing('bob', '--format', 'json');

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ cleared: ['bob'], notChanged: [] });
    expect(await unreachableOnRelay()).toEqual({});
  });

  it('names owners left alone in JSON, with the reason, and exits 1', async () => {
    const run = await clearBouncing('bob', 'zed', '--format', 'json');

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      cleared: [],
      notChanged: [
        { userId: 'bob', reason: 'not-bouncing' },
        { userId: 'zed', reason: 'not-in-directory' },
      ],
    });
  });

  it('lets a new bounce recorded between the read and the write win (another clear, then a bounce)', async () => {
    await putOwner('dan', BOUNCED);
    const spy = updateOwnerAfterRead(table.client, table.tableName, 'dan', {
      expression: 'SET bouncingSince = :later',
      values: { ':later': LATER },
    });

    const result = await clearBouncingOwners(directory, ['dan']).finally(() => spy.mockRestore());

    expect(result).toEqual({ cleared: [], notChanged: [{ userId: 'dan', reason: 'changed-meanwhile' }] });
    expect((await owner('dan'))?.bouncingSince).toBe(LATER);
  });

  it('lets an import that re-spells the address between the read and the write win (it keeps the bounce)', async () => {
    await putOwner('eve', BOUNCED);
    const spy = updateOwnerAfterRead(table.client, table.tableName, 'eve', {
      expression: 'SET email = :respelled',
      values: { ':respelled': 'Eve@example.com' },
    });

    const result = await clearBouncingOwners(directory, ['eve']).finally(() => spy.mockRestore());

    expect(result).toEqual({ cleared: [], notChanged: [{ userId: 'eve', reason: 'changed-meanwhile' }] });
    expect(await owner('eve')).toMatchObject({ email: 'Eve@example.com', bouncingSince: BOUNCED });
  });

  it('clears an owner a bounce marks again between the read and the write: it records nothing new', async () => {
    await putOwner('fay', BOUNCED);
    // A bounce the SES events function records right after the command's read (keeps the first instant).
    const spy = updateOwnerAfterRead(table.client, table.tableName, 'fay', {
      expression: 'SET bouncingSince = if_not_exists(bouncingSince, :later)',
      values: { ':later': LATER },
    });

    const result = await clearBouncingOwners(directory, ['fay']).finally(() => spy.mockRestore());

    expect(result).toEqual({ cleared: ['fay'], notChanged: [] });
    expect((await owner('fay'))?.bouncingSince).toBeUndefined();
  });

  it('writes only while the owner exists, at the address and bouncing instant read', async () => {
    await putOwner('gus', BOUNCED);
    await putOwner('hal', undefined);

    expect(await directory.clearBouncing('ghost', 'ghost@example.com', BOUNCED)).toBe(false);
    expect(await owner('ghost')).toBeUndefined();
    expect(await directory.clearBouncing('gus', 'old-gus@example.com', BOUNCED)).toBe(false);
    expect(await directory.clearBouncing('gus', 'gus@example.com', LATER)).toBe(false);
    expect(await directory.clearBouncing('hal', 'hal@example.com', BOUNCED)).toBe(false);
    expect((await owner('gus'))?.bouncingSince).toBe(BOUNCED);
    expect(await directory.clearBouncing('gus', 'gus@example.com', BOUNCED)).toBe(true);
    expect((await owner('gus'))?.bouncingSince).toBeUndefined();
  });

  it('shows a stored control character in an owner id as a visible escape, never raw', async () => {
    const run = await clearBouncing('evil\u001b[2J');

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('evil\\x1b[2J: not changed: not in the owner directory');
    expect(run.stdout).not.toContain('\u001b');
    // Nobody cleared: nothing to lift.
    expect(run.stdout).not.toContain('suppression list');
  });
});
