/**
 * The bench's notify measurement drains at the task's instant, not at the
 * wall clock: `runNotifyTask` (bench/measure.ts) gives the notifier
 * `clockFrom(task.now)`, so the digests' relative phrases ("expires in 14
 * days"), and so the SNS bytes, are the same whatever day the bench runs on.
 * Here the same outbox (a bench table swept at `BENCH_NOW`, on DynamoDB
 * Local) is drained by the measurement twice, once with the wall clock at
 * `BENCH_NOW` and once 400 days later: the messages SNS receives (but for the
 * drain's random id) must be the same, to the byte. The measurement is left
 * as the bench runs it: the wall clock is `Date.now` stopped at an instant,
 * the messages are read off the SNS client's `send`.
 * (test/unit/bench-cold-child.test.ts pins `clockFrom` itself.)
 */
import { PublishBatchCommand, type PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChildTask, ChildTaskName } from '../../bench/child-protocol';
import { BENCH_NOW, generateTable } from '../../bench/generate';
import { measure } from '../../bench/measure';
import { readPendingOutboxItems } from '../../bench/outbox-items';
import { BenchSnsServer } from '../../bench/sns-server';
import { putItems } from '../support/items';
import { useTestTable } from '../support/test-table';

const DAY_MS = 86_400_000;

/** What SNS received from one drain, with the drain's own id (random per drain) blanked. */
interface Drained {
  readonly entries: readonly PublishBatchRequestEntry[];
  readonly bytes: number;
  readonly eventsPublished: unknown;
}

describe('the bench notify measurement drains at the task instant, not the wall clock', () => {
  const table = useTestTable(
    'bench-notify-clock',
    'all',
    () => generateTable({ size: 150, changeRate: 0.2, seed: 5 }).items,
  );
  let sns: BenchSnsServer;
  const task = (name: ChildTaskName): ChildTask => ({
    task: name,
    endpoint: table.endpoint,
    sns: { endpoint: sns.endpoint },
    tableName: table.tableName,
    segments: 1,
    now: BENCH_NOW,
    rttMs: 0,
    pageSize: 1000,
  });
  /** The items with pending events after the bench's sweep: each drain starts from them. */
  let outbox: Record<string, unknown>[];

  beforeAll(async () => {
    sns = await BenchSnsServer.start();
    await measure(task('sweep'));
    outbox = await readPendingOutboxItems(table.client, table.tableName);
  });
  afterAll(() => sns.stop());

  /**
   * The notify measurement of the swept outbox, run with the wall clock standing at `wallAt` (`Date.now`,
   * which `clockFrom` and a clock wired to the wall read; stopped, so the drain's instant is exact to the
   * millisecond), capturing the `PublishBatch` entries its SNS client sends.
   */
  async function drainWithWallClockAt(wallAt: number): Promise<Drained> {
    await putItems(table.client, table.tableName, outbox);
    const entries: PublishBatchRequestEntry[] = [];
    const send = SNSClient.prototype.send;
    const wall = vi.spyOn(Date, 'now').mockReturnValue(wallAt);
    const published = vi.spyOn(SNSClient.prototype, 'send').mockImplementation(function (
      this: SNSClient,
      command: unknown,
      ...rest: unknown[]
    ) {
      if (command instanceof PublishBatchCommand)
        entries.push(...(command.input.PublishBatchRequestEntries ?? []));
      return (send as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as never);
    try {
      const result = await measure(task('notify'));
      return {
        entries: entries.map(withoutDrainId),
        bytes: result.sns.bytes,
        eventsPublished: result.detail.eventsPublished,
      };
    } finally {
      published.mockRestore();
      wall.mockRestore();
    }
  }

  it('sends the same messages with the wall clock at the task instant and 400 days later', async () => {
    const atTaskInstant = await drainWithWallClockAt(BENCH_NOW);
    const muchLater = await drainWithWallClockAt(BENCH_NOW + 400 * DAY_MS);

    expect(atTaskInstant.entries.length).toBeGreaterThan(0);
    expect(Number(atTaskInstant.eventsPublished)).toBeGreaterThan(0);
    expect(muchLater.entries).toEqual(atTaskInstant.entries);
    expect(muchLater.bytes).toBe(atTaskInstant.bytes);
  });
});

/** `entry` with every occurrence of its drain's id replaced by a fixed text (the id is random per drain). */
function withoutDrainId(entry: PublishBatchRequestEntry): PublishBatchRequestEntry {
  // The document is JSON inside the message's JSON: the quotes around the id are escaped.
  const drainId = /drainId\W+([0-9a-f-]{36})/.exec(entry.Message ?? '')?.[1];
  if (drainId === undefined) return entry;
  return JSON.parse(JSON.stringify(entry).replaceAll(drainId, '<drain>')) as PublishBatchRequestEntry;
}
