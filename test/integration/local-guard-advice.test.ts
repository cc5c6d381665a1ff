/**
 * `pc-hygiene local` whose guard trips (a `--config` with a low
 * `maxDeletesPerRun`) prints no command to paste: its database is deleted
 * when it ends, and a dry run or `guard approve` without target flags would
 * reach the default stack. The banner says why and what to do instead
 * (`localRunSummaryText`, cli/commands/local/output.ts).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../support/temp-dir';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));
const NOW = '2026-11-26T00:00:00.000Z';

describe('pc-hygiene local with a tripped guard', () => {
  const dir = useTempDir('pch-local-guard');

  it('says there is nothing to approve, and names no command aimed at the gone database', {
    timeout: 180_000,
  }, async () => {
    const config = join(dir(), 'hygiene.json');
    await writeFile(config, JSON.stringify({ maxDeletesPerRun: 1 }));

    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'local', '--now', NOW, '--count', '60', '--config', config],
        // The demo's files go to the test's folder, removed after it.
        { env: { ...process.env, TMPDIR: dir() }, maxBuffer: 16 * 1024 * 1024 },
        (error, out) => resolve({ code: error ? Number(error.code) : 0, stdout: out }),
      );
    });

    expect(code).toBe(3);
    expect(stdout).toMatch(/!! GUARD TRIPPED: \d+ deletions planned, NONE made\./);
    expect(stdout).toContain(
      "!! No command can check or approve these deletions: this demo's database is deleted when local ends.",
    );
    expect(stdout).not.toContain('pc-hygiene sweep');
    expect(stdout).not.toContain('guard approve --max-deletes');
    // No manifest line here (a tripped guard deletes nothing): that it names no runs show is local-summary.test.ts's.
  });
});
