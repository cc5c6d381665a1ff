/**
 * `import` given one JSON array (`[{…},{…}]`, as many tools export) instead of
 * JSON Lines, against DynamoDB Local: refused whole, a usage error (exit 2)
 * that says what the file looks like and how to turn it into JSON Lines,
 * before any table is touched — nothing written, not even the array's last
 * element, which on its own line would pass for a JSON Lines record
 * (cli/jsonl.ts, `opensJsonArray`; cli/format/json-array-refusal.ts, `jsonArrayRefusal`).
 * In a dry run too; never for a whole array on the first line (one bad line, the
 * rest read as JSON Lines) nor for a JSON Lines file with an array on a later
 * line (that line rejected as any other).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';

const RECORDS = [credential('arr-1'), credential('arr-2')];

describe('import of a JSON array file', { timeout: 120_000 }, () => {
  const table = useTestTable('import-json-array', 'each');
  const dir = useTempDir('pc-import-json-array');

  const fileWith = async (name: string, text: string) => {
    const path = join(dir(), name);
    await writeFile(path, text);
    return path;
  };
  const storedCount = async () =>
    (await table.client.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true }))).Count;
  const stderrLines = (stderr: string) => stderr.split('\n').filter((line) => line !== '');
  const refusalFor = (file: string) =>
    `pc-hygiene: ${file} looks like a JSON array (it starts with [), but import reads JSON Lines, one JSON object ` +
    `a line: nothing written; convert it, e.g. jq -c '.[]' ${file} > ${file}l, and import that file`;

  it('over several lines: refused whole, nothing written, not even its last element (exit 2)', async () => {
    const lines = ['[', ...RECORDS.map((r, i) => `  ${JSON.stringify(r)}${i === 0 ? ',' : ''}`), ']'];
    const file = await fileWith('records.json', `\n${lines.join('\n')}\n`);

    const run = await runCli(['import', file, ...tableFlags(table)]);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(stderrLines(run.stderr)).toEqual([refusalFor(file)]);
    expect(await storedCount()).toBe(0);
  });

  it('opened after a byte order mark and spaces, in a dry run: refused alike (exit 2)', async () => {
    const file = await fileWith(
      'bom.json',
      `\uFEFF  [${JSON.stringify(RECORDS[0])},\n${JSON.stringify(RECORDS[1])}\n]\n`,
    );

    const run = await runCli(['import', file, '--dry-run', ...tableFlags(table)]);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(stderrLines(run.stderr)).toEqual([refusalFor(file)]);
    expect(await storedCount()).toBe(0);
  });

  it('a whole array on one line, JSON Lines after it: that line rejected as any other, the rest written (exit 1)', async () => {
    const file = await fileWith(
      'one-line.json',
      `${JSON.stringify(RECORDS)}\n${JSON.stringify(RECORDS[1])}\n`,
    );

    const run = await runCli(['import', file, ...tableFlags(table)]);

    expect(run.code).toBe(1);
    expect(stderrLines(run.stderr)).toEqual([expect.stringMatching(/^pc-hygiene import: rejected line 1: /)]);
    expect(await storedCount()).toBe(1);
  });

  it('not a JSON Lines file with an array on a later line: that line rejected as any other (exit 1)', async () => {
    const jsonl = await fileWith('records.jsonl', `${JSON.stringify(RECORDS[0])}\n[1, 2]\n`);

    const run = await runCli(['import', jsonl, ...tableFlags(table)]);

    expect(run.code).toBe(1);
    expect(stderrLines(run.stderr)).toEqual([expect.stringMatching(/^pc-hygiene import: rejected line 2: /)]);
    expect(await storedCount()).toBe(1);
  });
});
