/**
 * `owners import` of a CSV with a row over the 4 MiB line cap
 * (`cli/utf8-lines.ts`): the row is rejected by its line number, its bytes
 * never held whole (`cli/use-cases/blank-overlong-lines.ts`), and the import
 * goes on to the rows after it, as for any bad row: each bad row named,
 * nothing written, exit 1 (DynamoDB Local, the CLI as a user runs it).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from '../../cli/utf8-lines';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { days } from '../unit/support/credentials';

/** The reader's words for a line over the cap. */
const TOO_LONG = `is too long: [\\d,]+ bytes, over the ${MAX_LINE_BYTES.toLocaleString('en')} a line may have`;

describe('owners import: a CSV row over the line cap', { timeout: 120_000 }, () => {
  const tempDir = useTempDir('overlong-csv-rows');
  const owners = useTestDirectoryTable('overlong-csv-rows');

  it('rejects the row by its line, reads the rows after it, and writes nothing', async () => {
    const file = join(tempDir(), 'owners.csv');
    const long = 'B'.repeat(MAX_LINE_BYTES);
    await writeFile(
      file,
      [
        'userId,email,name,status',
        'u1,a@example.com,Ann,active',
        `u2,b@example.com,${long},active`, // unquoted
        `u3,c@example.com,"Cid ${long}, the long",active`, // quoted, a comma inside
        'u4,d@example.com,Dee', // a bad row after them: still read and named
        'u5,e@example.com,Eve,active',
      ].join('\r\n'),
    );

    const run = await runCli(['owners', 'import', file, ...directoryFlags(owners), '--as-of', days(0)]);

    expect(run.code).toBe(1);
    const rejected = run.stderr.split('\n').filter((l) => l.includes('rejected line'));
    expect(rejected).toEqual([
      expect.stringMatching(new RegExp(`rejected line 3: ${TOO_LONG}`)),
      expect.stringMatching(new RegExp(`rejected line 4: ${TOO_LONG}`)),
      expect.stringContaining('rejected line 5: has 3 field(s), the header has 4'),
    ]);
    expect(run.stderr).toContain('nothing written');
    expect(await new DynamoOwnerDirectory(owners.client, owners.tableName).getMany(['u1', 'u5'])).toEqual(
      new Map(),
    );
  });
});
