/**
 * Throttling injected as client middleware, just inside the SDK's retry
 * middleware: each attempt (first or retry) fails with the service's real
 * throttling error at a given rate, so the SDK's standard retry mode sees
 * exactly what AWS would send and retries it with its own backoff and quota.
 */
import { DynamoDBServiceException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SNSClient, SNSServiceException, ThrottledException } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createSeededRandom } from '../../../cli/local/seeded-random';

/** What the injector did. */
export interface ThrottleCounts {
  /** Attempts that reached the injector (retries included). */
  attempts: number;
  /** Attempts failed with an injected throttling error. */
  injected: number;
}

/** A small seeded PRNG (mulberry32): the same seed throttles the same attempts in the same order. */
export const seededRandom = createSeededRandom;

type Service = 'dynamodb' | 'sns';

function throttlingError(service: Service, n: number): Error {
  const message = 'Rate exceeded (injected by the fault tests)';
  const $metadata = { httpStatusCode: 400 };
  if (service === 'dynamodb') {
    // Both names DynamoDB uses: table/index throughput, and request-rate throttling.
    return n % 2 === 0
      ? new ProvisionedThroughputExceededException({ message, $metadata })
      : new DynamoDBServiceException({ name: 'ThrottlingException', $fault: 'client', message, $metadata });
  }
  return n % 2 === 0
    ? new ThrottledException({ message, $metadata })
    : new SNSServiceException({ name: 'ThrottlingException', $fault: 'client', message, $metadata });
}

/** The one call of a middleware stack used here (its generic types differ per client). */
interface RelativeMiddlewareStack {
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
}

/**
 * Makes `rate` of the client's attempts fail with a throttling error.
 * @returns live counts of attempts and injected errors
 */
export function injectThrottling(
  client: DynamoDBDocumentClient | SNSClient,
  service: Service,
  rate: number,
  random: () => number,
): ThrottleCounts {
  return injectAfterRetries(client, `injectThrottling-${service}`, (send, counts) => {
    if (random() < rate) throw throttlingError(service, counts.injected++);
    return send();
  });
}

/**
 * Responses one request may lose: fewer than any client here attempts a
 * request (3 in the SDK's standard retry mode, 4 for the project's DynamoDB
 * client), so every request is answered by its third attempt at the latest. A
 * request that fails for good is the throttling scenario's (complete or fail
 * loudly); this one is about retries of requests that already took effect.
 */
const LOST_RESPONSES_PER_REQUEST = 2;

/**
 * Makes `rate` of the client's attempts *succeed* and then lose their response
 * (a connection reset after the service applied the request): the SDK sees a
 * transient error and retries a request that already took effect. A request
 * loses at most {@link LOST_RESPONSES_PER_REQUEST} responses, whichever order
 * the responses of concurrent requests arrive in (each draws from `random` as
 * its response arrives).
 * @returns live counts of attempts and lost responses
 */
export function injectLostResponses(
  client: DynamoDBDocumentClient | SNSClient,
  rate: number,
  random: () => number,
): ThrottleCounts {
  // Keyed by the command's input, the one object every attempt of a request shares.
  const lostPerRequest = new WeakMap<object, number>();
  return injectAfterRetries(client, 'injectLostResponses', async (send, counts, input) => {
    const output = await send();
    const lost = lostPerRequest.get(input) ?? 0;
    if (random() < rate && lost < LOST_RESPONSES_PER_REQUEST) {
      lostPerRequest.set(input, lost + 1);
      counts.injected++;
      throw lostResponse();
    }
    return output;
  });
}

/** What Node reports for a dropped connection: the SDK classes it as transient and retries. */
function lostResponse(): Error {
  return Object.assign(new Error('socket hang up (response lost, injected by the fault tests)'), {
    name: 'Error',
    code: 'ECONNRESET',
    $metadata: {},
  });
}

/**
 * Makes the first attempt of the first request `matches` accepts *succeed* and
 * then lose its response, as {@link injectLostResponses} does at random: the
 * SDK retries a request that already took effect.
 * @returns live counts (`injected` is 1 once the response was lost)
 */
export function loseFirstResponse(
  client: DynamoDBDocumentClient | SNSClient,
  matches: (input: Readonly<Record<string, unknown>>) => boolean,
): ThrottleCounts {
  return injectAfterRetries(client, 'loseFirstResponse', async (send, counts, input) => {
    const output = await send();
    if (counts.injected === 0 && matches(input as Readonly<Record<string, unknown>>)) {
      counts.injected++;
      throw lostResponse();
    }
    return output;
  });
}

/**
 * Makes the first request `matches` accepts take effect on its first attempt
 * and never be answered: that attempt loses its response, and every retry of
 * it fails with a lost connection before it reaches the table, so the SDK
 * gives up with a transient error (`ECONNRESET`) on a request that applied.
 * @returns live counts (`injected`: the attempts of that request that failed)
 */
export function applyThenLoseEveryResponse(
  client: DynamoDBDocumentClient | SNSClient,
  matches: (input: Readonly<Record<string, unknown>>) => boolean,
): ThrottleCounts {
  let target: object | undefined;
  return injectAfterRetries(client, 'applyThenLoseEveryResponse', async (send, counts, input) => {
    if (target === undefined && matches(input as Readonly<Record<string, unknown>>)) {
      target = input;
      await send();
    }
    if (input !== target) return send();
    counts.injected++;
    throw lostResponse();
  });
}

/**
 * Puts `fault` around every attempt of the client, after its retry middleware
 * (so the SDK retries what `fault` throws), counting the attempts. `fault`
 * also gets the command's input, the same object in every attempt.
 */
function injectAfterRetries(
  client: DynamoDBDocumentClient | SNSClient,
  name: string,
  fault: (send: () => Promise<unknown>, counts: ThrottleCounts, input: object) => Promise<unknown>,
): ThrottleCounts {
  const counts: ThrottleCounts = { attempts: 0, injected: 0 };
  (client.middlewareStack as unknown as RelativeMiddlewareStack).addRelativeTo(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      counts.attempts++;
      return fault(() => next(args), counts, (args as { readonly input: object }).input);
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name, override: true },
  );
  return counts;
}

/** An SNS client for the local stub with the retry policy of lambdas/aws/sns-client.ts. */
export function stubSnsClient(endpoint: string): SNSClient {
  return new SNSClient({
    endpoint,
    region: 'us-east-1',
    retryMode: 'standard',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
