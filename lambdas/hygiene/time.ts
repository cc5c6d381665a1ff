/**
 * RFC 3339 instants, read strictly and written in one canonical form.
 *
 * Instants are carried as epoch milliseconds (a `number`, possibly with a
 * sub-millisecond fraction) so comparisons never depend on the process time
 * zone or on `Date` parsing quirks (`Date.parse` accepts date-only strings and
 * guesses a zone for zone-less ones; we must reject both).
 */

/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;

// Full-date "T" partial-time time-offset, RFC 3339 §5.6. Four-digit years only:
// extended years (+002026) are not RFC 3339.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** An instant's epoch milliseconds, or why the string is not an RFC 3339 instant. */
export type InstantParse = { ok: true; ms: number } | { ok: false; reason: string };

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC avoids DST.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an RFC 3339 date-time with a time zone (`Z` or `±hh:mm`), with or
 * without fractional seconds. Date-only values, zone-less values, impossible
 * calendar dates (`2026-02-30`) and out-of-range fields are rejected.
 */
export function parseInstant(value: string): InstantParse {
  const m = RFC3339.exec(value);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { ok: false, reason: 'a date without a time' };
    if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) {
      return { ok: false, reason: 'a date-time without a time zone (add Z or an offset)' };
    }
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
  const fraction = frac ? Number(`0${frac}`) * 1000 : 0;
  return { ok: true, ms: base.getTime() + fraction - offsetMin * 60_000 };
}

/** Writes an instant as UTC `YYYY-MM-DDTHH:mm:ss.sssZ` (sub-millisecond digits are dropped). */
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

/** A short relative phrase for humans: "in 7 days", "2 days ago", "today". */
export function relativePhrase(targetMs: number, nowMs: number): string {
  const days = Math.round((targetMs - nowMs) / DAY_MS);
  // Under a day, hours: "in 15 hours" is truer than a rounded "in 1 day".
  if (Math.abs(targetMs - nowMs) < DAY_MS) {
    const hours = Math.round((targetMs - nowMs) / 3_600_000);
    if (hours === 0) return 'now';
    return hours > 0
      ? `in ${hours} hour${hours === 1 ? '' : 's'}`
      : `${-hours} hour${hours === -1 ? '' : 's'} ago`;
  }
  return days > 0 ? `in ${days} day${days === 1 ? '' : 's'}` : `${-days} day${days === -1 ? '' : 's'} ago`;
}
