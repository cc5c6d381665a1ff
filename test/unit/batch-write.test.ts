/**
 * The test helpers' `BatchWriteItem` loop (test/support/batch-write.ts) ends: a table that keeps leaving items
 * unprocessed makes it throw after a bounded number of calls, naming the table and how many items were not written,
 * instead of spinning forever; and items left unprocessed a few times are still all written. A fake sender stands for
 * DynamoDB and a fake sleep records the waits (nothing really waits).
 */
import { describe, expect, it } from 'vitest';
import {
  type BatchWriteRetry,
  batchWriteAll,
  FixtureWriteIncompleteError,
  TEST_BATCH_WRITE_RETRY,
} from '../support/batch-write';

/** A sender that fails the test after this many calls, so a loop without a bound fails here instead of hanging. */
const RUNAWAY_CALLS = 100;

/** What the fake table was sent, and the waits between calls. */
interface Recording {
  readonly calls: number[][];
  readonly waits: number[];
}

/** A retry of `maxAttempts` calls whose waits are recorded, not slept: 10 ms after attempt 1, 20 after 2, … */
function recordedRetry(maxAttempts: number, recording: Recording): BatchWriteRetry {
  return {
    maxAttempts,
    delayMs: (attempt) => 10 * attempt,
    sleep: async (ms) => {
      recording.waits.push(ms);
    },
  };
}

/** A fake `BatchWriteItem` that records each call and leaves unprocessed what `unprocessed` picks of it. */
function fakeTable(recording: Recording, unprocessed: (requests: number[], call: number) => number[]) {
  return async (requests: number[]): Promise<number[]> => {
    recording.calls.push([...requests]);
    if (recording.calls.length > RUNAWAY_CALLS)
      throw new Error(`runaway: ${RUNAWAY_CALLS} calls and counting`);
    return unprocessed(requests, recording.calls.length);
  };
}

/** The numbers 0 … count − 1, as the requests to write. */
function requestsOf(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

describe('batchWriteAll', () => {
  it('throws after maxAttempts calls when the table always leaves the items unprocessed, naming the table and what was left', async () => {
    const recording: Recording = { calls: [], waits: [] };
    const always = fakeTable(recording, (requests) => requests);
    const write = batchWriteAll('Credentials', requestsOf(30), always, recordedRetry(4, recording));
    await expect(write).rejects.toThrow(FixtureWriteIncompleteError);
    await expect(write).rejects.toThrow(
      'table Credentials: 30 of 30 items not written (25 still unprocessed after 4 BatchWriteItem attempts, ' +
        '5 after them not sent)',
    );
    // Only the first batch of 25 was sent, 4 times; 3 waits between them, none after the last.
    expect(recording.calls).toEqual([requestsOf(25), requestsOf(25), requestsOf(25), requestsOf(25)]);
    expect(recording.waits).toEqual([10, 20, 30]);
  });

  it('sends again only what a call left unprocessed, and writes everything when the table catches up', async () => {
    const recording: Recording = { calls: [], waits: [] };
    // The first call of each batch leaves its last two items unprocessed; the retry writes them.
    const catchesUp = fakeTable(recording, (requests, call) => (call % 2 === 1 ? requests.slice(-2) : []));
    await batchWriteAll('Credentials', requestsOf(30), catchesUp, recordedRetry(3, recording));
    expect(recording.calls).toEqual([requestsOf(25), [23, 24], requestsOf(30).slice(25), [28, 29]]);
    expect(recording.waits).toEqual([10, 10]);
  });

  it('counts the items of a later batch left unprocessed, and those it never sent', async () => {
    const recording: Recording = { calls: [], waits: [] };
    // The second batch (25 … 49) keeps 3 of its items unprocessed.
    const stuck = fakeTable(recording, (requests) => requests.filter((r) => r >= 25 && r < 28));
    const write = batchWriteAll('Owners', requestsOf(60), stuck, recordedRetry(2, recording));
    await expect(write).rejects.toThrow(
      'table Owners: 13 of 60 items not written (3 still unprocessed after 2 BatchWriteItem attempts, 10 after them not sent)',
    );
  });

  it('sends nothing for no items, and refuses attempts that are not a whole number from 1', async () => {
    const recording: Recording = { calls: [], waits: [] };
    const table = fakeTable(recording, () => []);
    await batchWriteAll('Credentials', [], table, recordedRetry(1, recording));
    expect(recording.calls).toEqual([]);
    await expect(batchWriteAll('Credentials', [1], table, recordedRetry(0, recording))).rejects.toThrow(
      RangeError,
    );
    expect(recording.calls).toEqual([]);
  });

  it('bounds the test tables’ retries to a few calls with short waits', () => {
    const { maxAttempts, delayMs } = TEST_BATCH_WRITE_RETRY;
    expect(maxAttempts).toBe(5);
    const waits = Array.from({ length: maxAttempts - 1 }, (_, i) => delayMs(i + 1));
    expect(waits).toEqual([20, 40, 80, 160]);
  });
});
