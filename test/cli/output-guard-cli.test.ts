/**
 * The CLI's rule on its outputs (cli/stream-writer.ts, `guardOutputs`) where
 * no `StreamWriter` is involved, end to end and without a database (the one
 * `export` below reads a stand-in answering its one Scan with no items):
 * - stderr failing alone (`2>/dev/full`, `ENOSPC`), stdout fine: a failure —
 *   the command is not stopped halfway (what it writes on stdout after its
 *   failed stderr lines is all there), and a run that exits 0 with stderr
 *   fine exits 1; a usage error keeps its 2 (`exitCodeWithOutputFailure`).
 *   Its one report goes to the stderr that failed, so nothing is seen; no
 *   crash either.
 * - stdout closed by its reader (`| head`) before a command's direct
 *   `process.stdout.write`: `EPIPE` is not an error, the run exits 0, quietly.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../support/temp-dir';

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

/** Runs `pc-hygiene ...args` with both outputs fine; `text` is stderr. */
function runWithOutputsFine(args: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return ended(child, child.stderr);
}

/**
 * A stand-in for DynamoDB at `endpoint()` answering every request as a Scan of
 * an empty table (all `export` asks): started before the suite, closed after it.
 */
function useEmptyTableEndpoint(): () => string {
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ Items: [], Count: 0, ScannedCount: 0 }));
    });
  });
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(() => {
    server.close();
  });
  return () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Runs `pc-hygiene ...args` with its stdout closed by the reader before anything is written; `text` is stderr. */
function runWithStdoutClosed(args: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.destroy();
  return ended(child, child.stderr);
}

describe('stderr that cannot be written, stdout fine', () => {
  const endpoint = useEmptyTableEndpoint();
  const tempDir = useTempDir('pc-output-guard-cli');

  it.skipIf(!existsSync('/dev/full'))(
    'import --dry-run: its rejected lines fail on stderr, its summary is still all on stdout',
    { timeout: 60_000 },
    async () => {
      // The demo file holds 5 invalid records, each named on stderr as it is met, before the summary.
      // (Its exit code says nothing here: rejected lines exit 1 with stderr fine too.)
      const run = await runWithStderrFull(['import', DEMO, '--dry-run', '--endpoint', 'http://127.0.0.1:9']);

      expect(run.text).toBe(
        'would import 295 record(s) into PersonalClients; 5 line(s) rejected, not written\n',
      );
    },
  );

  it.skipIf(!existsSync('/dev/full'))(
    'export --output: exit 0 with stderr fine, its count said there; exit 1 when that line cannot be written',
    { timeout: 60_000 },
    async () => {
      const fine = join(tempDir(), 'fine.jsonl');
      const full = join(tempDir(), 'full.jsonl');
      const control = await runWithOutputsFine(['export', '--output', fine, '--endpoint', endpoint()]);
      expect(control.text).toBe(`exported 0 item(s) from PersonalClients to ${fine}\n`);
      expect(control.code).toBe(0);

      const run = await runWithStderrFull(['export', '--output', full, '--endpoint', endpoint()]);

      expect(run.code).toBe(1);
      expect(await readFile(full, 'utf8')).toBe('');
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
