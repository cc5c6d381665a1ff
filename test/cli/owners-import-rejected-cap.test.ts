/**
 * `pc-hygiene owners import` of a file with more bad rows than it lists
 * (`MAX_LISTED_REJECTED_ROWS`, cli/use-cases/import-owners.ts;
 * docs/deploy.md, "Owner directory"): the text output names the first ones,
 * then says how many more it did not list, and its summary line counts them
 * all; the JSON summary lists as many and counts them all
 * (`rejectedRowCount`); the file is refused whole (exit 1) either way. The
 * real CLI, with no database: a bad file is refused before the table is
 * touched, so the endpoint given is never contacted.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LISTED_REJECTED_ROWS } from '../../cli/use-cases/import-owners';
import { runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owners-import-rejected-cap');

/** Flags naming a local directory table; nothing listens on the port, and nothing is sent there. */
const NO_DATABASE = ['--directory-table', 'owners', '--endpoint', 'http://127.0.0.1:9'];

/** Bad rows beyond the cap. */
const MORE = 7;

async function allBadFile(): Promise<string> {
  const file = join(tempDir(), 'all-bad.csv');
  const rows = Array.from(
    { length: MAX_LISTED_REJECTED_ROWS + MORE },
    (_, i) => `u${i},u${i}@example.com,N,Active`,
  );
  await writeFile(file, `userId,email,name,status\n${rows.join('\n')}\n`);
  return file;
}

describe('owners import: a file with more bad rows than it lists', () => {
  it(`names the first ${MAX_LISTED_REJECTED_ROWS}, then how many more, and refuses the file (exit 1)`, async () => {
    const file = await allBadFile();

    const run = await runCli(['owners', 'import', file, ...NO_DATABASE]);

    expect(run).toMatchObject({ code: 1, stdout: '' });
    const lines = run.stderr.trimEnd().split('\n');
    const named = lines.filter((line) => line.startsWith('pc-hygiene owners import: rejected line '));
    expect(named).toHaveLength(MAX_LISTED_REJECTED_ROWS);
    expect(named[0]).toBe(
      'pc-hygiene owners import: rejected line 2 (userId "u0"): status: "Active" must be one of active, departed',
    );
    expect(named.at(-1)).toContain(`rejected line ${MAX_LISTED_REJECTED_ROWS + 1} `);
    expect(lines.slice(-2)).toEqual([
      `pc-hygiene owners import: ... and ${MORE} more rejected row(s) not listed (only the first ` +
        `${MAX_LISTED_REJECTED_ROWS} are: fix them and run the import again to see the next)`,
      `rejected ${MAX_LISTED_REJECTED_ROWS + MORE} of ${MAX_LISTED_REJECTED_ROWS + MORE} row(s) in ${file}; nothing written`,
    ]);
    expect(lines).toHaveLength(MAX_LISTED_REJECTED_ROWS + 2);
  });

  it('lists as many in the JSON summary and counts them all (rejectedRowCount), exit 1', async () => {
    const run = await runCli(['owners', 'import', await allBadFile(), ...NO_DATABASE, '--format', 'json']);

    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      outcome: 'rejected',
      rows: MAX_LISTED_REJECTED_ROWS + MORE,
      rejectedRowCount: MAX_LISTED_REJECTED_ROWS + MORE,
    });
    expect(summary.rejectedRows).toHaveLength(MAX_LISTED_REJECTED_ROWS);
  });
});
