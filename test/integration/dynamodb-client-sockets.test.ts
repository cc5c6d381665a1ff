/**
 * The document client's connection pool does not cap the concurrency the
 * configuration allows (lambdas/aws/dynamodb-client.ts, `MAX_SOCKETS`): a
 * sweep at the largest `scanSegments` + `writeConcurrency` gets every one of
 * its requests onto the wire at once. A local HTTP server holds each request
 * until that many are open at the same time; the SDK's default pool (50
 * sockets) queues the rest in the client, so the server never sees them.
 * Widening the pool keeps the rest of the handler the SDK builds: its
 * connection timeout still follows `AWS_DEFAULTS_MODE`, and its opt-in default
 * socket timeout (`AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026`) still applies.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createDocumentClient,
  DYNAMODB_DEFAULT_SOCKET_TIMEOUT_MS,
  MAX_SOCKETS,
} from '../../lambdas/aws/dynamodb-client';
import { CONCURRENCY_MAXIMA } from '../../lambdas/hygiene/config';

/**
 * A server that answers nothing until `wanted` requests are open together; after `giveUpMs` it answers
 * everything at once (so a client that cannot reach `wanted` fails the test instead of hanging it).
 */
async function holdingServer(wanted: number, giveUpMs: number) {
  const held: ServerResponse[] = [];
  let mostOpen = 0;
  const answerAll = () => {
    for (const response of held.splice(0)) {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'test' });
      response.end('{}');
    }
  };
  let giveUp: NodeJS.Timeout | undefined;
  let holding = true;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      held.push(response);
      mostOpen = Math.max(mostOpen, held.length);
      giveUp ??= setTimeout(() => {
        holding = false;
        answerAll();
      }, giveUpMs);
      if (!holding || held.length >= wanted) answerAll();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    mostOpen: () => mostOpen,
    close: () => {
      clearTimeout(giveUp);
      server.closeAllConnections();
      server.close();
    },
  };
}

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  vi.unstubAllEnvs();
});

describe('the document client connection pool', () => {
  it('has room for every request a sweep at the largest configuration keeps in flight', async () => {
    const inFlight = CONCURRENCY_MAXIMA.scanSegments + CONCURRENCY_MAXIMA.writeConcurrency;
    expect(MAX_SOCKETS).toBeGreaterThanOrEqual(inFlight);
    // A client that can open enough sockets reaches `inFlight` long before the server gives up.
    const server = await holdingServer(inFlight, 10_000);
    close = server.close;
    const client = createDocumentClient({ endpoint: server.endpoint });
    try {
      await Promise.all(
        Array.from({ length: inFlight }, (_, i) =>
          client.send(new GetCommand({ TableName: 'sockets', Key: { id: `k${i}` } })),
        ),
      );
    } finally {
      client.destroy();
    }
    expect(server.mostOpen()).toBe(inFlight);
  });

  /** The settings the client's handler settles on at its first request, under the environment given. */
  async function settledHandlerSettings(env: Record<string, string | undefined>) {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const server = await holdingServer(1, 10_000);
    const client = createDocumentClient({ endpoint: server.endpoint });
    try {
      await client.send(new GetCommand({ TableName: 'sockets', Key: { id: 'k' } }));
      return (client.config.requestHandler as NodeHttpHandler).httpHandlerConfigs();
    } finally {
      client.destroy();
      server.close();
      vi.unstubAllEnvs();
    }
  }

  it("keeps the SDK defaults mode's settings for everything but the pool", async () => {
    const settings = await settledHandlerSettings({ AWS_DEFAULTS_MODE: 'in-region' });
    // `in-region`: the SDK's 1,100 ms connection timeout (lost if handler options replace its defaults).
    expect(settings.connectionTimeout).toBe(1_100);
    expect(settings.httpAgent?.maxSockets).toBe(MAX_SOCKETS);
  });

  it("keeps the SDK's opt-in default socket timeout, and only when it is opted in", async () => {
    // What DynamoDB's own client resolves when the SDK builds its handler itself.
    vi.stubEnv('AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026', 'true');
    const stock = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
    const sdkDefault = (stock.config as { defaultSocketTimeout?: number }).defaultSocketTimeout;
    stock.destroy();
    expect(sdkDefault).toBe(DYNAMODB_DEFAULT_SOCKET_TIMEOUT_MS);

    const optedIn = await settledHandlerSettings({ AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026: 'true' });
    expect(optedIn.socketTimeout).toBe(sdkDefault);
    // The SDK's rule: exactly "true", else no timeout.
    for (const value of [undefined, 'false', 'TRUE', '1']) {
      const settings = await settledHandlerSettings({ AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026: value });
      expect(settings.socketTimeout, `AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026=${value}`).toBeUndefined();
    }
  });
});
