/**
 * `pc-hygiene owners import --sync` and who departs, against DynamoDB Local
 * (docs/deploy.md, "Owner directory"):
 * - a row whose `userId` differs from an owner's only by an invisible
 *   character (`u0\u200B` for `u0`) refuses the file, so the real owner is
 *   not marked departed and no phantom created at their address;
 * - `--dry-run`, a tripped guard and an import name the owners `--sync`
 *   marks departed, not only count them: the JSON summary's `departing`
 *   (sorted, the first `MAX_LISTED_DEPARTING`, `departingNotListed` the rest)
 *   and a line after the text summary, a stored id printed escaped.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_LISTED_DEPARTING } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';

const tempDir = useTempDir('owners-import-departing');

async function file(name: string, text: string): Promise<string> {
  const path = join(tempDir(), `${randomUUID().slice(0, 8)}-${name}`);
  await writeFile(path, text);
  return path;
}

const csvOf = (ids: readonly string[]) =>
  `userId,email,name,status\n${ids.map((id, i) => `${id},u${i}@example.com,,active`).join('\n')}\n`;

describe('owners import --sync: who departs', () => {
  const table = useTestDirectoryTable('owners-departing', 'each');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  const ids = (count: number) => Array.from({ length: count }, (_, i) => `u${i}`);
  const load = async (owners: readonly string[]) =>
    expect(
      (await runCli(['owners', 'import', await file('all.csv', csvOf(owners)), ...directoryFlags(table)]))
        .code,
    ).toBe(0);
  const importSync = async (owners: readonly string[], ...extra: string[]) =>
    runCli([
      'owners',
      'import',
      await file('sync.csv', csvOf(owners)),
      ...directoryFlags(table),
      '--sync',
      ...extra,
    ]);
  const departed = async () => [...(await directory().departedUserIds())].sort();

  beforeEach(async () => {
    await load(ids(20));
  });

  it('refuses a row whose id differs from an owner’s by an invisible character: no departure, no phantom', async () => {
    const spoofed = ['u0\u200B', ...ids(20).slice(1)];

    const result = await importSync(spoofed);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'pc-hygiene owners import: rejected line 2 (userId "u0\\u200b"): userId: holds the invisible character U+200B',
    );
    expect(result.stderr).toContain('rejected 1 of 20 row(s)');
    expect(await departed()).toEqual([]);
    expect([...(await directory().getMany(['u0', 'u0\u200B'])).keys()]).toEqual(['u0']);
  });

  it('--dry-run names who would be marked departed, in the text and the JSON', async () => {
    const kept = ids(20).filter((id) => id !== 'u13' && id !== 'u4');

    const text = await importSync(kept, '--dry-run');
    const json = await importSync(kept, '--dry-run', '--format', 'json');

    expect(text.code).toBe(0);
    expect(text.stdout.trimEnd().split('\n')).toEqual([
      expect.stringContaining('would import 18 owner(s)'),
      'would mark departed (--sync: active, not in the file): u13, u4',
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      outcome: 'dry-run',
      markedDeparted: 2,
      departing: ['u13', 'u4'],
      departingNotListed: 0,
    });
    expect(await departed()).toEqual([]);
  });

  it('a tripped guard names who it would have marked departed; an import names who it marked', async () => {
    const kept = ids(20).slice(3);

    const refused = await importSync(kept);
    const imported = await importSync(kept, '--allow-mass-change');

    expect(refused.code).toBe(3);
    expect(refused.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^refused: --sync would mark 3 of 20 active owners departed/),
      'would mark departed (--sync: active, not in the file): u0, u1, u2',
    ]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('\nmarked departed (--sync: active, not in the file): u0, u1, u2\n');
    expect(await departed()).toEqual(['u0', 'u1', 'u2']);
  });

  it(`lists the first ${MAX_LISTED_DEPARTING} by userId and counts the rest`, async () => {
    const many = Array.from({ length: MAX_LISTED_DEPARTING + 5 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    await load(many);

    const text = await importSync(['u0'], '--dry-run', '--allow-mass-change');
    const json = await importSync(['u0'], '--dry-run', '--allow-mass-change', '--format', 'json');

    const summary = JSON.parse(json.stdout);
    expect(summary.markedDeparted).toBe(MAX_LISTED_DEPARTING + 5 + 19);
    expect(summary.departing).toEqual(many.slice(0, MAX_LISTED_DEPARTING));
    expect(summary.departingNotListed).toBe(5 + 19);
    expect(text.stdout).toContain(
      `${many.slice(0, MAX_LISTED_DEPARTING).join(', ')} ... and 24 more not listed\n`,
    );
  });

  it('prints a stored id escaped in the text, and exactly in the JSON', async () => {
    const stored = 'u20\u200B';
    expect(
      (
        await directory().upsertOwners(
          [
            {
              owner: { userId: stored, email: 'u0@example.com', status: 'active' },
              existed: false,
              resetRoute: false,
            },
          ],
          '2026-12-01T00:00:00.000Z',
        )
      ).refused,
    ).toEqual([]);

    const text = await importSync(ids(20), '--dry-run');
    const json = await importSync(ids(20), '--dry-run', '--format', 'json');

    expect(text.stdout).toContain('\nwould mark departed (--sync: active, not in the file): u20\\u200b\n');
    expect(json.stdout).toContain('"departing":["u20\\u200b"]');
    expect(JSON.parse(json.stdout).departing).toEqual([stored]);
  });
});
