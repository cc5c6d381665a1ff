/**
 * `export --output` interrupted (Ctrl-C's SIGINT, a SIGTERM, a closed
 * terminal's SIGHUP) while it writes its temporary file: the file is removed
 * and the CLI then ends by that signal (no exit code), as a shell expects of
 * an interrupted command, so a script's `export …; next` stops there, and
 * interrupted exports leave nothing behind (docs/data-model.md, "Import and export"). The CLI runs as a child process against a
 * local DynamoDB stand-in that describes the table as a credentials table
 * (the key every command checks first), answers the first scan page and never
 * the next, so the export is known to be mid-write when the signal is sent.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialsTableDescription } from '../support/table-descriptions';
import { useTempDir } from '../support/temp-dir';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));

/** One scan page: an item and a key to go on from, so the CLI asks for the next page. */
const FIRST_PAGE = JSON.stringify({
  Items: [{ id: { S: 'c-1' }, userId: { S: 'u-1' } }],
  Count: 1,
  ScannedCount: 1,
  LastEvaluatedKey: { id: { S: 'c-1' } },
});

/**
 * A DynamoDB endpoint that answers `DescribeTable` as for a credentials table, the first scan request, and holds
 * every later one unanswered.
 */
async function stallingScanServer() {
  const held: ServerResponse[] = [];
  let answered = false;
  let onHeld: (() => void) | undefined;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.headers['x-amz-target'] === 'DynamoDB_20120810.DescribeTable') {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'test' });
        response.end(JSON.stringify(credentialsTableDescription()));
        return;
      }
      if (answered) {
        held.push(response);
        onHeld?.();
        return;
      }
      answered = true;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'test' });
      response.end(FIRST_PAGE);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Resolves once a request after the first page is being held: the first page has been written. */
    stalled: new Promise<void>((resolve) => {
      onHeld = resolve;
    }),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

let close: (() => void) | undefined;
afterEach(() => close?.());

describe('export --output interrupted mid-write', () => {
  const tempDir = useTempDir('pc-export-interrupted');

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s removes the temporary file and ends the CLI by that signal',
    async (signal) => {
      const server = await stallingScanServer();
      close = server.close;
      const folder = join(tempDir(), signal);
      await mkdir(folder);
      const child = spawn(
        process.execPath,
        [
          CLI,
          'export',
          '--table',
          'export-interrupted',
          '--endpoint',
          server.endpoint,
          '--output',
          join(folder, 'out.jsonl'),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );

      // An export that ends before it stalls (a usage error) fails here, not by the test's timeout.
      const endedEarly = exited.then((end) =>
        Promise.reject(new Error(`export ended ${JSON.stringify(end)} first: ${stderr}`)),
      );
      await Promise.race([server.stalled, endedEarly]);
      expect((await readdir(folder)).filter((name) => name.endsWith('.partial'))).toHaveLength(1);
      child.kill(signal);

      expect(await exited).toEqual({ code: null, signal });
      expect(stderr).not.toContain('Error');
      expect(await readdir(folder)).toEqual([]);
    },
  );
});
