/**
 * Each part of a split owner digest says the whole digest's count near its top (docs/notifications.md, "The
 * message", "Size limits, splitting, batching and pacing"): "this is part 2 of 3; together the 3 parts cover 57
 * credentials (…)", in the SNS text, in the relay's text and HTML, and in the document (`wholeDigest`, optional:
 * version 1 stays), so an owner who gets one part only knows what the others hold. The line is in what each part's
 * size is measured from: every part still fits the limit. A document without the field (a notifier before it)
 * reads as before, and so does one whose field is wrong (dropped: the count is optional, the email is not).
 */
import { describe, expect, it } from 'vitest';
import { publishEntryBytes, snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import { type DigestDocument, digestText, renderDigest } from '../../lambdas/hygiene/digest';
import type { EventType, OutboxEvent } from '../../lambdas/hygiene/events';
import {
  digestFromSnsEnvelope,
  parseDigestDocument,
  wholeDigestOf,
} from '../../lambdas/relay/digest-message';
import { ownerEmail } from '../../lambdas/relay/owner-email';
import { SAMPLE_NOW, snsEnvelope } from '../support/sample-digest';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { outboxEvent } from './outbox-fakes';

const LIMIT = 40_000;

function events(type: EventType, n: number, nameLength = 600): OutboxEvent[] {
  return Array.from({ length: n }, (_, i) =>
    outboxEvent({
      credentialId: `pc-${type}-${String(i).padStart(3, '0')}`,
      userId: 'user-1',
      type,
      displayName: 'n'.repeat(nameLength),
    }),
  );
}

/** 57 notices: 12 deletions (two reasons), 20 stale warnings, 25 expiry warnings. */
const WHOLE = [
  ...events('deleted-expired', 8),
  ...events('deleted-stale', 4),
  ...events('stale-warning', 20),
  ...events('expiry-warning', 25),
];

function split(list: readonly OutboxEvent[], limit = LIMIT) {
  return renderDigest({
    userId: 'user-1',
    events: list,
    now: SAMPLE_NOW,
    drainId: 'drain-1',
    budget: snsLimits(limit),
  }).map((part) => ({ ...part, entry: snsEntryFields(part.message) }));
}

const partsLine = (part: number, parts: number) =>
  `This digest is long: this is part ${part} of ${parts}; together the ${parts} parts cover 57 credentials (12 deleted, 20 unused, 25 expired or expiring).`;

describe('a split digest: each part says the whole count', () => {
  it('in the SNS text, near its top, and in the document, each part within the limit', () => {
    const parts = split(WHOLE);

    expect(parts.length).toBeGreaterThan(2);
    parts.forEach((part, i) => {
      const lines = deliveredTo(part.entry.Message, 'email').split('\n');
      expect(lines.slice(2, 4)).toEqual([
        'Here is what the credential hygiene worker did or will do to your personal API credentials (as of 2026-11-26T02:15:00.000Z).',
        partsLine(i + 1, parts.length),
      ]);
      const document = deliveredDocument<DigestDocument>(part.entry.Message);
      expect(document.wholeDigest).toEqual({
        events: 57,
        byType: { 'deleted-expired': 8, 'deleted-stale': 4, 'stale-warning': 20, 'expiry-warning': 25 },
      });
      expect(Object.keys(document).indexOf('wholeDigest')).toBe(Object.keys(document).indexOf('parts') + 1);
      expect(part.bytes).toBe(publishEntryBytes(part.entry));
      expect(part.bytes).toBeLessThanOrEqual(LIMIT);
    });
  });

  it('fits every part with its line, at tight limits too: the line is in what each part is measured by', () => {
    for (const limit of [7_000, 9_000, 15_000, 25_000, 60_000]) {
      const parts = split(WHOLE, limit);

      expect(parts.length, `${limit}`).toBeGreaterThan(1);
      parts.forEach((part, i) => {
        expect(deliveredTo(part.entry.Message, 'email')).toContain(partsLine(i + 1, parts.length));
        expect(part.bytes).toBe(publishEntryBytes(part.entry));
        expect(part.bytes, `${limit}, part ${i + 1}`).toBeLessThanOrEqual(limit);
      });
      // Every event once, in digest order (WHOLE is listed in it).
      expect(parts.flatMap((p) => p.events)).toEqual(WHOLE);
    }
  });

  it('counts the line in the measure it packs by: the first packing fits, the digest measured once', () => {
    // One credential per section, large by a client id: the per-event costs hardly overestimate, so only a measure
    // that includes the line (and the document's field) packs parts that fit at the first try.
    const four = (['deleted-expired', 'stale-warning', 'orphan-flagged', 'expiry-warning'] as const).map(
      (type, i) =>
        outboxEvent({
          credentialId: `pc-${i}`,
          userId: 'user-1',
          type,
          displayName: 'x',
          clientId: 'c'.repeat(1000),
        }),
    );
    const measuring = new Set<number>();
    for (let limit = 5_000; limit < 11_500; limit += 16) {
      const sns = snsLimits(limit);
      const measured: DigestDocument[] = [];
      const parts = renderDigest({
        userId: 'user-1',
        events: four,
        now: SAMPLE_NOW,
        drainId: 'drain-1',
        budget: {
          ...sns,
          measure: (message) => {
            measured.push(message.document as DigestDocument);
            return sns.measure(message);
          },
        },
      });
      if (parts.length === 1) continue;
      // Each part rendered and measured once (a second packing would measure its parts again)…
      const asSent = measured.filter((document) => document.parts === parts.length);
      expect(
        asSent.map((document) => document.part),
        `${limit}`,
      ).toEqual(parts.map((part) => part.part));
      // …and what the packing measures does not depend on the limit: once per digest, not per attempt.
      measuring.add(measured.length - parts.length);
      for (const part of parts) expect(part.bytes).toBeLessThanOrEqual(limit);
    }
    expect(measuring.size).toBe(1);
  });

  it('in the relay’s text and HTML, read back from what SNS delivers to its queue', () => {
    const parts = split(WHOLE);

    parts.forEach((part, i) => {
      const { document } = digestFromSnsEnvelope(snsEnvelope(part.entry));
      const email = ownerEmail(
        document,
        { email: 'ada@example.com' },
        'h@corp.example',
        new Date(SAMPLE_NOW),
      );
      expect(email.text.split('\n')[3]).toBe(partsLine(i + 1, parts.length));
      expect(email.html).toContain(`<p style="margin:0 0 8px">${partsLine(i + 1, parts.length)}</p>`);
      expect(email.subject.endsWith(`(part ${i + 1}/${parts.length})`)).toBe(true);
    });
  });

  it('counts one kind alone, singular where one', () => {
    const parts = split([...events('deleted-orphaned', 1, 12_000), ...events('orphan-flagged', 2, 12_000)]);

    expect(parts).toHaveLength(3);
    expect(deliveredTo(parts[1]?.entry.Message ?? '', 'email')).toContain(
      'This digest is long: this is part 2 of 3; together the 3 parts cover 3 credentials (1 deleted, 2 orphaned).',
    );
  });

  it('an unsplit digest has neither the line nor the field', () => {
    const [only, ...more] = split(WHOLE.slice(0, 3));

    expect(more).toEqual([]);
    expect(deliveredDocument<DigestDocument>(only?.entry.Message ?? '')).not.toHaveProperty('wholeDigest');
    expect(deliveredTo(only?.entry.Message ?? '', 'email')).not.toContain('This digest is long');
  });

  it('a part without the field (a notifier before it) says which part it is, as before', () => {
    const [first] = split(WHOLE);
    const { wholeDigest: _, ...older } = deliveredDocument<DigestDocument>(first?.entry.Message ?? '');

    const document = parseDigestDocument(older);

    expect(document).not.toHaveProperty('wholeDigest');
    expect(digestText(document).split('\n')[3]).toBe(
      `This digest is long: this is part 1 of ${first?.parts}.`,
    );
  });
});

describe('parseDigestDocument: the wholeDigest field', () => {
  const [first] = split(WHOLE);
  const document = deliveredDocument<DigestDocument>(first?.entry.Message ?? '');
  const withWhole = (wholeDigest: unknown) => parseDigestDocument({ ...document, wholeDigest }, 'doc');

  it('keeps a valid one', () => {
    expect(withWhole(document.wholeDigest).wholeDigest).toEqual(document.wholeDigest);
  });

  const check = (wholeDigest: unknown) => wholeDigestOf(wholeDigest, document.events, 'doc');

  it.each([
    ['not an object', '57'],
    ['a zero count', { events: 0, byType: {} }],
    ['a sum that is not its total', { events: 57, byType: { 'expiry-warning': 50 } }],
    ['an unknown event type', { events: 57, byType: { 'expiry-warning': 56, unknown: 1 } }],
  ])(
    'a wrong one (%s) is left out: the document is read, its part line as an older notifier’s',
    (_, wrong) => {
      const read = withWhole(wrong);
      expect(read).not.toHaveProperty('wholeDigest');
      const { wholeDigest: _valid, ...rest } = withWhole(document.wholeDigest);
      expect(read).toEqual(rest);
    },
  );

  it('names what is wrong in one', () => {
    const withWhole = check;
    expect(() => withWhole('57')).toThrow('doc: wholeDigest is not a JSON object');
    expect(() => withWhole({ events: 0, byType: {} })).toThrow(
      'doc: wholeDigest: events 0 is not a positive integer',
    );
    expect(() => withWhole({ events: 57, byType: [] })).toThrow(
      'doc: wholeDigest: byType is not a JSON object',
    );
    expect(() => withWhole({ events: 57, byType: { 'expiry-warning': 57, unknown: 1 } })).toThrow(
      'doc: wholeDigest: byType "unknown" is not an event type',
    );
    expect(() => withWhole({ events: 57, byType: { 'expiry-warning': 2.5 } })).toThrow(
      'doc: wholeDigest: byType: expiry-warning 2.5 is not a positive integer',
    );
    expect(() => withWhole({ events: 57, byType: { 'expiry-warning': 50 } })).toThrow(
      'doc: wholeDigest: byType counts 50 events, not 57',
    );
    expect(() => withWhole({ events: 2, byType: { 'expiry-warning': 2 } })).toThrow(
      /^doc: wholeDigest: byType counts 0 stale-warning events, fewer than this part's \d+$/,
    );
  });
});
