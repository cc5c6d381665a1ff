/**
 * Which failed records the relay handler holds back for SES's spent daily quota, and for how long
 * (`quotaDeferrals`, `quotaDeferralSeconds`): only records refused so (the caller's test), on a delivery SQS will
 * follow with another, each hidden for hours doubling with its delivery up to 11 h, so the queue's default five
 * deliveries span more than a day; a record emailed, failed otherwise, on its last delivery or of unknown delivery is
 * not held. In-memory ports.
 */
import { describe, expect, it } from 'vitest';
import { RELAY_QUEUE_RETENTION_DAYS } from '../../lambdas/aws/relay-ledger-table-definition';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import {
  FIRST_QUOTA_DEFERRAL_SECONDS,
  MAX_HELD_DELIVERIES,
  MAX_QUOTA_DEFERRAL_SECONDS,
  quotaDeferralSeconds,
  quotaDeferrals,
} from '../../lambdas/relay/quota-deferral';
import { type RelayRecord, relayBatch } from '../../lambdas/relay/relay';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from './support/relay-fakes';

const HOUR = 3600;
const MAX_RECEIVE_COUNT = 5;
const QUOTA_SPENT = new Error('TooManyRequestsException: Daily message quota exceeded.');
const isQuotaRefusal = (error: unknown) => error === QUOTA_SPENT;

const OWNERS: OwnerRecord[] = ['ada', 'bob', 'cy'].map((userId) => ({
  userId,
  email: `${userId}@example.com`,
  status: 'active',
}));

/** `userId`'s digest record on its `receiveCount`th delivery (none: not known). */
function delivery(userId: string, receiveCount?: number): RelayRecord {
  return { ...digestRecord(userId), ...(receiveCount !== undefined && { receiveCount }) };
}

/** Relays `records` (SES refusing bob for the daily quota, cy with another error) and returns the holds. */
async function deferrals(records: readonly RelayRecord[], maxReceiveCount = MAX_RECEIVE_COUNT) {
  const sender = new RecordingSender();
  sender.failFor.set('bob@example.com', QUOTA_SPENT);
  sender.failFor.set('cy@example.com', new Error('MessageRejected: Illegal address'));
  const deps = {
    directory: memoryDirectory(OWNERS),
    ledger: new MemoryRelayLedger(),
    sender,
    clock: () => SAMPLE_NOW + 5_000,
    from: 'hygiene@corp.example',
  };
  return quotaDeferrals(records, await relayBatch(deps, records), maxReceiveCount, isQuotaRefusal);
}

describe('quotaDeferralSeconds', () => {
  it('holds for 2 h, then 4 h, 8 h, and 11 h from the fourth delivery on', () => {
    expect([1, 2, 3, 4, 5, 9, 1000].map(quotaDeferralSeconds)).toEqual([
      2 * HOUR,
      4 * HOUR,
      8 * HOUR,
      11 * HOUR,
      11 * HOUR,
      11 * HOUR,
      11 * HOUR,
    ]);
    expect(FIRST_QUOTA_DEFERRAL_SECONDS).toBeGreaterThanOrEqual(HOUR);
  });

  it('stays under SQS’s 12 hours of visibility from a message’s receipt, with room for the invocation', () => {
    expect(MAX_QUOTA_DEFERRAL_SECONDS).toBeLessThanOrEqual(12 * HOUR - 30 * 60);
  });

  it('spreads the queue’s default five deliveries over more than the quota’s rolling day', () => {
    const holds = [1, 2, 3, 4].map(quotaDeferralSeconds);

    expect(holds.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * HOUR);
  });
});

describe('quotaDeferrals', () => {
  it('holds only the first four deliveries, so even 1,000 of them end in the DLQ within the queue’s retention', async () => {
    const maxReceiveCount = 1000;
    let inQueueSeconds = 0;
    for (let receiveCount = 1; receiveCount < maxReceiveCount; receiveCount++) {
      const [hold] = await deferrals([delivery('bob', receiveCount)], maxReceiveCount);
      expect(hold === undefined).toBe(receiveCount > MAX_HELD_DELIVERIES);
      // Each delivery comes back after its hold, or after the queue's 6-minute visibility timeout.
      inQueueSeconds += hold?.seconds ?? 360;
    }
    expect(inQueueSeconds).toBeLessThan(RELAY_QUEUE_RETENTION_DAYS * 24 * HOUR);
  });

  it('holds a record SES refused for the daily quota, by its delivery, naming its message and owner', async () => {
    expect(await deferrals([delivery('bob', 1)])).toEqual([
      { messageId: 'msg-bob', userId: 'bob', seconds: 2 * HOUR },
    ]);
    expect(await deferrals([delivery('bob', 3)])).toEqual([
      { messageId: 'msg-bob', userId: 'bob', seconds: 8 * HOUR },
    ]);
  });

  it('holds no record emailed or failed for another reason', async () => {
    expect(await deferrals([delivery('ada', 1), delivery('cy', 1)])).toEqual([]);
  });

  it('holds no record on its last delivery (SQS moves it to the DLQ) nor one whose delivery is unknown', async () => {
    expect(await deferrals([delivery('bob', MAX_RECEIVE_COUNT)])).toEqual([]);
    expect(await deferrals([delivery('bob', MAX_RECEIVE_COUNT + 1)])).toEqual([]);
    expect(await deferrals([delivery('bob')])).toEqual([]);
    expect(await deferrals([delivery('bob', MAX_RECEIVE_COUNT - 1)])).toEqual([
      { messageId: 'msg-bob', userId: 'bob', seconds: 11 * HOUR },
    ]);
  });
});
