/**
 * The SESv2 client's request deadline (lambdas/aws/sesv2-client.ts): a
 * `SendEmail` SES never answers fails as a `TimeoutError` after the request
 * timeout, and the sender (lambdas/aws/ses-email-sender.ts) classifies it as
 * transient and tries again, instead of hanging until the Lambda's timeout
 * fails the whole batch. Against a local HTTP server that reads each request
 * and answers nothing; the deployed client's timeouts as configured.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isTransientSesError, SesEmailSender } from '../../lambdas/aws/ses-email-sender';
import {
  createSesClient,
  SES_CONNECTION_TIMEOUT_MS,
  SES_REQUEST_TIMEOUT_MS,
} from '../../lambdas/aws/sesv2-client';

const EMAIL = {
  raw: Buffer.from('From: a@b\r\n\r\nhi'),
  from: 'Hygiene <hygiene@corp.example>',
  to: 'ada@example.com',
  tags: {},
  digest: { userId: 'ada', drainId: 'd', part: 1 },
};

let server: Server;
let endpoint: string;
const received: IncomingMessage[] = [];
let answer: 'never' | 'at once' = 'never';

beforeEach(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  received.length = 0;
  server = createServer((request, response) => {
    received.push(request);
    request.resume();
    if (answer === 'at once') {
      response.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'test' });
      response.end('{"MessageId":"m-1"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  vi.unstubAllEnvs();
  answer = 'never';
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createSesClient', () => {
  it('fails a SendEmail SES never answers with a TimeoutError, which the sender retries as transient', async () => {
    const client = createSesClient({ endpoint, region: 'eu-west-1', requestTimeoutMs: 300 });
    const sleeps: number[] = [];
    const sender = new SesEmailSender(client, {
      maxAttempts: 2,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    const error = await sender.send(EMAIL).then(
      () => undefined,
      (e: unknown) => e,
    );
    client.destroy();

    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(isTransientSesError(error)).toBe(true);
    expect(received).toHaveLength(2); // tried again after the first timed out
    expect(sleeps).toHaveLength(1);
  }, 4_000);

  it('gives every request the deadline and connection timeout (the deployed client)', async () => {
    answer = 'at once';
    const client = createSesClient({ endpoint, region: 'eu-west-1' });

    expect(await new SesEmailSender(client).send(EMAIL)).toEqual({ messageId: 'm-1' });
    const handler = client.config.requestHandler as NodeHttpHandler;
    client.destroy();

    expect(handler.httpHandlerConfigs()).toMatchObject({
      requestTimeout: SES_REQUEST_TIMEOUT_MS,
      connectionTimeout: SES_CONNECTION_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    });
    expect(SES_REQUEST_TIMEOUT_MS).toBe(10_000);
  });
});
