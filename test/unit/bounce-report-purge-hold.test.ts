/**
 * The relay's bounce report says when a deleted credential's purge stopped being held back as it happened on the relay
 * route (docs/notifications.md, "Event types", "A bounced digest reaches the admins"): the drain released the purge
 * when it handed the digest to the relay (the digest's `generatedAt`), not at this report. The relay's claim keeps
 * that instant with the part's events (`stored-digest.ts`), the SES events function reads it back, and the report's
 * deletion lines say "held back until this notice was handed to the email relay on …" (or "after …") once the restore
 * window has passed; a window still open reads as before. An entry claimed before the instant was kept reads as
 * before too.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SNS_LIMITS } from '../../lambdas/aws/sns-wire';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { type BouncedEmail, renderBounceReport } from '../../lambdas/relay/bounce-report';
import { reportBouncedDigest } from '../../lambdas/relay/bounced-digest';
import { digestPartFromTags } from '../../lambdas/relay/email-tags';
import { relayBatch } from '../../lambdas/relay/relay';
import { decodeDigestEvents, encodeDigestEvents } from '../../lambdas/relay/stored-digest';
import { SAMPLE_NOW, sampleEntries, sampleEvent, snsEnvelope } from '../support/sample-digest';
import { deliveredTo } from '../support/sns-delivery';
import { RecordingPublisher } from './outbox-fakes';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from './support/relay-fakes';

const HOUR = 3_600_000;
/** When the drain handed the digest to the relay: the samples' `generatedAt`. */
const HANDED = '2026-11-26T02:15:00.000Z';
const EMAIL: BouncedEmail & { userId: string; drainId: string; part: number } = {
  userId: 'ada',
  drainId: 'drain-1',
  part: 1,
  sentTo: ['ada@example.com'],
  bouncedAt: '2026-11-26T08:00:00.000Z',
};

/** A stale deletion of `ada`'s whose restore window ends at `restorableUntil`. */
function deleted(restorableUntil: string): OutboxEvent {
  return sampleEvent('deleted-stale', 'pc-1', { restorableUntil }, 'ada');
}

/** The bounce report's lines at `now` for `events`, the digest handed to the relay at `relayedAt` (when known). */
function reportLines(events: readonly OutboxEvent[], now: number, relayedAt?: number): string[] {
  const [part] = renderBounceReport({
    email: EMAIL,
    events,
    now,
    budget: SNS_LIMITS,
    ...(relayedAt !== undefined && { relayedAt }),
  });
  return (part?.message.text ?? '').split('\n');
}

describe('the bounce report’s deletion lines on the relay route', () => {
  const now = Date.parse('2026-11-26T08:00:05.000Z');

  it('already due when the drain handed the digest over: held back until then, not until this report', () => {
    const lines = reportLines([deleted('2026-11-26T00:00:00.000Z')], now, Date.parse(HANDED));

    expect(lines).toContain(
      '      Its purge was due on 2026-11-26T00:00:00.000Z (8 hours ago) and was held back until this notice was ' +
        'handed to the email relay on 2026-11-26T02:15:00.000Z (6 hours ago): it may be gone for good already, or at ' +
        'any moment now.',
    );
    expect(lines.join('\n')).not.toContain('held back until this notice:');
  });

  it('due after the handover, before this report: no hold past the handover is claimed', () => {
    const lines = reportLines([deleted('2026-11-26T06:00:00.000Z')], now, Date.parse(HANDED));

    expect(lines).toContain(
      '      Its purge was due on 2026-11-26T06:00:00.000Z (2 hours ago), after this notice was handed to the email ' +
        'relay on 2026-11-26T02:15:00.000Z (6 hours ago): it may be gone for good already, or at any moment now.',
    );
  });

  it('a window still open reads as before, handed over or not', () => {
    const open = [deleted('2026-12-26T02:00:00.000Z')];
    const line =
      '      It can be restored until 2026-12-26T02:00:00.000Z (in 30 days); after that it is gone for good.';

    expect(reportLines(open, now, Date.parse(HANDED))).toContain(line);
    expect(reportLines(open, now)).toContain(line);
  });
});

describe('the instant of the handover, kept by the relay’s claim and read back for the report', () => {
  it('round-trips with the events; an entry kept without it, or with one that is no instant, reads without it', () => {
    const events = [deleted('2026-11-26T00:00:00.000Z')];
    const gz = (value: unknown) => new Uint8Array(gzipSync(JSON.stringify(value)));

    expect(decodeDigestEvents(encodeDigestEvents(events, HANDED) as Uint8Array)).toEqual({
      ok: true,
      events,
      generatedAt: HANDED,
    });
    expect(decodeDigestEvents(gz({ v: 1, events }))).toEqual({ ok: true, events });
    // Only the report's wording rests on it: one that is not an instant is left out, the events still read.
    expect(decodeDigestEvents(gz({ v: 1, generatedAt: 'yesterday', events }))).toEqual({ ok: true, events });
  });

  it('relayed, then bounced: the report names the digest’s generatedAt as the end of the hold', async () => {
    const owners: OwnerRecord[] = [{ userId: 'ada', email: 'ada@example.com', status: 'active' }];
    const ledger = new MemoryRelayLedger();
    const sender = new RecordingSender();
    const [entry] = sampleEntries([deleted('2026-11-26T00:00:00.000Z')]);
    if (entry === undefined) throw new Error('no digest entry');
    const relayed = await relayBatch(
      {
        directory: memoryDirectory(owners),
        ledger,
        sender,
        clock: () => SAMPLE_NOW + HOUR,
        from: 'Hygiene <hygiene@corp.example>',
        leaseMs: 60_000,
      },
      [{ messageId: 'msg-ada', body: snsEnvelope(entry) }],
    );
    expect(relayed.batchItemFailures).toEqual([]);
    const tags = Object.entries(sender.sent[0]?.tags ?? {}).map(([name, value]) => [name, [value]]);
    const part = digestPartFromTags(Object.fromEntries(tags));
    const publisher = new RecordingPublisher();

    const outcome = await reportBouncedDigest(
      {
        ledger,
        publisher,
        clock: () => SAMPLE_NOW + 6 * HOUR,
        leaseMs: 60_000,
        sleep: async () => undefined,
      },
      { ...part, sentTo: ['ada@example.com'], bouncedAt: '2026-11-26T08:15:00.000Z' },
    );

    expect(outcome).toMatchObject({ status: 'reported', eventsReadBack: true });
    expect([...ledger.entries.values()].map((e) => e.generatedAt)).toEqual([HANDED]);
    const text = deliveredTo(publisher.delivered[0]?.Message ?? '{}', 'email');
    expect(text).toContain(
      '      Its purge was due on 2026-11-26T00:00:00.000Z (8 hours ago) and was held back until this notice was ' +
        'handed to the email relay on 2026-11-26T02:15:00.000Z (6 hours ago): it may be gone for good already, or at ' +
        'any moment now.',
    );
  });
});
