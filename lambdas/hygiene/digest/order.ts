/**
 * The digest's sections and its one urgency order (docs/notifications.md, "The message"): deletions, stale warnings,
 * orphan flags, expiry warnings, and within a section the soonest instant first; an expiry warning its credential's
 * deletion overtakes right after that deletion (`overtaken.ts`). The text, the HTML email
 * (`lambdas/render/digest-html.ts`) and the admins' owner-unreachable report list events by it.
 */
import { collate } from '../collate';
import type { EventType, OutboxEvent } from '../events';
import { besideTheirDeletions } from './overtaken';

/**
 * What the heading of a stale or orphan warnings' section says happens to them: after "Will be" in its title
 * ({@link SECTION_ORDER}), after "Was due to be" once their deletion dates have come (`sectionHeading`, `text.ts`).
 */
export const DELETION_FATE = {
  'stale-warning': 'deleted unless used',
  'orphan-flagged': 'deleted: the owner has left',
} as const satisfies Partial<Record<EventType, string>>;

/**
 * The digest's sections, in order of urgency: the text digest and the HTML
 * email (`lambdas/render/digest-html.ts`) both list events by these.
 */
export const SECTION_ORDER: readonly { readonly title: string; readonly types: readonly EventType[] }[] = [
  { title: 'Deleted', types: ['deleted-expired', 'deleted-stale', 'deleted-orphaned'] },
  { title: `Will be ${DELETION_FATE['stale-warning']}`, types: ['stale-warning'] },
  { title: `Will be ${DELETION_FATE['orphan-flagged']}`, types: ['orphan-flagged'] },
  { title: 'Expiring soon', types: ['expiry-warning'] },
];

/**
 * The instant an event is "about" (canonical UTC, as stored): the expiry for
 * an expiry warning, the deletion date for a stale warning, the deletion
 * itself for a deletion. Orders events within a section; the HTML email's date column.
 */
export function eventInstant(event: OutboxEvent): string | undefined {
  switch (event.type) {
    case 'expiry-warning':
      return event.expiresTime;
    case 'stale-warning':
    case 'orphan-flagged':
      return event.deleteAfter;
    default:
      return event.occurredAt;
  }
}

function sortKey(event: OutboxEvent): string {
  return eventInstant(event) ?? '';
}

/** Each event type's index in {@link SECTION_ORDER}. */
const SECTION_INDEX: ReadonlyMap<EventType, number> = new Map(
  SECTION_ORDER.flatMap((section, index) => section.types.map((type) => [type, index] as const)),
);

/** An event's section in {@link SECTION_ORDER} (-1 for none). */
export function sectionOf(event: OutboxEvent): number {
  return SECTION_INDEX.get(event.type) ?? -1;
}

/** What the digest orders an event by: its section, then its instant (then ids, so the order is total). */
interface EventOrderKey {
  readonly event: OutboxEvent;
  readonly section: number;
  readonly instant: string;
}

function orderKey(event: OutboxEvent): EventOrderKey {
  return { event, section: sectionOf(event), instant: sortKey(event) };
}

/** {@link compareEvents} on keys: section, then instant. */
function compareUrgencyKeys(a: EventOrderKey, b: EventOrderKey): number {
  return a.section - b.section || collate(a.instant, b.instant);
}

/**
 * The digest's one urgency order of two events: negative when `a` comes first, 0 when they are as urgent (the same
 * section and instant). Deletions, stale warnings, orphan flags, expiry warnings ({@link SECTION_ORDER}); within a
 * section the soonest instant first. {@link orderEvents} lists by it (ties by ids).
 */
export function compareEvents(a: OutboxEvent, b: OutboxEvent): number {
  return compareUrgencyKeys(orderKey(a), orderKey(b));
}

/**
 * Orders events as the digest lists them ({@link compareEvents}, ties by credential id, then event id), each expiry
 * warning overtaken by its credential's deletion right after that deletion (`besideTheirDeletions`, `overtaken.ts`):
 * it is said in that deletion's entry, so a split digest keeps the two in one part (`packing.ts`).
 */
export function orderEvents(events: readonly OutboxEvent[]): OutboxEvent[] {
  if (events.length < 2) return [...events];
  // Each event's section and instant are looked up once, not once per comparison.
  const keyed = events.map(orderKey);
  keyed.sort(
    (a, b) =>
      compareUrgencyKeys(a, b) ||
      collate(a.event.credentialId, b.event.credentialId) ||
      collate(a.event.eventId, b.event.eventId),
  );
  return besideTheirDeletions(keyed.map((k) => k.event));
}
