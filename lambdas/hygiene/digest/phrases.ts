/**
 * The small phrases every rendering of a digest shares (its subject, its text, the HTML email): a stored instant
 * read as epoch ms, an instant relative to now ("in 6 hours") or to the minute ("2026-12-10 02:00 UTC"), a count
 * with its noun, and the counts by kind ("1 deleted, 2 unused"). Here so each is worded one way everywhere.
 */
import type { EventType } from '../events';
import { formatInstant, parseInstant, relativePhrase } from '../time';
import type { EventTypeCounts } from './document';

/** A stored instant (RFC 3339) as epoch ms; `undefined` when absent or not a valid instant. */
export function instantMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const parsed = parseInstant(iso);
  return parsed.ok ? parsed.ms : undefined;
}

/** A relative phrase that never says a bare "now" (an instant within the hour says which side it is on). */
export function relative(at: number, now: number): string {
  const phrase = relativePhrase(at, now);
  if (phrase !== 'now') return phrase;
  return at <= now ? 'less than an hour ago' : 'in less than an hour';
}

/** `2026-12-10 02:00 UTC`: an instant (epoch ms) to the minute (seconds are dropped: never later than it). */
export function utcMinute(at: number): string {
  const iso = formatInstant(at);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A count and its noun, "1 day", "3 days" (`plural` when not one). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * Counts by kind in short words, "1 deleted, 2 unused, 1 orphaned" (a kind with none left out: `unused` is to be
 * deleted unless used, `orphaned` to be deleted, its owner departed; docs/notifications.md), then the expiry warnings'
 * counts as the caller words them (`expiry`: how many, and the word), so each says only what is true when it is read.
 */
export function kindCounts(
  byType: EventTypeCounts,
  expiry: readonly (readonly [number, string])[],
): string[] {
  const sum = (...types: EventType[]) => types.reduce((n, type) => n + (byType[type] ?? 0), 0);
  return (
    [
      [sum('deleted-expired', 'deleted-stale', 'deleted-orphaned'), 'deleted'],
      [sum('stale-warning'), 'unused'],
      [sum('orphan-flagged'), 'orphaned'],
      ...expiry,
    ] as const
  ).flatMap(([n, word]) => (n === 0 ? [] : [`${n} ${word}`]));
}
