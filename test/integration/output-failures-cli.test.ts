/**
 * A command's outputs failing other than by a reader closing them early, end
 * to end against DynamoDB Local (the rule: cli/stream-writer.ts).
 * - stdout a TCP socket the reader resets: a listing's write fails with
 *   `ECONNRESET`, the same code an unreachable DynamoDB gives, and it is the
 *   output's failure, not the table's (`isOutputError`; `describeTableError`,
 *   cli/options/table-options.ts). The run says it once, as `guardOutputs`
 *   reports it, and exits 1: never "cannot reach DynamoDB … is it running?"
 *   about a table that answered.
 * - stderr failing alone (`2>/dev/full`): `export --output FILE`, whose only
 *   stderr line is its closing count, still writes and renames its file whole,
 *   and the run exits 1 where it would exit 0 (its report goes to the stderr
 *   that failed).
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tableFlags } from '../support/run-cli';
import { type SpawnedRun, spawnCli } from '../support/spawn-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { smallFleet } from '../unit/support/credentials';

/**
 * Runs `pc-hygiene ...args` with its stdout a TCP connection whose other end
 * is reset (RST) before the command writes: its first write meets `ECONNRESET`.
 * The test's own copy of the socket is closed first, so only the child meets
 * the reset.
 */
async function runIntoResetSocket(args: readonly string[]): Promise<SpawnedRun> {
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  const reader = await accepted;
  const run = spawnCli(args, { stdout: client, stderr: 'pipe' });
  client.destroy();
  reader.resetAndDestroy();
  server.close();
  return run;
}

describe('export to a socket its reader resets', () => {
  const table = useTestTable('output-reset-export', 'all', smallFleet);

  it('says the write failed once, never that DynamoDB cannot be reached, and exits 1', {
    timeout: 60_000,
  }, async () => {
    const run = await runIntoResetSocket(['export', ...tableFlags(table)]);

    expect(run.stderr).toBe('pc-hygiene: write ECONNRESET\n');
    expect(run.code).toBe(1);
  });
});

describe('export --output with stderr that cannot be written', () => {
  const table = useTestTable('stderr-full-export', 'all', smallFleet);
  const tempDir = useTempDir('pc-stderr-full-export');

  it.skipIf(!existsSync('/dev/full'))(
    'writes the whole file as with stderr fine, and exits 1 for the count it could not say',
    { timeout: 60_000 },
    async () => {
      const fine = join(tempDir(), 'fine.jsonl');
      const full = join(tempDir(), 'full.jsonl');
      expect((await runCli(['export', '--output', fine, ...tableFlags(table)])).code).toBe(0);

      const run = await spawnCli(['export', '--output', full, ...tableFlags(table)], {
        stdout: 'ignore',
        stderr: 'full',
      });

      expect(run.code).toBe(1);
      expect(await readFile(full, 'utf8')).toBe(await readFile(fine, 'utf8'));
      expect((await readdir(tempDir())).sort()).toEqual(['fine.jsonl', 'full.jsonl']);
    },
  );
});
