/**
 * The one place an SQS client is built (the relay Lambda's hold of a digest SES refused for its spent daily quota):
 * the SDK's standard retries, and a deadline on each attempt, so a hung call ends within the relay's safety margin
 * (`RELAY_SAFETY_MARGIN_MS`); endpoint, region and local credentials as every client's (`client-location.ts`).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { type ClientLocation, clientLocationConfig, clientRequestHandler } from './client-location';

/** The deadline of each SQS request attempt in the relay function: one small call in its own region. */
export const SQS_REQUEST_TIMEOUT_MS = 3_000;

/** Creates an SQS client with {@link SQS_REQUEST_TIMEOUT_MS} on each attempt. */
export function createSqsClient(location: ClientLocation = {}): SQSClient {
  const config = clientLocationConfig(location);
  return new SQSClient({
    retryMode: 'standard',
    requestHandler: clientRequestHandler(config.region, { requestTimeoutMs: SQS_REQUEST_TIMEOUT_MS }),
    ...config,
  });
}
