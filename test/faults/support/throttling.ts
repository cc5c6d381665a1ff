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
 * Makes `rate` of the client's attempts *succeed* and then lose their response
 * (a connection reset after the service applied the request): the SDK sees a
 * transient error and retries a request that already took effect.
 * @returns live counts of attempts and lost responses
 */
export function injectLostResponses(
  client: DynamoDBDocumentClient | SNSClient,
  rate: number,
  random: () => number,
): ThrottleCounts {
  return injectAfterRetries(client, 'injectLostResponses', async (send, counts) => {
    const output = await send();
    if (random() < rate) {
      counts.injected++;
      // What Node reports for a dropped connection: the SDK classes it as transient and retries.
      throw Object.assign(new Error('socket hang up (response lost, injected by the fault tests)'), {
        name: 'Error',
        code: 'ECONNRESET',
        $metadata: {},
      });
    }
    return output;
  });
}

/**
 * Puts `fault` around every attempt of the client, after its retry middleware
 * (so the SDK retries what `fault` throws), counting the attempts.
 */
function injectAfterRetries(
  client: DynamoDBDocumentClient | SNSClient,
  name: string,
  fault: (send: () => Promise<unknown>, counts: ThrottleCounts) => Promise<unknown>,
): ThrottleCounts {
  const counts: ThrottleCounts = { attempts: 0, injected: 0 };
  (client.middlewareStack as unknown as RelativeMiddlewareStack).addRelativeTo(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      counts.attempts++;
      return fault(() => next(args), counts);
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
