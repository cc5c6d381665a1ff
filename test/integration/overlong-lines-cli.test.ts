/**
 * A line over the 4 MiB line cap (`cli/utf8-lines.ts`) is that line's
 * problem, named by its number, and every JSON Lines command reads on: `plan`
 * reports it as an invalid record, `import` rejects it and writes the other
 * lines, `owners import` refuses the file naming it (DynamoDB Local, the CLI
 * as a user runs it).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from '../../cli/utf8-lines';
import { getItem } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

/** The reader's words for the line (each command puts the line number its own way). */
const TOO_LONG = `too long: [\\d,]+ bytes, over the ${MAX_LINE_BYTES.toLocaleString('en')} a line may have`;

describe('a line over the line cap', () => {
  const tempDir = useTempDir('overlong-lines');
  const table = useTestTable('overlong-lines', 'all');
  const owners = useTestDirectoryTable('overlong-lines-owners');
  let records: string;
  let ownerFile: string;
  beforeAll(async () => {
    const long = JSON.stringify(credential('b-long', { displayName: 'x'.repeat(MAX_LINE_BYTES) }));
    records = join(tempDir(), 'records.jsonl');
    await writeFile(
      records,
      [credential('a-1'), long, credential('c-3')]
        .map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
        .join('\n'),
    );
    ownerFile = join(tempDir(), 'owners.jsonl');
    const owner = (id: string, name: string) =>
      JSON.stringify({ userId: id, email: `${id}@example.com`, name, status: 'active' });
    await writeFile(
      ownerFile,
      `${owner('u1', 'A')}\n${owner('u2', 'B'.repeat(MAX_LINE_BYTES))}\n${owner('u3', 'C')}\n`,
    );
  });

  it('plan: an invalid record with the line number, the lines after it planned', async () => {
    const run = await runCli(['plan', '--input', records, '--now', days(0), '--format', 'jsonl']);

    expect(run.code).toBe(0);
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string | null; problems: string[] });
    expect(lines.map((l) => l.id)).toEqual(['a-1', null, 'c-3']);
    expect(lines[1]?.problems).toEqual([
      expect.stringMatching(new RegExp(`^\\(record\\): line 2 is ${TOO_LONG}`)),
    ]);
  });

  it('import: the line rejected by its number, the others written', async () => {
    const run = await runCli(['import', records, ...tableFlags(table)]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`rejected line 2: ${TOO_LONG}`));
    expect(await getItem(table.client, table.tableName, 'a-1')).toBeDefined();
    expect(await getItem(table.client, table.tableName, 'c-3')).toBeDefined();
    expect(await getItem(table.client, table.tableName, 'b-long')).toBeUndefined();
  });

  it('owners import (JSON Lines): the file refused, naming the line', async () => {
    const run = await runCli([
      'owners',
      'import',
      ownerFile,
      '--directory-table',
      owners.tableName,
      '--endpoint',
      owners.endpoint,
      '--as-of',
      days(0),
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`rejected line 2: is ${TOO_LONG}`));
    expect(run.stderr).toContain('nothing written');
  });
});
