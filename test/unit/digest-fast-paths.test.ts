/**
 * The digest's shortcuts (issue 15, notifier CPU) must not change a byte of
 * what it renders: a plain ASCII name skips the flattening only when the
 * flattening would return it unchanged, and events keyed once before sorting
 * come out in the documented order (section, instant, credential id, event id; an expiry warning its credential's
 * deletion overtakes right after that deletion).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  flattenName,
  foldOvertaken,
  orderEvents,
  plainName,
  SECTION_ORDER,
} from '../../lambdas/hygiene/digest';
import { EVENT_TYPES, type OutboxEvent } from '../../lambdas/hygiene/events';
import { printableWord } from '../support/text-arbitraries';
import { outboxEvent } from './outbox-fakes';

const nameUnits = fc.constantFrom(
  'a',
  'Z',
  '0',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  '"',
  '~',
  'é',
  '\u0301',
  '\u202e',
  '\u2028',
  '\u00a0',
);

describe('plainName', () => {
  it('gives what the full flattening gives, for any name (no name for marks only: nothing for them to sit on)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: nameUnits, maxLength: 30 }), fc.string({ maxLength: 30 })),
        (name) => {
          const flattened = flattenName(name);
          const marksOnly = flattened !== undefined && /^[\p{M}\s]+$/u.test(flattened);
          expect(plainName(name)).toBe(marksOnly ? undefined : flattened);
        },
      ),
      { numRuns: 2000 },
    );
    expect(plainName(undefined)).toBe(flattenName(undefined));
  });

  it('flattens every Unicode bidi control (Bidi_Control), U+061C ARABIC LETTER MARK included', () => {
    const bidiControls = [
      0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
    ];
    for (const code of bidiControls) {
      expect(plainName(`a${String.fromCodePoint(code)}b`), `U+${code.toString(16)}`).toBe('a b');
    }
  });

  it('leaves plain ASCII words with single spaces as they are', () => {
    fc.assert(
      fc.property(fc.array(printableWord, { minLength: 1, maxLength: 6 }), (words) => {
        const name = words.join(' ');
        expect(plainName(name)).toBe(name);
        expect(flattenName(name)).toBe(name);
      }),
      { numRuns: 1000 },
    );
  });
});

const instant = fc.constantFrom(
  '2026-11-26T02:00:00.000Z',
  '2026-11-26T02:00:00Z',
  '2026-12-03T00:00:00.000Z',
  '2026-12-03T00:00:00.500Z',
  undefined,
);
const event = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    credentialId: fc.constantFrom('pc-1', 'pc-2', 'PC-1', 'b', 'a'),
    eventId: fc.constantFrom('e1', 'e2', 'E1'),
    at: instant,
  })
  .map(({ type, credentialId, eventId, at }): OutboxEvent => {
    const base = outboxEvent({ credentialId, userId: 'user-1', type, eventId });
    const { expiresTime: _e, deleteAfter: _d, ...rest } = base;
    const field =
      type === 'expiry-warning'
        ? 'expiresTime'
        : type.endsWith('-warning') || type === 'orphan-flagged'
          ? 'deleteAfter'
          : 'occurredAt';
    return { ...rest, occurredAt: base.occurredAt, ...(at !== undefined && { [field]: at }) } as OutboxEvent;
  });

function section(e: OutboxEvent): number {
  return SECTION_ORDER.findIndex((s) => s.types.includes(e.type));
}

function instantOf(e: OutboxEvent): string {
  if (e.type === 'expiry-warning') return e.expiresTime ?? '';
  if (e.type === 'stale-warning' || e.type === 'orphan-flagged') return e.deleteAfter ?? '';
  return e.occurredAt;
}

describe('orderEvents', () => {
  it('returns the same events, each adjacent pair in section, instant, credential id, event id order', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), (events) => {
        const ordered = orderEvents(events);
        expect(ordered).toHaveLength(events.length);
        for (const e of events) expect(ordered).toContain(e);
        // An expiry warning its credential's deletion overtakes comes right after that deletion, out of this order.
        const fold = foldOvertaken(ordered);
        expect(ordered).toEqual(fold.shown.flatMap((e) => [e, ...fold.overtakenBy(e)]));
        const shown = fold.shown;
        for (let i = 1; i < shown.length; i++) {
          const a = shown[i - 1] as OutboxEvent;
          const b = shown[i] as OutboxEvent;
          const order =
            section(a) - section(b) ||
            instantOf(a).localeCompare(instantOf(b)) ||
            a.credentialId.localeCompare(b.credentialId) ||
            a.eventId.localeCompare(b.eventId);
          expect(order).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps equal events in their given order (a stable sort)', () => {
    const first = outboxEvent({ credentialId: 'pc-1', userId: 'user-1' });
    const twin = { ...first };
    expect(orderEvents([first, twin])[0]).toBe(first);
    expect(orderEvents([twin, first])[0]).toBe(twin);
  });
});
