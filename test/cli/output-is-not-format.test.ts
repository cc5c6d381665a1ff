/**
 * `--output json` is an AWS CLI habit: there `--output` picks the format. In
 * `export`, the one command with `--output`, it names the file to write, so
 * `--output json|text|table|yaml|yaml-stream` alone is refused (exit 2, before
 * anything is looked up, no file left) instead of exporting into a file named
 * `json`; `./json` is that file. Elsewhere `--output` is an unknown option,
 * and on a command with `--format` the error points to it. The real CLI in a
 * child process; no table is reached.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));

/** A DynamoDB endpoint nothing listens on: a run that got past its flags would fail to reach it (exit 1). */
const NOWHERE = ['--endpoint', 'http://127.0.0.1:9'];

describe('export --output FORMAT', () => {
  const cwd = useTempDir('pc-output-format');

  it.each(['json', 'text', 'table', 'yaml', 'yaml-stream'])(
    '--output %s is refused: --output names a file',
    async (word) => {
      const run = await runCli(['export', '--output', word, ...NOWHERE]);

      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toBe(
        `pc-hygiene: --output ${word}: --output names the file to write (export always writes JSON Lines; ` +
          `no --format needed); for a file named ${word}, give --output ./${word}\n`,
      );
    },
  );

  it('--output ./json names that file: not refused (it goes on to the table)', async () => {
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'export', '--output', './json', ...NOWHERE],
        { cwd: cwd() },
        (error, _, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^pc-hygiene: cannot reach DynamoDB at http:\/\/127\.0\.0\.1:9 /);
    expect(await readdir(cwd())).toEqual([]);
  });
});

describe('--output on a command without it', () => {
  it.each([
    [['report', '--output', 'json']],
    [['sweep', '--output=table']],
    [['owners', 'list', '--output', 'json']],
    [['runs', 'list', '--output', 'json']],
  ])('%j: unknown option, pointing to --format (exit 2)', async (args) => {
    const run = await runCli([...args, ...NOWHERE]);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    const given =
      args.find((arg) => arg.startsWith('--output')) === '--output' ? '--output' : '--output=table';
    expect(run.stderr).toBe(`pc-hygiene: unknown option '${given}': for the output format use --format\n`);
  });

  it('another unknown option is said as before', async () => {
    const run = await runCli(['report', '--outptu', 'json', ...NOWHERE]);

    expect(run.stderr).toBe("pc-hygiene: unknown option '--outptu'\n");
  });
});
