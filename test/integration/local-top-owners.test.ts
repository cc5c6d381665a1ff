/**
 * The posture report `pc-hygiene local` (npm start) prints says, when its
 * owner table is cut, "more with --top N": `local` takes that flag, as
 * `report` does (the same option, the same checks), so the hint names a flag
 * of the command that printed it. A `--top` out of range is refused before
 * DynamoDB Local starts, with `report`'s message.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));
const NOW = '2026-11-26T00:00:00.000Z';

/** Runs `local` (text) with the demo's files in `tmp` (removed after the suite). */
function runLocal(
  tmp: string,
  ...extra: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'local', '--now', NOW, '--count', '120', ...extra],
      { env: { ...process.env, TMPDIR: tmp }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** The posture report's owner heading, and how many owner rows follow it (the column heading excluded). */
function ownerTable(stdout: string): { heading: string; rows: number } {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => /^Owners \(\d+\), riskiest first:/.test(line));
  expect(at, stdout).toBeGreaterThan(-1);
  const end = lines.findIndex((line, i) => i > at && line === '');
  return { heading: lines[at] ?? '', rows: end - at - 2 };
}

describe('pc-hygiene local --top', () => {
  const dir = useTempDir('pch-local-top');

  it('takes the flag its report names when the owner list is cut, and lists that many', {
    timeout: 180_000,
  }, async () => {
    const cut = await runLocal(dir());
    expect(cut.code, cut.stderr).toBe(0);
    const { heading } = ownerTable(cut.stdout);
    const hint = /^Owners \((\d+)\), riskiest first: \(the first 10 of \d+; more with --top N\)$/.exec(
      heading,
    );
    expect(hint, heading).not.toBeNull();
    const count = Number(hint?.[1]);

    const all = await runLocal(dir(), '--top', String(count));

    expect(all.code, all.stderr).toBe(0);
    expect(ownerTable(all.stdout)).toEqual({
      heading: `Owners (${count}), riskiest first:`,
      rows: count,
    });
  });

  it.each(['-1', '10001', 'ten'])(
    'refuses --top %s as report does, before DynamoDB Local starts',
    async (top) => {
      const local = await runCli(['local', '--top', top]);
      const report = await runCli(['report', '--endpoint', 'http://127.0.0.1:9', '--top', top]);

      expect(local.code).toBe(2);
      expect(local.stdout).toBe('');
      expect(local.stderr).not.toMatch(/DynamoDB Local/);
      expect(local.stderr).toBe(report.stderr);
    },
  );
});
