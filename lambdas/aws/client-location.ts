/**
 * Where an AWS SDK client connects, and the client settings that follow from
 * it, shared by the DynamoDB and SNS client modules (dynamodb-client.ts,
 * sns-client.ts) so a local endpoint, a region and a CLI profile are handled
 * one way; and the Node request handler both build when they need one of
 * their own (a wider socket pool, a request deadline), with the settings the
 * SDK would otherwise give its own handler for that region.
 */
import { getDefaultSocketTimeout } from '@aws-sdk/core/client';
import { loadConfigsForDefaultMode } from '@smithy/core/client';
import { resolveDefaultsModeConfig } from '@smithy/core/config';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where the service is. */
export interface ClientLocation {
  /** A non-default endpoint (DynamoDB Local, an SNS-compatible local server), e.g. `http://127.0.0.1:8000`. */
  readonly endpoint?: string;
  /** AWS region; defaults to the SDK's resolution (`AWS_REGION`, profile), or `us-east-1` with a custom endpoint. */
  readonly region?: string;
  /** A named profile of the shared AWS config files (the CLI's `--profile`); default: the SDK's (`AWS_PROFILE`). */
  readonly profile?: string;
}

/** Region used against a custom endpoint when none is configured (a local server ignores it). */
const LOCAL_REGION = 'us-east-1';

/**
 * The endpoint, region, profile and credentials settings of an SDK client for
 * `location`. With a custom `endpoint` and no AWS credentials in the
 * environment, fixed dummy credentials are used (a local server accepts any),
 * so the SDK does not go looking for instance credentials.
 */
export function clientLocationConfig(location: ClientLocation): {
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
} {
  const { endpoint } = location;
  const region = location.region ?? (endpoint ? (process.env.AWS_REGION ?? LOCAL_REGION) : undefined);
  const needsDummyCredentials =
    endpoint !== undefined &&
    location.profile === undefined &&
    !process.env.AWS_ACCESS_KEY_ID &&
    !process.env.AWS_PROFILE;
  return {
    ...(endpoint !== undefined && { endpoint }),
    ...(region !== undefined && { region }),
    ...(location.profile !== undefined && { profile: location.profile }),
    ...(needsDummyCredentials && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  };
}

/** How a client's own request handler sends: its socket pool, and the deadline of each attempt. */
export interface RequestHandlerSettings {
  /** The most sockets the client may hold open to its endpoint; default the SDK's (50). */
  readonly maxSockets?: number;
  /** The deadline of one attempt, in ms ({@link clientRequestHandler}); default none: an attempt may wait for ever. */
  readonly requestTimeoutMs?: number;
  /**
   * The service's opt-in default socket timeout (what its generated client gives the handler it builds
   * when `AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026` is `"true"`), kept for a client without a deadline.
   */
  readonly optInSocketTimeoutMs?: number;
}

/**
 * The SDK's Node request handler with `settings`, and otherwise the settings
 * the SDK would give its own: the connection timeout of the SDK's defaults
 * mode for `region` (`AWS_DEFAULTS_MODE`, e.g. `in-region`: 1.1 s; the
 * default `legacy`: none) and, without a deadline, the service's opt-in
 * default socket timeout. A client given a handler of its own skips both
 * steps (the SDK assumes such a handler may be shared; this one belongs to
 * one client), so they are done here, with the SDK's own functions.
 *
 * A deadline (`requestTimeoutMs`) sets two of the handler's timeouts
 * (`@smithy/node-http-handler` 4.14.2, `set-request-timeout.js`,
 * `set-socket-timeout.js`): `requestTimeout`, the time from the moment the
 * request is made (waiting for a socket, connecting, sending the body) until
 * the response's status and headers arrive, which fails the attempt with a
 * `TimeoutError` only with `throwOnRequestTimeout` (else the handler logs a
 * warning and waits on); and `socketTimeout`, the longest the connected
 * socket may stay idle, which also covers the response body (the request
 * timeout stops at the headers): a response that stops halfway fails with a
 * `TimeoutError` too, while one that keeps arriving, however slowly, is never
 * cut (a socket timeout of 6 s or more is watched from 3 s after the request
 * is made). Neither is a deadline on the whole call: each attempt has its
 * own, and the SDK's retries and backoffs come on top. The SDK's
 * standard and adaptive retry modes retry a `TimeoutError` as transient; a
 * write that ended in one, or was attempted more than once, may have taken
 * effect (`may-have-applied.ts`).
 */
export function clientRequestHandler(
  region: string | undefined,
  settings: RequestHandlerSettings,
): NodeHttpHandler {
  const defaultsMode = resolveDefaultsModeConfig(region === undefined ? {} : { region });
  const { maxSockets } = settings;
  const pool = maxSockets === undefined ? undefined : { keepAlive: true, maxSockets };
  return new NodeHttpHandler(async () => ({
    connectionTimeout: loadConfigsForDefaultMode(await defaultsMode()).connectionTimeout,
    ...timeoutSettings(settings),
    ...(pool !== undefined && { httpAgent: pool, httpsAgent: pool }),
  }));
}

/** The deadline's timeouts, or without one the service's opt-in default socket timeout (none unless opted in). */
function timeoutSettings({ requestTimeoutMs, optInSocketTimeoutMs }: RequestHandlerSettings): {
  readonly requestTimeout?: number;
  readonly throwOnRequestTimeout?: boolean;
  readonly socketTimeout?: number | undefined;
} {
  if (requestTimeoutMs !== undefined)
    return { requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true, socketTimeout: requestTimeoutMs };
  if (optInSocketTimeoutMs === undefined) return {};
  return { socketTimeout: getDefaultSocketTimeout(undefined, optInSocketTimeoutMs) };
}
