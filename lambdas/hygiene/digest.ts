/**
 * Owner digests (docs/notifications.md): all of one owner's pending events rendered as
 * one transport-neutral message (`message.ts`) — a text a person can act on
 * (email) and a versioned JSON document for every other subscriber —
 * split into numbered parts when it would exceed the size budget the publisher
 * gives (SNS's: `lambdas/aws/sns-wire.ts`). Pure: no I/O, no clock.
 */
import { collate } from './collate';
import { EVENT_TYPES, type EventType, type OutboxEvent } from './events';
import {
  type DrainDocumentEnvelope,
  isPlainAscii,
  type MessageBudget,
  maxSeverity,
  type NotificationMessage,
  type NumberedMessagePart,
  type OwnerReachVerdict,
  quotedName,
  SEVERITIES,
  type Severity,
  SUBJECT_MAX_CHARS,
  subjectText,
} from './message';
import type { OwnerDeliveryRoute } from './owner-directory';
import { formatInstant, parseInstant, relativePhrase } from './time';
import { UNSAFE_CHARACTERS } from './untrusted-text';

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
}

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

/** A digest's events cannot fit a message even one per part. */
export class DigestTooLargeError extends Error {
  override readonly name = 'DigestTooLargeError';
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

/**
 * Counts by kind in short words, "1 deleted, 2 unused, 1 orphaned" (a kind with none left out: `unused` is to be
 * deleted unless used, `orphaned` to be deleted, its owner departed; docs/notifications.md), then the expiry warnings'
 * counts as the caller words them (`expiry`: how many, and the word), so each says only what is true when it is read.
 */
function kindCounts(byType: EventTypeCounts, expiry: readonly (readonly [number, string])[]): string[] {
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

/**
 * The line near the top of each part of a split digest, the text's and the HTML's: which part it is and, from the
 * document's `wholeDigest`, what all the parts cover, "This digest is long: this is part 2 of 3; together the 3
 * parts cover 57 credentials (12 deleted, 20 unused, 25 expired or expiring)." (counted as the sections count
 * them); the part alone for a document without it (an older notifier's). The whole holds counts, not instants: which
 * of its expiry warnings have expired when the line is read (a relay email sent late heads its section "Expired") it
 * cannot tell, so they are "expired or expiring", true whenever it is read, as the section's widest heading says.
 */
export function partsLine(part: number, parts: number, whole?: WholeDigest): string {
  const which = `This digest is long: this is part ${part} of ${parts}`;
  if (whole === undefined) return `${which}.`;
  const expiry = [[whole.byType['expiry-warning'] ?? 0, 'expired or expiring']] as const;
  const covered = `${count(whole.events, 'credential')} (${kindCounts(whole.byType, expiry).join(', ')})`;
  return `${which}; together the ${parts} parts cover ${covered}.`;
}

function ms(iso: string | undefined): number | undefined {
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

/**
 * A value from an event inside a described line (the credential id, a stored
 * date that is not an instant): untrusted, so the text flattens it
 * ({@link plainValue}) and the HTML email also isolates its direction.
 */
export interface EventValue {
  readonly value: string;
}

/** One line of {@link describeEventLines}: fixed wording and the event's values, in order. */
export type EventLine = readonly (string | EventValue)[];

/** An {@link EventLine} from a template: interpolated strings are wording, values and lines are spliced in. */
function line(
  words: TemplateStringsArray,
  ...parts: readonly (string | EventValue | EventLine)[]
): EventLine {
  const out: (string | EventValue)[] = [];
  words.forEach((word, i) => {
    if (word !== '') out.push(word);
    const part = parts[i];
    if (part === undefined || part === '') return;
    if (typeof part === 'string' || 'value' in part) out.push(part);
    else out.push(...part);
  });
  return out;
}

/** The stored value as an {@link EventValue}, or `otherwise` (wording) when it is absent. */
function valueOr(raw: string | undefined, otherwise: string): string | EventValue {
  return raw === undefined ? otherwise : { value: raw };
}

/**
 * "2026-12-03T00:00:00.000Z (in 7 days)", or just the value when it is not a
 * valid instant (an instant that parses is RFC 3339 ASCII: wording, not an untrusted value).
 */
function when(iso: string | undefined, now: number): EventLine {
  if (iso === undefined) return ['an unknown time'];
  const at = ms(iso);
  return at === undefined ? [{ value: iso }] : [`${iso} (${relative(at, now)})`];
}

/**
 * How a credential is named everywhere: display name, id and client id
 * (untrusted: the name flattened by {@link plainName}, the ids by {@link plainValue}).
 */
export function credentialLabel(event: OutboxEvent): string {
  const display = plainName(event.displayName);
  const name = display !== undefined ? `"${display}"` : 'Unnamed credential';
  const client = event.clientId ? `, client id ${plainValue(event.clientId)}` : '';
  return `${name} (id ${plainValue(event.credentialId)}${client})`;
}

/**
 * The digest's sections, in order of urgency: the text digest and the HTML
 * email (`lambdas/render/digest-html.ts`) both list events by these.
 */
export const SECTION_ORDER: readonly { readonly title: string; readonly types: readonly EventType[] }[] = [
  { title: 'Deleted', types: ['deleted-expired', 'deleted-stale', 'deleted-orphaned'] },
  { title: 'Will be deleted unless used', types: ['stale-warning'] },
  { title: 'Will be deleted: the owner has left', types: ['orphan-flagged'] },
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
function sectionOf(event: OutboxEvent): number {
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

/** Orders events as the digest lists them ({@link compareEvents}, ties by credential id, then event id). */
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
  return keyed.map((k) => k.event);
}

/**
 * Why a stale warning's limit is what it is (docs/rules.md, "Risk tiers"):
 * "; credentials unused for 30 days are flagged for deletion (risk tier
 * unscoped-unrestricted)", without the tier for the base limit, and nothing
 * for a warning queued before events carried the limit (it reads as it did).
 */
function staleLimitClause(event: OutboxEvent): EventLine {
  if (event.staleAfterDays === undefined) return [];
  const tier =
    event.tier === undefined || plainName(event.tier) === undefined
      ? []
      : line` (risk tier ${{ value: event.tier }})`;
  return line`; credentials unused for ${count(event.staleAfterDays, 'day')} are flagged for deletion${tier}`;
}

/**
 * Whom an owner asks, in every "what to do" that needs a person and in the
 * footer: the config's `ownerContact` (docs/configuration.md), a stored value
 * (flattened in the text, escaped and isolated in the HTML), else the generic
 * team, worded as before the key existed.
 */
function whomToAsk(contact: string | undefined): string | EventValue {
  return contact === undefined ? 'your platform/security team' : { value: contact };
}

/** Whether an expiry warning is read after its expiry (a notice delivered late, or a 1-day notice sent late). */
function hasExpired(event: OutboxEvent, now: number): boolean {
  const expires = ms(event.expiresTime);
  return event.type === 'expiry-warning' && expires !== undefined && expires <= now;
}

/**
 * Whether a stale or orphan warning is read at or after its deletion date (`deleteAfter` <= `now`, the instant its
 * phrases are computed at: the drain's, or the relay's send, {@link phrasesNow}): the one rule that puts its
 * subject, text and HTML in the past tense ("was due to be deleted"). From that instant on the sweep soft-deletes it
 * unless the flag is cleared first (docs/rules.md, "stale delete", "orphan delete"). False for any other event and
 * for a date that does not read as an instant (the notice then says it as before).
 */
function isDeletionDue(event: OutboxEvent, now: number): boolean {
  if (event.type !== 'stale-warning' && event.type !== 'orphan-flagged') return false;
  const due = ms(event.deleteAfter);
  return due !== undefined && due <= now;
}

/**
 * The start of a due warning's fate ({@link isDeletionDue}), its condition to follow: "It was due to be soft-deleted
 * on … (2 hours ago): a sweep since then may have done so; if not, the next one does". The first sweep from that date
 * on deletes it unless a use, the owner's return or an exemption cleared the flag before (docs/rules.md); a notice
 * read late cannot tell whether that sweep has run (a drain late after it, a relay email sent hours later).
 */
function dueDeletion(event: OutboxEvent, now: number): EventLine {
  return line`It was due to be soft-deleted ${onWhen(event.deleteAfter, now)}: a sweep since then may have done so; if not, the next one does`;
}

/**
 * "on 2026-12-03T00:00:00.000Z (in 7 days)", or "at an unknown time" when the
 * event has no such instant ({@link when}).
 */
function onWhen(iso: string | undefined, now: number): EventLine {
  return iso === undefined ? ['at an unknown time'] : line`on ${when(iso, now)}`;
}

/**
 * What happened or will happen to one credential, as wording and the event's
 * values: every line of {@link describeEventLines} but the advice.
 */
function factLines(event: OutboxEvent, now: number, relayedAt: number | undefined): EventLine[] {
  switch (event.type) {
    case 'expiry-warning': {
      const stage = event.stageDays !== undefined ? ` This is the ${event.stageDays}-day notice.` : '';
      // An exempt credential is never deleted (docs/rules.md, "Exempt credentials"): its notice must not say it is.
      const exempt = event.exempt === true;
      if (hasExpired(event, now)) {
        const fate = exempt ? 'it is exempt: it is not deleted' : 'the next sweep soft-deletes it';
        return [line`Expired ${onWhen(event.expiresTime, now)}; ${fate}.${stage}`];
      }
      return [line`Expires ${onWhen(event.expiresTime, now)}.${stage}`];
    }
    case 'stale-warning': {
      const fate = isDeletionDue(event, now)
        ? line`${dueDeletion(event, now)} unless it is used before then.`
        : line`It will be soft-deleted ${onWhen(event.deleteAfter, now)} unless it is used before then.`;
      return [line`Not used since ${when(event.lastActivity, now)}${staleLimitClause(event)}. ${fate}`];
    }
    case 'deleted-expired':
      return [
        line`Soft-deleted ${onWhen(event.occurredAt, now)} because it expired ${onWhen(event.expiresTime, now)}.`,
        ...restorableLines(event, now, relayedAt),
      ];
    case 'deleted-stale':
      return [
        line`Soft-deleted ${onWhen(event.occurredAt, now)} because it was not used since ${when(event.lastActivity, now)} and was scheduled for deletion on ${valueOr(event.deleteAfter, 'an earlier date')}.`,
        ...restorableLines(event, now, relayedAt),
      ];
    case 'orphan-flagged': {
      const fate = isDeletionDue(event, now)
        ? line`${dueDeletion(event, now)} unless the owner is active again or an admin exempts it before then.`
        : line`It will be soft-deleted ${onWhen(event.deleteAfter, now)} unless the owner is active again or an admin exempts it.`;
      return [line`Its owner is marked departed in the owner directory. ${fate}`];
    }
    case 'deleted-orphaned':
      return [
        line`Soft-deleted ${onWhen(event.occurredAt, now)} because its owner is marked departed in the owner directory (scheduled for deletion on ${valueOr(event.deleteAfter, 'an earlier date')}).`,
        ...restorableLines(event, now, relayedAt),
      ];
  }
}

/**
 * Until when a deleted credential can be restored, with a purge configured (the event's `restorableUntil`: the
 * purge time, held back until this notice is sent, so never later than the truth): "It can be restored until …;
 * after that it is gone for good." Read after that instant (the notice went out late), no restore is promised, and
 * the hold is worded as it ended on the notice's route: the drain's mark released it as it published the notice, so
 * on SNS's own email (and the admins' report) "held back until this notice: it can be gone for good at any moment
 * now"; on the relay (`relayedAt`, the digest's `generatedAt`, when the drain handed it to the relay's topic and
 * queue) the hold ended then, not at this email, and the purge may have run already. Nothing without the field (no
 * purge configured, or a notice an earlier version queued).
 */
function restorableLines(event: OutboxEvent, now: number, relayedAt: number | undefined): EventLine[] {
  const until = event.restorableUntil;
  if (until === undefined) return [];
  const at = ms(until);
  if (at === undefined || at > now)
    return [line`It can be restored until ${when(until, now)}; after that it is gone for good.`];
  if (relayedAt === undefined)
    return [
      line`Its purge was due ${onWhen(until, now)} and was held back until this notice: it can be gone for good at any moment now.`,
    ];
  const handed = when(formatInstant(relayedAt), now);
  const hold =
    at <= relayedAt
      ? line` and was held back until this notice was handed to the email relay on ${handed}`
      : line`, after this notice was handed to the email relay on ${handed}`;
  return [
    line`Its purge was due ${onWhen(until, now)}${hold}: it may be gone for good already, or at any moment now.`,
  ];
}

/**
 * What to do about a stale warning: using it is one way to keep it; an exemption is the other, for a credential
 * needed but rarely used. Before its date, "use it once before that date"; once due ({@link isDeletionDue}), "use it
 * now, before the next sweep" (a use before that sweep still clears the flag: docs/rules.md, "stale unflag").
 */
function staleAdvice(due: boolean, ask: string | EventValue, id: EventValue, several: boolean): EventLine {
  if (several) {
    const use = due ? 'use each now, before the next sweep' : 'use each once before its date';
    return line`What to do: to keep them, ${use} (the flag clears by itself); if one is needed but rarely used, ask ${ask} to exempt it (by its credential id, listed below); if you no longer need them, do nothing.`;
  }
  const use = due ? 'use it now, before the next sweep' : 'use it once before that date';
  return line`What to do: to keep it, ${use} (the flag clears by itself); if it is needed but rarely used, ask ${ask} to exempt it (credential id ${id}); if you no longer need it, do nothing.`;
}

/**
 * What the owner can do about one credential, or (`several`) about every
 * credential of a section at once, said once under its title ("renew them",
 * "use each once"): the advice of a deletion or an orphan names its credential
 * id, so it is never shared by several credentials.
 */
function adviceLine(
  event: OutboxEvent,
  now: number,
  contact: string | undefined,
  several: boolean,
): EventLine {
  const id: EventValue = { value: event.credentialId };
  const ask = whomToAsk(contact);
  switch (event.type) {
    case 'expiry-warning': {
      if (hasExpired(event, now))
        return several
          ? line`What to do: renew them now (set later expiries) if you still need them; otherwise nothing.`
          : line`What to do: renew it now (set a later expiry) if you still need it; otherwise nothing.`;
      const exempt = event.exempt === true;
      if (several) {
        const fate = exempt
          ? 'they are exempt: not deleted when they expire'
          : 'each is soft-deleted once expired';
        return line`What to do: renew them (set later expiries) before they expire if you still need them; otherwise nothing - ${fate}.`;
      }
      const fate = exempt ? 'exempt: it is not deleted when it expires' : 'it is soft-deleted once expired';
      return line`What to do: renew it (set a later expiry) before then if you still need it; otherwise nothing - ${fate}.`;
    }
    case 'stale-warning':
      return staleAdvice(isDeletionDue(event, now), ask, id, several);
    case 'deleted-expired':
    case 'deleted-stale':
      return line`What to do: if you still need it, ask ${ask} to restore it (credential id ${id}); otherwise nothing.`;
    case 'orphan-flagged':
      return line`What to do: if it must keep working, hand it over or have an admin exempt it (credential id ${id}); otherwise nothing.`;
    case 'deleted-orphaned':
      return line`What to do: if it is still needed, ask ${ask} to restore it (credential id ${id}); otherwise nothing.`;
  }
}

/**
 * What happened or will happen to one credential, and (last line) what its
 * owner can do, as wording and the event's values: the text flattens the
 * values ({@link describeEvent}), the HTML email also isolates them.
 * @param contact whom the owner asks (the config's `ownerContact`); unset: "your platform/security team"
 * @param relayedAt for the relay's email only: when the drain handed the digest to the relay (its `generatedAt`),
 *   which a restore window read past its end names (the purge's hold ended then); unset: a notice delivered as it
 *   is published (SNS's email, the admins' report)
 */
export function describeEventLines(
  event: OutboxEvent,
  now: number,
  contact?: string,
  relayedAt?: number,
): EventLine[] {
  return [...factLines(event, now, relayedAt), adviceLine(event, now, contact, false)];
}

/** An {@link EventLine} as text: each value flattened by {@link plainValue}. */
function lineText(parts: EventLine): string {
  let text = '';
  for (const part of parts) text += typeof part === 'string' ? part : plainValue(part.value);
  return text;
}

/** {@link describeEventLines} as the text's lines: each value flattened by {@link plainValue}. */
export function describeEvent(
  event: OutboxEvent,
  now: number,
  contact?: string,
  relayedAt?: number,
): string[] {
  return describeEventLines(event, now, contact, relayedAt).map(lineText);
}

/**
 * An untrusted name (a display name, a directory name) as plain text: its
 * unsafe characters ({@link UNSAFE_CHARACTERS}: controls such as CR, LF and
 * tab, Unicode format characters such as the bidi controls and the
 * zero-width space, line and paragraph separators) become spaces,
 * whitespace runs one space, so it cannot add lines to the text or reorder
 * the text around it; blank means "unknown" (`undefined`). The flattening
 * rendering of that one class (terminals show escapes instead:
 * `terminalText`, `lambdas/render/sanitize.ts`).
 */
export function plainName(name: string | undefined): string | undefined {
  // Most names are plain ASCII words already: nothing to flatten (one test instead of two replacements).
  return name !== undefined && isPlainAscii(name) ? name : flattenName(name);
}

/** {@link plainName} without its fast path: every name goes through the replacements. */
export function flattenName(name: string | undefined): string | undefined {
  const plain = name?.replace(UNSAFE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return plain === undefined || plain === '' ? undefined : plain;
}

/**
 * An untrusted value that must show (a credential, client, owner or event id,
 * a stored date that is not an instant) as plain text: flattened as
 * {@link plainName} flattens a name, so it stays on its line and cannot
 * reorder the text around it; `(blank)` when nothing is left.
 */
export function plainValue(value: string): string {
  return plainName(value) ?? '(blank)';
}

/**
 * What an owner's text and HTML say beyond their events: whom to ask, how the
 * owner stops the emails on the route they come by, and a late delivery.
 */
export interface OwnerWording {
  /** Whom the owner asks (the config's `ownerContact`); unset: "your platform/security team". */
  readonly contact?: string;
  /**
   * The route the text is delivered by, for how the owner opts out there: the SNS email's unsubscribe link, or
   * (the relay) marking the email as spam, an SES complaint (docs/notifications.md, "Owner reach").
   * @default 'sns-email' (the notifier's text goes only to SNS email subscriptions)
   */
  readonly route?: OwnerDeliveryRoute;
  /**
   * When the email is sent (epoch ms), the relay's clock as it renders it: relative phrases are computed from it
   * ({@link phrasesNow}), and a send more than an hour after the digest was rendered says so first.
   */
  readonly sentAt?: number;
}

/** A send later than this after `generatedAt` is called late ({@link lateDeliveryNote}). */
const LATE_AFTER_MS = 3_600_000;

/** `2026-12-10 02:00 UTC`: an instant (epoch ms) to the minute (seconds are dropped: never later than it). */
export function utcMinute(at: number): string {
  const iso = formatInstant(at);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * The instant an email's relative phrases ("in 6 hours", "2 days ago") are computed from: its send, the relay's clock
 * as it renders it (a send held back for SES's daily quota, retried or redriven from the DLQ is true when sent:
 * docs/notifications.md, "The email"), never before `generatedAt` (a relay clock behind the drain's reads as the
 * drain's); `generatedAt` when the text is not rendered at a send (the notifier's own, delivered at once).
 */
export function phrasesNow(generatedAt: number, sentAt: number | undefined): number {
  return sentAt === undefined ? generatedAt : Math.max(generatedAt, sentAt);
}

/**
 * The line a digest delivered more than an hour after it was rendered opens
 * with (a hold for SES's daily quota, a relay redrive from its DLQ days
 * later): it lists what was pending at `generatedAt`, while its relative
 * phrases are as of the send ({@link phrasesNow}), so it says both;
 * `undefined` when on time.
 */
export function lateDeliveryNote(generatedAt: number, sentAt: number | undefined): string | undefined {
  if (sentAt === undefined || sentAt - generatedAt <= LATE_AFTER_MS) return undefined;
  // The one rounding rule of relative phrases: "in 18 hours" from `generatedAt` is "18 hours" late.
  const late = relativePhrase(sentAt, generatedAt).replace(/^in /, '');
  return `This notice was prepared on ${utcMinute(generatedAt)} and is delivered ${late} late: it lists what was pending then, with relative times as of its sending (${utcMinute(sentAt)}).`;
}

/**
 * The footer's lines, the text's and the HTML's: who sends the notice and
 * why, whom to ask and how to stop the emails (asking, or the route's own
 * opt-out, after which the owner's notices go to the admins:
 * docs/notifications.md, "Owner reach"). It does not say "click no link": an
 * SNS email ends with SNS's unsubscribe link.
 */
export function footerLines(wording: OwnerWording): EventLine[] {
  const optOut =
    (wording.route ?? 'sns-email') === 'relay'
      ? 'Marking them as spam also stops them'
      : 'Unsubscribing with the link below also stops them';
  return [
    line`All times are UTC. Sent by PersonalClient Hygiene because you own the API credentials above.`,
    line`Questions, or to stop these emails: ask ${whomToAsk(wording.contact)}. ${optOut}; your notices then go to the admins instead.`,
    line`Nothing in this notice asks you to sign in or enter a password.`,
  ];
}

/**
 * A section's heading: the expiry section's says "Expired" when every notice
 * in it is read after its expiry, "Expired or expiring soon" when some are.
 */
export function sectionHeading(title: string, events: readonly OutboxEvent[], now: number): string {
  const expired = events.filter((event) => hasExpired(event, now)).length;
  if (expired === 0) return title;
  return expired === events.length ? 'Expired' : 'Expired or expiring soon';
}

/**
 * The advice every credential of a section shares, said once under its title
 * (the plural form for several), or `undefined` when each has its own.
 */
function sharedAdvice(events: readonly OutboxEvent[], now: number, contact: string | undefined) {
  const several = events.length > 1;
  const advice = events.map((event) => adviceText(event, now, contact, several));
  return advice.every((a) => a === advice[0]) ? advice[0] : undefined;
}

/** {@link adviceLine} as text: what {@link sharedAdvice} compares and says once under a section's title. */
function adviceText(event: OutboxEvent, now: number, contact: string | undefined, several: boolean): string {
  return lineText(adviceLine(event, now, contact, several));
}

/** A section's first lines in the text: a blank line, then its heading and count ("Expiring soon (3)"). */
function headingLines(title: string, inSection: readonly OutboxEvent[], now: number): string[] {
  return ['', `${sectionHeading(title, inSection, now)} (${inSection.length})`];
}

/**
 * One credential's lines in the text: its label, then the lines `described` ({@link describeEvent}) indented under
 * it, the last (its advice) left out when its section says the advice once for all (`shared`).
 */
function credentialLines(event: OutboxEvent, described: readonly string[], shared: boolean): string[] {
  const own = shared ? described.slice(0, -1) : described;
  return [`  * ${credentialLabel(event)}`, ...own.map((line) => `    ${line}`)];
}

/** What `lines` add to a text they are appended to (its lines are joined by newlines): each line after a newline. */
function appendedText(lines: readonly string[]): string {
  return lines.map((line) => `\n${line}`).join('');
}

/** What the text of one part is rendered from. */
interface TextView {
  readonly userId: string;
  readonly ownerName?: string | undefined;
  readonly events: readonly OutboxEvent[];
  /** When relative phrases are computed from ({@link phrasesNow}). */
  readonly now: number;
  /** The digest's `generatedAt`, epoch ms and as written: what the text lists is as of then. */
  readonly generatedMs: number;
  readonly generatedIso: string;
  readonly part: number;
  readonly parts: number;
  /** A split digest's whole ({@link partsLine}). */
  readonly whole?: WholeDigest | undefined;
  readonly wording: OwnerWording;
}

function renderText(view: TextView): string {
  const { events, now, wording } = view;
  const late = lateDeliveryNote(view.generatedMs, wording.sentAt);
  // On the relay, the digest was handed to it when generated: a restore window read past its end says so.
  const relayedAt = wording.route === 'relay' ? view.generatedMs : undefined;
  const lines: string[] = [
    ...(late === undefined ? [] : [late, '']),
    `Hello ${plainName(view.ownerName) ?? plainValue(view.userId)},`,
    '',
    `Here is what the credential hygiene worker did or will do to your personal API credentials (as of ${view.generatedIso}).`,
  ];
  if (view.parts > 1) lines.push(partsLine(view.part, view.parts, view.whole));
  const bySection = SECTION_ORDER.map((): OutboxEvent[] => []);
  for (const event of events) bySection[sectionOf(event)]?.push(event);
  SECTION_ORDER.forEach((section, index) => {
    const inSection = bySection[index] ?? [];
    if (inSection.length === 0) return;
    lines.push(...headingLines(section.title, inSection, now));
    const shared = sharedAdvice(inSection, now, wording.contact);
    if (shared !== undefined) lines.push(shared);
    for (const event of inSection) {
      const described = describeEvent(event, now, wording.contact, relayedAt);
      lines.push(...credentialLines(event, described, shared !== undefined));
    }
  });
  lines.push('', '--', ...footerLines(wording).map(lineText));
  return lines.join('\n');
}

/**
 * The text digest of one published part, rendered again from its machine
 * document as the notifier rendered it for email, greeting `ownerName` when
 * the directory knows it: the relay's `text/plain` part, with the relay's
 * `wording` (its route's opt-out, whom to ask, the send). Its relative
 * phrases are computed at the send, `wording.sentAt` ({@link phrasesNow});
 * without one, from `generatedAt`, word for word the notifier's text.
 * @throws {RangeError} when `generatedAt` is not a valid instant
 */
export function digestText(
  document: Pick<DigestDocument, 'userId' | 'events' | 'generatedAt' | 'part' | 'parts' | 'wholeDigest'>,
  ownerName?: string,
  wording: OwnerWording = {},
): string {
  const parsed = parseInstant(document.generatedAt);
  if (!parsed.ok)
    throw new RangeError(`generatedAt ${JSON.stringify(document.generatedAt)}: ${parsed.reason}`);
  return renderText({
    userId: document.userId,
    ownerName,
    events: document.events,
    now: phrasesNow(parsed.ms, wording.sentAt),
    generatedMs: parsed.ms,
    generatedIso: document.generatedAt,
    part: document.part,
    parts: document.parts,
    whole: document.wholeDigest,
    wording,
  });
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Expiry warnings at a glance: the soonest expiry still ahead, how many are read after expiry, how many have one. */
interface ExpiryHorizon {
  readonly soonest?: number;
  readonly expired: number;
  readonly known: number;
}

function expiryHorizon(events: readonly OutboxEvent[], now: number): ExpiryHorizon {
  let soonest: number | undefined;
  let expired = 0;
  let known = 0;
  for (const e of events) {
    const at = ms(e.expiresTime);
    if (at === undefined) continue;
    known += 1;
    if (at <= now) expired += 1;
    else soonest = soonest === undefined ? at : Math.min(soonest, at);
  }
  return { ...(soonest !== undefined && { soonest }), expired, known };
}

/** How a one-deletion subject names its reason. */
const DELETION_WORD = {
  'deleted-expired': 'expired',
  'deleted-stale': 'unused',
  'deleted-orphaned': 'owner departed',
} as const;

/**
 * When a subject's deletion falls: "on 2026-12-10 02:00 UTC", "soon" without
 * a valid instant. A time and its zone, never a bare date nor a relative
 * phrase: it is a deadline, read in an inbox list perhaps days later and in
 * any zone (the UTC date "2026-12-10" is the evening of the 9th at UTC-8,
 * and "in 2 days" may be 1.6), as the body's instants are UTC.
 */
function deadline(iso: string | undefined): string {
  const at = ms(iso);
  return at === undefined ? 'soon' : `on ${utcMinute(at)}`;
}

/** The subject of a one-event digest, the credential named within `budget` characters. */
function oneEventSubject(only: OutboxEvent, now: number, budget: number): string {
  // The name as the body shows it (flattened: one of invisible characters only is no name), else the id.
  const named = (lead: string, rest: string) =>
    `${lead} ${quotedName(plainName(only.displayName) ?? only.credentialId, budget - lead.length - rest.length - 3)} ${rest}`;
  switch (only.type) {
    case 'expiry-warning': {
      const at = ms(only.expiresTime);
      // An entry without its expiry time (the body: "at an unknown time") is not called expired, nor due now.
      if (at === undefined) return named('API credential', 'expires at an unknown time');
      return named('API credential', at <= now ? 'has expired' : `expires ${relative(at, now)}`);
    }
    case 'stale-warning':
      return named(
        'Unused API credential',
        `${deletionTense(only, now)} ${deadline(only.deleteAfter)} unless used`,
      );
    case 'orphan-flagged':
      return named(
        'API credential',
        `${deletionTense(only, now)} ${deadline(only.deleteAfter)} (owner departed)`,
      );
    case 'deleted-expired':
    case 'deleted-stale':
    case 'deleted-orphaned':
      return named('API credential', `was deleted (${DELETION_WORD[only.type]})`);
  }
}

/** Several expiry warnings: the soonest expiry ahead named, the most urgent fact first. */
function expiringSubject(expiring: readonly OutboxEvent[], now: number): string {
  const credentials = count(expiring.length, 'API credential');
  const { soonest, expired, known } = expiryHorizon(expiring, now);
  if (known === 0) return `${credentials} expire at an unknown time`;
  if (soonest === undefined) return `${credentials} have expired`;
  const next = relative(soonest, now);
  return expired > 0
    ? `${credentials} expire: ${expired} already expired, the next ${next}`
    : `${credentials} expire, the first ${next}`;
}

/** A one-warning subject's verb: "will be deleted", or once its date has come ({@link isDeletionDue}) "was due to be deleted". */
function deletionTense(warning: OutboxEvent, now: number): string {
  return isDeletionDue(warning, now) ? 'was due to be deleted' : 'will be deleted';
}

/** Several stale warnings: the first deletion's deadline, "the first was due on …" once it has come. */
function staleSubject(stale: readonly OutboxEvent[], now: number): string {
  let first: { readonly event: OutboxEvent; readonly at: number } | undefined;
  for (const event of stale) {
    const at = ms(event.deleteAfter);
    if (at !== undefined && (first === undefined || at < first.at)) first = { event, at };
  }
  const all = `${count(stale.length, 'unused API credential')} will be deleted unless used`;
  if (first === undefined) return all;
  const on = utcMinute(first.at);
  return isDeletionDue(first.event, now) ? `${all}, the first was due on ${on}` : `${all}, first on ${on}`;
}

/** Several deletions, counted by reason. */
function deletedSubject(deleted: readonly OutboxEvent[]): string {
  const by = (type: EventType) => deleted.filter((e) => e.type === type).length;
  const reasons = [
    [by('deleted-expired'), 'expired'],
    [by('deleted-stale'), 'unused'],
    [by('deleted-orphaned'), 'owner departed'],
  ].flatMap(([n, word]) => (n === 0 ? [] : [`${n} ${word}`]));
  return `${count(deleted.length, 'API credential')} were deleted (${reasons.join(', ')})`;
}

/**
 * Kinds mixed: each counted in a short word, so every kind fits SNS's 100
 * characters (the body says what each means), the soonest expiry ahead named
 * when it fits too. Expiry warnings read after their expiry (at `now`: the
 * relay's send for its email) are counted as `expired`, the others `expiring`,
 * as the section's heading says them.
 */
function mixedSubject(events: readonly OutboxEvent[], now: number, budget: number): string {
  const expiring = events.filter((e) => e.type === 'expiry-warning');
  const { soonest, expired } = expiryHorizon(expiring, now);
  const expiry = [
    [expired, 'expired'],
    [expiring.length - expired, 'expiring'],
  ] as const;
  const without = `Your API credentials: ${kindCounts(countByType(events), expiry).join(', ')}`;
  if (soonest === undefined || expired > 0) return without;
  const next = relative(soonest, now);
  const horizon = expiring.length === 1 ? ` ${next}` : `, first ${next}`;
  return without.length + horizon.length <= budget ? `${without}${horizon}` : without;
}

/**
 * A specific subject of at most 100 ASCII characters, e.g. "2 API credentials
 * expire, the first in 6 hours" (the most urgent expiry, not the furthest),
 * naming the credential when there is only one.
 */
export function digestSubject(events: readonly OutboxEvent[], now: number, part = 1, parts = 1): string {
  const suffix = parts > 1 ? ` (part ${part}/${parts})` : '';
  const budget = 100 - suffix.length;
  const only = events.length === 1 ? events[0] : undefined;
  const all = (...types: EventType[]) => events.every((e) => types.includes(e.type));
  let text: string;
  if (only !== undefined) text = oneEventSubject(only, now, budget);
  else if (all('expiry-warning')) text = expiringSubject(events, now);
  else if (all('stale-warning')) text = staleSubject(events, now);
  else if (all('deleted-expired', 'deleted-stale', 'deleted-orphaned')) text = deletedSubject(events);
  else text = mixedSubject(events, now, budget);
  return `${subjectText(text, budget)}${suffix}`;
}

/** How the notifier words an owner's text (its own, for SNS email subscriptions): their opt-out, whom to ask. */
function notifierWording(input: DigestInput): OwnerWording {
  return { route: 'sns-email', ...(input.ownerContact !== undefined && { contact: input.ownerContact }) };
}

/**
 * One part's message. `whole` (a split digest's: what all its parts hold) is in its document and its text
 * ({@link partsLine}), so what a part is measured by includes them.
 */
function partMessage(
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
function renderPart(
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

/** The longest severity word: no part's is longer. */
const WIDEST_SEVERITY = SEVERITIES.reduce((a, b) => (b.length > a.length ? b : a));

/**
 * What one event adds to a part ({@link measureCosts}): always `core`, its lines but its advice and its entry in the
 * document's list (with a separator). Its advice, as {@link sharedAdvice} decides from the part's events of its
 * section: `single` when it is their only one (the advice said under the heading), `shared` once for them all when
 * every one has the same plural advice `key` (the first's), else `own`, its advice line under it.
 */
interface EventCost {
  readonly event: OutboxEvent;
  readonly section: number;
  readonly core: number;
  readonly single: number;
  readonly own: number;
  readonly key: string;
  readonly shared: number;
}

/** What packing a digest needs, measured once per digest ({@link measureCosts}). */
interface MeasuredDigest {
  /** A part without events, at its widest: the longest subject, part counter, event types and severity. */
  readonly fixed: number;
  /** Per section of {@link SECTION_ORDER}: its blank line and heading, paid once by a part with one of its events. */
  readonly heading: readonly number[];
  /** Per event, in the digest's order. */
  readonly events: readonly EventCost[];
}

/**
 * Measures what a part of the digest costs, piece by piece, once per digest (not once per packing attempt): the
 * fixed cost is an empty part with the widest part counter and the whole's count every part says (`whole`: its line
 * and document field), its subject, event types and severity widened to the most any part can have; each section's
 * heading at its widest (the whole digest's section: its count, and "Expired or expiring soon" when some of its
 * notices are read after their expiry and some not); each event's lines, its document entry, and its advice lines
 * ({@link EventCost}). Every piece is measured by the transport's own measure: the empty part with that text (or that
 * listed event) in it, less the empty part, so escaping is counted as the transport counts it; the same advice text
 * is measured once. A part's cost is the sum of its pieces, never less than what it measures rendered (only the
 * widened fixed cost and headings, and one separator, are more): O(events) measures of small messages.
 */
function measureCosts(
  input: DigestInput,
  nowIso: string,
  events: readonly OutboxEvent[],
  whole: WholeDigest,
): MeasuredDigest {
  const { now, budget } = input;
  const { contact } = notifierWording(input);
  const empty = partMessage(input, nowIso, [], 999, 999, whole);
  const widest = { eventTypes: eventTypesOf(events), severity: WIDEST_SEVERITY };
  const fixed = budget.measure({
    ...empty,
    subject: 'x'.repeat(SUBJECT_MAX_CHARS),
    document: { ...empty.document, ...widest },
    routing: { ...empty.routing, ...widest },
  });
  const probe = (text: string, listed: readonly OutboxEvent[] = []) =>
    budget.measure({ ...empty, text, document: { ...empty.document, events: listed } });
  const zero = probe('');
  const textCosts = new Map<string, number>();
  const textCost = (lines: readonly string[]) => {
    const text = appendedText(lines);
    const known = textCosts.get(text) ?? probe(text) - zero;
    textCosts.set(text, known);
    return known;
  };
  const [first] = events;
  // What the document's list adds between two entries (a comma): counted for every event, one more than a part has.
  const separator = first === undefined ? 0 : probe('', [first, first]) - 2 * probe('', [first]) + zero;
  const heading = SECTION_ORDER.map((section, index) => {
    const inSection = events.filter((event) => sectionOf(event) === index);
    return inSection.length === 0 ? 0 : textCost(headingLines(section.title, inSection, now));
  });
  const costs = events.map((event): EventCost => {
    // As renderText lists it on the notifier's route: each line of the text after a newline.
    const unshared = credentialLines(event, describeEvent(event, now, contact), false);
    const key = adviceText(event, now, contact, true);
    return {
      event,
      section: sectionOf(event),
      core: probe(appendedText(unshared.slice(0, -1)), [event]) - zero + separator,
      // What sharedAdvice says for the section's one event: its advice, under the heading.
      single: textCost([adviceText(event, now, contact, false)]),
      own: textCost(unshared.slice(-1)),
      key,
      shared: textCost([key]),
    };
  });
  return { fixed, heading, events: costs };
}

/** The part's events of one section so far, for what their advice costs ({@link EventCost}). */
interface AdviceRun {
  readonly section: number;
  readonly count: number;
  readonly first: EventCost;
  /** Every event's plural advice is the first's: the section says it once. */
  readonly same: boolean;
  /** The sum of their own advice lines. */
  readonly own: number;
}

function adviceCost(run: AdviceRun | undefined): number {
  if (run === undefined) return 0;
  if (run.count === 1) return run.first.single;
  return run.same ? run.first.shared : run.own;
}

function extendRun(run: AdviceRun | undefined, cost: EventCost): AdviceRun {
  if (run === undefined || run.section !== cost.section)
    return { section: cost.section, count: 1, first: cost, same: true, own: cost.own };
  return {
    ...run,
    count: run.count + 1,
    same: run.same && cost.key === run.first.key,
    own: run.own + cost.own,
  };
}

/**
 * Packs events greedily into parts, in the digest's order, by what a part really costs ({@link measureCosts}):
 * its fixed cost, each section's heading once, each event's lines and entry, and each section's advice as the part
 * says it (once for all, or one line each). The digest's order lists a section's events together, so a part holds
 * one run of each. Every part is still checked against the limit afterwards.
 */
function pack(measured: MeasuredDigest, budget: number): OutboxEvent[][] {
  const groups: OutboxEvent[][] = [];
  let current: OutboxEvent[] = [];
  // The part's cost but the advice of its last section, which its next event may change.
  let settled = measured.fixed;
  let run: AdviceRun | undefined;
  const adding = (cost: EventCost) => {
    const next = extendRun(run, cost);
    const opened = next.count === 1 ? (measured.heading[cost.section] ?? 0) + adviceCost(run) : 0;
    const nextSettled = settled + cost.core + opened;
    return { run: next, settled: nextSettled, total: nextSettled + adviceCost(next) };
  };
  for (const cost of measured.events) {
    let next = adding(cost);
    if (current.length > 0 && next.total > budget) {
      groups.push(current);
      current = [];
      settled = measured.fixed;
      run = undefined;
      next = adding(cost);
    }
    current.push(cost.event);
    ({ settled, run } = next);
  }
  if (current.length > 0) groups.push(current);
  return groups;
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
  const whole: WholeDigest = { events: events.length, byType: countByType(events) };
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
