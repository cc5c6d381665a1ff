/**
 * `pc-hygiene … | head` where the reader has gone before the command writes:
 * not an error (the CLI's one rule, `guardOutputs` in
 * `cli/stream-writer.ts`). The CLI runs as a child process whose stdout pipe
 * the test closes at once, so every write meets `EPIPE`: `notify` (dry run
 * and drain) and `local` exit 0 without a stack trace, the drain still marks
 * what it sent, and `local` still stops its DynamoDB Local; `runs show`
 * (JSON, CSV) stops reading the manifest's pages.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MANIFEST_PAGE_SIZE } from '../../lambdas/hygiene/run-manifest';
import { runCli, tableFlags } from '../support/run-cli';
import { spawnCli } from '../support/spawn-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { days, smallFleet, staleDue } from '../unit/support/credentials';
import { sweepWithManifest } from './support/sweep-deps';

const NOW_ISO = days(0);

/** Runs `pc-hygiene ...args` with its stdout closed by the reader before anything is written. */
const runClosed = (args: readonly string[], env: Record<string, string> = {}) =>
  spawnCli(args, { stdout: 'closed', env });

/** What a crash on the closed pipe prints (Node's unhandled 'error' event and its stack). */
const CRASH = /EPIPE|Unhandled 'error'|node:events|\n\s+at /;

describe('notify with its output closed early', () => {
  const table = useTestTable('output-closed-notify', 'all', smallFleet);
  const tempDir = useTempDir('output-closed-notify');
  const notify = (...more: string[]) => ['notify', ...tableFlags(table), '--now', NOW_ISO, ...more];

  it('--dry-run (table and JSON) and the drain exit 0 without a stack trace; the drain still marks what it sent', {
    timeout: 60_000,
  }, async () => {
    expect((await runCli(['sweep', ...tableFlags(table), '--now', NOW_ISO])).code).toBe(0);
    const pending = await runCli(notify('--dry-run', '--format', 'json'));
    expect(pending.stdout).toMatch(/"pendingItems": [1-9]/);

    for (const args of [notify('--dry-run'), notify('--dry-run', '--format', 'json')]) {
      const run = await runClosed(args);
      expect(run.stderr).not.toMatch(CRASH);
      expect(run.code, run.stderr).toBe(0);
    }
    const sink = `jsonl:${tempDir()}/sent.jsonl`;
    const drain = await runClosed(notify('--sink', sink));
    expect(drain.stderr).not.toMatch(CRASH);
    expect(drain.code, drain.stderr).toBe(0);

    const after = await runCli(notify('--dry-run', '--format', 'json'));
    expect(after.stdout).toMatch(/"pendingItems": 0/);
  });
});

describe('local with its output closed early', () => {
  const tempDir = useTempDir('output-closed-local');

  it('exits 0 without a stack trace and stops its DynamoDB Local', { timeout: 180_000 }, async () => {
    // TMPDIR: the demo's files go into the test's folder, removed after it.
    const run = await runClosed(['local', '--now', NOW_ISO], { TMPDIR: tempDir() });

    expect(run.stderr).not.toMatch(CRASH);
    expect(run.code, run.stderr).toBe(0);
    // Then the last line, naming the demo's folder (cli/commands/local/demo-folder.ts, `demoFilesLeftLine`).
    expect(run.stderr).toMatch(/Stopped DynamoDB Local\.\nThe demo's files are left in .*\n$/);
    const port = /at http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stderr)?.[1];
    expect(port).toBeDefined();
    const processes = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
    expect(
      processes.split('\n').filter((p) => p.includes('DynamoDBLocal.jar') && p.includes(`-port ${port}`)),
    ).toEqual([]);
  });
});

describe('runs show with its output closed early', () => {
  const table = useTestTable('output-closed-runs');

  it('JSON and CSV stop reading the pages: a run past the first never meets the missing last page', {
    timeout: 120_000,
  }, async () => {
    // Three pages, the last one's write failed: only a runs show that reads on to page 3 reports it (exit 1).
    const ids = Array.from(
      { length: 2 * MANIFEST_PAGE_SIZE + 5 },
      (_, i) => `e-${String(i).padStart(4, '0')}`,
    );
    const summary = await sweepWithManifest(table, 'run-long', ids.map(staleDue), 3);
    expect(summary.manifest).toMatchObject({ pages: 3, failed: expect.anything() });
    const show = (format: string) => ['runs', 'show', 'run-long', ...tableFlags(table), '--format', format];
    const read = await runCli(show('json'));
    expect(read.code).toBe(1);
    expect(read.stderr).toMatch(/manifest page 3 of 3 not recorded/);

    for (const format of ['json', 'csv']) {
      const run = await runClosed(show(format));
      expect(run.stderr, format).toBe('');
      expect(run.code, format).toBe(0);
    }
  });
});
