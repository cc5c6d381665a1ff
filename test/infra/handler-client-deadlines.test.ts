/**
 * The deployed functions' request deadlines (lambdas/handlers/aws-clients.ts;
 * docs/configuration.md, "Request deadlines of the deployed functions"): a
 * DynamoDB or SNS request the service never answers, or whose answer stops
 * halfway, fails as a `TimeoutError` after the SDK's retries instead of
 * waiting until the Lambda's timeout, and a write that ended so is judged to
 * have maybe applied (`mayHaveApplied`). Against local servers that read each
 * request and answer nothing, answer only the start, or keep the connection
 * busy without answering (only the request timeout, not the idle one, ends
 * that wait); the clients built as `createHandlerClients` builds them, with
 * the deadline shortened through the same option. Then the settings `createHandlerClients` gives
 * both clients, and the ones the CLI, the tests and the benchmarks keep (no
 * deadline). Nothing here measures time: a test only has to end.
 */
import type { IncomingMessage } from 'node:http';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { ListSubscriptionsByTopicCommand, PublishBatchCommand } from '@aws-sdk/client-sns';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createDocumentClient,
  DYNAMODB_REQUEST_TIMEOUT_MS,
  MAX_SOCKETS,
} from '../../lambdas/aws/dynamodb-client';
import { mayHaveApplied } from '../../lambdas/aws/may-have-applied';
import { createSnsClient, SNS_REQUEST_TIMEOUT_MS } from '../../lambdas/aws/sns-client';
import { createHandlerClients } from '../../lambdas/handlers/aws-clients';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { type LocalServer, listenLocally } from './support/local-http-server';

/** A deadline short enough for a test, long enough for a loaded machine's local round trip. */
const SHORT_DEADLINE_MS = 300;
/** Generous: a noisy machine; the attempts themselves take about 1.5 s. */
const ENDS_WITHIN_MS = 60_000;
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:deadlines';

let server: LocalServer | undefined;
const received: IncomingMessage[] = [];

beforeEach(() => {
  received.length = 0;
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  // Each attempt's count is the SDK's default for the service, whatever the shell says.
  vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
});

/** A server that reads every request and never answers it. */
async function silentServer(): Promise<string> {
  server = await listenLocally((req) => {
    received.push(req);
  });
  return server.url;
}

/** A server that starts every answer (status, headers, a few bytes of the body) and never finishes it. */
async function stallingServer(): Promise<string> {
  server = await listenLocally((req, _body, res) => {
    received.push(req);
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': '100' });
    res.write('{"Item":');
  });
  return server.url;
}

/**
 * A server that never answers but keeps every connection busy (an interim `102 Processing` every 100 ms): the
 * socket is never idle, so only the request's own deadline ends the wait.
 */
async function busyServer(): Promise<string> {
  server = await listenLocally((req, _body, res) => {
    received.push(req);
    const timer = setInterval(() => res.writeProcessing(), 100);
    res.on('close', () => clearInterval(timer)); // the server's close ends the connection
  });
  return server.url;
}

/** A server that answers every request at once with an empty JSON object (enough to resolve a client's handler). */
async function answeringServer(): Promise<string> {
  server = await listenLocally((_req, _body, res) => {
    res
      .writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'test' })
      .end('{}');
  });
  return server.url;
}

/** What `promise` rejected with (the test fails if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** A conditional write of the kind the sweep and the notifier send. */
const conditionalWrite = () =>
  new UpdateCommand({
    TableName: 'deadlines',
    Key: { id: 'c-1' },
    UpdateExpression: 'SET deletedAt = :now',
    ConditionExpression: 'attribute_not_exists(deletedAt)',
    ExpressionAttributeValues: { ':now': '2026-12-06T00:00:00.000Z' },
  });

/** One message `PublishBatch`, as the notifier and the sweep's admin report send. */
const publishBatch = () =>
  new PublishBatchCommand({
    TopicArn: TOPIC,
    PublishBatchRequestEntries: [{ Id: 'e-1', Message: 'digest' }],
  });

/** A tracer that traces nothing (`createHandlerClients` only hands it the clients). */
const untraced = { captureAWSv3Client: <T>(client: T) => client } as unknown as Tracer;

describe('a request the service never answers, through the deployed clients', () => {
  it(
    'fails a DynamoDB write as a TimeoutError after every attempt, judged as maybe applied',
    async () => {
      const client = createDocumentClient({
        endpoint: await silentServer(),
        requestTimeoutMs: SHORT_DEADLINE_MS,
      });
      try {
        const error = await rejectionOf(client.send(conditionalWrite()));

        expect(error).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 4 } });
        expect(await client.config.maxAttempts()).toBe(4); // DynamoDB's default (docs/configuration.md's worst case)
        expect(received).toHaveLength(4);
        expect(mayHaveApplied(error)).toBe(true);
      } finally {
        client.destroy();
      }
    },
    ENDS_WITHIN_MS,
  );

  it(
    'fails a DynamoDB read whose answer stops halfway as a TimeoutError after every attempt',
    async () => {
      const client = createDocumentClient({
        endpoint: await stallingServer(),
        requestTimeoutMs: SHORT_DEADLINE_MS,
      });
      try {
        const error = await rejectionOf(
          client.send(new GetCommand({ TableName: 'deadlines', Key: { id: 'c-1' } })),
        );

        expect(error).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 4 } });
        expect(received).toHaveLength(4);
      } finally {
        client.destroy();
      }
    },
    ENDS_WITHIN_MS,
  );

  it(
    'fails a DynamoDB write kept waiting on a busy connection as a TimeoutError after every attempt',
    async () => {
      const client = createDocumentClient({
        endpoint: await busyServer(),
        requestTimeoutMs: SHORT_DEADLINE_MS,
      });
      try {
        const error = await rejectionOf(client.send(conditionalWrite()));

        expect(error).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 4 } });
        expect(received).toHaveLength(4);
        expect(mayHaveApplied(error)).toBe(true);
      } finally {
        client.destroy();
      }
    },
    ENDS_WITHIN_MS,
  );

  it.each(['standard', 'adaptive'] as const)(
    'fails an SNS PublishBatch as a TimeoutError after every attempt (%s retry mode)',
    async (retryMode) => {
      const client = createSnsClient({
        endpoint: await silentServer(),
        retryMode,
        requestTimeoutMs: SHORT_DEADLINE_MS,
      });
      try {
        const error = await rejectionOf(client.send(publishBatch()));

        expect(error).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 3 } });
        expect(await client.config.maxAttempts()).toBe(3); // SNS's default (docs/configuration.md's worst case)
        expect(received).toHaveLength(3);
        expect(mayHaveApplied(error)).toBe(true);
      } finally {
        client.destroy();
      }
    },
    ENDS_WITHIN_MS,
  );
});

/** The settings a client's request handler settles on at its first request. */
async function settledSettings(
  client: {
    send(command: never): Promise<unknown>;
    config: { requestHandler: unknown };
  },
  command: unknown,
) {
  await client.send(command as never).catch(() => undefined); // only the handler's settings matter
  return (client.config.requestHandler as NodeHttpHandler).httpHandlerConfigs();
}

describe('the request deadlines of createHandlerClients', () => {
  it('gives the DynamoDB and SNS clients of every deployed function their deadline, and keeps the SDK settings', async () => {
    vi.stubEnv('AWS_DEFAULTS_MODE', 'in-region'); // the SDK's connection timeout for it: 1,100 ms
    const url = await answeringServer();
    const env = { [HANDLER_ENV.dynamoDbEndpoint]: url, [HANDLER_ENV.snsEndpoint]: url };
    for (const retryMode of ['standard', 'adaptive'] as const) {
      const { documentClient, snsClient } = createHandlerClients(env, untraced, retryMode);
      try {
        const dynamo = await settledSettings(
          documentClient,
          new GetCommand({ TableName: 't', Key: { id: 'k' } }),
        );
        const sns = await settledSettings(
          snsClient,
          new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }),
        );

        const deadline = (ms: number) => ({
          requestTimeout: ms,
          throwOnRequestTimeout: true,
          socketTimeout: ms,
        });
        expect(dynamo).toMatchObject({ ...deadline(DYNAMODB_REQUEST_TIMEOUT_MS), connectionTimeout: 1_100 });
        expect(dynamo.httpAgent?.maxSockets).toBe(MAX_SOCKETS);
        expect(sns).toMatchObject({ ...deadline(SNS_REQUEST_TIMEOUT_MS), connectionTimeout: 1_100 });
      } finally {
        documentClient.destroy();
        snsClient.destroy();
      }
    }
    expect([DYNAMODB_REQUEST_TIMEOUT_MS, SNS_REQUEST_TIMEOUT_MS]).toEqual([3_000, 3_000]);
  });

  it('leaves the clients of the CLI, the tests and the benchmarks without a deadline', async () => {
    const endpoint = await answeringServer();
    const documentClient = createDocumentClient({ endpoint });
    const snsClient = createSnsClient({ endpoint });
    try {
      const dynamo = await settledSettings(
        documentClient,
        new GetCommand({ TableName: 't', Key: { id: 'k' } }),
      );
      const sns = await settledSettings(snsClient, new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));

      for (const settings of [dynamo, sns]) {
        expect(settings.requestTimeout).toBeUndefined();
        expect(settings.throwOnRequestTimeout).toBeUndefined();
        expect(settings.socketTimeout).toBeUndefined(); // the SDK's opt-in default is not opted in here
      }
    } finally {
      documentClient.destroy();
      snsClient.destroy();
    }
  });
});
