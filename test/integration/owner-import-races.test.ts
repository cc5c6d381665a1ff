/**
 * Two `owners import`s at once never damage an owner (docs/data-model.md,
 * "Owner directory": a route state belongs to an address): every owner write
 * holds only while the owner is as the import read them — a new owner still
 * absent, an existing one at the address read — else the owner is read again
 * and re-planned, and the summary counts what was written. The real import use
 * case on DynamoDB Local; the other import (and the reconciler recording a
 * state for its address) runs between this import's read of the directory
 * and its writes, by hooking the client's requests.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { hookSends } from '../support/send-hooks';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';

const A = 'ada@example.com';
const B = 'ada@new.example';
const ARN_B = 'arn:aws:sns:eu-west-1:123456789012:hygiene-races:b';
const T0 = '2026-11-01T00:00:00.000Z';
const OLDER = '2026-11-02T00:00:00.000Z';
const NEWER = '2026-11-03T00:00:00.000Z';
const NEWEST = '2026-11-04T00:00:00.000Z';

describe('owners import racing another import', () => {
  const table = useTestDirectoryTable('owner-import-races', 'each');
  const dir = useTempDir('owner-import-races');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  let files = 0;

  /** Imports `rows` (`userId,email,name,status` lines) as of `asOf`. */
  const importRows = async (asOf: string, ...rows: string[]) => {
    files += 1;
    const file = join(dir(), `owners-${files}.csv`);
    await writeFile(file, `userId,email,name,status\n${rows.join('\n')}\n`);
    return importOwnerFile(table.client, {
      table: table.tableName,
      file,
      asOf,
      now: asOf,
      maxDeletePercent: 100,
    });
  };
  /** Runs `meanwhile` once, right after the import's read of the directory (its Scan) is back. */
  const afterTheRead = (meanwhile: () => Promise<void>) => {
    let ran = false;
    return hookSends(table.client, {
      after: async (command) => {
        if (ran || !(command instanceof ScanCommand)) return;
        ran = true;
        await meanwhile();
      },
    });
  };
  const owner = async (userId: string) => (await directory().getMany([userId])).get(userId);
  /** What the reconciler records once it subscribed `userId` at `email`. */
  const subscribed = (userId: string, email: string) =>
    directory().recordSubscription({ userId, email, state: 'pending', subscriptionArn: ARN_B, read: {} });

  it('never writes an owner back to the address it read with the route state of the one another import moved them to', async () => {
    await importRows(T0, `ada,${A},Ada,active`);
    // X (an older export: ada at a, renamed) reads; Y (a newer one: ada at b) moves her, the reconciler subscribes b
    const spy = afterTheRead(async () => {
      expect((await importRows(NEWER, `ada,${B},Ada,active`)).outcome).toBe('imported');
      expect(await subscribed('ada', B)).toBe(true);
      expect(await directory().markBouncing('ada', B, NEWER)).toBe(true);
    });
    const x = await importRows(OLDER, `ada,${A},Ada Lovelace,active`).finally(() => spy.mockRestore());

    // X re-planned from b: its a is a move with its own reset, so no state of b's is left at a
    expect(await owner('ada')).toEqual({
      userId: 'ada',
      email: A,
      name: 'Ada Lovelace',
      status: 'active',
      updatedAt: OLDER,
    });
    // the freshness compare-and-swap settles which export the directory holds: Y's; re-running it restores b
    expect(x).toMatchObject({ outcome: 'superseded', supersededBy: NEWER, created: 0, updated: 1 });
    expect((await importRows(NEWER, `ada,${B},Ada,active`)).outcome).toBe('imported');
    expect(await owner('ada')).toEqual({
      userId: 'ada',
      email: B,
      name: 'Ada',
      status: 'active',
      updatedAt: NEWER,
    });
  });

  it('never merges a new owner into one another import created meanwhile, and counts it as the update it became', async () => {
    await importRows(T0, `ada,${A},Ada,active`);
    // X plans cy as new; Y creates cy at another address, and the reconciler subscribes it
    const spy = afterTheRead(async () => {
      expect((await importRows(NEWER, `ada,${A},Ada,active`, `cy,${B},Cy,active`)).outcome).toBe('imported');
      expect(await subscribed('cy', B)).toBe(true);
    });
    const x = await importRows(OLDER, `ada,${A},Ada,active`, 'cy,cy@example.com,Cy,active').finally(() =>
      spy.mockRestore(),
    );

    expect(await owner('cy')).toEqual({
      userId: 'cy',
      email: 'cy@example.com',
      name: 'Cy',
      status: 'active',
      updatedAt: OLDER,
    });
    expect(x).toMatchObject({ outcome: 'superseded', created: 0, updated: 1, unchanged: 1 });
  });

  it('writes nothing for a new owner another import created just as this one would, counting them unchanged', async () => {
    await importRows(T0, `ada,${A},Ada,active`);
    // dan created meanwhile exactly as this import has him (and subscribed): no freshness recorded by that write
    const spy = afterTheRead(async () => {
      await directory().upsertOwners(
        [
          {
            owner: { userId: 'dan', email: B, name: 'Dan', status: 'active' },
            existed: false,
            resetRoute: false,
          },
        ],
        T0,
      );
      expect(await subscribed('dan', B)).toBe(true);
    });
    const x = await importRows(
      OLDER,
      `ada,${A},Ada,active`,
      `dan,${B},Dan,active`,
      'eve,,Eve,active',
    ).finally(() => spy.mockRestore());

    expect(x).toMatchObject({ outcome: 'imported', created: 1, updated: 0, unchanged: 2, owners: 3 });
    expect(await owner('dan')).toMatchObject({ email: B, subscription: 'pending', updatedAt: T0 });
    const listed = await directory().listOwners();
    expect(listed).toHaveLength(3);
    expect(await directory().freshness()).toMatchObject({ asOf: OLDER, owners: listed.length });
  });

  it('never erases an opt-out remembered while other imports moved the owner away and back', async () => {
    const C = 'ada@third.example';
    await importRows(T0, `ada,${A},Ada,active`);
    // X (ada to c) reads; meanwhile Y moves her to b, she opts out there, and Z moves her back to a:
    // the same address and state as X read, with b's opt-out remembered in between
    const spy = afterTheRead(async () => {
      expect((await importRows(NEWER, `ada,${B},Ada,active`)).outcome).toBe('imported');
      expect(
        await directory().recordSubscription({ userId: 'ada', email: B, state: 'unsubscribed', read: {} }),
      ).toBe(true);
      expect((await importRows(NEWEST, `ada,${A},Ada,active`)).outcome).toBe('imported');
      expect(await owner('ada')).toMatchObject({ email: A, optedOutAddresses: [optedOutAddressDigest(B)] });
    });
    await importRows(OLDER, `ada,${C},Ada,active`).finally(() => spy.mockRestore());

    // X's move was refused (ada written since it read her) and re-planned: b's opt-out kept
    expect(await owner('ada')).toMatchObject({ email: C, optedOutAddresses: [optedOutAddressDigest(B)] });
    expect((await owner('ada'))?.subscription).toBeUndefined();
    // so moved to b again, she is unsubscribed there
    await importRows('2026-11-05T00:00:00.000Z', `ada,${B},Ada,active`);
    expect((await owner('ada'))?.subscription).toBe('unsubscribed');
  });
});
