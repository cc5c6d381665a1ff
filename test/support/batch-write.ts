/**
 * The one `BatchWriteItem` loop of the test helpers that load items into a table (test/support/items.ts through the
 * document client, test/faults/support/raw-items.ts with raw attribute values). DynamoDB may leave part of a call
 * unprocessed (`UnprocessedItems`) and every writer must send that part again; a loop that does so at once and
 * forever would hang a test the day its table throttles. So the retries are bounded, with a short backoff
 * (lambdas/hygiene/backoff.ts, the project's one way to compute it), and a write that never completes fails with an
 * error naming the table and how many items were not written.
 */
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { exponentialDelayMs } from '../../lambdas/hygiene/backoff';
import { chunks } from '../../lambdas/hygiene/chunks';

/** DynamoDB's limit of requests in one `BatchWriteItem` call. */
export const BATCH_WRITE_REQUEST_LIMIT = 25;

/**
 * Sends one `BatchWriteItem` of `requests` (at most {@link BATCH_WRITE_REQUEST_LIMIT}) to the table and returns the
 * requests the call left unprocessed (none, or `undefined`: all were written).
 */
export type SendBatchWrite<Request> = (requests: Request[]) => Promise<readonly Request[] | undefined>;

/** How the requests a call left unprocessed are sent again. */
export interface BatchWriteRetry {
  /** Calls per batch in all, the first included: a whole number from 1. */
  readonly maxAttempts: number;
  /** The wait in ms after failed attempt `attempt` (1 for the first) before the next call. */
  readonly delayMs: (attempt: number) => number;
  /** Waits `ms` (a real timer; tests pass a fake). */
  readonly sleep: (ms: number) => Promise<void>;
}

/** A test table never throttles for long: 5 calls a batch, 20, 40, 80 then 160 ms apart (300 ms in all). */
export const TEST_BATCH_WRITE_RETRY: BatchWriteRetry = {
  maxAttempts: 5,
  delayMs: (attempt) => exponentialDelayMs(attempt, { baseMs: 20 }),
  sleep: timerSleep,
};

/** Some requests were still unprocessed after the last attempt of their batch. */
export class FixtureWriteIncompleteError extends Error {
  override readonly name = 'FixtureWriteIncompleteError';
}

/**
 * Writes `requests` to `tableName`, {@link BATCH_WRITE_REQUEST_LIMIT} a call, in order: each call's unprocessed
 * requests are sent again (only those) after `retry.delayMs(attempt)`, at most `retry.maxAttempts` calls a batch.
 * @throws {FixtureWriteIncompleteError} naming the table and how many requests were not written (those left
 *   unprocessed and the batches after them, never sent), when a batch still has unprocessed requests after its last
 *   attempt
 * @throws {RangeError} when `retry.maxAttempts` is not a whole number from 1 (nothing is sent)
 * @throws whatever `send` throws
 */
export async function batchWriteAll<Request>(
  tableName: string,
  requests: readonly Request[],
  send: SendBatchWrite<Request>,
  retry: BatchWriteRetry = TEST_BATCH_WRITE_RETRY,
): Promise<void> {
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1)
    throw new RangeError(`BatchWriteItem attempts must be a whole number from 1, got ${retry.maxAttempts}`);
  let sent = 0;
  for (const batch of chunks(requests, BATCH_WRITE_REQUEST_LIMIT)) {
    const unprocessed = await writeBatch(batch, send, retry);
    sent += batch.length;
    if (unprocessed > 0) {
      const notWritten = unprocessed + (requests.length - sent);
      throw new FixtureWriteIncompleteError(
        `table ${tableName}: ${notWritten} of ${requests.length} items not written ` +
          `(${unprocessed} still unprocessed after ${retry.maxAttempts} BatchWriteItem attempts, ` +
          `${requests.length - sent} after them not sent)`,
      );
    }
  }
}

/** Sends one batch until none of it is unprocessed or its attempts are spent; how many are left unprocessed. */
async function writeBatch<Request>(
  batch: Request[],
  send: SendBatchWrite<Request>,
  retry: BatchWriteRetry,
): Promise<number> {
  let pending = batch;
  for (let attempt = 1; ; attempt++) {
    pending = [...((await send(pending)) ?? [])];
    if (pending.length === 0 || attempt >= retry.maxAttempts) return pending.length;
    await retry.sleep(retry.delayMs(attempt));
  }
}
