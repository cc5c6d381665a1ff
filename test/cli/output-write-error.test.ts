/**
 * A write error on stdout other than a closed pipe — here `ENOSPC`, stdout
 * redirected to `/dev/full` — is a failure the CLI reports as any other: one
 * line `pc-hygiene: …` on stderr and exit 1, not an uncaught exception's
 * stack trace, whatever the command writes with (`guardOutputs`,
 * cli/stream-writer.ts): `plan --input` streams its table through a
 * `StreamWriter` without a database, `--version` and `--help` write directly.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));
const INPUT = fileURLToPath(new URL('../../demo/personal-clients.jsonl', import.meta.url));

/** Runs `pc-hygiene ...args` with stdout written to `/dev/full` (every write fails with ENOSPC). */
function runIntoFullDevice(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', full, 'pipe'] });
  closeSync(full);
  let stderr = '';
  // stdio[2] is 'pipe': node always opens it (its type allows null for the other stdio settings).
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('stdout that cannot be written', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'plan > /dev/full: one line naming ENOSPC, exit 1, no stack trace',
    { timeout: 60_000 },
    async () => {
      const run = await runIntoFullDevice(['plan', '--input', INPUT, '--now', '2026-11-26T00:00:00Z']);
      expect(run.stderr).toBe('pc-hygiene: ENOSPC: no space left on device, write\n');
      expect(run.code).toBe(1);
    },
  );

  it.skipIf(!existsSync('/dev/full')).each([[['--version']], [['--help']], [['help', 'plan']]])(
    '%j > /dev/full (written without a StreamWriter): one line naming ENOSPC, exit 1, no stack trace',
    { timeout: 60_000 },
    async (args) => {
      const run = await runIntoFullDevice(args);
      expect(run.stderr).toBe('pc-hygiene: ENOSPC: no space left on device, write\n');
      expect(run.code).toBe(1);
    },
  );
});
