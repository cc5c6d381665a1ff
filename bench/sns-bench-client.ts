/**
 * The SNS client of one measurement: the deployed client's settings
 * (lambdas/aws/sns-client.ts: standard retries, the middleware cache) pointed
 * at the bench's SNS server (bench/sns-server.ts, in its own process), so
 * every arm pays serialisation, signing, HTTP and parsing as a deployed
 * worker does. The server counts the calls (every attempt), messages and
 * bytes under this measurement's key; the client only adds the simulated
 * service time (`--rtt-ms`, the `--latency aws` model): the round trip before
 * the call, and each attempt's modelled latency once the response is back,
 * as the DynamoDB meter does (bench/dynamo-meter.ts), from the same sampler.
 */
import { randomUUID } from 'node:crypto';
import type { SNSClient } from '@aws-sdk/client-sns';
import { createSnsClient } from '../lambdas/aws/sns-client';
import { timerSleep } from '../lambdas/aws/timer-sleep';
import { attemptsOf, waitAttempts } from './attempts';
import type { LatencySampler, RequestShape } from './latency-model';
import { measurementEndpoint, type SnsTotals, takeSnsTotals } from './sns-server';
import type { SnsServerLocation } from './sns-server-process';

/** A measurement's SNS client and how to read what it sent. */
export interface BenchSnsClient {
  readonly client: SNSClient;
  /** What the server received from this client; read once, after the measured call (the server then forgets it). */
  takeTotals(): Promise<SnsTotals>;
}

/**
 * Creates the client. Builds it only: it sends nothing until the measured call.
 * @param options.rttMs a simulated network round trip waited before each call (0: none)
 * @param options.latency draws the modelled latency of each attempt (absent: none)
 */
export function createBenchSnsClient(
  server: SnsServerLocation,
  options: { readonly rttMs?: number; readonly latency?: LatencySampler } = {},
): BenchSnsClient {
  const { latency } = options;
  const rttMs = options.rttMs ?? 0;
  const key = randomUUID();
  const client = createSnsClient({ endpoint: measurementEndpoint(server.endpoint, key) });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { PublishBatchRequestEntries?: readonly unknown[] };
      const shape: RequestShape = {
        command: context.commandName ?? 'unknown',
        items: input.PublishBatchRequestEntries?.length ?? 0,
      };
      const draw = latency && (() => latency(shape));
      if (rttMs > 0) await timerSleep(rttMs);
      try {
        const result = await next(args);
        await waitAttempts(attemptsOf(result.output), rttMs, draw);
        return result;
      } catch (error: unknown) {
        await waitAttempts(attemptsOf(error), rttMs, draw);
        throw error;
      }
    },
    { step: 'initialize', name: 'benchSnsLatency', priority: 'high' },
  );
  return { client, takeTotals: () => takeSnsTotals(server.endpoint, key) };
}
