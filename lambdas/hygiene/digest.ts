/**
 * Owner digests (docs/notifications.md): all of one owner's pending events rendered as
 * one transport-neutral message (`message.ts`) — a text a person can act on
 * (email) and a versioned JSON document for every other subscriber —
 * split into numbered parts when it would exceed the size budget the publisher
 * gives (SNS's: `lambdas/aws/sns-wire.ts`). Pure: no I/O, no clock.
 *
 * Here: the entry, {@link renderDigest}, and the digest's public names, re-exported from its parts in `digest/` so
 * its importers need not know them: the machine document and its counts (`document.ts`), the sections and urgency
 * order (`order.ts`), untrusted values as plain text (`plain-text.ts`), shared phrases (`phrases.ts`), the past-tense
 * rules (`tenses.ts`), described lines (`event-line.ts`), each event's lines (`event-lines.ts`) and advice
 * (`advice.ts`), the expiry warnings a deletion overtakes (`overtaken.ts`), the subject (`subject.ts`), the text
 * (`text.ts`), one part's message (`part.ts`), and the splitting into parts (`packing.ts`).
 */
import { countByType, type WholeDigest } from './digest/document';
import { orderEvents } from './digest/order';
import { foldOvertaken } from './digest/overtaken';
import { measureCosts, pack } from './digest/packing';
import { type DigestInput, type DigestPart, renderPart } from './digest/part';
import type { OutboxEvent } from './events';
import { formatInstant } from './time';

export type { DigestDocument, EventTypeCounts, WholeDigest } from './digest/document';
export {
  countByType,
  DIGEST_SCHEMA,
  DIGEST_SCHEMA_VERSION,
  eventSeverity,
  eventTypesOf,
} from './digest/document';
export type { EventLine, EventValue } from './digest/event-line';
export { credentialLabel, describeEvent, describeEventLines } from './digest/event-lines';
export { compareEvents, eventInstant, orderEvents, SECTION_ORDER } from './digest/order';
export type { Fold } from './digest/overtaken';
export { DELETION_TYPES, foldOvertaken } from './digest/overtaken';
export type { DigestInput, DigestPart } from './digest/part';
export { count, relative, utcMinute } from './digest/phrases';
export { flattenName, plainName, plainValue } from './digest/plain-text';
export { digestSubject } from './digest/subject';
export type { OwnerWording } from './digest/text';
export {
  digestText,
  footerLines,
  lateDeliveryNote,
  partsLine,
  phrasesNow,
  sectionHeading,
} from './digest/text';

/** A digest's events cannot fit a message even one per part. */
export class DigestTooLargeError extends Error {
  override readonly name = 'DigestTooLargeError';
}

/**
 * What all the parts of a split digest hold (`WholeDigest`): its events, by type, and how many of its expiry
 * warnings the whole folds into their credential's deletion (`foldOvertaken` over `events` together; left out when
 * none), however the split places them.
 */
function wholeDigestOf(events: readonly OutboxEvent[]): WholeDigest {
  const fold = foldOvertaken(events);
  const overtaken = events.length - fold.shown.length;
  return { events: events.length, byType: countByType(events), ...(overtaken > 0 && { overtaken }) };
}

/**
 * Renders one owner's digest: a single message, or numbered parts
 * ("(part 1/2)") each within the size limit when the whole would not fit.
 * @throws {DigestTooLargeError} when one event alone exceeds the limit
 */
export function renderDigest(input: DigestInput): DigestPart[] {
  if (input.events.length === 0) return [];
  const limit = input.budget.maxMessageBytes;
  const nowIso = formatInstant(input.now);
  const events = orderEvents(input.events);
  const single = renderPart(input, nowIso, events, 1, 1);
  if (single.bytes <= limit) return [single];
  // Every part says what the whole holds (its count does not depend on the split): measured in each part's size.
  const whole = wholeDigestOf(events);
  const measured = measureCosts(input, nowIso, events, whole);
  // For a measure that counts a message as the sum of its pieces (SNS's bytes) the packing never undercounts a part
  // of up to 999 parts, so the first packing fits; another measure may need a tighter budget: shrink it until all fit.
  for (let budget = limit; budget > limit / 4; budget = Math.floor(budget * 0.9)) {
    const groups = pack(measured, budget);
    const parts = groups.map((group, i) => renderPart(input, nowIso, group, i + 1, groups.length, whole));
    if (parts.every((p) => p.bytes <= limit)) return parts;
    if (groups.every((g) => g.length === 1)) break;
  }
  throw new DigestTooLargeError(
    `A digest for ${input.userId} cannot be split into messages of at most ${limit} bytes (one event is too large)`,
  );
}
