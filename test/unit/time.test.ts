import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  DAY_MS,
  formatInstant,
  parseInstant,
  relativePhrase,
  requireInstant,
} from '../../lambdas/hygiene/time';
import { withOffset } from './support/raw-credential';

const msOf = (value: string): number => {
  const parsed = parseInstant(value);
  if (!parsed.ok) throw new Error(`expected ${value} to parse: ${parsed.reason}`);
  return parsed.ms;
};

const reasonOf = (value: string): string => {
  const parsed = parseInstant(value);
  if (parsed.ok) throw new Error(`expected ${value} to be rejected`);
  return parsed.reason;
};

describe('parseInstant: valid RFC 3339', () => {
  it.each([
    ['2026-11-26T00:00:00Z', Date.UTC(2026, 10, 26)],
    ['2026-11-26T00:00:00z', Date.UTC(2026, 10, 26)],
    ['2026-11-26t00:00:00Z', Date.UTC(2026, 10, 26)],
    ['2026-11-26T00:00:00.000Z', Date.UTC(2026, 10, 26)],
    ['2026-11-26T00:00:00.5Z', Date.UTC(2026, 10, 26) + 500],
    ['2026-11-26T00:00:00.123Z', Date.UTC(2026, 10, 26) + 123],
    ['2026-11-26T05:30:00+05:30', Date.UTC(2026, 10, 26)],
    ['2026-11-25T19:00:00-05:00', Date.UTC(2026, 10, 26)],
    ['2026-11-26T00:00:00+00:00', Date.UTC(2026, 10, 26)],
    ['2026-11-26T00:00:00-00:00', Date.UTC(2026, 10, 26)],
    ['2026-11-26T14:00:00+14:00', Date.UTC(2026, 10, 26)],
    ['2028-02-29T12:00:00Z', Date.UTC(2028, 1, 29, 12)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['0099-01-01T00:00:00Z', -59042995200000],
    ['0000-02-29T00:00:00Z', -62162121600000], // year 0 is a leap year (proleptic Gregorian)
  ])('%s', (value, expected) => {
    expect(parseInstant(value)).toEqual({ ok: true, ms: expected });
  });

  it('keeps sub-millisecond digits as a fraction, so they still order correctly', () => {
    const base = Date.UTC(2026, 10, 26);
    expect(msOf('2026-11-26T00:00:00.0001Z')).toBeGreaterThan(base);
    expect(msOf('2026-11-26T00:00:00.0001Z')).toBeLessThan(base + 1);
    expect(msOf('2026-11-26T00:00:00.123456789Z')).toBeCloseTo(base + 123.456789, 3);
  });

  it('reads an offset and Z form of the same instant as equal', () => {
    expect(msOf('2026-12-01T09:00:00.250+09:00')).toBe(msOf('2026-12-01T00:00:00.250Z'));
  });
});

describe('parseInstant: rejected shapes', () => {
  it.each([
    ['2026-11-26', 'a date without a time'],
    ['2026-11-26T00:00:00', 'without a time zone'],
    ['2026-11-26T00:00', 'without a time zone'],
    ['2026-11-26 00:00:00', 'without a time zone'],
    ['2026-11-26T00:00:00.123', 'without a time zone'],
    ['+002026-11-26T00:00:00Z', 'not an RFC 3339 date-time'],
    ['-002026-11-26T00:00:00Z', 'not an RFC 3339 date-time'],
    ['20261126T000000Z', 'not an RFC 3339 date-time'],
    ['2026-11-26T00:00:00+0100', 'not an RFC 3339 date-time'],
    ['2026-11-26T00:00:00 Z', 'not an RFC 3339 date-time'],
    [' 2026-11-26T00:00:00Z', 'not an RFC 3339 date-time'],
    ['2026-11-26T00:00:00.Z', 'not an RFC 3339 date-time'],
    ['Thu, 26 Nov 2026 00:00:00 GMT', 'not an RFC 3339 date-time'],
    ['1795651200000', 'not an RFC 3339 date-time'],
    ['', 'not an RFC 3339 date-time'],
    ['2026-02-30T00:00:00Z', 'impossible date'],
    ['2027-02-29T00:00:00Z', 'impossible date'],
    ['1900-02-29T00:00:00Z', 'impossible date'],
    ['2026-04-31T00:00:00Z', 'impossible date'],
    ['2026-13-01T00:00:00Z', 'no month 13'],
    ['2026-00-10T00:00:00Z', 'no month 00'],
    ['2026-01-00T00:00:00Z', 'impossible date'],
    ['2026-11-26T24:00:00Z', 'hour 24'],
    ['2026-11-26T23:60:00Z', 'minute 60'],
    ['2026-12-31T23:59:60Z', 'leap seconds'],
    ['2026-11-26T00:00:00+24:00', 'impossible offset'],
    ['2026-11-26T00:00:00+01:60', 'impossible offset'],
  ])('%j is rejected as %s', (value, reason) => {
    expect(reasonOf(value)).toContain(reason);
  });
});

describe('formatInstant', () => {
  it('writes canonical UTC with milliseconds', () => {
    expect(formatInstant(msOf('2026-12-01T09:00:00+09:00'))).toBe('2026-12-01T00:00:00.000Z');
  });

  it('drops sub-millisecond digits instead of rounding up', () => {
    expect(formatInstant(msOf('2026-11-26T00:00:00.9999Z'))).toBe('2026-11-26T00:00:00.999Z');
  });

  it('round-trips through parseInstant', () => {
    const ms = Date.UTC(2028, 1, 29, 23, 59, 59, 999);
    expect(msOf(formatInstant(ms))).toBe(ms);
  });
});

describe('addDays and requireInstant', () => {
  it('adds whole days as exact 24-hour steps (no calendar or DST arithmetic)', () => {
    expect(addDays(0, 30)).toBe(30 * DAY_MS);
    expect(addDays(msOf('2026-03-28T12:00:00Z'), 2)).toBe(msOf('2026-03-30T12:00:00Z'));
  });

  it('returns the instant or throws a RangeError naming the input and the reason', () => {
    expect(requireInstant('2026-11-26T00:00:00Z', '--now')).toBe(Date.UTC(2026, 10, 26));
    expect(() => requireInstant('2026-11-26', '--now')).toThrow(
      new RangeError('--now "2026-11-26" is a date without a time'),
    );
  });
});

describe('relativePhrase', () => {
  const now = Date.UTC(2026, 10, 26);
  it.each([
    [now + 7 * DAY_MS, 'in 7 days'],
    [now + DAY_MS, 'in 1 day'],
    [now - 2 * DAY_MS, '2 days ago'],
    [now - DAY_MS, '1 day ago'],
    [now + 3 * 3_600_000, 'in 3 hours'],
    [now + 15 * 3_600_000, 'in 15 hours'],
    [now - 23 * 3_600_000, '23 hours ago'],
    [now + 3_600_000, 'in 1 hour'],
    [now - 5 * 3_600_000, '5 hours ago'],
    [now + 60_000, 'now'],
  ])('%d -> %s', (target, phrase) => {
    expect(relativePhrase(target, now)).toBe(phrase);
  });
});

describe('parseInstant (fast-check)', () => {
  const msArb = fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });
  const offsetArb = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });

  it('reads any instant written with any offset back to the same epoch milliseconds', () => {
    fc.assert(
      fc.property(msArb, offsetArb, (ms, offset) => {
        fc.pre(new Date(ms + offset * 60_000).getUTCFullYear() <= 9999);
        expect(parseInstant(withOffset(ms, offset))).toEqual({ ok: true, ms });
      }),
      { numRuns: 1000 },
    );
  });

  it('formatInstant output always parses back to itself', () => {
    fc.assert(
      fc.property(msArb, (ms) => {
        expect(formatInstant(msOf(formatInstant(ms)))).toBe(formatInstant(ms));
        expect(msOf(formatInstant(ms))).toBe(ms);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with Date.parse on every instant it accepts, and never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          msArb.map((ms) => formatInstant(ms).replace('.', ',')),
        ),
        (text) => {
          const parsed = parseInstant(text);
          if (parsed.ok) expect(parsed.ms).toBe(Date.parse(text));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
