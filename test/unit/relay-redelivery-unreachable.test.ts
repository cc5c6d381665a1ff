/**
 * A digest part delivered again after the owner became unreachable, the drain
 * having judged them reachable (lambdas/relay/relay.ts, `failUnreported`): the
 * relay reads its ledger before failing the record as "nobody was told". A part
 * the relay emailed (its bounce or complaint is what made the owner
 * unreachable) is acknowledged as a duplicate, not sent into the DLQ for the
 * admins to pass on by hand; one another delivery is sending is retried; one
 * never sent fails as before, its message naming no route. The read writes
 * nothing: a crashed sender's lapsed claim keeps its events for the report of
 * that email's bounce.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { reportBouncedDigest } from '../../lambdas/relay/bounced-digest';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { digestPartFromTags } from '../../lambdas/relay/email-tags';
import {
  RelayInProgressError,
  relayBatch,
  relayKey,
  tallyOutcomes,
  UnreportedUnreachableOwnerError,
} from '../../lambdas/relay/relay';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { RecordingPublisher } from './outbox-fakes';
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

  it('fails a part never sent, leaving nothing in the ledger, with a message that names no route', async () => {
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

  it('leaves a crashed sender’s lapsed claim and its events alone, so a later bounce of that email is reported with them', async () => {
    const message = digestRecord('ada');
    const { document } = digestFromSnsEnvelope(message.body);
    // SES accepted the email, then the sender died before marking it: its claim stays `sending` and lapses.
    const crashed = Object.assign(Object.create(ledger) as MemoryRelayLedger, {
      markSent: async () => {
        throw new Error('the sender died');
      },
    });
    await relayBatch({ ...deps(ADA), ledger: crashed }, [message]);
    const [email] = sender.sent;
    const key = relayKey(digestFromSnsEnvelope(message.body));

    now += 360_000; // the lease lapsed; the owner is now departed, and the digest is delivered again
    const again = await relayBatch(deps({ ...ADA, status: 'departed' }), [message]);
    // Then SES reports the crashed sender's email bounced.
    const publisher = new RecordingPublisher();
    const bounce = await reportBouncedDigest(
      { ledger, publisher, clock: () => now, leaseMs: 60_000, sleep: timerSleep },
      {
        ...digestPartFromTags(
          Object.fromEntries(Object.entries(email?.tags ?? {}).map(([k, v]) => [k, [v]])),
        ),
        sentTo: ['ada@example.com'],
        bouncedAt: '2026-11-26T02:22:00.000Z',
        sesMessageId: 'ses-1',
      },
    );

    // The redelivery fails (the ledger cannot say the email went out) and sends nothing.
    expect(again.outcomes[0]).toMatchObject({
      status: 'failed',
      error: expect.any(UnreportedUnreachableOwnerError),
    });
    expect(sender.sent).toHaveLength(1);
    // The bounce's report carries the events: the entry is as the crashed sender left it.
    expect(bounce).toEqual({ status: 'reported', eventsReadBack: true, parts: 1 });
    expect(ledger.entries.get(key)).toMatchObject({ state: 'sending', events: document.events });
  });
});
