/**
 * RFC 3339 instants read strictly and written canonically (lambdas/hygiene/time.ts; docs/data-model.md, "Seed
 * fields"): any valid form read, sub-millisecond digits truncated toward the earlier millisecond (before 1970 too),
 * years 0000-9999 in UTC only, date-only, zone-less and other shapes rejected; canonical UTC with milliseconds that
 * reads back as the same instant; days added as exact 24-hour steps; relative phrases alike ahead and behind;
 * fast-check properties, agreeing with `Date.parse` wherever it accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  DAY_MS,
  formatInstant,
  MAX_INSTANT_MS,
  MIN_INSTANT_MS,
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

  it('reads sub-millisecond digits as whole milliseconds, truncated toward the earlier millisecond', () => {
    const base = Date.UTC(2026, 10, 26);
    expect(msOf('2026-11-26T00:00:00.0001Z')).toBe(base);
    expect(msOf('2026-11-26T00:00:00.000500Z')).toBe(base);
    expect(msOf('2026-11-26T00:00:00.123456789Z')).toBe(base + 123);
    expect(msOf('2026-11-26T00:00:00.9999Z')).toBe(base + 999);
    expect(msOf('2026-11-26T00:00:00.123999999999999999999Z')).toBe(base + 123);
    expect(msOf('2026-11-26T05:30:00.1239+05:30')).toBe(base + 123);
  });

  it('truncates toward the earlier millisecond before 1970 too (the floor, not toward zero)', () => {
    expect(msOf('1969-12-31T23:59:59.9995Z')).toBe(-1);
    expect(msOf('1970-01-01T00:59:59.9995+01:00')).toBe(-1);
    expect(msOf('1969-12-31T23:59:59.0005Z')).toBe(-1000);
    expect(msOf('0000-01-01T00:00:00.0009Z')).toBe(MIN_INSTANT_MS);
  });

  it('reads the first and the last instant of years 0000-9999 in UTC, in any form', () => {
    expect(msOf('0000-01-01T00:00:00Z')).toBe(MIN_INSTANT_MS);
    expect(msOf('0000-01-01T01:00:00+01:00')).toBe(MIN_INSTANT_MS);
    expect(msOf('9999-12-31T23:59:59.999999Z')).toBe(MAX_INSTANT_MS);
    expect(msOf('9999-12-31T22:59:59.999-01:00')).toBe(MAX_INSTANT_MS);
    expect(formatInstant(MIN_INSTANT_MS)).toBe('0000-01-01T00:00:00.000Z');
    expect(formatInstant(MAX_INSTANT_MS)).toBe('9999-12-31T23:59:59.999Z');
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
    ['2026-11-26 00:00:00', 'without a time zone (write T between date and time, and add Z or an offset)'],
    ['2026-11-26 00:00:00Z', 'a space between date and time (write T'],
    ['2026-11-26 00:00:00.5+02:00', 'a space between date and time (write T'],
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
    ['0000-01-01T00:00:00+01:00', 'an instant before 0000-01-01T00:00:00Z in UTC'],
    ['0000-01-01T00:59:59.999+01:00', 'before 0000-01-01T00:00:00Z'],
    ['0000-01-01T00:00:00+00:01', 'only years 0000–9999 can be written back as RFC 3339'],
    ['9999-12-31T23:59:59-01:00', 'an instant after 9999-12-31T23:59:59.999Z in UTC'],
    ['9999-12-31T23:00:00-01:00', 'after 9999-12-31T23:59:59.999Z'],
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

  it('writes what parseInstant read so that it reads back as the same instant', () => {
    for (const text of [
      '2026-06-06T12:00:00.123456789Z',
      '2026-06-06T12:00:00.000500Z',
      '2026-06-06T14:00:00.9999+02:00',
      '1969-12-31T23:59:59.9995Z',
      '0000-01-01T01:00:00.0001+01:00',
      '9999-12-31T23:59:59.999999999Z',
    ]) {
      expect(msOf(formatInstant(msOf(text))), text).toBe(msOf(text));
    }
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
    // A day away is "1 day" on both sides of 24 hours (guard approve, then guard status a moment later).
    [now + DAY_MS - 1_000, 'in 1 day'],
    [now + 23.6 * 3_600_000, 'in 1 day'],
    [now - (DAY_MS - 1_000), '1 day ago'],
    [now + 23.4 * 3_600_000, 'in 23 hours'],
    // A half rounds away from now on both sides, so past and future read alike.
    [now - 23.5 * 3_600_000, '1 day ago'],
    [now + 36 * 3_600_000, 'in 2 days'],
    [now - 36 * 3_600_000, '2 days ago'],
    [now + 30 * 60_000, 'in 1 hour'],
    [now - 30 * 60_000, '1 hour ago'],
  ])('%d -> %s', (target, phrase) => {
    expect(relativePhrase(target, now)).toBe(phrase);
  });

  it('says a distance ahead and the same distance behind in the same words', () => {
    // Any distance, and the half hours and half days where rounding could tell the two sides apart.
    const halves = fc.oneof(
      fc.integer({ min: 0, max: 800 }).map((k) => k * 1_800_000),
      fc.integer({ min: 0, max: 800 }).map((k) => k * 43_200_000),
    );
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 400 * DAY_MS }), halves), (distance) => {
        const ahead = relativePhrase(now + distance, now);
        const behind = relativePhrase(now - distance, now);
        expect(behind).toBe(ahead === 'now' ? 'now' : `${ahead.replace(/^in /, '')} ago`);
      }),
      { numRuns: 2000 },
    );
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

  it('reads every instant, with any fraction and offset, as whole milliseconds that round-trip', () => {
    const fractionArb = fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 0, maxLength: 12 })
      .map((d) => (d.length === 0 ? '' : `.${d.join('')}`));
    fc.assert(
      fc.property(msArb, offsetArb, fractionArb, (ms, offset, fraction) => {
        fc.pre(new Date(ms + offset * 60_000).getUTCFullYear() <= 9999);
        const text = withOffset(ms, offset).replace(/\.\d{3}/, fraction);
        const parsed = parseInstant(text);
        if (!parsed.ok) throw new Error(`${text}: ${parsed.reason}`);
        expect(Number.isInteger(parsed.ms)).toBe(true);
        const written = formatInstant(parsed.ms);
        expect(parseInstant(written)).toEqual({ ok: true, ms: parsed.ms });
        // Truncation: the instant read is within the millisecond the text names, never after it.
        expect(parsed.ms).toBe(Math.floor(ms / 1000) * 1000 + Number(fraction.slice(1, 4).padEnd(3, '0')));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts an instant written with an offset exactly when its UTC form falls in years 0000-9999', () => {
    const nearEdges = fc.oneof(
      fc.integer({ min: MIN_INSTANT_MS - 2 * DAY_MS, max: MIN_INSTANT_MS + 2 * DAY_MS }),
      fc.integer({ min: MAX_INSTANT_MS - 2 * DAY_MS, max: MAX_INSTANT_MS + 2 * DAY_MS }),
    );
    fc.assert(
      fc.property(nearEdges, offsetArb, (ms, offset) => {
        const local = new Date(ms + offset * 60_000).getUTCFullYear();
        fc.pre(local >= 0 && local <= 9999); // only four-digit local years can be written at all
        const parsed = parseInstant(withOffset(ms, offset));
        const inRange = ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;
        expect(parsed.ok, withOffset(ms, offset)).toBe(inRange);
        if (parsed.ok)
          expect(formatInstant(parsed.ms)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }),
      { numRuns: 2000 },
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
