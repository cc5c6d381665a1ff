/**
 * Which message a digest part is, beyond its owner, drain and part number
 * (docs/notifications.md, "The relay's guarantees"): one drain can publish
 * two digests for one owner, both "part 1" (a credential reassigned while
 * notices for its earlier owner are pending sits in that owner's chunk, and
 * the new owner's own items in another), so `(drainId, part, userId)` alone
 * would make the second a duplicate of the first. The events key is a hash
 * of the part's own events, `(credentialId, eventId)` pairs sorted: the same
 * for every delivery of one message (an SQS redelivery is still a duplicate),
 * different for another digest. It fits an SES tag value (`[A-Za-z0-9_-]`)
 * and a ledger key. Pure.
 */
import { createHash } from 'node:crypto';
import type { OutboxEvent } from '../hygiene/events';

/** Length of an events key: 22 base64url characters, 132 bits of SHA-256. */
const EVENTS_KEY_CHARS = 22;

/** An events key's form, as {@link digestEventsKey} makes it. */
export const EVENTS_KEY_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${EVENTS_KEY_CHARS}}$`);

/** Orders two strings by UTF-16 code units (locale-independent). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The events key of a digest part: SHA-256 of the JSON text of its events'
 * `[credentialId, eventId]` pairs, sorted (code-unit order), base64url, the
 * first {@link EVENTS_KEY_CHARS} characters. Independent of the events'
 * order and of every other field.
 */
export function digestEventsKey(events: readonly Pick<OutboxEvent, 'credentialId' | 'eventId'>[]): string {
  const pairs = events
    .map((e) => [e.credentialId, e.eventId] as const)
    .sort((a, b) => byCodeUnits(a[0], b[0]) || byCodeUnits(a[1], b[1]));
  return createHash('sha256').update(JSON.stringify(pairs)).digest('base64url').slice(0, EVENTS_KEY_CHARS);
}
