/**
 * The owner digest (lambdas/hygiene/digest.ts; docs/notifications.md, "The message", "Severity", "Message attributes
 * and filter policies", "Size limits, splitting, batching and pacing"): one json-structured message per owner, text
 * for people and the versioned document for machines, the drain's reach verdict in both; each credential named with
 * UTC and relative dates and what to do; the routing attributes and severity; subjects specific, within 100
 * printable ASCII characters; an oversize digest split into numbered parts with every event exactly once (fast-check
 * included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  publishEntryBytes,
  SNS_LIMITS,
  SNS_MESSAGE_LIMIT_BYTES,
  snsEntryFields,
  snsLimits,
} from '../../lambdas/aws/sns-wire';
import {
  DIGEST_SCHEMA,
  DigestTooLargeError,
  digestSubject,
  eventSeverity,
  renderDigest,
} from '../../lambdas/hygiene/digest';
import { EVENT_TYPES, type OutboxEvent } from '../../lambdas/hygiene/events';
import { requireInstant } from '../../lambdas/hygiene/time';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { boundedEvent, outboxEvent } from './outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');

/** The digest's parts under SNS's budget, each with the SNS entry it is sent as. */
function render(events: OutboxEvent[], maxMessageBytes?: number) {
  return renderDigest({
    userId: 'user-1',
    events,
    now: NOW,
    drainId: 'drain-1',
    budget: snsLimits(maxMessageBytes),
  }).map((part) => ({ ...part, entry: snsEntryFields(part.message) }));
}

/** The text an email subscription receives of a message. */
const emailText = (message: string) => deliveredTo(message, 'email');

describe('renderDigest: one message per owner', () => {
  it('renders a json-structured message with text for people and the versioned document for machines', () => {
    const events = [
      outboxEvent({ credentialId: 'pc-1', userId: 'user-1' }),
      outboxEvent({ credentialId: 'pc-2', userId: 'user-1', type: 'deleted-expired' }),
    ];

    const [part, ...more] = render(events);

    expect(more).toEqual([]);
    expect(part?.entry.MessageStructure).toBe('json');
    const message = part!.entry.Message;
    expect(Object.keys(JSON.parse(message))).toEqual(['default', 'email']);
    for (const protocol of ['lambda', 'https', 'email-json', 'firehose']) {
      expect(deliveredTo(message, protocol)).toBe(deliveredTo(message, 'sqs'));
    }
    const doc = deliveredDocument<{ events: OutboxEvent[] }>(message);
    expect(doc).toMatchObject({
      schema: DIGEST_SCHEMA,
      version: 1,
      audience: 'owner',
      userId: 'user-1',
      drainId: 'drain-1',
      generatedAt: '2026-11-26T02:00:00.000Z',
      part: 1,
      parts: 1,
      severity: 'high',
      eventTypes: ['expiry-warning', 'deleted-expired'],
    });
    // Deletions are listed first.
    expect(doc.events.map((e) => e.credentialId)).toEqual(['pc-2', 'pc-1']);
    expect(doc.events[1]).toEqual(events[0]);
  });

  it("carries the drain's verdict on the owner in the document as in the ownerReach attribute, and neither without one", () => {
    const events = [outboxEvent({ credentialId: 'pc-1', userId: 'user-1' })];
    const judged = (ownerReach?: 'unreachable') =>
      renderDigest({
        userId: 'user-1',
        events,
        now: NOW,
        drainId: 'drain-1',
        budget: SNS_LIMITS,
        ...(ownerReach !== undefined && { ownerReach }),
      }).map((part) => snsEntryFields(part.message))[0]!;

    const [withVerdict, without] = [judged('unreachable'), judged()];

    // SNS delivers no attributes of a MessageStructure json publish: subscribers read the verdict in the document.
    expect(deliveredDocument(withVerdict.Message)).toMatchObject({ ownerReach: 'unreachable' });
    expect(withVerdict.MessageAttributes.ownerReach).toEqual({
      DataType: 'String',
      StringValue: 'unreachable',
    });
    expect(deliveredDocument(without.Message)).not.toHaveProperty('ownerReach');
    expect(without.MessageAttributes).not.toHaveProperty('ownerReach');
  });

  it('names each credential by display name, id and client id, with UTC dates, relative phrases and what to do', () => {
    const events = [
      outboxEvent({ credentialId: 'pc-1', userId: 'user-1', displayName: 'CI deploy' }),
      outboxEvent({ credentialId: 'pc-2', userId: 'user-1', type: 'stale-warning' }),
      outboxEvent({ credentialId: 'pc-3', userId: 'user-1', type: 'deleted-stale' }),
    ];

    const text = emailText(render(events)[0]!.entry.Message);

    expect(text).toContain('"CI deploy" (id pc-1, client id client-pc-1)');
    expect(text).toContain('Expires on 2026-12-03T00:00:00.000Z (in 7 days). This is the 7-day notice.');
    expect(text).toContain('renew it');
    expect(text).toContain('soft-deleted on 2026-12-10T02:00:00.000Z (in 14 days) unless it is used');
    expect(text).toContain('use it once');
    expect(text).toContain('Not used since 2026-07-01T00:00:00.000Z (148 days ago)');
    expect(text).toContain('restore it (credential id pc-3)');
    expect(text).toContain(
      'Soft-deleted on 2026-11-26T02:00:00.000Z (less than an hour ago) because it was not used since',
    );
    // The text part is all an sns-email owner receives, right above SNS's own unsubscribe link: no "click no link".
    expect(text).toContain('Nothing in this notice asks you to sign in or enter a password.');
    expect(text).not.toContain('click a link');
    expect(text.indexOf('Deleted (1)')).toBeLessThan(text.indexOf('Will be deleted unless used (1)'));
    expect(text.indexOf('Will be deleted unless used (1)')).toBeLessThan(text.indexOf('Expiring soon (1)'));
  });

  it('gives advice shared by a whole section once, and per credential when it differs', () => {
    const twoExpiring = [
      outboxEvent({ credentialId: 'pc-1', userId: 'user-1' }),
      outboxEvent({ credentialId: 'pc-2', userId: 'user-1' }),
    ];
    const oneLate = [
      ...twoExpiring,
      outboxEvent({ credentialId: 'pc-3', userId: 'user-1', expiresTime: '2026-11-25T02:00:00.000Z' }),
    ];

    const shared = emailText(render(twoExpiring)[0]!.entry.Message);
    const mixed = emailText(render(oneLate)[0]!.entry.Message);

    // Said once for several credentials, in the plural.
    expect(shared.match(/What to do: renew/g)).toHaveLength(1);
    expect(shared).toContain(
      'Expiring soon (2)\nWhat to do: renew them (set later expiries) before they expire if you still need them;',
    );
    // One has expired: its heading says so, and each credential has its own advice.
    expect(mixed).toContain('Expired or expiring soon (3)\n  * ');
    expect(mixed.match(/What to do: renew it/g)).toHaveLength(3);
  });

  it('says an expiry warning delivered late has already expired', () => {
    const late = outboxEvent({
      credentialId: 'pc-1',
      userId: 'user-1',
      expiresTime: '2026-11-24T02:00:00.000Z',
    });

    const [part] = render([late]);

    expect(emailText(part!.entry.Message)).toContain('Expired on 2026-11-24T02:00:00.000Z (2 days ago)');
    expect(part!.entry.Subject).toBe('API credential "Key pc-1" has expired');
  });

  it('carries userId, eventTypes (String.Array), severity and audience attributes', () => {
    const events = [
      outboxEvent({ credentialId: 'pc-1', userId: 'user-1', type: 'stale-warning' }),
      outboxEvent({
        credentialId: 'pc-2',
        userId: 'user-1',
        stageDays: 30,
        expiresTime: '2026-12-20T00:00:00.000Z',
      }),
    ];

    const [part] = render(events);

    expect(part!.entry.MessageAttributes).toEqual({
      userId: { DataType: 'String', StringValue: 'user-1' },
      eventTypes: { DataType: 'String.Array', StringValue: '["expiry-warning","stale-warning"]' },
      severity: { DataType: 'String', StringValue: 'warning' },
      audience: { DataType: 'String', StringValue: 'owner' },
    });
    expect(part!.bytes).toBe(publishEntryBytes(part!.entry));
  });

  it('renders nothing for no events', () => {
    expect(render([])).toEqual([]);
  });
});

describe('severity', () => {
  it('is high for deletions and 1-day notices, warning for stale and 7-day notices, info for 30-day notices', () => {
    const e = (overrides: Partial<OutboxEvent>) =>
      outboxEvent({ credentialId: 'x', userId: 'u', ...overrides });
    expect(eventSeverity(e({ type: 'deleted-expired' }))).toBe('high');
    expect(eventSeverity(e({ type: 'deleted-stale' }))).toBe('high');
    expect(eventSeverity(e({ stageDays: 1 }))).toBe('high');
    expect(eventSeverity(e({ stageDays: 7 }))).toBe('warning');
    expect(eventSeverity(e({ type: 'stale-warning' }))).toBe('warning');
    expect(eventSeverity(e({ stageDays: 30 }))).toBe('info');
  });
});

describe('digestSubject', () => {
  const e = (overrides: Partial<OutboxEvent> & { credentialId: string }) =>
    outboxEvent({ userId: 'u', ...overrides });

  it('is specific for each kind of digest', () => {
    expect(digestSubject([e({ credentialId: 'a' }), e({ credentialId: 'b' })], NOW)).toBe(
      '2 API credentials expire, the first in 7 days',
    );
    expect(digestSubject([e({ credentialId: 'a', displayName: 'Laptop' })], NOW)).toBe(
      'API credential "Laptop" expires in 7 days',
    );
    expect(digestSubject([e({ credentialId: 'a', type: 'stale-warning' })], NOW)).toBe(
      'Unused API credential "Key a" will be deleted on 2026-12-10 02:00 UTC unless used',
    );
    expect(
      digestSubject(
        [e({ credentialId: 'a', type: 'stale-warning' }), e({ credentialId: 'b', type: 'stale-warning' })],
        NOW,
      ),
    ).toBe('2 unused API credentials will be deleted unless used, first on 2026-12-10 02:00 UTC');
    expect(
      digestSubject(
        [e({ credentialId: 'a', type: 'deleted-expired' }), e({ credentialId: 'b', type: 'deleted-stale' })],
        NOW,
      ),
    ).toBe('2 API credentials were deleted (1 expired, 1 unused)');
    expect(digestSubject([e({ credentialId: 'a', type: 'deleted-stale' })], NOW)).toBe(
      'API credential "Key a" was deleted (unused)',
    );
    expect(
      digestSubject(
        [
          e({ credentialId: 'a', type: 'deleted-expired' }),
          e({ credentialId: 'b' }),
          e({ credentialId: 'c', type: 'stale-warning' }),
        ],
        NOW,
      ),
    ).toBe('Your API credentials: 1 deleted, 1 unused, 1 expiring in 7 days');
    expect(digestSubject([e({ credentialId: 'a' }), e({ credentialId: 'b' })], NOW, 2, 3)).toBe(
      '2 API credentials expire, the first in 7 days (part 2/3)',
    );
  });

  it('stays within 100 printable ASCII characters whatever the display name', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.constantFrom(...EVENT_TYPES),
        fc.integer({ min: 1, max: 12 }),
        (displayName, type, parts) => {
          const subject = digestSubject([e({ credentialId: 'id-1', displayName, type })], NOW, parts, parts);
          expect(subject.length).toBeLessThanOrEqual(100);
          expect(subject).toMatch(/^[\x20-\x7e]+$/);
        },
      ),
    );
  });

  it('agrees with the body: a name of invisible characters only is no name, an unknown expiry is not "due now"', () => {
    // The body calls such a credential unnamed (plainName): the subject names it by id, not by "??".
    expect(digestSubject([e({ credentialId: 'pc-9', displayName: '\u200b\u200b' })], NOW)).toBe(
      'API credential "pc-9" expires in 7 days',
    );
    // An entry without its expiry time reads "Expires at an unknown time" in the body.
    const { expiresTime: _dropped, ...unknownExpiry } = e({ credentialId: 'a' });
    expect(digestSubject([unknownExpiry], NOW)).toBe('API credential "Key a" expires at an unknown time');
  });

  it('names all four kinds of notice with their counts within 100 characters, split part included', () => {
    const many = (type: OutboxEvent['type'], n: number) =>
      Array.from({ length: n }, (_, i) => e({ credentialId: `${type}-${i}`, type }));
    const events = [
      ...many('deleted-expired', 300),
      ...many('stale-warning', 100),
      ...many('orphan-flagged', 100),
      ...many('expiry-warning', 50),
    ];
    // The soonest expiry does not fit beside four counts and the part: the counts stay, whole (no "...").
    expect(digestSubject(events, NOW, 10, 12)).toBe(
      'Your API credentials: 300 deleted, 100 unused, 100 orphaned, 50 expiring (part 10/12)',
    );
  });

  it('names the soonest expiry, not the largest notice stage', () => {
    const inSixHours = e({ credentialId: 'a', stageDays: 1, expiresTime: '2026-11-26T08:00:00.000Z' });
    const inTwentyFiveDays = e({ credentialId: 'b', stageDays: 30, expiresTime: '2026-12-21T02:00:00.000Z' });
    const expired = e({ credentialId: 'c', stageDays: 1, expiresTime: '2026-11-25T20:00:00.000Z' });

    expect(digestSubject([inTwentyFiveDays, inSixHours], NOW)).toBe(
      '2 API credentials expire, the first in 6 hours',
    );
    expect(digestSubject([inTwentyFiveDays, expired, inSixHours], NOW)).toBe(
      '3 API credentials expire: 1 already expired, the next in 6 hours',
    );
    expect(
      digestSubject([inTwentyFiveDays, inSixHours, e({ credentialId: 'd', type: 'deleted-stale' })], NOW),
    ).toBe('Your API credentials: 1 deleted, 2 expiring, first in 6 hours');
  });

  it('gives a deletion deadline with its time and zone, never a bare UTC date', () => {
    // 03:00 UTC on the 10th is the evening of the 9th at UTC-8: a bare "2026-12-10" would make that owner late.
    const stale = (credentialId: string, deleteAfter: string) =>
      e({ credentialId, type: 'stale-warning', deleteAfter });

    expect(digestSubject([stale('a', '2026-12-10T03:00:00.000Z')], NOW)).toBe(
      'Unused API credential "Key a" will be deleted on 2026-12-10 03:00 UTC unless used',
    );
    expect(
      digestSubject(
        [e({ credentialId: 'a', type: 'orphan-flagged', deleteAfter: '2026-12-03T07:30:00.000Z' })],
        NOW,
      ),
    ).toBe('API credential "Key a" will be deleted on 2026-12-03 07:30 UTC (owner departed)');
    expect(
      digestSubject([stale('a', '2026-12-12T00:00:00.000Z'), stale('b', '2026-12-10T03:00:00.000Z')], NOW),
    ).toBe('2 unused API credentials will be deleted unless used, first on 2026-12-10 03:00 UTC');
  });

  it('folds accents and replaces other characters in names', () => {
    expect(digestSubject([e({ credentialId: 'a', displayName: 'Clé\nprod 🚀' })], NOW)).toBe(
      'API credential "Cle prod ?" expires in 7 days',
    );
  });
});

describe('renderDigest: splitting an oversize digest', () => {
  const many = (n: number, nameLength: number) =>
    Array.from({ length: n }, (_, i) =>
      outboxEvent({
        credentialId: `pc-${String(i).padStart(4, '0')}`,
        userId: 'user-1',
        displayName: 'n'.repeat(nameLength),
      }),
    );

  it('splits into numbered parts under the real 256 KiB limit, every event exactly once', () => {
    const events = many(300, 900);

    const parts = render(events);

    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, i) => {
      expect(part.bytes).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES);
      expect(part.bytes).toBe(publishEntryBytes(part.entry));
      expect(part.entry.Subject.endsWith(`(part ${i + 1}/${parts.length})`)).toBe(true);
      expect(deliveredDocument(part.entry.Message)).toMatchObject({ part: i + 1, parts: parts.length });
      expect(emailText(part.entry.Message)).toContain(`part ${i + 1} of ${parts.length}`);
    });
    const ids = parts.flatMap((p) => p.events.map((e) => e.credentialId));
    expect(ids.sort()).toEqual(events.map((e) => e.credentialId).sort());
  });

  it('covers every event exactly once with every part within any limit that fits one event', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ type: fc.constantFrom(...EVENT_TYPES), nameLength: fc.integer({ min: 0, max: 400 }) }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.integer({ min: 9_000, max: 60_000 }),
        (specs, limit) => {
          const events = specs.map((s, i) =>
            outboxEvent({
              credentialId: `pc-${i}`,
              userId: 'user-1',
              type: s.type,
              displayName: 'x'.repeat(s.nameLength),
            }),
          );
          const parts = render(events, limit);
          for (const part of parts) expect(part.bytes).toBeLessThanOrEqual(limit);
          const seen = parts.flatMap((p) => p.events.map((e) => e.credentialId)).sort();
          expect(seen).toEqual(events.map((e) => e.credentialId).sort());
          expect(new Set(parts.map((p) => p.parts))).toEqual(new Set([parts.length]));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('fits any one event a stored entry can be read as in a message at SNS’s limit (the document carried once)', () => {
    for (const type of EVENT_TYPES) {
      const event = boundedEvent(type);

      const parts = renderDigest({
        userId: event.userId,
        events: [event],
        now: NOW,
        drainId: 'drain-1',
        budget: SNS_LIMITS,
      });

      expect(parts, type).toHaveLength(1);
      expect(parts[0]!.bytes).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES);
    }
  });

  it('refuses an event that cannot fit a message on its own', () => {
    expect(() => render(many(1, 5_000), 8_000)).toThrow(DigestTooLargeError);
  });
});
