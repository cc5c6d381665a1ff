/**
 * The owner directory's freshness never moves backwards, and never claims a
 * snapshot the rows may not hold (docs/deploy.md, "Owner directory"):
 * `owners import` refuses an export older than the recorded snapshot unless
 * `--allow-older`, and so does it a different export (another content digest)
 * than the one recorded as of the same `--as-of`; the freshness write is a
 * compare-and-swap on the freshness the import read (`asOf`, `contentDigest`,
 * `importedAt`), so an import during which another recorded its snapshot
 * reports `superseded`. Against DynamoDB Local, through the real CLI.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DynamoDBDocumentClient, NumberValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../cli/commands/owners';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DIRECTORY_FRESHNESS_ID } from '../../lambdas/hygiene/data-contract';
import { ownerExportDigest } from '../../lambdas/hygiene/owner-export-digest';
import type { ImportedOwner } from '../../lambdas/hygiene/owner-import-rows';
import { runInProcess } from '../support/in-process-cli';
import { type CliRun, directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';

const OLDEST = '2026-11-26T06:00:00.000Z';
const OLDER = '2026-11-28T06:00:00.000Z';
const NEWER = '2026-11-30T06:00:00.000Z';

/**
 * Number sets the document client reads mixed: DynamoDB returns a set's
 * numbers in ascending order, so the plain `number` comes first and the
 * `bigint` or `NumberValue` beyond 2^53 after it (each written here with that
 * one first, which the SDK can marshal); also nested in a list and a map.
 */
const MIXED_NUMBER_SETS: ReadonlyArray<[string, unknown]> = [
  ['a number set of a plain number and an integer beyond 2^53', new Set([12345678901234567890n, 1])],
  [
    'a number set of a plain number and one beyond 2^53 a double cannot hold',
    new Set([NumberValue.from('12345678901234567890.5'), 0.0000001]),
  ],
  [
    'such a number set inside a map inside a list',
    [{ ids: new Set([NumberValue.from('98765432109876543210.5'), 12345678901234567890n, 1e-7]) }],
  ],
];

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

const dir = useTempDir('owners-freshness');

/** Writes `text` to a new file named `*.ext` in the test folder: its path. */
async function newFile(ext: string, text: string): Promise<string> {
  const path = join(dir(), `${randomUUID().slice(0, 8)}.${ext}`);
  await writeFile(path, text);
  return path;
}

/** The owners of {@link exportFile}'s export. */
function exportOwners(annEmail: string, bobStatus: 'active' | 'departed'): ImportedOwner[] {
  return [
    { userId: 'ann', email: annEmail, name: 'Ann', status: 'active' },
    { userId: 'bob', email: 'bob@example.com', name: 'Bob', status: bobStatus },
  ];
}

/** The content digest of {@link exportFile}'s export. */
const digestOf = (annEmail: string, bobStatus: 'active' | 'departed') =>
  ownerExportDigest(exportOwners(annEmail, bobStatus));

/** A CSV export in which ann has `annEmail` and bob `bobStatus`. */
function exportFile(annEmail: string, bobStatus: 'active' | 'departed'): Promise<string> {
  return newFile(
    'csv',
    `userId,email,name,status\nann,${annEmail},Ann,active\nbob,bob@example.com,Bob,${bobStatus}\n`,
  );
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
    expect(await directory().freshness()).toMatchObject({
      asOf: NEWER,
      owners: 2,
      contentDigest: digestOf('ann@new.example.com', 'departed'),
    });
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
    expect(await directory().freshness()).toMatchObject({
      asOf: OLDER,
      owners: 2,
      contentDigest: digestOf('ann@old.example.com', 'active'),
    });
    const owners = await directory().getMany(['ann', 'bob']);
    expect(owners.get('ann')?.email).toBe('ann@old.example.com');
    expect(owners.get('bob')?.status).toBe('active');
  });

  it('re-importing the same snapshot is not older (an interrupted import can be finished)', async () => {
    const path = await exportFile('ann@example.com', 'active');
    expect((await importAsOf(path, NEWER)).code).toBe(0);

    const again = await importAsOf(path, NEWER);

    expect(again.code).toBe(0);
    expect(await directory().freshness()).toMatchObject({
      asOf: NEWER,
      owners: 2,
      contentDigest: digestOf('ann@example.com', 'active'),
    });
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
    expect(await directory().freshness()).toMatchObject({ asOf: OLDER, owners: 2 });
    expect((await directory().getMany(['ann'])).get('ann')?.email).toBe('ann@old.example.com');

    // Re-running the newest export re-plans against the owners as they are now.
    expect((await importAsOf(newer, NEWER)).code).toBe(0);
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, owners: 2 });
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
      `the directory's recorded snapshot instant (the number 20261130) is not a valid instant, so --as-of ${NEWER} cannot be shown to be newer; nothing written`,
    );
    expect(await directory().getMany(['ann'])).toEqual(new Map());

    const allowed = await importAsOf(path, NEWER, '--allow-older');

    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, owners: 2 });
  });

  it('names a stored asOf that is not a string sanitised', async () => {
    await damagedFreshness(['\u202e\u001b[2J']);

    const refused = await importAsOf(await exportFile('ann@example.com', 'active'), NEWER, '--dry-run');

    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      String.raw`snapshot instant (a list ["\u202e\u001b[2J"]) is not a valid instant`,
    );
    expect(refused.stderr).not.toContain('\u001b');
    expect(refused.stderr).not.toContain('\u202e');
  });
});

/** The same owners as {@link exportFile}'s, as JSON Lines, bob first, with a worker-recorded field an import ignores. */
function jsonlExportFile(annEmail: string, bobStatus: 'active' | 'departed'): Promise<string> {
  const [ann, bob] = exportOwners(annEmail, bobStatus);
  return newFile('jsonl', `${JSON.stringify(bob)}\n${JSON.stringify({ ...ann, subscription: 'pending' })}\n`);
}

describe('owners import: one export per --as-of', () => {
  const table = useTestDirectoryTable('owners-freshness-digest', 'each');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  const importAsOf = async (path: string, asOf: string, ...extra: string[]) =>
    runCli(['owners', 'import', path, ...directoryFlags(table), '--as-of', asOf, ...extra]);
  const importInProcess = (path: string, asOf: string, ...extra: string[]) =>
    runInProcess(registerOwnersCommand, [
      'owners',
      'import',
      path,
      ...directoryFlags(table),
      '--as-of',
      asOf,
      ...extra,
    ]);
  const first = digestOf('ann@first.example.com', 'departed');
  const second = digestOf('ann@second.example.com', 'active');

  /** Export 1 (ann's first address, bob departed) imported as of NEWER; export 2's file (same instant claimed). */
  async function firstImported(): Promise<{ firstFile: string; secondFile: string }> {
    const firstFile = await exportFile('ann@first.example.com', 'departed');
    expect((await importAsOf(firstFile, NEWER, '--sync')).code).toBe(0);
    return { firstFile, secondFile: await exportFile('ann@second.example.com', 'active') };
  }

  async function expectFirstExportRows(): Promise<void> {
    const owners = await directory().getMany(['ann', 'bob']);
    expect(owners.get('ann')?.email).toBe('ann@first.example.com');
    expect(owners.get('bob')?.status).toBe('departed');
  }

  it('refuses a different export as of the recorded instant (exit 3), naming both digests, writing nothing', async () => {
    const { secondFile } = await firstImported();

    const refused = await importAsOf(secondFile, NEWER, '--sync');

    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      `refused: the directory's snapshot as of ${NEWER} is a different export (content digest ` +
        `${first.slice(0, 12)}; this export's is ${second.slice(0, 12)}); nothing written`,
    );
    expect(refused.stderr).toContain('give this export its own instant with --as-of');
    expect(refused.stderr).toContain('re-run with --allow-older');
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, owners: 2, contentDigest: first });
    await expectFirstExportRows();
  });

  it('says the same in a dry run and in the JSON summary', async () => {
    const { secondFile } = await firstImported();

    const refused = await importAsOf(secondFile, NEWER, '--dry-run', '--format', 'json');

    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      outcome: 'older-snapshot',
      otherExport: true,
      asOf: NEWER,
      recordedAsOf: NEWER,
      contentDigest: second,
      recordedContentDigest: first,
    });
  });

  it('lets the same export through again, also as JSON Lines in another order', async () => {
    const { firstFile } = await firstImported();

    const again = await importAsOf(firstFile, NEWER, '--sync');
    const asJsonl = await importAsOf(await jsonlExportFile('ann@first.example.com', 'departed'), NEWER);

    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(asJsonl.stderr).toBe('');
    expect(asJsonl.code).toBe(0);
    expect(asJsonl.stdout).toContain(`directory as of ${NEWER}, 2 owner(s)`);
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, owners: 2, contentDigest: first });
  });

  it('lets an export through over a freshness recorded without a digest, and records its digest', async () => {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { userId: DIRECTORY_FRESHNESS_ID, asOf: NEWER, owners: 0, importedAt: NEWER },
      }),
    );

    const legacy = await importAsOf(await exportFile('ann@second.example.com', 'active'), NEWER);

    expect(legacy.stderr).toBe('');
    expect(legacy.code).toBe(0);
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, owners: 2, contentDigest: second });
  });

  it('with --allow-older replaces the export recorded as of the same instant', async () => {
    const { secondFile } = await firstImported();

    const allowed = await importAsOf(secondFile, NEWER, '--allow-older');

    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(
      `directory as of ${NEWER} (--allow-older: the directory's snapshot as of ${NEWER} is a different export`,
    );
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, owners: 2, contentDigest: second });
    const owners = await directory().getMany(['ann', 'bob']);
    expect(owners.get('ann')?.email).toBe('ann@second.example.com');
    expect(owners.get('bob')?.status).toBe('active');
  });

  it('refuses over a stored digest that is not a string, naming it, and --allow-older replaces it', async () => {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { userId: DIRECTORY_FRESHNESS_ID, asOf: NEWER, owners: 1, contentDigest: ['\u001b[2J'] },
      }),
    );
    const path = await exportFile('ann@second.example.com', 'active');

    const refused = await importAsOf(path, NEWER);

    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      String.raw`is a different export (content digest a list ["\u001b[2J"]; this export's is ${second.slice(0, 12)})`,
    );
    expect(refused.stderr).not.toContain('\u001b');
    expect(await directory().getMany(['ann'])).toEqual(new Map());

    const allowed = await importAsOf(path, NEWER, '--allow-older');

    expect(allowed.code).toBe(0);
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, contentDigest: second });
  });

  it.each(
    (['asOf', 'contentDigest', 'importedAt'] as const).flatMap((attribute) =>
      MIXED_NUMBER_SETS.map(([what, stored]) => [attribute, what, stored] as const),
    ),
  )(
    'records its snapshot over a stored %s that is %s, and writes the owners',
    async (attribute, _what, stored) => {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            userId: DIRECTORY_FRESHNESS_ID,
            asOf: NEWER,
            owners: 1,
            contentDigest: second,
            importedAt: OLDER,
            [attribute]: stored,
          },
        }),
      );
      // A stored asOf or digest that is not a string is refused unless --allow-older; importedAt is not judged.
      const allowOlder = attribute === 'importedAt' ? [] : ['--allow-older'];

      const run = await importAsOf(
        await exportFile('ann@second.example.com', 'active'),
        NEWER,
        ...allowOlder,
      );

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(await directory().freshness()).toMatchObject({ asOf: NEWER, owners: 2, contentDigest: second });
      const owners = await directory().getMany(['ann', 'bob']);
      expect(owners.get('ann')?.email).toBe('ann@second.example.com');
      expect(owners.get('bob')?.status).toBe('active');
    },
  );

  it('a re-run of the recorded export during which another export as of the same instant is recorded reports superseded', async () => {
    const { firstFile, secondFile } = await firstImported();
    // A (a re-run of export 1) has planned and written; B (export 2, --allow-older) runs in full before A's freshness write.
    let b: CliRun | undefined;
    beforeFreshnessWrite.run = async () => {
      b = await importAsOf(secondFile, NEWER, '--allow-older');
    };

    const a = await importInProcess(firstFile, NEWER);

    expect(beforeFreshnessWrite.run).toBeUndefined();
    expect(b?.code).toBe(0);
    expect(a.exitCode).toBe(1);
    // Neither is newer: the advice is --allow-older, not "the newest export" (a plain re-run would be refused).
    expect(a.stderr).toContain(
      `but another import recorded a snapshot as of the same instant (${NEWER}) while this one ran, so this one's ` +
        'was not recorded',
    );
    expect(a.stderr).toContain(
      'neither is newer: to make this export the recorded one, re-run it with --allow-older; to keep the other, ' +
        're-run that one',
    );
    expect(a.stderr).not.toContain('newest export');
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, contentDigest: second });

    // As advised: a plain re-run is refused as another export; with --allow-older it is recorded.
    expect((await importAsOf(firstFile, NEWER)).code).toBe(3);
    const again = await importAsOf(firstFile, NEWER, '--allow-older');
    expect(again.code).toBe(0);
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, contentDigest: first });
    await expectFirstExportRows();
  });

  it('an import during which a re-run records the very asOf and digest it read reports superseded', async () => {
    const { firstFile, secondFile } = await firstImported();
    // B (export 2, --allow-older) has written its owners; A (a re-run of export 1) runs in full, writing export 1's
    // owners back and recording the asOf and digest B read, before B's freshness write.
    let a: CliRun | undefined;
    beforeFreshnessWrite.run = async () => {
      a = await importAsOf(firstFile, NEWER);
    };

    const b = await importInProcess(secondFile, NEWER, '--allow-older');

    expect(beforeFreshnessWrite.run).toBeUndefined();
    expect(a?.code).toBe(0);
    expect(b.exitCode).toBe(1);
    expect(b.stderr).toContain('but another import recorded a snapshot as of the same instant');
    expect(b.stderr).toContain('re-run it with --allow-older');
    // The rows are export 1's again, and so is the freshness: never export 2's digest over export 1's rows.
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, contentDigest: first });
    await expectFirstExportRows();
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
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, owners: 9 });
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
    expect(refused.olderReason).toContain('("yesterday") is not a valid instant');
    expect(await directory().getMany(['ann'])).toEqual(new Map());

    const allowed = await importOwnerFile(table.client, { ...request(file, NEWER), allowOlder: true });
    expect(allowed).toMatchObject({ outcome: 'imported', olderAllowed: true, created: 2 });
    expect(await directory().freshness()).toMatchObject({ asOf: NEWER, owners: 2 });
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

describe('DynamoOwnerDirectory.recordFreshness: a compare-and-swap on the freshness read', () => {
  const table = useTestDirectoryTable('owners-freshness-store', 'each');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);

  it('writes only while the stored asOf is the one read (none: still none), forwards or back', async () => {
    const first = '2026-12-01T00:00:01.000Z';
    expect(await directory().recordFreshness({ asOf: OLDER, owners: 4 }, first)).toBe(true);
    // Read "never imported", but one was recorded since: even a newer snapshot loses.
    expect(await directory().recordFreshness({ asOf: NEWER, owners: 5 }, '2026-12-01T00:00:02.000Z')).toBe(
      false,
    );
    const older = await directory().freshness();
    expect(older).toEqual({ asOf: OLDER, owners: 4, importedAt: first });

    const at = '2026-12-01T00:00:03.000Z';
    expect(await directory().recordFreshness({ asOf: NEWER, owners: 5 }, at, { replacing: older })).toBe(
      true,
    );
    // A stale read (OLDER) loses; the current one wins, also going back (--allow-older).
    expect(await directory().recordFreshness({ asOf: OLDEST, owners: 3 }, at, { replacing: older })).toBe(
      false,
    );
    const newer = await directory().freshness();
    expect(newer).toEqual({ asOf: NEWER, owners: 5, importedAt: at });
    expect(await directory().recordFreshness({ asOf: OLDEST, owners: 3 }, at, { replacing: newer })).toBe(
      true,
    );
    expect(await directory().freshness()).toEqual({ asOf: OLDEST, owners: 3, importedAt: at });
  });

  it('swaps only while the stored content digest and importedAt are the ones read too', async () => {
    const first = { asOf: NEWER, owners: 2, contentDigest: 'a'.repeat(64) };
    expect(await directory().recordFreshness(first, '2026-12-01T00:00:01.000Z')).toBe(true);
    const read = await directory().freshness();
    expect(read).toEqual({ ...first, importedAt: '2026-12-01T00:00:01.000Z' });

    // Another export as of the same asOf recorded meanwhile: a swap on the read loses.
    const other = { ...first, contentDigest: 'b'.repeat(64) };
    expect(await directory().recordFreshness(other, '2026-12-01T00:00:02.000Z', { replacing: read })).toBe(
      true,
    );
    expect(await directory().recordFreshness(first, '2026-12-01T00:00:03.000Z', { replacing: read })).toBe(
      false,
    );
    // The read asOf and digest recorded again by a later import (a re-run): a swap on the older read still loses.
    const other2 = await directory().freshness();
    expect(await directory().recordFreshness(first, '2026-12-01T00:00:04.000Z', { replacing: other2 })).toBe(
      true,
    );
    expect(await directory().recordFreshness(other, '2026-12-01T00:00:05.000Z', { replacing: read })).toBe(
      false,
    );
    expect(await directory().freshness()).toEqual({ ...first, importedAt: '2026-12-01T00:00:04.000Z' });
  });

  it.each<[string, unknown]>([['a number', 5], ['a list', ['x']], ['null', null], ...MIXED_NUMBER_SETS])(
    'reads a stored contentDigest and importedAt that are %s as they are, and swaps only on them',
    async (_what, stored) => {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            userId: DIRECTORY_FRESHNESS_ID,
            asOf: NEWER,
            owners: 1,
            contentDigest: stored,
            importedAt: stored,
          },
        }),
      );
      const read = await directory().freshness();
      expect(read).toEqual({
        asOf: NEWER,
        owners: 1,
        invalidContentDigest: stored,
        invalidImportedAt: stored,
      });
      const next = { asOf: NEWER, owners: 2, contentDigest: 'c'.repeat(64) };
      const at = '2026-12-01T00:00:01.000Z';

      expect(await directory().recordFreshness(next, at, { replacing: { asOf: NEWER, owners: 1 } })).toBe(
        false,
      );
      expect(await directory().recordFreshness(next, at, { replacing: read })).toBe(true);
      expect(await directory().freshness()).toEqual({ ...next, importedAt: at });
    },
  );

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
    ...MIXED_NUMBER_SETS,
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
    expect(await directory().recordFreshness(next, at, { replacing: { invalidAsOf: 'x', owners: 1 } })).toBe(
      false,
    );
    expect(await directory().recordFreshness(next, at, { replacing: read })).toBe(true);
    expect(await directory().freshness()).toEqual({ ...next, importedAt: at });
  });
});
