/**
 * The CLI's rule on its outputs (cli/stream-writer.ts, `guardOutputs`) where
 * no `StreamWriter` is involved, end to end and without a database:
 * - stderr failing alone (`2>/dev/full`, `ENOSPC`), stdout fine: a failure —
 *   the command is not stopped halfway (what it writes on stdout after its
 *   failed stderr lines is all there), and the run exits 1; a usage error
 *   keeps its 2 (`exitCodeWithOutputFailure`). Its one report goes to the
 *   stderr that failed, so nothing is seen; no crash either.
 * - stdout closed by its reader (`| head`) before a command's direct
 *   `process.stdout.write`: `EPIPE` is not an error, the run exits 0, quietly.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));
const DEMO = fileURLToPath(new URL('../../demo/personal-clients.jsonl', import.meta.url));

/** How a run ended, and what it wrote on the output the test reads. */
interface Run {
  readonly code: number | null;
  readonly text: string;
}

/** Collects `stream`'s text and the child's exit code. */
function ended(
  child: ReturnType<typeof spawn>,
  stream: NodeJS.ReadableStream | null | undefined,
): Promise<Run> {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, text }));
  });
}

/** Runs `pc-hygiene ...args` with stderr written to `/dev/full` (every write fails with ENOSPC); `text` is stdout. */
function runWithStderrFull(args: readonly string[]): Promise<Run> {
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', full] });
  closeSync(full);
  return ended(child, child.stdout);
}

/** Runs `pc-hygiene ...args` with its stdout closed by the reader before anything is written; `text` is stderr. */
function runWithStdoutClosed(args: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.destroy();
  return ended(child, child.stderr);
}

describe('stderr that cannot be written, stdout fine', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'import --dry-run: its rejected lines fail on stderr, its summary is still all on stdout; exit 1',
    { timeout: 60_000 },
    async () => {
      // The demo file holds 5 invalid records, each named on stderr as it is met, before the summary.
      const run = await runWithStderrFull(['import', DEMO, '--dry-run', '--endpoint', 'http://127.0.0.1:9']);

      expect(run.text).toBe(
        'would import 295 record(s) into PersonalClients; 5 line(s) rejected, not written\n',
      );
      expect(run.code).toBe(1);
    },
  );

  it.skipIf(!existsSync('/dev/full'))(
    'a usage error said on it keeps its exit code 2',
    { timeout: 60_000 },
    async () => {
      const run = await runWithStderrFull(['plan']);

      expect(run.text).toBe('');
      expect(run.code).toBe(2);
    },
  );
});

describe('stdout closed by its reader before a direct write', () => {
  it.each([[['--version']], [['--help']], [['help', 'plan']]])(
    '%j: EPIPE is not an error: exit 0, nothing on stderr',
    { timeout: 60_000 },
    async (args) => {
      const run = await runWithStdoutClosed(args);

      expect(run.text).toBe('');
      expect(run.code).toBe(0);
    },
  );
});
