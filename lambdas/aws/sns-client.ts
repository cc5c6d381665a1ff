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
  /** A named profile of the shared AWS config files (the CLI's `--profile`); default: the SDK's (`AWS_PROFILE`). */
  readonly profile?: string;
  /**
   * The SDK's retry mode (default `standard`). `adaptive` adds client-side rate
   * limiting after throttling: for bursts of control-plane calls (the
   * subscription reconciler) that share the account's per-API TPS budget.
   */
  readonly retryMode?: 'standard' | 'adaptive';
}

/** Region used against a custom endpoint when none is configured (a local server ignores it). */
const LOCAL_REGION = 'us-east-1';

/**
 * Creates an SNS client in the SDK's standard retry mode: throttling and
 * transient errors back off and retry inside one call; what still fails is
 * reported per entry and retried by the next drain.
 *
 * With a custom `endpoint` and no AWS credentials in the environment, fixed
 * dummy credentials are used (a local server accepts any), so the SDK does not
 * go looking for instance credentials.
 */
export function createSnsClient(options: SnsClientOptions = {}): SNSClient {
  const { endpoint } = options;
  const region = options.region ?? (endpoint ? (process.env.AWS_REGION ?? LOCAL_REGION) : undefined);
  const needsDummyCredentials =
    endpoint !== undefined &&
    options.profile === undefined &&
    !process.env.AWS_ACCESS_KEY_ID &&
    !process.env.AWS_PROFILE;
  return new SNSClient({
    retryMode: options.retryMode ?? 'standard',
    ...(endpoint !== undefined && { endpoint }),
    ...(region !== undefined && { region }),
    ...(options.profile !== undefined && { profile: options.profile }),
    ...(needsDummyCredentials && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
}
