/**
 * Which failed records the relay gave up on (`failedOnLastDelivery`, the metric `EmailRelayGaveUp`): those failed on
 * the queue's last delivery (SQS's `ApproximateReceiveCount` at or over its `maxReceiveCount`), whatever the failure,
 * and no other: a record emailed on its last delivery, a failed one SQS will deliver again, one without a receive
 * count (the CLI's files); each named by its message id and owner. In-memory ports.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { failedOnLastDelivery, type RelayRecord, relayBatch } from '../../lambdas/relay/relay';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from './support/relay-fakes';

const MAX_RECEIVE_COUNT = 5;

const OWNERS: OwnerRecord[] = [
  { userId: 'ada', email: 'ada@example.com', status: 'active' },
  { userId: 'bob', email: 'bob@example.com', status: 'active' },
  // Departed since the drain judged cy reachable: cy's record fails (an owner unreachable, unreported).
  { userId: 'cy', email: 'cy@example.com', status: 'departed' },
];

function deps() {
  // SES rejects bob's address (a permanent error) and accepts everyone else's.
  const sender = new RecordingSender();
  sender.failFor.set('bob@example.com', new Error('MessageRejected: Illegal address'));
  return {
    directory: memoryDirectory(OWNERS),
    ledger: new MemoryRelayLedger(),
    sender,
    clock: () => SAMPLE_NOW + 5_000,
    from: 'Hygiene <hygiene@corp.example>',
  };
}

/** `userId`'s digest record on its `receiveCount`th delivery (none: not known). */
function delivery(userId: string, receiveCount?: number): RelayRecord {
  return { ...digestRecord(userId), ...(receiveCount !== undefined && { receiveCount }) };
}

/** Relays `records` as one batch and returns the records given up on. */
async function gaveUpRecords(records: readonly RelayRecord[]) {
  return failedOnLastDelivery(records, await relayBatch(deps(), records), MAX_RECEIVE_COUNT);
}

/** Relays `records` as one batch and counts the records given up on. */
async function gaveUp(records: readonly RelayRecord[]): Promise<number> {
  return (await gaveUpRecords(records)).length;
}

describe('failedOnLastDelivery', () => {
  it('counts a record failed on the queue’s last delivery, and on any later one (the receive count is approximate)', async () => {
    expect(await gaveUp([delivery('bob', MAX_RECEIVE_COUNT)])).toBe(1);
    expect(await gaveUp([delivery('bob', MAX_RECEIVE_COUNT + 2)])).toBe(1);
  });

  it('does not count a failed record SQS will deliver again', async () => {
    expect(await gaveUp([delivery('bob', 1), delivery('bob', MAX_RECEIVE_COUNT - 1)])).toBe(0);
  });

  it('does not count a record emailed on its last delivery', async () => {
    expect(await gaveUp([delivery('ada', MAX_RECEIVE_COUNT)])).toBe(0);
  });

  it('counts every kind of failure: a permanent SES error, an unreadable message, an owner unreachable unreported', async () => {
    const unreadable: RelayRecord = { messageId: 'msg-broken', body: 'not an SNS envelope', receiveCount: 5 };

    expect(
      await gaveUp([
        delivery('ada', MAX_RECEIVE_COUNT),
        delivery('bob', MAX_RECEIVE_COUNT),
        delivery('cy', MAX_RECEIVE_COUNT),
        unreadable,
      ]),
    ).toBe(3);
  });

  it('names each record given up on by its SQS message id, with its owner when the record was readable', async () => {
    const unreadable: RelayRecord = { messageId: 'msg-broken', body: 'not an SNS envelope', receiveCount: 5 };

    expect(
      await gaveUpRecords([
        delivery('ada', MAX_RECEIVE_COUNT),
        delivery('bob', MAX_RECEIVE_COUNT),
        unreadable,
      ]),
    ).toEqual([{ messageId: 'msg-bob', userId: 'bob' }, { messageId: 'msg-broken' }]);
  });

  it('counts nothing without a receive count (records not from SQS)', async () => {
    expect(await gaveUp([delivery('bob'), delivery('cy')])).toBe(0);
  });
});
