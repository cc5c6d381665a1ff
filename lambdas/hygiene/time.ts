/**
 * RFC 3339 instants, read strictly and written in one canonical form.
 *
 * Instants are carried as whole epoch milliseconds (a `number`) so comparisons
 * never depend on the process time zone or on `Date` parsing quirks
 * (`Date.parse` accepts date-only strings and guesses a zone for zone-less
 * ones; we must reject both).
 *
 * Why whole milliseconds: that is the precision of a JavaScript `Date` and of
 * the canonical form the worker writes ({@link formatInstant}), so an instant
 * read from a record and the same instant written back (`hygieneExpiryNoticeFor`,
 * history, events) compare equal. Sub-millisecond digits (Go's RFC3339Nano
 * writes nine) are read and truncated toward the earlier millisecond. Only
 * instants whose UTC form falls in years 0000–9999 are accepted: outside
 * them the canonical form is not RFC 3339 (docs/data-model.md, "Seed fields").
 */

/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;

/**
 * How far after a run's `now` an instant another run recorded (a flag's
 * date, an owner-directory snapshot) may be and still be trusted as that
 * run's: 2 days. A scheduled run decides at its schedule's time, up to the
 * deployment's allowed skew (1 day at most) behind the wall clock an
 * operator's run or an `owners import` decides at, and runs up to 15
 * minutes; two such runs may overlap. An instant further after `now` was
 * written by a clock that was ahead, or is judged at a `now` in the past (a
 * local `--now`, a dry run). The one tolerance for both: the policy's flags
 * dated after `now` (lambdas/hygiene/policy.ts) and the directory's snapshot
 * `ahead` of it (lambdas/hygiene/owner-directory.ts).
 */
export const AFTER_NOW_TOLERANCE_MS = 2 * DAY_MS;

/** The earliest instant the worker reads or writes: 0000-01-01T00:00:00.000Z. */
export const MIN_INSTANT_MS = -62_167_219_200_000;

/** The latest instant the worker reads or writes: 9999-12-31T23:59:59.999Z. */
export const MAX_INSTANT_MS = 253_402_300_799_999;

/** Why an instant outside years 0000–9999 in UTC is rejected. */
const OUTSIDE_YEARS = 'only years 0000–9999 can be written back as RFC 3339';

// Full-date "T" partial-time time-offset, RFC 3339 §5.6. Four-digit years only:
// extended years (+002026) are not RFC 3339.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** An instant's epoch milliseconds (an integer), or why the string is not an RFC 3339 instant. */
export type InstantParse = { ok: true; ms: number } | { ok: false; reason: string };

/** Days in each month of a common year, January first: the one calendar table. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** The Gregorian leap-year rule, applied proleptically (so year 0 is a leap year). */
function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/**
 * Days in a month (1–12) of the proleptic Gregorian calendar; 0 for a month
 * out of range. Arithmetic, not `Date.UTC`, which reads years 0–99 as 1900–1999.
 */
function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/**
 * Parses an RFC 3339 date-time with a time zone (`Z` or `±hh:mm`), with or
 * without fractional seconds, into whole epoch milliseconds (digits below the
 * millisecond are truncated toward the earlier millisecond, so
 * `formatInstant(parseInstant(x).ms)` reads back to the same `ms`). Date-only
 * values, zone-less values, impossible calendar dates (`2026-02-30`),
 * out-of-range fields and instants whose UTC form falls outside years
 * 0000–9999 are rejected.
 *
 * The canonical UTC form the worker writes (`YYYY-MM-DDTHH:mm:ss[.f…]Z`) is
 * read by {@link parseCanonicalUtc} without a regular expression or a `Date`;
 * everything else (offsets, invalid values and their reasons) by
 * {@link parseInstantGeneral}. The two agree on every input the fast path accepts
 * (property-tested in test/unit/time-fast-path.test.ts).
 */
export function parseInstant(value: string): InstantParse {
  const ms = parseCanonicalUtc(value);
  return ms === undefined ? parseInstantGeneral(value) : { ok: true, ms };
}

const CHAR_0 = 48;
const CHAR_DASH = 45;
const CHAR_COLON = 58;
const CHAR_DOT = 46;
const CHAR_T = 84;
const CHAR_t = 116;
const CHAR_Z = 90;
const CHAR_z = 122;

/** Most fractional digits the fast path reads (nanoseconds); longer fractions take the general path. */
const FAST_MAX_FRACTION_DIGITS = 9;

/** The number of the two ASCII digits at `i` and `i + 1`, or -1 when either is not a digit. */
function twoDigits(value: string, i: number): number {
  const tens = value.charCodeAt(i) - CHAR_0;
  const ones = value.charCodeAt(i + 1) - CHAR_0;
  // NaN (past the end) fails both comparisons, so it is rejected too.
  if (!(tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9)) return -1;
  return tens * 10 + ones;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`), for years ≥ 1. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * The fast path of {@link parseInstant}: whole epoch milliseconds of a valid
 * `YYYY-MM-DDTHH:mm:ss[.f]Z` instant (`T`/`t`, `Z`/`z`, 0 to 9 fractional
 * digits, of which the first three count, years 0100–9999), computed
 * arithmetically without allocating; `undefined` for anything
 * else, valid or not, which {@link parseInstantGeneral} then decides (years
 * 0000–0099 included: rare enough not to need the fast path).
 */
export function parseCanonicalUtc(value: string): number | undefined {
  const length = value.length;
  // 20 = no fraction; 22 to 30 = a dot and 1 to 9 digits (21, a bare dot, is invalid).
  if (!(length >= 20 && length <= 21 + FAST_MAX_FRACTION_DIGITS)) return undefined;
  const zone = value.charCodeAt(length - 1);
  const separator = value.charCodeAt(10);
  if (
    (zone !== CHAR_Z && zone !== CHAR_z) ||
    (separator !== CHAR_T && separator !== CHAR_t) ||
    value.charCodeAt(4) !== CHAR_DASH ||
    value.charCodeAt(7) !== CHAR_DASH ||
    value.charCodeAt(13) !== CHAR_COLON ||
    value.charCodeAt(16) !== CHAR_COLON
  ) {
    return undefined;
  }
  const century = twoDigits(value, 0);
  const yearOfCentury = twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const second = twoDigits(value, 17);
  // Every field is -1 when not two digits, so these bounds also reject non-digits.
  if (century < 1 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const year = century * 100 + yearOfCentury;
  if (day > 28 && day > daysInMonth(year, month)) return undefined;
  let millis = 0;
  if (length > 20) {
    if (value.charCodeAt(19) !== CHAR_DOT || length === 21) return undefined;
    // Every digit is checked; only the first three (the milliseconds) are kept: truncation.
    let kept = 0;
    for (let i = 20; i < length - 1; i++) {
      const digit = value.charCodeAt(i) - CHAR_0;
      if (!(digit >= 0 && digit <= 9)) return undefined;
      if (i < 23) kept = kept * 10 + digit;
    }
    const count = length - 21;
    millis = count < 3 ? kept * 10 ** (3 - count) : kept;
  }
  const wholeMs =
    daysFromCivil(year, month, day) * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000;
  return wholeMs + millis;
}

/**
 * {@link parseInstant} for every input, with the reason for a rejection: a
 * regular expression, range checks, and the proleptic Gregorian calendar
 * (year 0 is a leap year, so `0000-02-29` is valid).
 */
export function parseInstantGeneral(value: string): InstantParse {
  const m = RFC3339.exec(value);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { ok: false, reason: 'a date without a time' };
    // RFC 3339 lets applications agree on a space between date and time (its section 5.6); this worker reads `T`.
    const spaced = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(value);
    if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) {
      const fix = spaced ? 'write T between date and time, and add Z or an offset' : 'add Z or an offset';
      return { ok: false, reason: `a date-time without a time zone (${fix})` };
    }
    if (spaced)
      return { ok: false, reason: 'a space between date and time (write T: YYYY-MM-DDTHH:mm:ss[.fff]Z)' };
    return { ok: false, reason: 'not an RFC 3339 date-time (YYYY-MM-DDTHH:mm:ss[.fff]Z or ±hh:mm)' };
  }
  const [, ys, mos, ds, hs, mis, ss, frac, , sign, ohs, oms] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = Number(ss);
  if (month < 1 || month > 12) return { ok: false, reason: `an impossible date (there is no month ${mos})` };
  if (day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `an impossible date (${ys}-${mos} has no day ${ds})` };
  }
  if (hour > 23) return { ok: false, reason: `an impossible time (hour ${hs})` };
  if (minute > 59) return { ok: false, reason: `an impossible time (minute ${mis})` };
  // RFC 3339 allows a leap second (60); JavaScript time cannot represent it.
  if (second > 59)
    return { ok: false, reason: `an unsupported time (second ${ss}; leap seconds are not supported)` };
  let offsetMin = 0;
  if (sign) {
    const oh = Number(ohs);
    const om = Number(oms);
    if (oh > 23 || om > 59) return { ok: false, reason: `an impossible offset (${sign}${ohs}:${oms})` };
    offsetMin = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const base = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  base.setUTCFullYear(year);
  const ms = base.getTime() + millisecondsOf(frac) - offsetMin * 60_000;
  if (ms < MIN_INSTANT_MS) {
    return { ok: false, reason: `an instant before 0000-01-01T00:00:00Z in UTC (${OUTSIDE_YEARS})` };
  }
  if (ms > MAX_INSTANT_MS) {
    return { ok: false, reason: `an instant after 9999-12-31T23:59:59.999Z in UTC (${OUTSIDE_YEARS})` };
  }
  return { ok: true, ms };
}

/**
 * The whole milliseconds of a fraction of a second (`.f…`, or none): its
 * first three digits, so the rest is truncated toward the earlier
 * millisecond. The date-time fields before it are whole seconds, so this is
 * the floor of the instant for negative epochs too.
 */
function millisecondsOf(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.slice(1, 4).padEnd(3, '0'));
}

/**
 * Writes an instant as UTC `YYYY-MM-DDTHH:mm:ss.sssZ`. Every instant
 * {@link parseInstant} returns is whole milliseconds in years 0000–9999, so
 * it is written back exactly; a computed fraction, if any, is dropped.
 */
export function formatInstant(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}

/** Adds whole days to an instant. */
export function addDays(ms: number, days: number): number {
  return ms + days * DAY_MS;
}

/**
 * Parses `--now`-style input: an RFC 3339 instant, or throws with the reason.
 * @throws {RangeError} when the value is not a valid instant
 */
export function requireInstant(value: string, what: string): number {
  const parsed = parseInstant(value);
  if (!parsed.ok) throw new RangeError(`${what} ${JSON.stringify(value)} is ${parsed.reason}`);
  return parsed.ms;
}

/**
 * A short relative phrase for humans: "in 7 days", "2 days ago", "in 15
 * hours", "now". One wording per distance: under 23.5 hours it says hours,
 * from there days, so a day away reads "in 1 day" whether it is exactly 24
 * hours or a few seconds less (never "in 24 hours"). A distance reads the
 * same before and after (23.5 hours: "in 1 day", "1 day ago").
 */
export function relativePhrase(targetMs: number, nowMs: number): string {
  const days = roundHalfAway((targetMs - nowMs) / DAY_MS);
  const hours = roundHalfAway((targetMs - nowMs) / 3_600_000);
  // Under a day, hours: "in 15 hours" is truer than a rounded "in 1 day".
  if (Math.abs(hours) < 24) {
    if (hours === 0) return 'now';
    return hours > 0
      ? `in ${hours} hour${hours === 1 ? '' : 's'}`
      : `${-hours} hour${hours === -1 ? '' : 's'} ago`;
  }
  return days > 0 ? `in ${days} day${days === 1 ? '' : 's'}` : `${-days} day${days === -1 ? '' : 's'} ago`;
}

/** Rounds a half away from zero, so a distance and its mirror round alike (`Math.round(-0.5)` is 0). */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}
