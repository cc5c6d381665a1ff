/**
 * The one place an SESv2 client is built (the relay Lambda and its tests).
 * The SDK's own retries are off: the sender (`ses-email-sender.ts`) retries
 * throttling and transient errors itself, with backoff it controls and tests
 * can observe, so attempts do not multiply across two retry layers. Each
 * request has a deadline ({@link SES_REQUEST_TIMEOUT_MS}): a `SendEmail` that
 * hangs fails as a `TimeoutError`, which the sender retries like any transient
 * error (docs/notifications.md, "The relay's guarantees"), instead of running
 * into the Lambda's timeout and failing the whole batch.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** How long one SES request may take, connecting included, before it fails (`TimeoutError`). */
export const SES_REQUEST_TIMEOUT_MS = 10_000;
/** How long opening a connection to SES may take before the request fails (`TimeoutError`). */
export const SES_CONNECTION_TIMEOUT_MS = 3_000;

/** Where SES is. */
export interface SesClientOptions {
  /** A non-default endpoint (a local stub). */
  readonly endpoint?: string;
  /** AWS region; defaults to the SDK's resolution (`AWS_REGION`, profile). */
  readonly region?: string;
  /** @default SES_REQUEST_TIMEOUT_MS (tests shorten it) */
  readonly requestTimeoutMs?: number;
}

/**
 * Creates an SESv2 client that makes exactly one attempt per call, within
 * {@link SES_REQUEST_TIMEOUT_MS}. The SDK's Node handler only warns when a
 * request outlives its `requestTimeout` unless told to throw
 * (`throwOnRequestTimeout`); its connection timeout is set here too, as a
 * client given its own handler does not take the one of the SDK's defaults
 * mode (the same as `dynamodb-client.ts` notes).
 */
export function createSesClient(options: SesClientOptions = {}): SESv2Client {
  return new SESv2Client({
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: SES_CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? SES_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    }),
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.region !== undefined && { region: options.region }),
  });
}
