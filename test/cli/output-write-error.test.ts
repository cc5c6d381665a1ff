/**
 * A write error on stdout other than a closed pipe — here `ENOSPC`, stdout
 * redirected to `/dev/full` — is a failure the CLI reports as any other: one
 * line `pc-hygiene: …` on stderr and exit 1, not an uncaught exception's
 * stack trace, whatever the command writes with (`guardOutputs`,
 * cli/stream-writer.ts): `plan --input` streams its table through a
 * `StreamWriter` without a database, `--version` and `--help` write directly.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../support/spawn-cli';

const INPUT = fileURLToPath(new URL('../../demo/personal-clients.jsonl', import.meta.url));

describe('stdout that cannot be written', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'plan > /dev/full: one line naming ENOSPC, exit 1, no stack trace',
    { timeout: 60_000 },
    async () => {
      const run = await spawnCli(['plan', '--input', INPUT, '--now', '2026-11-26T00:00:00Z'], {
        stdout: 'full',
      });
      expect(run.stderr).toBe('pc-hygiene: ENOSPC: no space left on device, write\n');
      expect(run.code).toBe(1);
    },
  );

  it.skipIf(!existsSync('/dev/full')).each([[['--version']], [['--help']], [['help', 'plan']]])(
    '%j > /dev/full (written without a StreamWriter): one line naming ENOSPC, exit 1, no stack trace',
    { timeout: 60_000 },
    async (args) => {
      const run = await spawnCli(args, { stdout: 'full' });
      expect(run.stderr).toBe('pc-hygiene: ENOSPC: no space left on device, write\n');
      expect(run.code).toBe(1);
    },
  );
});
