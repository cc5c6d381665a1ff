/**
 * One message of a digest as the notifier publishes it (docs/notifications.md, "The message", "Machine document"):
 * its machine document, subject, text and routing, rendered from the digest's input and the events of that part,
 * and its size by the publisher's own measure.
 */
import type { OutboxEvent } from '../events';
import {
  type MessageBudget,
  maxSeverity,
  type NotificationMessage,
  type NumberedMessagePart,
  type OwnerReachVerdict,
} from '../message';
import {
  DIGEST_SCHEMA,
  DIGEST_SCHEMA_VERSION,
  type DigestDocument,
  eventSeverity,
  eventTypesOf,
  type WholeDigest,
} from './document';
import { digestSubject } from './subject';
import { type OwnerWording, renderText } from './text';

/** One message of a digest: the neutral message, and the events it carries. */
export interface DigestPart extends NumberedMessagePart {
  readonly events: readonly OutboxEvent[];
}

/** What a digest is rendered from. */
export interface DigestInput {
  readonly userId: string;
  /** The owner's pending events (any order: the digest sorts them). */
  readonly events: readonly OutboxEvent[];
  /** The drain's clock (epoch ms): relative phrases are computed from it. */
  readonly now: number;
  readonly drainId: string;
  /** The owner's name from the directory: the text greets it instead of the `userId` when known. */
  readonly ownerName?: string;
  /** The drain's verdict on the owner, carried in each part's document and routing (the `ownerReach` attribute). */
  readonly ownerReach?: OwnerReachVerdict;
  /** The size limit of one message and how it is measured (the publisher's: `NotificationPublisher.limits`). */
  readonly budget: MessageBudget;
  /** Whom the owner asks (the config's `ownerContact`, docs/configuration.md); unset: "your platform/security team". */
  readonly ownerContact?: string;
}

/** How the notifier words an owner's text (its own, for SNS email subscriptions): their opt-out, whom to ask. */
export function notifierWording(input: DigestInput): OwnerWording {
  return { route: 'sns-email', ...(input.ownerContact !== undefined && { contact: input.ownerContact }) };
}

/**
 * One part's message. `whole` (a split digest's: what all its parts hold) is in its document and its text
 * (`partsLine`, `text.ts`), so what a part is measured by includes them.
 */
export function partMessage(
  input: DigestInput,
  nowIso: string,
  events: readonly OutboxEvent[],
  part: number,
  parts: number,
  whole?: WholeDigest,
): NotificationMessage & { readonly document: DigestDocument } {
  const severity = maxSeverity(events.map(eventSeverity));
  const eventTypes = eventTypesOf(events);
  const document: DigestDocument = {
    schema: DIGEST_SCHEMA,
    version: DIGEST_SCHEMA_VERSION,
    audience: 'owner',
    userId: input.userId,
    generatedAt: nowIso,
    drainId: input.drainId,
    part,
    parts,
    ...(whole !== undefined && { wholeDigest: whole }),
    severity,
    ...(input.ownerReach !== undefined && { ownerReach: input.ownerReach }),
    eventTypes,
    events,
  };
  return {
    subject: digestSubject(events, input.now, part, parts),
    // Only SNS email subscriptions receive this text: its footer gives their opt-out.
    text: renderText({
      userId: input.userId,
      ownerName: input.ownerName,
      events,
      now: input.now,
      generatedMs: input.now,
      generatedIso: nowIso,
      part,
      parts,
      whole,
      wording: notifierWording(input),
    }),
    document,
    routing: {
      audience: 'owner',
      severity,
      eventTypes,
      userId: input.userId,
      ...(input.ownerReach !== undefined && { ownerReach: input.ownerReach }),
    },
  };
}

/** One part's message ({@link partMessage}) and its size. */
export function renderPart(
  input: DigestInput,
  nowIso: string,
  events: readonly OutboxEvent[],
  part: number,
  parts: number,
  whole?: WholeDigest,
) {
  const message = partMessage(input, nowIso, events, part, parts, whole);
  return { message, events, part, parts, bytes: input.budget.measure(message) };
}
