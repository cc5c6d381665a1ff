/**
 * Moving an owner directory keeps its snapshot instant (docs/deploy.md, "Owner directory", moving a directory):
 * `owners export` writes the source's recorded `asOf` on each line (`directoryAsOf`) and says it on stderr, and
 * `owners import` of that file records it, so a moved export older than the HR snapshot the target already recorded
 * is refused (exit 3, nothing changed) instead of bringing back older addresses and statuses under a fresh-looking
 * instant, and a round trip keeps the instant. The CLI as an operator runs it, on DynamoDB Local.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { type TestDirectoryTable, useTestDirectoryTable } from '../support/test-directory-table';
import { upsertNewOwners } from './support/sns-wire';

const SOURCE_AS_OF = '2026-11-25T00:00:00.000Z';
const TARGET_AS_OF = '2026-12-05T00:00:00.000Z';
const csv = (...rows: string[]) => `userId,email,name,status\n${rows.join('\n')}\n`;

describe('owners export, then owners import elsewhere: the snapshot instant moves with the file', () => {
  const source = useTestDirectoryTable('as-of-source', 'each');
  const target = useTestDirectoryTable('as-of-target', 'each');
  const dir = useTempDir('owners-export-as-of');

  const write = async (name: string, text: string) => {
    const path = join(dir(), name);
    await writeFile(path, text);
    return path;
  };
  const importInto = async (table: TestDirectoryTable, path: string, ...flags: string[]) =>
    runCli(['owners', 'import', path, ...directoryFlags(table), ...flags]);
  const exportOf = (table: TestDirectoryTable) => runCli(['owners', 'export', ...directoryFlags(table)]);
  const directory = (table: TestDirectoryTable) => new DynamoOwnerDirectory(table.client, table.tableName);

  /** The source as of 25 November: ada at her old address, bob departed. */
  async function sourceAsOf25November(): Promise<void> {
    const hr = await write(
      'src.csv',
      csv('u1,ada@example.com,Ada,active', 'u4,bob@example.com,Bob,departed'),
    );
    expect((await importInto(source, hr, '--as-of', SOURCE_AS_OF)).code).toBe(0);
  }

  /** `owners export` of the source into a file; its stderr summary. */
  async function exportSource(): Promise<{ path: string; stderr: string; lines: Record<string, unknown>[] }> {
    const exported = await exportOf(source);
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { path: await write('moved.jsonl', exported.stdout), stderr: exported.stderr, lines };
  }

  it('refuses (exit 3) a moved export older than the HR snapshot the target recorded, changing nothing', async () => {
    await sourceAsOf25November();
    const moved = await exportSource();
    // the target's own HR import, a later snapshot: ada moved, bob active again
    const later = await write(
      'later.csv',
      csv('u1,ada-new@example.com,Ada,active', 'u4,bob@example.com,Bob,active'),
    );
    expect((await importInto(target, later, '--as-of', TARGET_AS_OF)).code).toBe(0);
    const before = await directory(target).listOwners();

    const run = await importInto(target, moved.path);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `refused: the export's directoryAsOf ${SOURCE_AS_OF} is older than the directory's snapshot (as of ` +
        `${TARGET_AS_OF}); nothing written`,
    );
    expect(await directory(target).listOwners()).toEqual(before);
    expect(await directory(target).freshness()).toMatchObject({ asOf: TARGET_AS_OF });
  });

  it('keeps the instant on a round trip: each line carries it, stderr says it, the target records it', async () => {
    await sourceAsOf25November();

    const moved = await exportSource();

    expect(moved.lines.map((line) => line.directoryAsOf)).toEqual([SOURCE_AS_OF, SOURCE_AS_OF]);
    expect(moved.stderr).toBe(
      `exported 2 owner(s) from ${source.tableName}, directory as of ${SOURCE_AS_OF} (on each line as ` +
        'directoryAsOf: owners import records it, so give no --as-of)\n',
    );
    const run = await importInto(target, moved.path, '--format', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: 'imported',
      created: 2,
      asOf: SOURCE_AS_OF,
      asOfFrom: 'export',
    });
    expect(await directory(target).freshness()).toMatchObject({ asOf: SOURCE_AS_OF, owners: 2 });
    // and again from the target: the same instant, the same owners (a re-import of it is the same export)
    const again = await exportOf(target);
    const path = await write('again.jsonl', again.stdout);
    const rerun = await importInto(target, path);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(
      `directory as of ${SOURCE_AS_OF} (the export's directoryAsOf), 2 owner(s)`,
    );
  });

  it('carries no instant from a directory with no snapshot recorded, says so, and the import then needs --as-of', async () => {
    await upsertNewOwners(
      directory(source),
      [{ userId: 'u1', email: 'ada@example.com', status: 'active' }],
      SOURCE_AS_OF,
    );

    const moved = await exportSource();

    expect(moved.lines[0]).not.toHaveProperty('directoryAsOf');
    expect(moved.stderr).toContain(
      'no snapshot recorded (never imported in full), so the lines carry no directoryAsOf: owners import of this ' +
        'file needs --as-of',
    );
    const refused = await importInto(target, moved.path);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("give --as-of with the exported directory's asOf");
    expect(await directory(target).listOwners()).toEqual([]);
    expect((await importInto(target, moved.path, '--as-of', SOURCE_AS_OF)).code).toBe(0);
  });
});
