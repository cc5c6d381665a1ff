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
  type Severity,
  subjectText,
} from './message';
import { DAY_MS, formatInstant, parseInstant, relativePhrase } from './time';
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
  /** The distinct event types in this part, in the order of `EVENT_TYPES`. */
  readonly eventTypes: readonly EventType[];
  /** The events of this part, as stored in the outbox; `(credentialId, eventId)` identifies one. */
  readonly events: readonly OutboxEvent[];
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

/** Orders events as the digest lists them: deletions, stale warnings, expiry warnings; soonest first. */
export function orderEvents(events: readonly OutboxEvent[]): OutboxEvent[] {
  if (events.length < 2) return [...events];
  // Each event's section and instant are looked up once, not once per comparison.
  const keyed = events.map((event) => ({ event, section: sectionOf(event), instant: sortKey(event) }));
  keyed.sort(
    (a, b) =>
      a.section - b.section ||
      collate(a.instant, b.instant) ||
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
 * What happened or will happen to one credential, and (last line) what its
 * owner can do, as wording and the event's values: the text flattens the
 * values ({@link describeEvent}), the HTML email also isolates them.
 */
export function describeEventLines(event: OutboxEvent, now: number): EventLine[] {
  const id: EventValue = { value: event.credentialId };
  switch (event.type) {
    case 'expiry-warning': {
      const expires = ms(event.expiresTime);
      const stage = event.stageDays !== undefined ? ` This is the ${event.stageDays}-day notice.` : '';
      if (expires !== undefined && expires <= now) {
        return [
          line`Expired on ${when(event.expiresTime, now)}; the next sweep soft-deletes it.${stage}`,
          line`What to do: renew it now (set a later expiry) if you still need it; otherwise nothing.`,
        ];
      }
      return [
        line`Expires on ${when(event.expiresTime, now)}.${stage}`,
        line`What to do: renew it (set a later expiry) before then if you still need it; otherwise nothing - it is soft-deleted once expired.`,
      ];
    }
    case 'stale-warning':
      return [
        line`Not used since ${when(event.lastActivity, now)}${staleLimitClause(event)}. It will be soft-deleted on ${when(event.deleteAfter, now)} unless it is used before then.`,
        line`What to do: to keep it, use it once before that date (the flag clears by itself); if you no longer need it, do nothing.`,
      ];
    case 'deleted-expired':
      return [
        line`Soft-deleted on ${when(event.occurredAt, now)} because it expired on ${when(event.expiresTime, now)}.`,
        line`What to do: if you still need it, ask your platform/security team to restore it (credential id ${id}); otherwise nothing.`,
      ];
    case 'deleted-stale':
      return [
        line`Soft-deleted on ${when(event.occurredAt, now)} because it was not used since ${when(event.lastActivity, now)} and was scheduled for deletion on ${valueOr(event.deleteAfter, 'an earlier date')}.`,
        line`What to do: if you still need it, ask your platform/security team to restore it (credential id ${id}); otherwise nothing.`,
      ];
    case 'orphan-flagged':
      return [
        line`Its owner is marked departed in the owner directory. It will be soft-deleted on ${when(event.deleteAfter, now)} unless the owner is active again or an admin exempts it.`,
        line`What to do: if it must keep working, hand it over or have an admin exempt it (credential id ${id}); otherwise nothing.`,
      ];
    case 'deleted-orphaned':
      return [
        line`Soft-deleted on ${when(event.occurredAt, now)} because its owner is marked departed in the owner directory (scheduled for deletion on ${valueOr(event.deleteAfter, 'an earlier date')}).`,
        line`What to do: if it is still needed, ask your platform/security team to restore it (credential id ${id}); otherwise nothing.`,
      ];
  }
}

/** {@link describeEventLines} as the text's lines: each value flattened by {@link plainValue}. */
export function describeEvent(event: OutboxEvent, now: number): string[] {
  return describeEventLines(event, now).map((parts) => {
    let text = '';
    for (const part of parts) text += typeof part === 'string' ? part : plainValue(part.value);
    return text;
  });
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

function renderText(
  userId: string,
  events: readonly OutboxEvent[],
  now: number,
  nowIso: string,
  part: number,
  parts: number,
  ownerName?: string,
): string {
  const lines: string[] = [
    `Hello ${plainName(ownerName) ?? plainValue(userId)},`,
    '',
    `Here is what the credential hygiene worker did or will do to your personal API credentials (as of ${nowIso}).`,
  ];
  if (parts > 1) lines.push(`This digest is long: this is part ${part} of ${parts}.`);
  const bySection = SECTION_ORDER.map((): OutboxEvent[] => []);
  for (const event of events) bySection[sectionOf(event)]?.push(event);
  SECTION_ORDER.forEach((section, index) => {
    const inSection = bySection[index] ?? [];
    if (inSection.length === 0) return;
    lines.push('', `${section.title} (${inSection.length})`);
    const described = inSection.map((event) => ({ event, lines: describeEvent(event, now) }));
    // Advice shared by every credential of the section is said once, under its title.
    const advice = described.map((d) => d.lines.at(-1));
    const shared = advice.every((a) => a === advice[0]) ? advice[0] : undefined;
    if (shared !== undefined) lines.push(shared);
    for (const d of described) {
      lines.push(`  * ${credentialLabel(d.event)}`);
      for (const line of shared === undefined ? d.lines : d.lines.slice(0, -1)) lines.push(`    ${line}`);
    }
  });
  lines.push(
    '',
    '--',
    'All times are UTC. Sent by PersonalClient Hygiene; ask your platform/security team about these notices.',
    // As the HTML footer says it: the text is all an `sns-email` owner receives, and a name may look like a link.
    'Nothing in this email asks you to click a link or enter a password.',
  );
  return lines.join('\n');
}

/**
 * The text digest of one published part, rendered again from its machine
 * document exactly as the notifier rendered it for email (relative phrases
 * from `generatedAt`), greeting `ownerName` when the directory knows it: the
 * relay's `text/plain` part.
 * @throws {RangeError} when `generatedAt` is not a valid instant
 */
export function digestText(
  document: Pick<DigestDocument, 'userId' | 'events' | 'generatedAt' | 'part' | 'parts'>,
  ownerName?: string,
): string {
  const parsed = parseInstant(document.generatedAt);
  if (!parsed.ok)
    throw new RangeError(`generatedAt ${JSON.stringify(document.generatedAt)}: ${parsed.reason}`);
  return renderText(
    document.userId,
    document.events,
    parsed.ms,
    document.generatedAt,
    document.part,
    document.parts,
    ownerName,
  );
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * The horizon of expiry warnings still ahead: the largest notice stage among
 * them (a stage-7 notice means "expires within 7 days"), or whole days to the
 * latest expiry when a stage is missing; undefined when all have passed.
 */
function withinDays(events: readonly OutboxEvent[], now: number): number | undefined {
  let max: number | undefined;
  for (const e of events) {
    const at = ms(e.expiresTime);
    if (at === undefined || at <= now) continue;
    const days = e.stageDays ?? Math.max(1, Math.ceil((at - now) / DAY_MS));
    max = max === undefined ? days : Math.max(max, days);
  }
  return max;
}

/** How a one-deletion subject names its reason. */
const DELETION_WORD = {
  'deleted-expired': 'expired',
  'deleted-stale': 'unused',
  'deleted-orphaned': 'owner departed',
} as const;

function datePart(iso: string | undefined): string {
  return iso?.slice(0, 10) ?? 'soon';
}

/**
 * A specific subject of at most 100 ASCII characters, e.g. "2 API credentials
 * expire within 7 days", naming the credential when there is only one.
 */
export function digestSubject(events: readonly OutboxEvent[], now: number, part = 1, parts = 1): string {
  const suffix = parts > 1 ? ` (part ${part}/${parts})` : '';
  const budget = 100 - suffix.length;
  const expiring = events.filter((e) => e.type === 'expiry-warning');
  const stale = events.filter((e) => e.type === 'stale-warning');
  const deleted = events.filter(
    (e) => e.type === 'deleted-expired' || e.type === 'deleted-stale' || e.type === 'deleted-orphaned',
  );
  const orphaned = events.filter((e) => e.type === 'orphan-flagged');
  const deletedExpired = deleted.filter((e) => e.type === 'deleted-expired').length;
  const only = events.length === 1 ? events[0] : undefined;
  // The name as the body shows it (flattened: one of invisible characters only is no name), else the id.
  const name = (e: OutboxEvent, rest: string) =>
    quotedName(plainName(e.displayName) ?? e.credentialId, budget - rest.length - 1);
  let text: string;
  if (only !== undefined) {
    let rest: string;
    switch (only.type) {
      case 'expiry-warning': {
        const at = ms(only.expiresTime);
        // An entry without its expiry time (the body: "an unknown time") is not called expired, nor due now.
        if (at === undefined) rest = 'expires at an unknown time';
        else rest = at <= now ? 'has expired' : `expires ${relative(at, now)}`;
        text = `API credential ${name(only, `API credential  ${rest}`)} ${rest}`;
        break;
      }
      case 'stale-warning':
        rest = `will be deleted on ${datePart(only.deleteAfter)} unless used`;
        text = `Unused API credential ${name(only, `Unused API credential  ${rest}`)} ${rest}`;
        break;
      case 'orphan-flagged':
        rest = `will be deleted on ${datePart(only.deleteAfter)} (owner departed)`;
        text = `API credential ${name(only, `API credential  ${rest}`)} ${rest}`;
        break;
      case 'deleted-expired':
      case 'deleted-stale':
      case 'deleted-orphaned':
        rest = `was deleted (${DELETION_WORD[only.type]})`;
        text = `API credential ${name(only, `API credential  ${rest}`)} ${rest}`;
        break;
    }
  } else if (expiring.length === events.length) {
    const days = withinDays(expiring, now);
    text =
      days === undefined
        ? `${count(expiring.length, 'API credential')} have expired`
        : `${count(expiring.length, 'API credential')} expire within ${count(days, 'day')}`;
  } else if (stale.length === events.length) {
    const first = stale.map((e) => e.deleteAfter ?? '').sort()[0];
    text = `${count(stale.length, 'unused API credential')} will be deleted unless used, first on ${datePart(first)}`;
  } else if (deleted.length === events.length) {
    const deletedOrphaned = deleted.filter((e) => e.type === 'deleted-orphaned').length;
    const deletedStale = deleted.length - deletedExpired - deletedOrphaned;
    const reasons = [
      deletedExpired > 0 ? `${deletedExpired} expired` : '',
      deletedStale > 0 ? `${deletedStale} unused` : '',
      deletedOrphaned > 0 ? `${deletedOrphaned} owner departed` : '',
    ].filter(Boolean);
    text = `${count(deleted.length, 'API credential')} were deleted (${reasons.join(', ')})`;
  } else {
    const days = withinDays(expiring, now);
    const parts = [
      deleted.length > 0 ? `${deleted.length} deleted` : '',
      // Short words: four kinds must fit SNS's 100 characters with their counts (the body says what each means).
      stale.length > 0 ? `${stale.length} unused` : '',
      orphaned.length > 0 ? `${orphaned.length} orphaned` : '',
      expiring.length > 0
        ? `${expiring.length} expiring${days !== undefined ? ` within ${count(days, 'day')}` : ''}`
        : '',
    ].filter(Boolean);
    text = `Your API credentials: ${parts.join(', ')}`;
  }
  return `${subjectText(text, budget)}${suffix}`;
}

function renderPart(
  input: DigestInput,
  nowIso: string,
  events: readonly OutboxEvent[],
  part: number,
  parts: number,
) {
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
    severity,
    ...(input.ownerReach !== undefined && { ownerReach: input.ownerReach }),
    eventTypes,
    events,
  };
  const message: NotificationMessage = {
    subject: digestSubject(events, input.now, part, parts),
    text: renderText(input.userId, events, input.now, nowIso, part, parts, input.ownerName),
    document,
    routing: {
      audience: 'owner',
      severity,
      eventTypes,
      userId: input.userId,
      ...(input.ownerReach !== undefined && { ownerReach: input.ownerReach }),
    },
  };
  return { message, events, part, parts, bytes: input.budget.measure(message) };
}

/**
 * What each event costs in a part: how much it adds to a one-event digest;
 * the fixed cost is an empty digest with the widest part counter. Both are
 * measured, not guessed, once per digest (not once per packing attempt).
 */
function measureCosts(
  input: DigestInput,
  nowIso: string,
  events: readonly OutboxEvent[],
): { readonly fixed: number; readonly costs: readonly number[] } {
  const fixed = renderPart(input, nowIso, [], 999, 999).bytes;
  return { fixed, costs: events.map((event) => renderPart(input, nowIso, [event], 999, 999).bytes - fixed) };
}

/**
 * Packs events greedily into parts by their measured cost ({@link measureCosts}),
 * so the packing is close; every part is still checked against the limit afterwards.
 */
function pack(
  events: readonly OutboxEvent[],
  measured: { readonly fixed: number; readonly costs: readonly number[] },
  budget: number,
): OutboxEvent[][] {
  const parts: OutboxEvent[][] = [];
  let current: OutboxEvent[] = [];
  let used = measured.fixed;
  events.forEach((event, i) => {
    const cost = measured.costs[i] ?? 0;
    if (current.length > 0 && used + cost > budget) {
      parts.push(current);
      current = [];
      used = measured.fixed;
    }
    current.push(event);
    used += cost;
  });
  if (current.length > 0) parts.push(current);
  return parts;
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
  const whole = renderPart(input, nowIso, events, 1, 1);
  if (whole.bytes <= limit) return [whole];
  // Headers and separators make the sum of costs slightly inexact: shrink the budget until every part fits.
  const measured = measureCosts(input, nowIso, events);
  for (let budget = limit; budget > limit / 4; budget = Math.floor(budget * 0.9)) {
    const groups = pack(events, measured, budget);
    const parts = groups.map((group, i) => renderPart(input, nowIso, group, i + 1, groups.length));
    if (parts.every((p) => p.bytes <= limit)) return parts;
    if (groups.every((g) => g.length === 1)) break;
  }
  throw new DigestTooLargeError(
    `A digest for ${input.userId} cannot be split into messages of at most ${limit} bytes (one event is too large)`,
  );
}
