/**
 * The outbox as stored on a credential item: reading it from a raw item (every
 * event bounded the same way, whatever wrote its entry, so one forged or
 * corrupted entry cannot outgrow a message), a per-item claim left by the
 * previous drain protocol, and planning which list entries a "mark sent" removes.
 * Pure: the DynamoDB adapter turns these plans into conditional writes.
 */

import { DELETED_REASONS, MAX_KEY_BYTES } from './credential';
import { OUTBOX_ATTR, OUTBOX_CLAIM_ATTR, PURGE_PENDING_ATTR } from './data-contract';
import { EVENT_TYPES, type EventType, type OutboxEvent, shortenedName } from './events';
import type { OutboxIndexEntry, PendingOutboxItem } from './outbox-ports';
import type { RawItem } from './ports';

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

const REQUIRED_STRINGS = ['eventId', 'credentialId', 'userId', 'runId', 'occurredAt'] as const;
const OPTIONAL_STRINGS = [
  'displayName',
  'clientId',
  'expiresTime',
  'deleteAfter',
  'lastActivity',
  'reason',
  'tier',
  // Absent from a deletion notice without a purge, and from one an earlier version queued.
  'restorableUntil',
] as const;
/** Optional numbers; `staleAfterDays` is absent from a stale warning an earlier version queued. */
const OPTIONAL_NUMBERS = ['stageDays', 'staleAfterDays'] as const;

/**
 * Optional flags: the worker stores one only as `true`; `false` reads as absent. `exempt` is absent from an expiry
 * warning an earlier version queued.
 */
const OPTIONAL_FLAGS = ['exempt'] as const;

/** The fields a read event carries after its `type`, in this order. */
const EVENT_FIELDS = [
  ...REQUIRED_STRINGS,
  ...OPTIONAL_STRINGS,
  ...OPTIONAL_NUMBERS,
  ...OPTIONAL_FLAGS,
] as const;

/**
 * The free text an event carries (the credential's names, a stale warning's
 * risk tier): cut by {@link shortenedName} on every read, whichever shape the entry has.
 */
const NAME_FIELDS: ReadonlySet<string> = new Set(['displayName', 'clientId', 'tier']);

/**
 * The string fields that must be kept exactly (ids, instants; `reason` is
 * checked against its values): one longer than DynamoDB's key limit
 * ({@link MAX_KEY_BYTES}, which bounds every credential id and owner) makes
 * the entry malformed. Nothing the worker writes comes close; cutting such a
 * value would change what it identifies.
 */
const EXACT_STRINGS = [
  ...REQUIRED_STRINGS,
  'expiresTime',
  'deleteAfter',
  'lastActivity',
  'restorableUntil',
] as const;

const utf8 = new TextEncoder();

/** True when `value` takes more than {@link MAX_KEY_BYTES} in UTF-8 (a code unit is at most 3 bytes). */
function exceedsKeyLimit(value: string): boolean {
  return value.length > MAX_KEY_BYTES / 3 && utf8.encode(value).length > MAX_KEY_BYTES;
}

/** Why the fields of a stored map are not an event's, or `undefined` when they are. */
function fieldProblem(v: Record<string, unknown>): string | undefined {
  for (const key of REQUIRED_STRINGS) {
    if (typeof v[key] !== 'string' || v[key] === '') return `${key} is missing or not a string`;
  }
  if (typeof v.type !== 'string' || !EVENT_TYPE_SET.has(v.type)) {
    return `type ${JSON.stringify(v.type)} is not one of ${EVENT_TYPES.join(', ')}`;
  }
  for (const key of OPTIONAL_STRINGS) {
    if (v[key] !== undefined && v[key] !== null && typeof v[key] !== 'string')
      return `${key} is not a string`;
  }
  for (const key of EXACT_STRINGS) {
    const value = v[key];
    if (typeof value === 'string' && exceedsKeyLimit(value))
      return `${key} is longer than DynamoDB's key limit of ${MAX_KEY_BYTES} bytes`;
  }
  for (const key of OPTIONAL_NUMBERS) {
    if (v[key] !== undefined && v[key] !== null && typeof v[key] !== 'number')
      return `${key} is not a number`;
  }
  for (const key of OPTIONAL_FLAGS) {
    if (v[key] !== undefined && v[key] !== null && typeof v[key] !== 'boolean')
      return `${key} is not a boolean`;
  }
  if (
    v.reason !== undefined &&
    v.reason !== null &&
    !(DELETED_REASONS as readonly unknown[]).includes(v.reason)
  ) {
    return `reason ${JSON.stringify(v.reason)} is not ${DELETED_REASONS.join(', ')}`;
  }
  return undefined;
}

/**
 * Reads one stored outbox entry, or says why it is not a valid event. Every
 * event read is bounded the same way, whatever wrote it: names are cut to 256
 * characters ({@link shortenedName}), and an id or instant longer than
 * {@link MAX_KEY_BYTES} makes the entry malformed.
 */
export function parseOutboxEvent(
  value: unknown,
): { ok: true; event: OutboxEvent } | { ok: false; problem: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problem: 'is not a map' };
  }
  const v = value as Record<string, unknown>;
  const problem = fieldProblem(v);
  if (problem !== undefined) return { ok: false, problem };
  const event: Record<string, unknown> = { type: v.type as EventType };
  for (const key of EVENT_FIELDS) {
    const field = v[key];
    if (field === undefined || field === null || field === false) continue;
    event[key] = NAME_FIELDS.has(key) ? shortenedName(field as string) : field;
  }
  return { ok: true, event: event as unknown as OutboxEvent };
}

/**
 * The event fields the credential item itself holds: a stored outbox entry
 * does not repeat them (docs/data-model.md, "Outbox"), which keeps an item
 * with pending notices within 1 KB, so each of its writes costs one write unit.
 */
const ITEM_HELD_FIELDS = ['credentialId', 'userId', 'displayName', 'clientId'] as const;

/** An outbox entry as stored: the event without the fields its item holds. */
export type StoredOutboxEvent = Omit<OutboxEvent, (typeof ITEM_HELD_FIELDS)[number]>;

const ITEM_HELD: ReadonlySet<string> = new Set(ITEM_HELD_FIELDS);

/** The stored form of `event` (what the transition write appends to `hygieneOutbox`). */
export function storedEvent(event: OutboxEvent): StoredOutboxEvent {
  return Object.fromEntries(
    Object.entries(event).filter(([field]) => !ITEM_HELD.has(field)),
  ) as StoredOutboxEvent;
}

/**
 * The item-held fields a stored entry takes from its item: the credential id,
 * the owner the notice was queued for (`hygieneOutboxOwner`, written with the
 * events) and the credential's current names ({@link parseOutboxEvent} cuts
 * them, as it cuts every event's).
 */
function itemEventFields(raw: RawItem, credentialId: string, owner: string): Record<string, string> {
  const fields: Record<string, string> = { credentialId, userId: owner };
  if (typeof raw.displayName === 'string') fields.displayName = raw.displayName;
  if (typeof raw.clientId === 'string') fields.clientId = raw.clientId;
  return fields;
}

/**
 * Reads one stored outbox entry of an item: a compact entry (naming neither
 * credential nor owner) gets the item-held fields from the item; an entry
 * that names them (written before entries were compact, or by someone else)
 * is read as it is (bounded like every event), so a mismatch with its item still shows.
 */
function parseStoredEvent(entry: unknown, fromItem: Record<string, string>) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return parseOutboxEvent(entry);
  const map = entry as Record<string, unknown>;
  const whole = map.credentialId != null || map.userId != null;
  return parseOutboxEvent(whole ? map : { ...map, ...fromItem });
}

/**
 * Reads one entry of the sparse outbox index (keys only: `id`,
 * `hygieneOutboxOwner`, `hygieneOutboxSince`), or `undefined` when it lacks
 * the id or the owner.
 */
export function readOutboxIndexEntry(raw: RawItem): OutboxIndexEntry | undefined {
  const credentialId = raw.id;
  const owner = raw[OUTBOX_ATTR.owner];
  if (typeof credentialId !== 'string' || typeof owner !== 'string' || owner === '') return undefined;
  const since = raw[OUTBOX_ATTR.since];
  return { credentialId, userId: owner, ...(typeof since === 'string' && { since }) };
}

/**
 * Reads a raw item's pending outbox, or `undefined` when it has none (no
 * owner, or an empty or absent list).
 */
export function readPendingItem(raw: RawItem): PendingOutboxItem | undefined {
  const credentialId = raw.id;
  const list = raw[OUTBOX_ATTR.events];
  const owner = raw[OUTBOX_ATTR.owner];
  if (typeof credentialId !== 'string' || !Array.isArray(list) || list.length === 0) return undefined;
  // The owner attribute is the index key; if it is missing, the entries' own owner, else the item's
  // (looked for only then: compact entries name no owner, so the search would read every entry for nothing).
  const userId =
    typeof owner === 'string' && owner !== ''
      ? owner
      : legacyOwner(list) || (typeof raw.userId === 'string' ? raw.userId : '');
  if (userId === '') return undefined;
  const fromItem = itemEventFields(raw, credentialId, userId);
  const events: OutboxEvent[] = [];
  const malformed: { index: number; problem: string }[] = [];
  const storedEventIds: (string | undefined)[] = [];
  list.forEach((entry: unknown, index) => {
    const parsed = parseStoredEvent(entry, fromItem);
    if (parsed.ok) {
      events.push(parsed.event);
      storedEventIds.push(parsed.event.eventId);
    } else {
      // Never published, so never removed: no id a mark could match, even one a valid entry shares.
      malformed.push({ index, problem: parsed.problem });
      storedEventIds.push(undefined);
    }
  });
  const since = raw[OUTBOX_ATTR.since];
  return {
    credentialId,
    userId,
    events,
    malformed,
    storedEventIds,
    ...(typeof since === 'string' && { since }),
    raw,
  };
}

/**
 * The owner named by the first stored entry that names one (entries written
 * before entries were compact carry `userId`), or `''`.
 */
function legacyOwner(list: readonly unknown[]): string {
  for (const entry of list) {
    const userId = (entry as { userId?: unknown } | null)?.userId;
    if (typeof userId === 'string' && userId !== '') return userId;
  }
  return '';
}

/** Which stored list entries a "mark sent" removes, and the guards that make it safe. */
export interface MarkPlan {
  /** Entries to remove: each guarded by `hygieneOutbox[index].eventId = eventId`. */
  readonly remove: readonly { readonly index: number; readonly eventId: string }[];
  /**
   * True when the removal empties the list: remove the whole list and the
   * index keys instead, guarded by `size(hygieneOutbox) = storedSize` so an
   * event appended meanwhile is never dropped.
   */
  readonly removeAll: boolean;
  /** The list length the plan was made from. */
  readonly storedSize: number;
  /** Published events no longer in the list (another drain marked them). */
  readonly alreadyGone: number;
  /** Entries left after the removal. */
  readonly remaining: number;
}

/**
 * Plans removing the published events from the stored list as last seen:
 * each published `eventId` takes the first unused stored entry with that id.
 * @param storedEventIds the id a mark may match at each list index;
 *   `undefined` is never taken (a malformed entry, or one the mark must keep)
 */
export function planMark(
  storedEventIds: readonly (string | undefined)[],
  publishedEventIds: readonly string[],
): MarkPlan {
  const taken = new Set<number>();
  const remove: { index: number; eventId: string }[] = [];
  let alreadyGone = 0;
  for (const eventId of publishedEventIds) {
    const index = storedEventIds.findIndex((id, i) => id === eventId && !taken.has(i));
    if (index < 0) {
      alreadyGone += 1;
      continue;
    }
    taken.add(index);
    remove.push({ index, eventId });
  }
  remove.sort((a, b) => a.index - b.index);
  const remaining = storedEventIds.length - remove.length;
  return {
    remove,
    removeAll: remove.length > 0 && remaining === 0,
    storedSize: storedEventIds.length,
    alreadyGone,
    remaining,
  };
}

/**
 * What a "mark sent" that empties the outbox does about a purge the sweep held
 * back until the deletion notice was sent (`hygienePurgePending`).
 */
export type PurgeRelease =
  /** Nothing held back. */
  | { readonly kind: 'none' }
  /**
   * Release it: `SET hygienePurgeAt = purgeAt REMOVE hygienePurgePending`,
   * guarded by `hygienePurgePending = pending` (the value read), so a restore
   * or a re-deletion meanwhile is never overwritten.
   */
  | { readonly kind: 'release'; readonly pending: number; readonly purgeAt: number }
  /** A stored value that is not epoch seconds: left alone, so the item is never purged by mistake. */
  | { readonly kind: 'malformed' }
  /**
   * Held back on an item no longer soft-deleted (no `deletedAt` string: a deletion undone other than by
   * restore): a leftover the next sweep clears (docs/rules.md, "Soft-delete"), never released into a TTL on a
   * live credential.
   */
  | { readonly kind: 'not-deleted' };

/**
 * Plans releasing a held-back purge once the outbox is empty: TTL at the
 * intended time, or now if that has passed (the notice went out late).
 * @param raw the item as last read (the drain's read, with `deletedAt`, or a failed condition's copy)
 * @param now epoch ms
 */
export function planPurgeRelease(raw: RawItem, now: number): PurgeRelease {
  const pending = raw[PURGE_PENDING_ATTR];
  if (pending === undefined) return { kind: 'none' };
  if (typeof pending !== 'number' || !Number.isSafeInteger(pending) || pending < 0)
    return { kind: 'malformed' };
  if (typeof raw.deletedAt !== 'string') return { kind: 'not-deleted' };
  return { kind: 'release', pending, purgeAt: Math.max(pending, Math.floor(now / 1000)) };
}

/**
 * A per-item claim another drain of the previous protocol (per-item claims,
 * before the drain lease) still holds live on `raw`, or `undefined`. A drain
 * skips such an item until the claim lapses, so the switch of protocols
 * cannot double-send (docs/notifications.md, "The outbox protocol").
 * @param nowIso the drain's clock, canonical UTC (claim ends compare as strings)
 */
export function liveForeignClaim(
  raw: RawItem,
  drainId: string,
  nowIso: string,
): { readonly heldBy: string; readonly until: string } | undefined {
  const heldBy = raw[OUTBOX_CLAIM_ATTR.claim];
  const until = raw[OUTBOX_CLAIM_ATTR.claimUntil];
  if (typeof heldBy !== 'string' || heldBy === drainId) return undefined;
  if (typeof until !== 'string' || until <= nowIso) return undefined;
  return { heldBy, until };
}
