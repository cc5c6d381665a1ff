/**
 * A split owner digest is packed as full as the limit allows (docs/notifications.md, "Size limits, splitting,
 * batching and pacing"): a part pays its section's heading and shared advice once, not once per event, so a digest
 * goes out in as few parts (SNS publishes, emails to the owner) as its order allows, each still within the limit.
 * And the words that count a split digest's notices are true whenever they are read: the parts line (from the
 * document's `wholeDigest`, counts without instants) and a mixed subject (computed at the send) say expiry warnings
 * as the expiry section's heading does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import { type DigestInput, digestSubject, renderDigest } from '../../lambdas/hygiene/digest';
import { EVENT_TYPES, type EventType, type OutboxEvent } from '../../lambdas/hygiene/events';
import { formatInstant } from '../../lambdas/hygiene/time';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { ownerEmail } from '../../lambdas/relay/owner-email';
import { SAMPLE_NOW, sampleEvent, snsEnvelope } from '../support/sample-digest';
import { deliveredTo } from '../support/sns-delivery';

const HOUR = 3_600_000;
const at = (hours: number) => formatInstant(SAMPLE_NOW + hours * HOUR);

function digest(events: readonly OutboxEvent[], limit: number, more: Partial<DigestInput> = {}) {
  return renderDigest({
    userId: 'user-42',
    events,
    now: SAMPLE_NOW,
    drainId: 'drain-1',
    budget: snsLimits(limit),
    ...more,
  });
}

/** `n` notices of `type`, their display names 100 characters long. */
function notices(type: EventType, n: number): OutboxEvent[] {
  return Array.from({ length: n }, (_, i) =>
    sampleEvent(type, `pc-${String(i).padStart(3, '0')}`, { displayName: 'n'.repeat(100) }),
  );
}

describe('renderDigest packs parts as full as the limit allows', () => {
  it.each([
    ['expiry warnings (one advice for all)', 'expiry-warning', 110],
    ['stale warnings (one advice for all)', 'stale-warning', 90],
    ['deletions (each its own advice)', 'deleted-expired', 90],
  ] as const)(
    '%s: two parts, the fewest, where charging each event a one-event digest’s heading and advice made three',
    (_, type, n) => {
      const events = notices(type, n);

      const parts = digest(events, 40_000);

      // One message cannot hold them (the digest is split), so two is the fewest.
      expect(digest(events, 10_000_000)[0]?.bytes).toBeGreaterThan(40_000);
      expect(parts.map((part) => part.parts)).toEqual([2, 2]);
      for (const part of parts) expect(part.bytes).toBeLessThanOrEqual(40_000);
      expect(parts.flatMap((part) => part.events)).toEqual(events);
    },
  );

  /**
   * What a part's measure may leave unused: the widest subject (100 characters), event types, severity, part counter
   * and headings it counts every part at (about 200 bytes seen; a heading and advice counted per event left thousands).
   */
  const SLACK = 512;

  const notice = fc.record({
    type: fc.constantFrom(...EVENT_TYPES),
    name: fc.option(
      fc.oneof(fc.string({ maxLength: 300, size: 'medium' }), fc.string({ unit: 'grapheme', maxLength: 60 })),
    ),
    /** The expiry or deletion date, in hours from the drain: some read after it. */
    hours: fc.integer({ min: -72, max: 24 * 40 }),
    stageDays: fc.constantFrom(1, 7, 30),
    exempt: fc.boolean(),
    purge: fc.boolean(),
  });

  function event(spec: typeof notice extends fc.Arbitrary<infer T> ? T : never, i: number): OutboxEvent {
    const { type, name, hours } = spec;
    const overrides: Partial<OutboxEvent> = {
      ...(name !== null && { displayName: name }),
      ...(type === 'expiry-warning' && {
        stageDays: spec.stageDays,
        expiresTime: at(hours),
        ...(spec.exempt && { exempt: true as const }),
      }),
      ...((type === 'stale-warning' || type === 'orphan-flagged') && { deleteAfter: at(hours) }),
      ...(type === 'stale-warning' && spec.exempt && { staleAfterDays: 30, tier: 'unscoped' }),
      ...(type.startsWith('deleted-') && spec.purge && { restorableUntil: at(hours) }),
    };
    return sampleEvent(type, `pc-${i}`, overrides);
  }

  it('every part within any limit, every event once in the digest’s order, no part able to take the next', () => {
    let boundaries = 0;
    fc.assert(
      fc.property(
        fc.array(notice, { minLength: 1, maxLength: 80, size: 'max' }),
        fc.integer({ min: 12_000, max: 60_000 }),
        fc.option(fc.string({ maxLength: 40 })),
        (specs, limit, contact) => {
          const events = specs.map(event);
          const more = contact === null ? {} : { ownerContact: contact };

          const parts = digest(events, limit, more);

          for (const part of parts) expect(part.bytes).toBeLessThanOrEqual(limit);
          expect(parts.flatMap((part) => part.events)).toEqual(digest(events, 1e9, more)[0]?.events);
          // A part that could have taken the next event would have left room for what it adds (measured alone).
          const alone = (list: readonly OutboxEvent[]) => digest(list, 1e9, more)[0]?.bytes ?? 0;
          parts.slice(0, -1).forEach((part, i) => {
            const next = parts[i + 1]?.events[0];
            if (next === undefined) throw new Error('a part without events');
            const adds = alone([...part.events, next]) - alone(part.events);
            boundaries += 1;
            expect(adds, `part ${i + 1} of ${parts.length}`).toBeGreaterThan(limit - part.bytes - SLACK);
          });
        },
      ),
      { numRuns: 40 },
    );
    // Digests are drawn large enough to split, often: the property is about parts.
    expect(boundaries).toBeGreaterThan(20);
  });
});

describe('the words that count a split digest’s notices are true whenever read', () => {
  /**
   * 12 deletions, 20 stale warnings, 25 expiry warnings that expire 7 days after the drain, of 57 credentials (an
   * expiry warning beside its own credential's deletion would be said in that deletion's entry: overtaken.ts).
   */
  const WHOLE = [
    ...notices('deleted-expired', 8),
    ...notices('deleted-stale', 4),
    ...notices('stale-warning', 20),
    ...notices('expiry-warning', 25),
  ].map((event, i) => ({ ...event, credentialId: `pc-${String(i).padStart(3, '0')}` }));

  it('the parts line says "expired or expiring": the relay’s email sent after the expiry heads them "Expired"', () => {
    const parts = digest(WHOLE, 40_000).map((part) => snsEntryFields(part.message));
    const last = parts.at(-1);
    if (last === undefined) throw new Error('no part');
    const line = `together the ${parts.length} parts cover 57 credentials (12 deleted, 20 unused, 25 expired or expiring).`;

    // At the drain: the expiry warnings are ahead, "Expiring soon".
    expect(parts.length).toBeGreaterThan(1);
    expect(deliveredTo(last.Message, 'email')).toContain(line);
    expect(deliveredTo(last.Message, 'email')).toMatch(/\nExpiring soon \(\d+\)\n/);
    // Sent by the relay 8 days later (a redrive): the same section says "Expired", and so may the line.
    const { document } = digestFromSnsEnvelope(snsEnvelope(last));
    const late = ownerEmail(
      document,
      { email: 'ada@example.com' },
      'h@corp.example',
      new Date(SAMPLE_NOW + 192 * HOUR),
    );
    expect(late.text).toMatch(/\nExpired \(\d+\)\n/);
    expect(late.text).toContain(line);
    expect(late.html).toContain(line);
  });

  it('a mixed subject counts expiry warnings read after their expiry as "expired", as the heading does', () => {
    const mixed = [
      sampleEvent('deleted-stale', 'pc-1'),
      sampleEvent('expiry-warning', 'pc-2', { stageDays: 1, expiresTime: at(6) }),
      sampleEvent('expiry-warning', 'pc-3', { stageDays: 30, expiresTime: at(600) }),
    ];

    expect(digestSubject(mixed, SAMPLE_NOW)).toBe(
      'Your API credentials: 1 deleted, 2 expiring, first in 6 hours',
    );
    expect(digestSubject(mixed, SAMPLE_NOW + 8 * HOUR)).toBe(
      'Your API credentials: 1 deleted, 1 expired, 1 expiring',
    );
    expect(digestSubject(mixed, SAMPLE_NOW + 700 * HOUR)).toBe('Your API credentials: 1 deleted, 2 expired');
    // The relay's email, sent 8 hours after the drain: its subject and its heading agree.
    const [entry] = digest(mixed, 262_144).map((part) => snsEntryFields(part.message));
    if (entry === undefined) throw new Error('no part');
    const { document } = digestFromSnsEnvelope(snsEnvelope(entry));
    const late = ownerEmail(
      document,
      { email: 'ada@example.com' },
      'h@corp.example',
      new Date(SAMPLE_NOW + 8 * HOUR),
    );
    expect(late.subject).toBe('Your API credentials: 1 deleted, 1 expired, 1 expiring');
    expect(late.text).toContain('\nExpired or expiring soon (2)\n');
  });
});
