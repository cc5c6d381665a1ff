/**
 * `pc-hygiene owners import` names every problem of a bad file in one run,
 * against DynamoDB Local (docs/deploy.md, "Owner directory"): a repeat of a
 * userId whose first line is itself bad is named with it, not only once that
 * line is fixed; a CSV line with the wrong number of fields is named by its
 * count alone (its columns may be shifted, so none is compared); a bad CSV header is not counted as a row; and a file with no
 * rows (an empty CSV, a header alone, an empty JSON Lines file) is refused as
 * such, nothing written, even with `--sync` (which would otherwise mark every
 * owner departed).
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';

describe('pc-hygiene owners import: every problem in one pass', () => {
  const table = useTestDirectoryTable('owners-one-pass', 'each');
  const dir = useTempDir('owners-one-pass');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  const file = async (name: string, text: string) => {
    const path = join(dir(), `${randomUUID().slice(0, 8)}-${name}`);
    await writeFile(path, text);
    return path;
  };
  const importFile = (path: string, ...flags: string[]) =>
    runCli(['owners', 'import', path, ...directoryFlags(table), ...flags]);

  it('names a bad row and the duplicate of its id in the same run; nothing written (exit 1)', async () => {
    const path = await file(
      'owners.csv',
      'userId,email,name,status\nu1,a@example.com,A,Active\nu1,x@example.com,Dup,active\nu2,b@example.com,B,active\n',
    );

    const run = await importFile(path);

    expect(run.code).toBe(1);
    expect(run.stderr.split('\n').filter((line) => line.includes('rejected'))).toEqual([
      'pc-hygiene owners import: rejected line 2 (userId "u1"): status: "Active" must be one of active, departed',
      'pc-hygiene owners import: rejected line 3 (userId "u1"): userId: duplicate of line 2',
      expect.stringMatching(/^rejected 2 of 3 row\(s\) in .*owners\.csv; nothing written$/),
    ]);
    expect(await directory().getMany(['u1', 'u2'])).toEqual(new Map());
    expect(await directory().freshness()).toBeUndefined();
  });

  it('names a CSV line with the wrong number of fields by its count only, never a duplicate by a shifted column; nothing written (exit 1)', async () => {
    // "Smith, jane" unquoted shifts "jane" into the userId column: line 3's id, yet no duplicate of it.
    const path = await file(
      'shifted.csv',
      'name,userId,email,status\nSmith, jane,jsmith,jsmith@example.com,active\nJane Doe,jane,jane@example.com,active\n',
    );

    const run = await importFile(path);

    expect(run.code).toBe(1);
    expect(run.stderr.split('\n').filter((line) => line.includes('rejected'))).toEqual([
      'pc-hygiene owners import: rejected line 2: has 5 field(s), the header has 4',
      expect.stringMatching(/^rejected 1 of 2 row\(s\) in .*shifted\.csv; nothing written$/),
    ]);
    expect(await directory().getMany(['jane', 'jsmith'])).toEqual(new Map());
    expect(await directory().freshness()).toBeUndefined();
  });

  it('says a bad CSV header stopped the read, without counting it as a row', async () => {
    const run = await importFile(await file('header.csv', 'id,mail\nann,ann@example.com\n'));

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('rejected line 1: header: unknown column(s) id, mail');
    expect(run.stderr).toMatch(
      /rejected: the header of .*header\.csv \(line 1\) is unusable, so no row was read; nothing written/,
    );
    expect(run.stderr).not.toContain('of 1 row(s)');
  });

  it.each([
    ['an empty CSV', 'empty.csv', '', 'it is empty or blank, or holds only the header'],
    [
      'a CSV header alone',
      'header-only.csv',
      'userId,email,name,status\n',
      'it is empty or blank, or holds only the header',
    ],
    ['an empty JSON Lines file', 'empty.jsonl', '', 'it is empty or blank'],
  ])(
    'refuses %s as a file with no rows, --sync too: no owner departed (exit 1)',
    async (_what, name, text, why) => {
      const loaded = await importFile(
        await file('people.csv', 'userId,email,name,status\nann,ann@example.com,Ann,active\n'),
        '--as-of',
        '2026-11-30T00:00:00Z',
      );
      expect(loaded.code).toBe(0);
      const freshness = await directory().freshness();

      const run = await importFile(await file(name, text), '--sync', '--allow-mass-change');

      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        new RegExp(
          `^rejected: .*${name.replace('.', '\\.')} has no owner rows \\(${why}\\); nothing written`,
        ),
      );
      expect(run.stderr).not.toContain('row(s)');
      expect((await directory().getMany(['ann'])).get('ann')).toMatchObject({ status: 'active' });
      expect(await directory().freshness()).toEqual(freshness);

      const json = await importFile(await file(name, text), '--sync', '--format', 'json');
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        outcome: 'rejected',
        noRows: true,
        rows: 0,
        rejectedRows: [],
      });
    },
  );
});
