/**
 * `export --output` against DynamoDB Local: a path that can never be written
 * (empty, a directory, in a directory that does not exist) is a usage error
 * (exit 2) naming `--output`, found before anything is scanned; and the
 * export's temporary file never takes a name a user's file has, so an
 * existing `<output>.partial` is left as it was. The file written is its
 * owner's only (`0600`), even where an earlier export left one readable by all.
 */
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';

describe('export --output and paths it cannot write', () => {
  const table = useTestTable('export-output', 'all', () => [credential('out-1'), credential('out-2')]);
  const tempDir = useTempDir('pc-export-output');
  /** A table that does not exist: the path is judged before any table is read. */
  const noTable = () => ['--table', 'no-such-table-for-export', '--endpoint', table.endpoint];

  it.each([
    ['an empty path', () => '', () => '--output must not be empty: give the file to write'],
    ['a directory', () => tempDir(), (p: string) => `--output ${p} is a directory: give the file to write`],
    [
      'a path in a missing directory',
      () => join(tempDir(), 'missing', 'out.jsonl'),
      (p: string) => `--output ${p}: the directory ${join(tempDir(), 'missing')} does not exist`,
    ],
  ] as readonly [string, () => string, (path: string) => string][])(
    '%s: usage error (exit 2) before scanning, nothing left behind',
    async (_, pathOf, expected) => {
      const path = pathOf();
      const before = await readdir(tempDir());
      const run = await runCli(['export', '--output', path, ...noTable()]);

      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toBe(`pc-hygiene: ${expected(path)}\n`);
      expect(await readdir(tempDir())).toEqual(before);
    },
  );

  it("leaves a user's <output>.partial alone, and writes the export to <output>", async () => {
    const folder = join(tempDir(), 'keep');
    await mkdir(folder);
    const output = join(folder, 'out.jsonl');
    await writeFile(`${output}.partial`, 'my own notes\n');
    const run = await runCli(['export', '--output', output, ...tableFlags(table)]);

    expect(run.code).toBe(0);
    expect(await readFile(`${output}.partial`, 'utf8')).toBe('my own notes\n');
    const ids = (await readFile(output, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids.sort()).toEqual(['out-1', 'out-2']);
    expect((await readdir(folder)).sort()).toEqual(['out.jsonl', 'out.jsonl.partial']);
  });

  it('an export that fails removes its temporary file and leaves the output as it was', async () => {
    const folder = join(tempDir(), 'fails');
    await mkdir(folder);
    const output = join(folder, 'out.jsonl');
    await writeFile(output, 'previous export\n');
    const run = await runCli(['export', '--output', output, ...noTable()]);

    expect(run.code).toBe(1);
    expect(await readFile(output, 'utf8')).toBe('previous export\n');
    expect(await readdir(folder)).toEqual(['out.jsonl']);
  });

  it("writes the export readable by its owner only (0600), replacing an earlier one's wider mode", async () => {
    const folder = join(tempDir(), 'mode');
    await mkdir(folder);
    const output = join(folder, 'out.jsonl');
    await writeFile(output, 'previous export\n');
    await chmod(output, 0o644);
    const run = await runCli(['export', '--output', output, ...tableFlags(table)]);

    expect(run.code).toBe(0);
    expect((await stat(output)).mode & 0o777).toBe(0o600);
  });
});
