/**
 * The deployed handlers' SDK clients, built once at cold start: endpoints from
 * the environment (overridable for the artifact test), a deadline on every
 * request (one rule for every function: docs/configuration.md, "Request
 * deadlines of the deployed functions"), and traced by X-Ray with every email
 * address masked in the errors the trace records (`lambdas/aws/address-masked-tracing.ts`).
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ClientTracer, traceWithAddressesMasked } from '../aws/address-masked-tracing';
import { createDocumentClient, DYNAMODB_REQUEST_TIMEOUT_MS } from '../aws/dynamodb-client';
import { createSnsClient, SNS_REQUEST_TIMEOUT_MS, type SnsClientOptions } from '../aws/sns-client';
import { HANDLER_ENV } from './environment';

/** The clients both handlers use. */
export interface HandlerClients {
  readonly documentClient: DynamoDBDocumentClient;
  readonly snsClient: SNSClient;
}

/**
 * Creates the DynamoDB document client and the SNS client, each with its
 * service's request deadline ({@link DYNAMODB_REQUEST_TIMEOUT_MS},
 * {@link SNS_REQUEST_TIMEOUT_MS}: a hung request fails as a `TimeoutError`
 * and is retried, instead of running into the function's timeout) and traced
 * by `tracer`, addresses masked in the errors the trace records ({@link traceWithAddressesMasked}).
 * @param snsRetryMode `adaptive` for control-plane bursts (the subscription reconciler); default `standard`
 */
export function createHandlerClients(
  env: Readonly<Record<string, string | undefined>>,
  tracer: ClientTracer,
  snsRetryMode: SnsClientOptions['retryMode'] = 'standard',
): HandlerClients {
  const dynamoDbEndpoint = env[HANDLER_ENV.dynamoDbEndpoint];
  const snsEndpoint = env[HANDLER_ENV.snsEndpoint];
  const documentClient = createDocumentClient({
    ...(dynamoDbEndpoint && { endpoint: dynamoDbEndpoint }),
    requestTimeoutMs: DYNAMODB_REQUEST_TIMEOUT_MS,
  });
  const snsClient = createSnsClient({
    ...(snsEndpoint && { endpoint: snsEndpoint }),
    retryMode: snsRetryMode,
    requestTimeoutMs: SNS_REQUEST_TIMEOUT_MS,
  });
  traceWithAddressesMasked(tracer, documentClient);
  traceWithAddressesMasked(tracer, snsClient);
  return { documentClient, snsClient };
}
