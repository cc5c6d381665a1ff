/**
 * `plan --input` given one JSON array spread over lines (`[{…},{…}]` pretty-printed, as many tools export)
 * instead of JSON Lines: refused whole, as `import` refuses it, a usage error (exit 2) before anything is printed,
 * in every format — never planned line by line, where its last element would pass for a record among "invalid
 * record" lines and counts that describe no file (cli/format/json-array-refusal.ts; docs/cli-plan.md, `--input`).
 * A whole array on one line stays one invalid record, the rest of the file planned.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { credential, days } from '../unit/support/credentials';

const RECORDS = [credential('arr-1'), credential('arr-2')];
const NOW_ISO = days(0);

describe('plan --input of a JSON array file', { timeout: 60_000 }, () => {
  const dir = useTempDir('pc-plan-json-array');
  const fileWith = async (name: string, text: string) => {
    const path = join(dir(), name);
    await writeFile(path, text);
    return path;
  };
  const plan = (file: string, format: string) =>
    runCli(['plan', '--input', file, '--now', NOW_ISO, '--format', format]);

  it.each(['table', 'json', 'jsonl', 'csv'])(
    'over several lines, --format %s: refused whole before anything is printed (exit 2)',
    async (format) => {
      const lines = ['[', ...RECORDS.map((r, i) => `  ${JSON.stringify(r)}${i === 0 ? ',' : ''}`), ']'];
      const file = await fileWith('records.json', `\n${lines.join('\n')}\n`);

      const run = await plan(file, format);

      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toBe(
        `pc-hygiene: ${file} looks like a JSON array (it starts with [), but plan reads JSON Lines, one JSON ` +
          `object a line: nothing planned; convert it, e.g. jq -c '.[]' ${file} > ${file}l, and plan that file\n`,
      );
    },
  );

  it('a whole array on one line, JSON Lines after it: that line one invalid record, the rest planned (exit 0)', async () => {
    const file = await fileWith(
      'one-line.json',
      `${JSON.stringify(RECORDS)}\n${JSON.stringify(RECORDS[1])}\n`,
    );

    const run = await plan(file, 'jsonl');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const planned = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: unknown; problems: unknown[] });
    expect(planned).toHaveLength(2);
    expect(planned[0]).toMatchObject({ id: null, problems: [expect.any(String)] });
    expect(planned[1]).toMatchObject({ id: 'arr-2', problems: [] });
  });
});
