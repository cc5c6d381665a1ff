/**
 * Starting and stopping a real DynamoDB Local (cli/local/local-dynamodb.ts; docs/data-model.md, "DynamoDB Local"):
 * exactly one java process on the chosen port, answering ListTables; `stop()` leaves it gone and may be called
 * twice. Without java on the PATH the error is `JavaNotFoundError`, naming the `apt-get install` that fixes it.
 * Another server on the port is never taken for DynamoDB Local: a port given in use is refused before java starts,
 * only a DynamoDB answer to `ListTables` counts as one, and (Linux, read from `/proc`) only an answer from the
 * socket our java holds: a server that takes the port between the check and java's bind is refused too.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  answersAsDynamoDb,
  DynamoDbLocalStartError,
  holdsListeningPort,
  JavaNotFoundError,
  startDynamoDbLocal,
} from '../../cli/local/local-dynamodb';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function javaPidsListeningOn(port: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port}`))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/** An HTTP server on a free loopback port answering every request with `status` and `body`. */
async function otherServer(status: number, body: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => response.writeHead(status).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A free loopback port (bound, then released). */
async function freeLoopbackPort(): Promise<number> {
  const { server, port } = await otherServer(200, '');
  await closed(server);
  return port;
}

/**
 * A server answering `ListTables` as DynamoDB does, on `port` as soon as it is free: it retries its bind every few
 * milliseconds, so it takes the port right after `startDynamoDbLocal` has checked it and long before a JVM binds it.
 */
async function dynamoDbImpostorOn(port: number): Promise<Server> {
  const server = createServer((_request, response) => response.writeHead(200).end('{"TableNames":[]}'));
  for (;;) {
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) return server;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const closed = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('startDynamoDbLocal', () => {
  it('starts a server that answers, and stop() leaves no java process behind', async () => {
    const local = await startDynamoDbLocal();
    const port = Number(new URL(local.endpoint).port);
    const pids = javaPidsListeningOn(port);
    expect(pids).toHaveLength(1);
    const client = createDocumentClient({ endpoint: local.endpoint });
    const tables = await client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual(expect.any(Array));
    client.destroy();
    await local.stop();
    expect(isRunning(pids[0]!)).toBe(false);
    await local.stop(); // idempotent
  });

  it('explains how to install Java when java is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startDynamoDbLocal()).rejects.toThrow(JavaNotFoundError);
      await expect(startDynamoDbLocal()).rejects.toThrow(/apt-get install -y default-jre-headless/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('refuses a port another server holds, before starting java, instead of taking that server for DynamoDB Local', async () => {
    const { server, port } = await otherServer(200, 'hello');
    try {
      const start = startDynamoDbLocal({ port, startTimeoutMs: 5_000 });
      await expect(start).rejects.toThrow(DynamoDbLocalStartError);
      await expect(start).rejects.toThrow(`cannot start DynamoDB Local on port ${port}: the port is in use`);
      expect(javaPidsListeningOn(port)).toEqual([]);
    } finally {
      await closed(server);
    }
  });
});

describe('startDynamoDbLocal with a server that takes the port after the check', () => {
  it('refuses the other server, whose ListTables answer is not our java’s, and leaves no java behind', async () => {
    const port = await freeLoopbackPort();
    const start = startDynamoDbLocal({ port, startTimeoutMs: 20_000 });
    const impostor = await dynamoDbImpostorOn(port);
    try {
      await expect(start).rejects.toThrow(DynamoDbLocalStartError);
      await expect(start).rejects.toThrow(
        `cannot start DynamoDB Local on port ${port}: another process took the port before DynamoDB Local could bind it`,
      );
      expect(javaPidsListeningOn(port)).toEqual([]);
    } finally {
      await closed(impostor);
    }
  });
});

describe('holdsListeningPort on a procfs tree of the test’s own', () => {
  const TCP_HEADER =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  /** A `/proc/net/tcp` line: a socket on local port `port` in state `state` (0A: LISTEN) with inode `inode`. */
  const socketLine = (port: number, state: string, inode: number) =>
    `   0: 00000000:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

  /** A procfs tree: `net/tcp` holding `lines`, and for each pid its `fd` links to `socket:[inode]`. */
  function procTree(lines: string[], fds: Record<number, number[]>): string {
    const root = mkdtempSync(join(tmpdir(), 'proc-'));
    mkdirSync(join(root, 'net'));
    writeFileSync(join(root, 'net', 'tcp'), TCP_HEADER + lines.join(''));
    for (const [pid, inodes] of Object.entries(fds)) {
      mkdirSync(join(root, pid, 'fd'), { recursive: true });
      for (const [i, inode] of inodes.entries()) {
        symlinkSync(`socket:[${inode}]`, join(root, pid, 'fd', String(i + 3)));
      }
    }
    return root;
  }

  it('tells the holder of the listening socket from another process', async () => {
    const root = procTree([socketLine(8000, '0A', 111), socketLine(8000, '01', 222)], {
      10: [111],
      20: [222],
    });
    try {
      expect(await holdsListeningPort(10, 8000, root)).toBe(true);
      // 222 is a connection on the port, not its listener.
      expect(await holdsListeningPort(20, 8000, root)).toBe(false);
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it('cannot tell (undefined, the answer alone decides) when procfs lists no listener or hides the descriptors', async () => {
    const root = procTree([socketLine(9000, '0A', 111)], { 10: [111] });
    try {
      // Tables that list no listener on the port though a server answers there (a sandbox's, WSL1's).
      expect(await holdsListeningPort(10, 8000, root)).toBeUndefined();
      // The process's descriptors unreadable (a non-dumpable java) or gone.
      expect(await holdsListeningPort(30, 9000, root)).toBeUndefined();
      // No socket tables at all (not Linux).
      expect(await holdsListeningPort(10, 9000, join(root, 'nowhere'))).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true });
    }
  });
});

describe('holdsListeningPort', () => {
  it('tells the process holding a listening socket from one that does not', async () => {
    const { server, port } = await otherServer(200, '');
    try {
      expect(await holdsListeningPort(process.pid, port)).toBe(true);
      expect(await holdsListeningPort(process.ppid, port)).toBe(false);
      // Nothing listens there: nothing to tell (never asked then: no answer came from that port).
      expect(await holdsListeningPort(process.pid, await freeLoopbackPort())).toBeUndefined();
    } finally {
      await closed(server);
    }
  });
});

describe('answersAsDynamoDb', () => {
  it.each([
    ['a 200 that is not DynamoDB JSON', 200, 'hello'],
    ['a 200 JSON answer without TableNames', 200, '{"ok":true}'],
    ['an error status with a DynamoDB-like body', 500, '{"TableNames":[]}'],
  ])('does not take %s for DynamoDB Local', async (_what, status, body) => {
    const { server, port } = await otherServer(status, body);
    try {
      expect(await answersAsDynamoDb(`http://127.0.0.1:${port}`)).toBe(false);
    } finally {
      await closed(server);
    }
  });

  it('takes a ListTables answer for DynamoDB', async () => {
    const { server, port } = await otherServer(200, '{"TableNames":["a"]}');
    try {
      expect(await answersAsDynamoDb(`http://127.0.0.1:${port}`)).toBe(true);
    } finally {
      await closed(server);
    }
  });
});
