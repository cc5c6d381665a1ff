/**
 * The owner directory's freshness never moves backwards (docs/deploy.md,
 * "Owner directory"): `owners import` refuses an export older than the
 * recorded snapshot unless `--allow-older`, and the freshness write itself is
 * conditional, so a slower import of an older export loses to a newer one
 * recorded meanwhile. Against DynamoDB Local, through the real CLI.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DIRECTORY_FRESHNESS_ID } from '../../lambdas/hygiene/data-contract';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTestDirectoryTable } from '../support/test-directory-table';

const OLDER = '2026-11-28T06:00:00.000Z';
const NEWER = '2026-11-30T06:00:00.000Z';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'owners-freshness-'));
});

/** A CSV export in which ann has `annEmail` and bob `bobStatus`. */
async function exportFile(annEmail: string, bobStatus: 'active' | 'departed'): Promise<string> {
  const path = join(dir, `${randomUUID().slice(0, 8)}.csv`);
  await writeFile(
    path,
    `userId,email,name,status\nann,${annEmail},Ann,active\nbob,bob@example.com,Bob,${bobStatus}\n`,
  );
  return path;
}

describe('owners import: freshness never moves backwards', () => {
  const table = useTestDirectoryTable('owners-freshness', 'each');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  const importAsOf = async (path: string, asOf: string, ...extra: string[]) =>
    runCli(['owners', 'import', path, ...directoryFlags(table), '--as-of', asOf, ...extra]);

  /** The newer export (ann's new address, bob departed) imported as of NEWER; the older one's file. */
  async function newerImported(): Promise<string> {
    const newer = await importAsOf(await exportFile('ann@new.example.com', 'departed'), NEWER);
    expect(newer.code).toBe(0);
    return exportFile('ann@old.example.com', 'active');
  }

  it('refuses an export older than the recorded snapshot (exit 3), naming both instants, writing nothing', async () => {
    const older = await importAsOf(await newerImported(), OLDER);

    expect(older.code).toBe(3);
    expect(older.stderr).toContain(
      `--as-of ${OLDER} is older than the directory's snapshot (as of ${NEWER}); nothing written`,
    );
    expect(older.stderr).toContain('--allow-older');
    expect(await directory().freshness()).toEqual({ asOf: NEWER, owners: 2 });
    const owners = await directory().getMany(['ann', 'bob']);
    expect(owners.get('ann')?.email).toBe('ann@new.example.com');
    expect(owners.get('bob')?.status).toBe('departed');
  });

  it('a dry run of an older export says the same and exits 3', async () => {
    const older = await importAsOf(await newerImported(), OLDER, '--dry-run', '--format', 'json');

    expect(older.code).toBe(3);
    expect(JSON.parse(older.stdout)).toMatchObject({
      outcome: 'older-snapshot',
      asOf: OLDER,
      recordedAsOf: NEWER,
    });
  });

  it('with --allow-older loads the older export and moves the freshness back to its instant', async () => {
    const older = await importAsOf(await newerImported(), OLDER, '--allow-older');

    expect(older.stderr).toBe('');
    expect(older.code).toBe(0);
    expect(older.stdout).toContain(
      `directory as of ${OLDER} (--allow-older: --as-of ${OLDER} is older than the directory's snapshot (as of ${NEWER}))`,
    );
    expect(await directory().freshness()).toEqual({ asOf: OLDER, owners: 2 });
    const owners = await directory().getMany(['ann', 'bob']);
    expect(owners.get('ann')?.email).toBe('ann@old.example.com');
    expect(owners.get('bob')?.status).toBe('active');
  });

  it('re-importing the same snapshot is not older (an interrupted import can be finished)', async () => {
    const path = await exportFile('ann@example.com', 'active');
    expect((await importAsOf(path, NEWER)).code).toBe(0);

    const again = await importAsOf(path, NEWER);

    expect(again.code).toBe(0);
    expect(await directory().freshness()).toEqual({ asOf: NEWER, owners: 2 });
  });
});

describe('importOwnerFile racing another import', () => {
  const table = useTestDirectoryTable('owners-freshness-race', 'each');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  const request = (file: string, asOf: string) => ({
    table: table.tableName,
    file,
    asOf,
    now: '2026-12-01T00:00:00.000Z',
    maxDeletePercent: 10,
  });

  it('reports superseded when a newer snapshot is recorded while it writes, and leaves that freshness', async () => {
    const file = await exportFile('ann@old.example.com', 'active');
    // The concurrent import of the newer export records its freshness just before this one tries to.
    let raced = false;
    const racing = new Proxy(table.client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
          if (command instanceof PutCommand && !raced) {
            raced = true;
            await directory().recordFreshness({ asOf: NEWER, owners: 9 }, '2026-12-01T00:00:00.500Z');
          }
          return target.send(command);
        };
      },
    });

    const summary = await importOwnerFile(racing, request(file, OLDER));

    expect(raced).toBe(true);
    expect(summary).toMatchObject({ outcome: 'superseded', asOf: OLDER, supersededBy: NEWER, created: 2 });
    expect(summary).not.toHaveProperty('recordedAsOf');
    expect(await directory().freshness()).toEqual({ asOf: NEWER, owners: 9 });
  });

  it('refuses over a recorded instant it cannot read, and replaces it with --allow-older', async () => {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { userId: DIRECTORY_FRESHNESS_ID, asOf: 'yesterday', owners: 1 },
      }),
    );
    const file = await exportFile('ann@example.com', 'active');

    const refused = await importOwnerFile(table.client, request(file, NEWER));
    expect(refused).toMatchObject({ outcome: 'older-snapshot', recordedAsOf: 'yesterday', created: 0 });
    expect(refused.olderReason).toContain('"yesterday" is not a valid instant');
    expect(await directory().getMany(['ann'])).toEqual(new Map());

    const allowed = await importOwnerFile(table.client, { ...request(file, NEWER), allowOlder: true });
    expect(allowed).toMatchObject({ outcome: 'imported', olderAllowed: true, created: 2 });
    expect(await directory().freshness()).toEqual({ asOf: NEWER, owners: 2 });
  });
});

describe('DynamoOwnerDirectory.recordFreshness: a conditional write that never goes back', () => {
  const table = useTestDirectoryTable('owners-freshness-store', 'each');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);

  it('loses to a newer snapshot recorded by a concurrent import, and says so', async () => {
    // Both imports read "never imported"; the newer one records first.
    expect(await directory().recordFreshness({ asOf: NEWER, owners: 5 }, '2026-12-01T00:00:01.000Z')).toBe(
      true,
    );

    const written = await directory().recordFreshness({ asOf: OLDER, owners: 4 }, '2026-12-01T00:00:02.000Z');

    expect(written).toBe(false);
    expect(await directory().freshness()).toEqual({ asOf: NEWER, owners: 5 });
  });

  it('records a newer or the same snapshot', async () => {
    expect(await directory().recordFreshness({ asOf: OLDER, owners: 4 }, '2026-12-01T00:00:01.000Z')).toBe(
      true,
    );
    expect(await directory().recordFreshness({ asOf: OLDER, owners: 5 }, '2026-12-01T00:00:02.000Z')).toBe(
      true,
    );
    expect(await directory().recordFreshness({ asOf: NEWER, owners: 6 }, '2026-12-01T00:00:03.000Z')).toBe(
      true,
    );
    expect(await directory().freshness()).toEqual({ asOf: NEWER, owners: 6 });
  });

  it('goes back only from the snapshot the override was given for (replacing), never from a newer one', async () => {
    await directory().recordFreshness({ asOf: NEWER, owners: 5 }, '2026-12-01T00:00:01.000Z');
    const later = '2026-12-01T06:00:00.000Z';
    await directory().recordFreshness({ asOf: later, owners: 7 }, '2026-12-01T00:00:02.000Z');

    const stale = await directory().recordFreshness({ asOf: OLDER, owners: 4 }, '2026-12-01T00:00:03.000Z', {
      replacing: NEWER,
    });
    expect(stale).toBe(false);
    expect(await directory().freshness()).toEqual({ asOf: later, owners: 7 });

    const current = await directory().recordFreshness(
      { asOf: OLDER, owners: 4 },
      '2026-12-01T00:00:04.000Z',
      {
        replacing: later,
      },
    );
    expect(current).toBe(true);
    expect(await directory().freshness()).toEqual({ asOf: OLDER, owners: 4 });
  });
});
