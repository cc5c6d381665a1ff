/**
 * The one place an SNS client is built: the notifier Lambda, the sweep's admin
 * report, the CLI and the tests all get the same retry policy; the deployed
 * functions also a deadline on every request ({@link SNS_REQUEST_TIMEOUT_MS},
 * set by `lambdas/handlers/aws-clients.ts`).
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { type ClientLocation, clientLocationConfig, clientRequestHandler } from './client-location';

/** Where SNS is (an SNS-compatible local server or another endpoint, region, profile), and how to retry. */
export interface SnsClientOptions extends ClientLocation {
  /**
   * The SDK's retry mode (default `standard`). `adaptive` adds client-side rate
   * limiting after throttling: for bursts of control-plane calls (the
   * subscription reconciler) that share the account's per-API TPS budget.
   */
  readonly retryMode?: 'standard' | 'adaptive';
  /**
   * The deadline of each request attempt, in ms: one whose response has not started by then (or stops
   * for as long) fails with a `TimeoutError`, which the SDK retries (`client-location.ts`,
   * `clientRequestHandler`). The deployed functions set {@link SNS_REQUEST_TIMEOUT_MS}.
   * @default none: the SDK's own request handler, an attempt may wait for ever (the CLI, the tests)
   */
  readonly requestTimeoutMs?: number;
}

/**
 * The deadline of each SNS request attempt in the deployed functions
 * (docs/configuration.md, "Request deadlines of the deployed functions").
 * Their SNS requests are a `PublishBatch` of at most 10 messages and
 * 256 KiB in all, a page of `ListSubscriptionsByTopic` (100 subscriptions)
 * and the reconciler's calls on one subscription (`Subscribe`,
 * `Unsubscribe`, `GetSubscriptionAttributes`, `SetSubscriptionAttributes`),
 * each answered once SNS has taken the request, not after any delivery, and
 * all in the function's own region. 3 s leaves such a request room many
 * times over while a hung one fails quickly; it is the request timeout the
 * SDK's own guide uses in its example ("Configure maxSockets in Node.js", AWS
 * SDK for JavaScript v3 Developer Guide), and the DynamoDB client's
 * (`DYNAMODB_REQUEST_TIMEOUT_MS`). A request that hangs on every attempt
 * fails after the SNS client's 3 attempts and 2 backoffs of at most 50 and
 * 100 ms: 9.2 s at most.
 */
export const SNS_REQUEST_TIMEOUT_MS = 3_000;

/**
 * Creates an SNS client in the SDK's standard retry mode: throttling and
 * transient errors back off and retry inside one call; what still fails is
 * reported per entry and retried by the next drain. With
 * `options.requestTimeoutMs` the client gets a request handler of its own
 * with that deadline on each attempt and otherwise the settings the SDK would
 * give its own (the connection timeout of `AWS_DEFAULTS_MODE`, 50 sockets);
 * without it, the SDK builds its handler as usual.
 *
 * `cacheMiddleware`: the client resolves its middleware stack once per command
 * class instead of on every call (a drain makes one `PublishBatch` per 10
 * owners, ~75 at 10,000 records: ~9 ms of a fresh process's CPU, BENCHMARKS.md).
 * Middleware added to the client (X-Ray tracing, test fault injection) must be
 * added before its first call, as every caller here does.
 * Endpoint, region, profile and local dummy credentials: client-location.ts.
 */
export function createSnsClient(options: SnsClientOptions = {}): SNSClient {
  const location = clientLocationConfig(options);
  const { requestTimeoutMs } = options;
  return new SNSClient({
    retryMode: options.retryMode ?? 'standard',
    cacheMiddleware: true,
    ...(requestTimeoutMs !== undefined && {
      requestHandler: clientRequestHandler(location.region, { requestTimeoutMs }),
    }),
    ...location,
  });
}
