/**
 * What is urgent in the owner-unreachable report (docs/notifications.md, "The report message"): owners are listed
 * most urgent first (their most urgent notice: a deletion or an expiry within a day before the rest), so an expiry
 * hours away is not buried among a drain's routine notices, under a line counting what is urgent; the subject names
 * the soonest expiry from the same counts. One module so that the order, the line and the subject agree on what
 * "urgent" means. Pure: no I/O, no clock (`now` is given).
 */
import { compareEvents, DELETION_TYPES, eventSeverity, foldOvertaken, relative } from '../digest';
import type { OutboxEvent } from '../events';
import { SEVERITIES } from '../message';
import { DAY_MS, parseInstant } from '../time';
import type { UnreachableOwner } from './types';

/**
 * Which of two events is more urgent for the admins (negative: `a`): the higher severity ({@link eventSeverity}:
 * a deletion or an expiry within a day is `high`) first, then the digest's own order ({@link compareEvents}).
 */
function compareUrgency(a: OutboxEvent, b: OutboxEvent): number {
  return SEVERITIES.indexOf(eventSeverity(b)) - SEVERITIES.indexOf(eventSeverity(a)) || compareEvents(a, b);
}

/**
 * The owners ordered by their most urgent event ({@link compareUrgency}), most urgent first, so an expiry hours away
 * is not buried among a drain's routine notices; owners without events last, ties in their given order.
 */
export function ownersByUrgency(owners: readonly UnreachableOwner[]): UnreachableOwner[] {
  const keyed = owners.map((owner) => ({
    owner,
    urgent: owner.events.reduce<OutboxEvent | undefined>(
      (most, event) => (most === undefined || compareUrgency(event, most) < 0 ? event : most),
      undefined,
    ),
  }));
  keyed.sort((a, b) => {
    if (a.urgent === undefined || b.urgent === undefined)
      return a.urgent === undefined ? (b.urgent === undefined ? 0 : 1) : -1;
    return compareUrgency(a.urgent, b.urgent);
  });
  return keyed.map((k) => k.owner);
}

/** An expiry this close (or closer) is counted urgent: the window of the 1-day notice. */
const URGENT_EXPIRY_MS = DAY_MS;

/**
 * What is urgent among the owners' notices, in distinct credentials: expiring within 24 hours, read after their
 * expiry, deleted; and the soonest of those expiring within 24 hours (epoch ms), if any.
 */
export interface UrgencyCounts {
  readonly expiringWithinDay: number;
  readonly expired: number;
  readonly deleted: number;
  readonly soonestWithinDay?: number;
}

/**
 * The events of an owner the report lists with an entry of their own (`foldOvertaken`, the digest's one rule): an
 * expiry warning its credential's deletion overtakes is said in that deletion's entry, so not counted on its own.
 */
export function shownEvents(owner: UnreachableOwner): readonly OutboxEvent[] {
  return foldOvertaken(owner.events).shown;
}

/** The {@link UrgencyCounts} of the owners' notices shown ({@link shownEvents}) read at `now` (epoch ms). */
export function urgencyCounts(owners: readonly UnreachableOwner[], now: number): UrgencyCounts {
  const within = new Set<string>();
  const expired = new Set<string>();
  const deleted = new Set<string>();
  let soonest: number | undefined;
  for (const event of owners.flatMap(shownEvents)) {
    if (DELETION_TYPES.has(event.type)) deleted.add(event.credentialId);
    const parsed =
      event.type === 'expiry-warning' && event.expiresTime !== undefined
        ? parseInstant(event.expiresTime)
        : undefined;
    if (!parsed?.ok) continue;
    if (parsed.ms <= now) expired.add(event.credentialId);
    else if (parsed.ms - now <= URGENT_EXPIRY_MS) {
      within.add(event.credentialId);
      soonest = Math.min(soonest ?? parsed.ms, parsed.ms);
    }
  }
  return {
    expiringWithinDay: within.size,
    expired: expired.size,
    deleted: deleted.size,
    ...(soonest !== undefined && { soonestWithinDay: soonest }),
  };
}

/**
 * The line under the owners' heading that says what is urgent in a part, e.g. "Most urgent first: 2 credentials expire within
 * 24 h (the first in 4 hours), 1 already expired, 3 deleted."
 */
export function urgencyLine(owners: readonly UnreachableOwner[], now: number): string {
  const counts = urgencyCounts(owners, now);
  const soonest = counts.soonestWithinDay === undefined ? '' : relative(counts.soonestWithinDay, now);
  const expiring =
    counts.expiringWithinDay === 0
      ? 'no credential expires within 24 h'
      : counts.expiringWithinDay === 1
        ? `1 credential expires within 24 h (${soonest})`
        : `${counts.expiringWithinDay} credentials expire within 24 h (the first ${soonest})`;
  const expired = counts.expired > 0 ? [`${counts.expired} already expired`] : [];
  return `Most urgent first: ${[expiring, ...expired, `${counts.deleted} deleted`].join(', ')}.`;
}
