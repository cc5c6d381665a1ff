/**
 * The deployed handlers' SDK clients, built once at cold start: endpoints from
 * the environment (overridable for the artifact test) and traced by X-Ray.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../aws/dynamodb-client';
import { createSnsClient, type SnsClientOptions } from '../aws/sns-client';
import { HANDLER_ENV } from './environment';

/** The clients both handlers use. */
export interface HandlerClients {
  readonly documentClient: DynamoDBDocumentClient;
  readonly snsClient: SNSClient;
}

/**
 * Creates the DynamoDB document client and the SNS client, each traced by `tracer`.
 * @param snsRetryMode `adaptive` for control-plane bursts (the subscription reconciler); default `standard`
 */
export function createHandlerClients(
  env: Readonly<Record<string, string | undefined>>,
  tracer: Tracer,
  snsRetryMode: SnsClientOptions['retryMode'] = 'standard',
): HandlerClients {
  const dynamoDbEndpoint = env[HANDLER_ENV.dynamoDbEndpoint];
  const snsEndpoint = env[HANDLER_ENV.snsEndpoint];
  const documentClient = createDocumentClient({ ...(dynamoDbEndpoint && { endpoint: dynamoDbEndpoint }) });
  const snsClient = createSnsClient({
    ...(snsEndpoint && { endpoint: snsEndpoint }),
    retryMode: snsRetryMode,
  });
  tracer.captureAWSv3Client(documentClient);
  tracer.captureAWSv3Client(snsClient);
  return { documentClient, snsClient };
}
