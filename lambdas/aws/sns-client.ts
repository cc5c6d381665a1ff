/**
 * The one place an SNS client is built: the notifier Lambda, the sweep's admin
 * report, the CLI and the tests all get the same retry policy.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { type ClientLocation, clientLocationConfig } from './client-location';

/** Where SNS is (an SNS-compatible local server or another endpoint, region, profile), and how to retry. */
export interface SnsClientOptions extends ClientLocation {
  /**
   * The SDK's retry mode (default `standard`). `adaptive` adds client-side rate
   * limiting after throttling: for bursts of control-plane calls (the
   * subscription reconciler) that share the account's per-API TPS budget.
   */
  readonly retryMode?: 'standard' | 'adaptive';
}

/**
 * Creates an SNS client in the SDK's standard retry mode: throttling and
 * transient errors back off and retry inside one call; what still fails is
 * reported per entry and retried by the next drain.
 *
 * `cacheMiddleware`: the client resolves its middleware stack once per command
 * class instead of on every call (a drain makes one `PublishBatch` per 10
 * owners, ~75 at 10,000 records: ~9 ms of a fresh process's CPU, BENCHMARKS.md).
 * Middleware added to the client (X-Ray tracing, test fault injection) must be
 * added before its first call, as every caller here does.
 * Endpoint, region, profile and local dummy credentials: client-location.ts.
 */
export function createSnsClient(options: SnsClientOptions = {}): SNSClient {
  return new SNSClient({
    retryMode: options.retryMode ?? 'standard',
    cacheMiddleware: true,
    ...clientLocationConfig(options),
  });
}
