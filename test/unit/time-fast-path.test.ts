/**
 * `parseInstant` reads the canonical `…Z` form on an arithmetic fast path
 * (`parseCanonicalUtc`) and everything else on the general path
 * (`parseInstantGeneral`). These tests hold the two to the same answer, for
 * valid and near-valid inputs alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCanonicalUtc, parseInstant, parseInstantGeneral } from '../../lambdas/hygiene/time';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Same verdict and, when valid, the same number (Object.is: not just close). */
function expectSameAsGeneral(value: string): void {
  const general = parseInstantGeneral(value);
  const fast = parseCanonicalUtc(value);
  if (fast !== undefined) {
    expect(general.ok, `${value}: fast path accepted what the general path rejects`).toBe(true);
    if (general.ok) expect(Object.is(fast, general.ms), `${value}: ${fast} vs ${general.ms}`).toBe(true);
  }
  expect(parseInstant(value)).toEqual(general);
}

// 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_799_999;

const digitString = (minLength: number, maxLength: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength, maxLength }).map((d) => d.join(''));

/** Fields around and past their valid ranges, separators and zones valid or not. */
const nearValid = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.option(digitString(0, 11), { nil: undefined }),
    separator: fc.constantFrom('T', 't', ' ', 'X'),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z', '', 'ZZ', ' Z', 'GMT'),
      fc
        .record({
          sign: fc.constantFrom('+', '-'),
          hours: fc.integer({ min: 0, max: 25 }),
          minutes: fc.integer({ min: 0, max: 61 }),
        })
        .map(({ sign, hours, minutes }) => `${sign}${pad(hours, 2)}:${pad(minutes, 2)}`),
    ),
  })
  .map(
    (f) =>
      `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}${f.separator}${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${f.fraction === undefined ? '' : `.${f.fraction}`}${f.zone}`,
  );

/** A valid instant written canonically, with its fraction cut or extended to 0–9 digits. */
const validCanonical = fc
  .record({
    ms: fc.integer({ min: MIN_MS, max: MAX_MS }),
    fractionDigits: fc.integer({ min: 0, max: 9 }),
    extra: digitString(6, 6),
    lowerCase: fc.boolean(),
  })
  .map(({ ms, fractionDigits, extra, lowerCase }) => {
    const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ for years 0000-9999
    const digits = `${iso.slice(20, 23)}${extra}`.slice(0, fractionDigits);
    const text = `${iso.slice(0, 19)}${fractionDigits === 0 ? '' : `.${digits}`}Z`;
    return lowerCase ? text.replace('T', 't').replace('Z', 'z') : text;
  });

/** One character replaced, removed or inserted. */
const mutated = fc
  .tuple(
    validCanonical,
    fc.nat(),
    fc.constantFrom('replace', 'remove', 'insert'),
    fc.string({ minLength: 1, maxLength: 1 }),
  )
  .map(([text, at, how, char]) => {
    const i = at % text.length;
    if (how === 'remove') return text.slice(0, i) + text.slice(i + 1);
    if (how === 'insert') return text.slice(0, i) + char + text.slice(i);
    return text.slice(0, i) + char + text.slice(i + 1);
  });

describe('parseInstant fast path agrees with the general path (fast-check)', () => {
  it('on valid canonical instants from 0000 to 9999 with 0 to 9 fractional digits', () => {
    fc.assert(
      fc.property(validCanonical, (text) => {
        expectSameAsGeneral(text);
        expect(parseInstant(text).ok).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('on near-valid instants: fields out of range, other separators, offsets, long fractions', () => {
    fc.assert(fc.property(nearValid, expectSameAsGeneral), { numRuns: 10_000 });
  });

  it('on canonical instants with one character replaced, removed or inserted', () => {
    fc.assert(fc.property(mutated, expectSameAsGeneral), { numRuns: 5000 });
  });

  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), expectSameAsGeneral), { numRuns: 2000 });
  });
});

describe('parseInstant fast path: exhaustive cases', () => {
  it('agrees on Feb 28, Feb 29, Mar 1 and Dec 31 of every year 0000-9999 (leap years, century rules)', () => {
    for (let year = 0; year <= 9999; year++) {
      const y = pad(year, 4);
      for (const date of [`${y}-02-28`, `${y}-02-29`, `${y}-03-01`, `${y}-12-31`]) {
        expectSameAsGeneral(`${date}T23:59:59Z`);
      }
    }
  });

  it('takes the fast path for leap days of 2000 and 2400 and rejects 1900 and 2100 like the general path', () => {
    expect(parseCanonicalUtc('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
    expect(parseCanonicalUtc('2400-02-29T00:00:00Z')).toBe(Date.UTC(2400, 1, 29));
    for (const text of ['1900-02-29T00:00:00Z', '2100-02-29T00:00:00Z']) {
      expect(parseCanonicalUtc(text)).toBeUndefined();
      expect(parseInstant(text)).toEqual(parseInstantGeneral(text));
      expect(parseInstant(text).ok).toBe(false);
    }
  });

  it('agrees on every fraction of 1 to 3 digits (the fast path computes those as integers)', () => {
    for (const digits of [1, 2, 3]) {
      for (let n = 0; n < 10 ** digits; n++) {
        for (const date of ['2026-11-26T03:00:00', '1969-12-31T23:59:59', '0100-01-01T00:00:00']) {
          expectSameAsGeneral(`${date}.${pad(n, digits)}Z`);
        }
      }
    }
  });

  it('reads 4 to 9 fractional digits as whole milliseconds, truncated, like the general path (before 1970 too)', () => {
    for (const date of ['2026-11-26T03:00:00', '1969-12-31T23:59:59', '0100-01-01T00:00:00']) {
      for (const fraction of ['0005', '9995', '000500', '123456789', '999999999', '000000001']) {
        const text = `${date}.${fraction}Z`;
        expectSameAsGeneral(text);
        const fast = parseCanonicalUtc(text);
        expect(fast, text).toBe(parseCanonicalUtc(`${date}.${fraction.slice(0, 3)}Z`));
        expect(Number.isInteger(fast), text).toBe(true);
      }
    }
  });

  it('leaves offsets, years below 0100 and fractions over 9 digits to the general path', () => {
    for (const text of [
      '2026-11-26T05:30:00+05:30',
      '2026-11-26T00:00:00-00:00',
      '0099-01-01T00:00:00Z',
      '0000-02-29T00:00:00Z',
      '2026-11-26T00:00:00.1234567891Z',
      '2026-11-26T00:00:00.Z',
    ]) {
      expect(parseCanonicalUtc(text)).toBeUndefined();
      expectSameAsGeneral(text);
    }
  });
});
