/**
 * No owner address in X-Ray traces (docs/deploy.md, "Security choices"), while callers keep whole errors:
 * a traced SDK call that fails with a refusal naming an address (SES's sandbox `MessageRejected`, an SNS
 * `Subscribe` refusal) is recorded in its subsegment with the address masked, and the caller catches the original
 * error, unchanged (lambdas/aws/address-masked-tracing.ts); a handler's thrown error likewise in the handler's
 * subsegment (lambdas/handlers/observability.ts). Real SDK clients answered by a request handler of the test's (no
 * network), traced by the real Powertools tracer and X-Ray SDK into a segment the test holds and reads as X-Ray
 * would receive it (`format()`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { MessageRejected, type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { InvalidParameterException, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import AWSXRay from 'aws-xray-sdk-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  maskedForTrace,
  traceWithAddressesMasked,
  unmaskedAfterTrace,
} from '../../lambdas/aws/address-masked-tracing';
import { createSesClient } from '../../lambdas/aws/sesv2-client';
import { createHandlerClients } from '../../lambdas/handlers/aws-clients';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { withObservability } from '../../lambdas/handlers/observability';

const ADDRESS = 'owner@example.com';
const MASKED = '<email address>';
const SES_REFUSAL = `Email address is not verified. The following identities failed the check in region US-EAST-1: ${ADDRESS}`;

/** A request handler that answers every request with one HTTP response (no network). */
function answering(statusCode: number, headers: Record<string, string>, body: string) {
  return {
    handle: async () => ({ response: { statusCode, headers, body: new TextEncoder().encode(body) } }),
  };
}

/** Points a built client at `handler` (before its first call), keeping everything else as its factory made it. */
function answeredBy(client: { config: object }, handler: ReturnType<typeof answering>): void {
  (client.config as { requestHandler: unknown }).requestHandler = handler;
}

const SES_MESSAGE_REJECTED = answering(
  400,
  { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected', 'x-amzn-requestid': 'ses-1' },
  JSON.stringify({ message: SES_REFUSAL }),
);

const SEND_EMAIL = new SendEmailCommand({
  FromEmailAddress: 'hygiene@corp.example',
  Destination: { ToAddresses: [ADDRESS] },
  Content: { Raw: { Data: new TextEncoder().encode('From: hygiene@corp.example\r\n\r\nhi') } },
});

/** The Lambda-like environment in which the Powertools tracer traces (outside Lambda it does nothing). */
function tracingEnvironment(): void {
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
}

/** Runs `work` with `segment` as the active X-Ray segment, as Lambda's facade segment is. */
function inSegment<T>(segment: AWSXRay.Segment, work: () => Promise<T>): Promise<T> {
  const namespace = AWSXRay.getNamespace();
  return namespace.runPromise(async () => {
    AWSXRay.setSegment(segment);
    return work();
  });
}

/** What the segment's subsegments would send to X-Ray, as parsed JSON texts. */
function sent(segment: AWSXRay.Segment): string[] {
  return (segment.subsegments ?? []).map((s) => s.format());
}

/** The first exception a formatted subsegment records. */
function recordedException(formatted: string): { message: string; type: string } {
  return (JSON.parse(formatted) as { cause: { exceptions: { message: string; type: string }[] } }).cause
    .exceptions[0]!;
}

/** The error a call rejected with. */
async function caught(call: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return call.then(
    () => expect.unreachable('the call succeeded'),
    (error: Error) => error,
  );
}

let segment: AWSXRay.Segment;

beforeEach(() => {
  tracingEnvironment();
  segment = new AWSXRay.Segment('test-function');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('traceWithAddressesMasked (an SDK call refused with an address)', () => {
  /** The relay's SES client as relay.ts builds and traces it, answered by `handler`. */
  function tracedSesClient(handler = SES_MESSAGE_REJECTED): SESv2Client {
    const client = createSesClient({ region: 'us-east-1' });
    answeredBy(client, handler);
    return traceWithAddressesMasked(new Tracer({ captureHTTPsRequests: false }), client);
  }

  it("records SES's MessageRejected in the trace with the address masked", async () => {
    const client = tracedSesClient();
    await caught(inSegment(segment, () => client.send(SEND_EMAIL)));

    const [subsegment] = sent(segment);
    expect(subsegment).toBeDefined();
    expect(subsegment).not.toContain(ADDRESS);
    const exception = recordedException(subsegment!);
    expect(exception.type).toBe('MessageRejected');
    expect(exception.message).toBe(SES_REFUSAL.replace(ADDRESS, MASKED));
    // The rest of what X-Ray takes from the error is the original's: the status and the error flag.
    expect(JSON.parse(subsegment!)).toMatchObject({
      name: 'SESv2',
      error: true,
      http: { response: { status: 400 } },
    });
  });

  it('gives the caller the original error, unchanged', async () => {
    const client = tracedSesClient();
    const error = await caught(inSegment(segment, () => client.send(SEND_EMAIL)));

    expect(error).toBeInstanceOf(MessageRejected);
    expect(Object.getPrototypeOf(error)).toBe(MessageRejected.prototype); // not a stand-in
    expect(error.name).toBe('MessageRejected');
    expect(error.message).toBe(SES_REFUSAL);
    expect(error.stack).toContain(ADDRESS);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('leaves an answered call as it was', async () => {
    const client = tracedSesClient(
      answering(200, { 'content-type': 'application/json' }, JSON.stringify({ MessageId: 'm-1' })),
    );
    await expect(inSegment(segment, () => client.send(SEND_EMAIL))).resolves.toMatchObject({
      MessageId: 'm-1',
    });
    expect(JSON.parse(sent(segment)[0]!)).not.toHaveProperty('cause');
  });

  it('is the way createHandlerClients traces both its clients', async () => {
    const { snsClient, documentClient } = createHandlerClients(
      {
        [HANDLER_ENV.snsEndpoint]: 'http://sns.invalid',
        [HANDLER_ENV.dynamoDbEndpoint]: 'http://ddb.invalid',
      },
      new Tracer({ captureHTTPsRequests: false }),
    );
    answeredBy(
      snsClient as SNSClient,
      answering(
        400,
        { 'content-type': 'text/xml' },
        '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code>' +
          `<Message>Invalid parameter: Endpoint ${ADDRESS} is refused</Message></Error>` +
          '<RequestId>sns-1</RequestId></ErrorResponse>',
      ),
    );
    answeredBy(
      documentClient,
      answering(
        400,
        { 'content-type': 'application/x-amz-json-1.0' },
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ValidationException',
          message: `value ${ADDRESS} refused`,
        }),
      ),
    );

    const subscribe = await caught(
      inSegment(segment, () =>
        snsClient.send(
          new SubscribeCommand({
            TopicArn: 'arn:aws:sns:us-east-1:1:t',
            Protocol: 'email',
            Endpoint: ADDRESS,
          }),
        ),
      ),
    );
    const get = await caught(
      inSegment(segment, () =>
        documentClient.send(new GetCommand({ TableName: 'Owners', Key: { userId: 'u' } })),
      ),
    );

    expect(subscribe).toBeInstanceOf(InvalidParameterException);
    expect(subscribe.message).toBe(`Invalid parameter: Endpoint ${ADDRESS} is refused`);
    expect(get.message).toBe(`value ${ADDRESS} refused`);
    const [snsTrace, dynamoDbTrace] = sent(segment);
    expect(recordedException(snsTrace!).message).toBe(`Invalid parameter: Endpoint ${MASKED} is refused`);
    expect(recordedException(dynamoDbTrace!).message).toBe(`value ${MASKED} refused`);
    expect(sent(segment).join('\n')).not.toContain(ADDRESS);
  });
});

describe('withObservability (a handler that throws an error naming an address)', () => {
  const context = { functionName: 'relay', awsRequestId: 'r-1' } as unknown as Context;

  it("records it in the handler's subsegment masked, and the runtime gets the masked copy of the same class", async () => {
    const failure = new Error(`SES refused: ${SES_REFUSAL}`);
    const tools = {
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test' }),
      tracer: new Tracer({ captureHTTPsRequests: false }),
    };
    const handler = withObservability(async () => Promise.reject(failure), tools);

    // The runtime writes what it is given to the log group, the function's X-Ray segment and a failure record.
    const thrown: unknown = await inSegment(segment, () => handler({}, context)).catch(
      (error: unknown) => error,
    );

    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe(`SES refused: ${SES_REFUSAL.replace(ADDRESS, MASKED)}`);
    expect((thrown as Error).stack).not.toContain(ADDRESS);
    expect(unmaskedAfterTrace(thrown)).toBe(failure);
    expect(failure.message).toBe(`SES refused: ${SES_REFUSAL}`);
    const [handlerTrace] = sent(segment);
    expect(handlerTrace).not.toContain(ADDRESS);
    expect(recordedException(handlerTrace!).message).toBe(
      `SES refused: ${SES_REFUSAL.replace(ADDRESS, MASKED)}`,
    );
  });
});

describe('maskedForTrace', () => {
  it("masks the stack's text lines (a message over several lines) and keeps its call sites", () => {
    const error = new TypeError(`refused:\n  ${ADDRESS}`);
    error.stack = `TypeError: refused:\n  ${ADDRESS}\n    at send (/app/node_modules/@smithy/core/dist-cjs/index.js:1:2)`;

    const standIn = maskedForTrace(error);

    expect(standIn.message).toBe(`refused:\n  ${MASKED}`);
    expect(standIn.stack).toBe(
      `TypeError: refused:\n  ${MASKED}\n    at send (/app/node_modules/@smithy/core/dist-cjs/index.js:1:2)`,
    );
    expect(standIn).toBeInstanceOf(TypeError);
    expect(standIn.name).toBe('TypeError');
    expect(unmaskedAfterTrace(standIn)).toBe(error);
    expect(error.message).toBe(`refused:\n  ${ADDRESS}`);
  });

  it('leaves a message or stack that is not a text as it is, masking what is, and never throws', () => {
    const noMessage = new Error('x');
    Object.defineProperty(noMessage, 'message', { value: undefined });
    const numericMessage = new Error('x');
    Object.defineProperty(numericMessage, 'message', { get: () => 42 });
    const objectStack = new Error(`refused ${ADDRESS}`);
    Object.defineProperty(objectStack, 'stack', { value: { frames: [] } });

    expect(maskedForTrace(noMessage)).toBe(noMessage);
    expect(maskedForTrace(numericMessage)).toBe(numericMessage);
    const standIn = maskedForTrace(objectStack);
    expect(standIn.message).toBe(`refused ${MASKED}`);
    expect(standIn.stack).toEqual({ frames: [] });
    expect(unmaskedAfterTrace(standIn)).toBe(objectStack);
  });

  it('returns an error without an address itself (its stack may name an @scope path), and any non-error as it is', () => {
    const error = new Error('throttled');
    error.stack = 'Error: throttled\n    at send (/app/node_modules/@smithy/core/dist-cjs/index.js:1:2)';
    expect(maskedForTrace(error)).toBe(error);
    expect(unmaskedAfterTrace(error)).toBe(error);
    expect(maskedForTrace(`text ${ADDRESS}`)).toBe(`text ${ADDRESS}`);
  });
});
