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
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/spawn-cli';
import { credentialsTableDescription } from '../support/table-descriptions';
import { useTempDir } from '../support/temp-dir';

const DEMO = fileURLToPath(new URL('../../demo/personal-clients.jsonl', import.meta.url));

/**
 * A stand-in for DynamoDB at `endpoint()` answering `DescribeTable` as for a
 * credentials table (the key every command checks first) and every other
 * request as a Scan of an empty table (all `export` asks): started before the
 * suite, closed after it.
 */
function useEmptyTableEndpoint(): () => string {
  const server = createServer((request, response) => {
    const describe = request.headers['x-amz-target'] === 'DynamoDB_20120810.DescribeTable';
    request.resume().on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify(describe ? credentialsTableDescription() : { Items: [], Count: 0, ScannedCount: 0 }),
      );
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

describe('stderr that cannot be written, stdout fine', () => {
  const endpoint = useEmptyTableEndpoint();
  const tempDir = useTempDir('pc-output-guard-cli');

  it.skipIf(!existsSync('/dev/full'))(
    'import --dry-run: its rejected lines fail on stderr, its summary is still all on stdout',
    { timeout: 60_000 },
    async () => {
      // The demo file holds 5 invalid records, each named on stderr as it is met, before the summary.
      // (Its exit code says nothing here: rejected lines exit 1 with stderr fine too.)
      // The dry run checks the table's kind first (one DescribeTable): the stand-in answers it.
      const run = await spawnCli(['import', DEMO, '--dry-run', '--endpoint', endpoint()], {
        stderr: 'full',
      });

      expect(run.stdout).toBe(
        'would import 295 record(s) into PersonalClients (ids already in the table not checked); ' +
          '5 line(s) rejected, not written\n',
      );
    },
  );

  it.skipIf(!existsSync('/dev/full'))(
    'export --output: exit 0 with stderr fine, its count said there; exit 1 when that line cannot be written',
    { timeout: 60_000 },
    async () => {
      const fine = join(tempDir(), 'fine.jsonl');
      const full = join(tempDir(), 'full.jsonl');
      const control = await spawnCli(['export', '--output', fine, '--endpoint', endpoint()], {
        stdout: 'ignore',
      });
      expect(control.stderr).toBe(`exported 0 item(s) from PersonalClients to ${fine}\n`);
      expect(control.code).toBe(0);

      const run = await spawnCli(['export', '--output', full, '--endpoint', endpoint()], { stderr: 'full' });

      expect(run.code).toBe(1);
      expect(await readFile(full, 'utf8')).toBe('');
    },
  );

  it.skipIf(!existsSync('/dev/full'))(
    'a usage error said on it keeps its exit code 2',
    { timeout: 60_000 },
    async () => {
      const run = await spawnCli(['plan'], { stderr: 'full' });

      expect(run.stdout).toBe('');
      expect(run.code).toBe(2);
    },
  );
});

describe('stdout closed by its reader before a direct write', () => {
  it.each([[['--version']], [['--help']], [['help', 'plan']]])(
    '%j: EPIPE is not an error: exit 0, nothing on stderr',
    { timeout: 60_000 },
    async (args) => {
      const run = await spawnCli(args, { stdout: 'closed' });

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    },
  );
});
