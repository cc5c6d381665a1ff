/**
 * The one place an SESv2 client is built (the relay Lambda and its tests).
 * The SDK's own retries are off: the sender (`ses-email-sender.ts`) retries
 * throttling and transient errors itself, with backoff it controls and tests
 * can observe, so attempts do not multiply across two retry layers.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';

/** Where SES is. */
export interface SesClientOptions {
  /** A non-default endpoint (a local stub). */
  readonly endpoint?: string;
  /** AWS region; defaults to the SDK's resolution (`AWS_REGION`, profile). */
  readonly region?: string;
}

/** Creates an SESv2 client that makes exactly one attempt per call. */
export function createSesClient(options: SesClientOptions = {}): SESv2Client {
  return new SESv2Client({
    maxAttempts: 1,
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.region !== undefined && { region: options.region }),
  });
}
