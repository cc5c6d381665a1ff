/**
 * The owner directory's freshness never moves backwards, and never claims a
 * snapshot the rows may not hold (docs/deploy.md, "Owner directory"):
 * `owners import` refuses an export older than the recorded snapshot unless
 * `--allow-older`, and the freshness write is a compare-and-swap on the
 * freshness the import read, so an import during which another recorded its
 * snapshot reports `superseded`. Against DynamoDB Local, through the real CLI.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBDocumentClient, NumberValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../cli/commands/owners';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DIRECTORY_FRESHNESS_ID } from '../../lambdas/hygiene/data-contract';
import { runInProcess } from '../support/in-process-cli';
import { type CliRun, directoryFlags, runCli } from '../support/run-cli';
import { useTestDirectoryTable } from '../support/test-directory-table';

const OLDEST = '2026-11-26T06:00:00.000Z';
const OLDER = '2026-11-28T06:00:00.000Z';
const NEWER = '2026-11-30T06:00:00.000Z';

/** Runs once, the next time a client built by the CLI (in process) is about to write the freshness item. */
const beforeFreshnessWrite = vi.hoisted(() => ({ run: undefined as (() => Promise<void>) | undefined }));
vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  return hookDocumentClients(await importOriginal(), (client) => {
    if (beforeFreshnessWrite.run !== undefined) pauseBeforeFreshnessWrite(client);
  });
});

/** The one call of a middleware stack used here (its generic types are the client's). */
interface InitializeMiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}
type Next = (args: { input: { Item?: Record<string, unknown> } }) => Promise<unknown>;

/** Holds `client`'s first `PutItem` of the freshness item until {@link beforeFreshnessWrite} has run. */
function pauseBeforeFreshnessWrite(client: DynamoDBDocumentClient): void {
  (client.middlewareStack as unknown as InitializeMiddlewareStack).add(
    (next: Next, context: { commandName?: string }) => async (args: Parameters<Next>[0]) => {
      const run = beforeFreshnessWrite.run;
      if (
        context.commandName === 'PutItemCommand' &&
        args.input.Item?.userId === DIRECTORY_FRESHNESS_ID &&
        run
      ) {
        beforeFreshnessWrite.run = undefined;
        await run();
      }
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'pauseBeforeFreshnessWrite' },
  );
}

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

  it('an import during which another recorded its snapshot reports superseded (exit 1) and records nothing', async () => {
    expect((await importAsOf(await exportFile('ann@oldest.example.com', 'active'), OLDEST)).code).toBe(0);
    const newer = await exportFile('ann@new.example.com', 'departed');
    const older = await exportFile('ann@old.example.com', 'active');
    // A (the newer export) has written its owners; B (older than A, newer than OLDEST) runs in full before A's freshness write.
    let b: CliRun | undefined;
    beforeFreshnessWrite.run = async () => {
      b = await importAsOf(older, OLDER);
    };

    const a = await runInProcess(registerOwnersCommand, [
      'owners',
      'import',
      newer,
      ...directoryFlags(table),
      '--as-of',
      NEWER,
    ]);

    expect(beforeFreshnessWrite.run).toBeUndefined();
    expect(b?.code).toBe(0);
    expect(a.exitCode).toBe(1);
    expect(a.stdout).toBe('');
    expect(a.stderr).toContain(
      `but another import recorded its snapshot (as of ${OLDER}) while this one ran, so this one's (as of ${NEWER}) was not recorded`,
    );
    expect(a.stderr).toContain('re-run the import of the newest export');
    // B overwrote A's owners: the freshness says so (OLDER), never NEWER over B's rows.
    expect(await directory().freshness()).toEqual({ asOf: OLDER, owners: 2 });
    expect((await directory().getMany(['ann'])).get('ann')?.email).toBe('ann@old.example.com');

    // Re-running the newest export re-plans against the owners as they are now.
    expect((await importAsOf(newer, NEWER)).code).toBe(0);
    expect(await directory().freshness()).toEqual({ asOf: NEWER, owners: 2 });
    const owners = await directory().getMany(['ann', 'bob']);
    expect(owners.get('ann')?.email).toBe('ann@new.example.com');
    expect(owners.get('bob')?.status).toBe('departed');
  });

  /** A freshness item whose `asOf` is `asOf` (a damaged item), as stored. */
  const damagedFreshness = (asOf: unknown) =>
    table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { userId: DIRECTORY_FRESHNESS_ID, asOf, owners: 1 },
      }),
    );

  it('refuses over a stored asOf that is not a string (exit 3), naming it, and --allow-older replaces it', async () => {
    await damagedFreshness(20261130);
    const path = await exportFile('ann@example.com', 'active');

    const refused = await importAsOf(path, NEWER);

    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `the directory's recorded snapshot instant the number 20261130 is not a valid instant, so --as-of ${NEWER} cannot be shown to be newer; nothing written`,
    );
    expect(await directory().getMany(['ann'])).toEqual(new Map());

    const allowed = await importAsOf(path, NEWER, '--allow-older');

    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    expect(await directory().freshness()).toEqual({ asOf: NEWER, owners: 2 });
  });

  it('names a stored asOf that is not a string sanitised', async () => {
    await damagedFreshness(['\u202e\u001b[2J']);

    const refused = await importAsOf(await exportFile('ann@example.com', 'active'), NEWER, '--dry-run');

    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      String.raw`snapshot instant a list ["\u202e\u001b[2J"] is not a valid instant`,
    );
    expect(refused.stderr).not.toContain('\u001b');
    expect(refused.stderr).not.toContain('\u202e');
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

  it('reports superseded when another import records its snapshot while it writes, and leaves that freshness', async () => {
    const file = await exportFile('ann@old.example.com', 'active');
    // The concurrent import records its freshness just before this one tries to.
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

  it('describes a stored asOf that is not a string in the summary (recordedAsOf, JSON-safe)', async () => {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { userId: DIRECTORY_FRESHNESS_ID, asOf: { at: NEWER }, owners: 1 },
      }),
    );

    const refused = await importOwnerFile(
      table.client,
      request(await exportFile('a@x.example', 'active'), NEWER),
    );

    expect(refused).toMatchObject({ outcome: 'older-snapshot', recordedAsOf: `a map {"at":"${NEWER}"}` });
  });
});

describe('DynamoOwnerDirectory.recordFreshness: a compare-and-swap on the asOf read', () => {
  const table = useTestDirectoryTable('owners-freshness-store', 'each');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);

  it('writes only while the stored asOf is the one read (none: still none), forwards or back', async () => {
    expect(await directory().recordFreshness({ asOf: OLDER, owners: 4 }, '2026-12-01T00:00:01.000Z')).toBe(
      true,
    );
    // Read "never imported", but one was recorded since: even a newer snapshot loses.
    expect(await directory().recordFreshness({ asOf: NEWER, owners: 5 }, '2026-12-01T00:00:02.000Z')).toBe(
      false,
    );
    expect(await directory().freshness()).toEqual({ asOf: OLDER, owners: 4 });

    const at = '2026-12-01T00:00:03.000Z';
    expect(await directory().recordFreshness({ asOf: NEWER, owners: 5 }, at, { replacing: OLDER })).toBe(
      true,
    );
    // A stale read (OLDER) loses; the current one wins, also going back (--allow-older).
    expect(await directory().recordFreshness({ asOf: OLDEST, owners: 3 }, at, { replacing: OLDER })).toBe(
      false,
    );
    expect(await directory().freshness()).toEqual({ asOf: NEWER, owners: 5 });
    expect(await directory().recordFreshness({ asOf: OLDEST, owners: 3 }, at, { replacing: NEWER })).toBe(
      true,
    );
    expect(await directory().freshness()).toEqual({ asOf: OLDEST, owners: 3 });
  });

  it.each<[string, unknown]>([
    ['a number', 20261130],
    ['a number a double cannot hold', NumberValue.from('1.00000000000000000001')],
    ['an integer beyond 2^53', 12345678901234567890n],
    ['a map', { at: NEWER, by: ['x'] }],
    ['a list', [NEWER, 1]],
    ['a string set', new Set([NEWER, OLDER])],
    ['a number set', new Set([3, 1, 2])],
    ['binary', new Uint8Array([1, 2, 3])],
    ['a boolean', true],
    ['null', null],
  ])('reads a stored asOf that is %s as it is, and swaps only on it', async (_what, stored) => {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { userId: DIRECTORY_FRESHNESS_ID, asOf: stored, owners: 1 },
      }),
    );
    const read = await directory().freshness();
    expect(read).toEqual({ invalidAsOf: stored, owners: 1 });
    const next = { asOf: NEWER, owners: 2 };
    const at = '2026-12-01T00:00:01.000Z';

    expect(await directory().recordFreshness(next, at)).toBe(false);
    expect(await directory().recordFreshness(next, at, { replacing: 'something else' })).toBe(false);
    expect(await directory().recordFreshness(next, at, { replacing: read?.invalidAsOf })).toBe(true);
    expect(await directory().freshness()).toEqual(next);
  });
});
