/**
 * The local services every bench measurement talks to, started and stopped
 * together: one DynamoDB Local, and the bench's SNS server in a process of
 * its own (bench/sns-server-process.ts). The driver and the side tools
 * (bench/compare-notifier.ts, bench/floor-order.ts) share this.
 */
import { startDynamoDbLocal } from '../cli/local/local-dynamodb';
import { type SnsServerLocation, type SnsServerProcess, startSnsServerProcess } from './sns-server-process';

/** Where a measurement's clients connect. */
export interface BenchEndpoints {
  /** DynamoDB Local. */
  readonly dynamo: string;
  readonly sns: SnsServerLocation;
}

/** The running services. */
export interface BenchServices extends BenchEndpoints {
  /** Stops both (each even when the other fails to stop). */
  stop(): Promise<void>;
}

/** Starts DynamoDB Local and the SNS server. */
export async function startBenchServices(): Promise<BenchServices> {
  const db = await startDynamoDbLocal({ startTimeoutMs: 60_000 });
  let sns: SnsServerProcess;
  try {
    sns = await startSnsServerProcess();
  } catch (error: unknown) {
    await db.stop();
    throw error;
  }
  return {
    dynamo: db.endpoint,
    sns: { endpoint: sns.endpoint, pid: sns.pid },
    stop: async () => {
      const results = await Promise.allSettled([db.stop(), sns.stop()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
