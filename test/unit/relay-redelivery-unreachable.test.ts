/**
 * A digest part delivered again after the owner became unreachable, the drain
 * having judged them reachable (lambdas/relay/relay.ts, `failUnreported`): the
 * relay asks its ledger before failing the record as "nobody was told". A part
 * the relay emailed (its bounce or complaint is what made the owner
 * unreachable) is acknowledged as a duplicate, not sent into the DLQ for the
 * admins to pass on by hand; one another delivery is sending is retried; one
 * never sent fails as before, its claim released and its message naming no route.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import {
  RelayInProgressError,
  relayBatch,
  relayKey,
  tallyOutcomes,
  UnreportedUnreachableOwnerError,
} from '../../lambdas/relay/relay';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from './support/relay-fakes';

const ADA: OwnerRecord = { userId: 'ada', email: 'ada@example.com', status: 'active' };
const UNREACHABLE_NOW: readonly [string, OwnerRecord][] = [
  ['bouncing (its bounce recorded)', { ...ADA, bouncingSince: '2026-11-26T02:15:10.000Z' }],
  ['unsubscribed (its complaint recorded)', { ...ADA, subscription: 'unsubscribed' }],
];

let ledger: MemoryRelayLedger;
let sender: RecordingSender;
let now: number;

function deps(owner: OwnerRecord) {
  return {
    directory: memoryDirectory([owner]),
    ledger,
    sender,
    clock: () => now,
    from: 'hygiene@corp.example',
    leaseMs: 60_000,
  };
}

beforeEach(() => {
  ledger = new MemoryRelayLedger();
  sender = new RecordingSender();
  now = SAMPLE_NOW + 5_000;
});

describe('a redelivery for an owner unreachable since the drain', () => {
  it.each(UNREACHABLE_NOW)(
    'acknowledges a part already sent as a duplicate: owner %s',
    async (_name, owner) => {
      const message = digestRecord('ada');
      const first = await relayBatch(deps(ADA), [message]);

      now += 360_000; // the batch comes back after the visibility timeout
      const again = await relayBatch(deps(owner), [message]);

      expect(first.outcomes[0]).toMatchObject({ status: 'sent' });
      expect(again.outcomes).toEqual([expect.objectContaining({ status: 'duplicate', userId: 'ada' })]);
      expect(again.batchItemFailures).toEqual([]);
      expect(tallyOutcomes(again.outcomes)).toMatchObject({
        duplicates: 1,
        failed: 0,
        unreportedUnreachable: 0,
      });
      expect(sender.sent).toHaveLength(1);
    },
  );

  it('acknowledges a part whose bounce was reported although its mark failed (the report marks it sent)', async () => {
    const message = digestRecord('ada');
    const key = relayKey(digestFromSnsEnvelope(message.body));
    const claim = await ledger.claim(key, now, 60_000);
    if (claim.status !== 'claimed') throw new Error('not claimed');
    await ledger.claimReport(key, now, 60_000, true);

    const again = await relayBatch(deps({ ...ADA, bouncingSince: '2026-11-26T02:15:10.000Z' }), [message]);

    expect(again.outcomes[0]).toMatchObject({ status: 'duplicate' });
    expect(again.batchItemFailures).toEqual([]);
  });

  it('retries a part another delivery is sending, not failing it as unreported', async () => {
    const message = digestRecord('ada');
    await ledger.claim(relayKey(digestFromSnsEnvelope(message.body)), now, 60_000);

    const during = await relayBatch(deps({ ...ADA, status: 'departed' }), [message]);

    expect(during.outcomes[0]).toMatchObject({ status: 'failed', error: expect.any(RelayInProgressError) });
    expect(tallyOutcomes(during.outcomes).unreportedUnreachable).toBe(0);
    expect(sender.sent).toEqual([]);
  });

  it('fails a part never sent, releasing the claim it took, with a message that names no route', async () => {
    const message = digestRecord('ada');

    const result = await relayBatch(deps({ ...ADA, status: 'departed' }), [message]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'failed',
      error: expect.any(UnreportedUnreachableOwnerError),
    });
    expect(ledger.entries.size).toBe(0);
    const [failure] = tallyOutcomes(result.outcomes).failures;
    expect(failure?.error).toMatch(
      /^UnreportedUnreachableOwnerError: owner "ada" cannot be emailed \(departed\) but the drain judged them reachable, so the admins were not told: this digest part fails \(drain [^,]+, part 1\)$/,
    );
    expect(failure?.error).not.toMatch(/SQS|DLQ/);
  });
});
