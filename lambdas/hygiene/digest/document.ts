/**
 * The digest's machine document (docs/notifications.md, "Machine document"): its schema name and version, its
 * shape, what a split digest's whole holds, and the severity and counts it carries. One definition for the notifier
 * that writes it and the relay that reads it back (`lambdas/relay/digest-message.ts`); no wording here.
 */
import { EVENT_TYPES, type EventType, type OutboxEvent } from '../events';
import type { DrainDocumentEnvelope, OwnerReachVerdict, Severity } from '../message';

/** The machine document's schema name. */
export const DIGEST_SCHEMA = 'personal-client-hygiene/digest';

/** The machine document's version: bumped on any incompatible change. */
export const DIGEST_SCHEMA_VERSION = 1;

/** The versioned JSON document machine subscribers receive (documented in docs/notifications.md). */
export interface DigestDocument extends DrainDocumentEnvelope {
  readonly schema: typeof DIGEST_SCHEMA;
  readonly version: typeof DIGEST_SCHEMA_VERSION;
  readonly audience: 'owner';
  readonly userId: string;
  /**
   * The drain's verdict on the owner, as in the `ownerReach` attribute (additive: absent when the drain gave none,
   * and from an older notifier's documents). In the document because SNS does not deliver message attributes of a
   * `MessageStructure: 'json'` publish: a subscriber (the relay) reads it here (docs/notifications.md).
   */
  readonly ownerReach?: OwnerReachVerdict;
  /**
   * What all the parts of a split digest hold together (additive: only when `parts > 1`, absent from an older
   * notifier's documents): each part's text says it, so a part read alone tells what the others hold.
   */
  readonly wholeDigest?: WholeDigest;
  /** The distinct event types in this part, in the order of `EVENT_TYPES`. */
  readonly eventTypes: readonly EventType[];
  /** The events of this part, as stored in the outbox; `(credentialId, eventId)` identifies one. */
  readonly events: readonly OutboxEvent[];
}

/** How many events of each type (types with none left out). */
export type EventTypeCounts = Partial<Record<EventType, number>>;

/** The whole of a split digest, across its parts: the document's `wholeDigest` (docs/notifications.md). */
export interface WholeDigest {
  /** The events of all the parts together. */
  readonly events: number;
  /** How many of each event type, all the parts together. */
  readonly byType: EventTypeCounts;
  /**
   * How many of its expiry warnings the whole digest folds into their credential's deletion (`foldOvertaken`,
   * `overtaken.ts`, over all the parts' events together), so its parts line counts each such credential once, as
   * deleted (`partsLine`, `text.ts`). Additive: absent when none, and from a notifier before 8 December 2026.
   */
  readonly overtaken?: number;
}

/** An event's severity: deletions and expiry within a day are `high`; stale and 7-day notices `warning`. */
export function eventSeverity(event: OutboxEvent): Severity {
  switch (event.type) {
    case 'deleted-expired':
    case 'deleted-stale':
    case 'deleted-orphaned':
      return 'high';
    case 'stale-warning':
    case 'orphan-flagged':
      return 'warning';
    case 'expiry-warning':
      return event.stageDays !== undefined && event.stageDays <= 1
        ? 'high'
        : event.stageDays !== undefined && event.stageDays <= 7
          ? 'warning'
          : 'info';
  }
}

/** The distinct event types of some events, in `EVENT_TYPES` order. */
export function eventTypesOf(events: readonly OutboxEvent[]): EventType[] {
  const present = new Set(events.map((e) => e.type));
  return EVENT_TYPES.filter((t) => present.has(t));
}

/** How many events of each type some events hold, in `EVENT_TYPES` order. */
export function countByType(events: readonly OutboxEvent[]): EventTypeCounts {
  const counts: EventTypeCounts = {};
  for (const type of eventTypesOf(events)) counts[type] = events.filter((e) => e.type === type).length;
  return counts;
}
