/**
 * The one place an SNS client is built: the notifier Lambda, the sweep's admin
 * report, the CLI and the tests all get the same retry policy.
 */
import { SNSClient } from '@aws-sdk/client-sns';

/** Where SNS is. */
export interface SnsClientOptions {
  /** A non-default endpoint (an SNS-compatible local server). */
  readonly endpoint?: string;
  /** AWS region; defaults to the SDK's resolution (`AWS_REGION`, profile). */
  readonly region?: string;
}

/**
 * Creates an SNS client in the SDK's standard retry mode: throttling and
 * transient errors back off and retry inside one call; what still fails is
 * reported per entry and retried by the next drain.
 */
export function createSnsClient(options: SnsClientOptions = {}): SNSClient {
  return new SNSClient({
    retryMode: 'standard',
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.region !== undefined && { region: options.region }),
  });
}
