/**
 * How large a stored item is, counted the way DynamoDB counts it, and whether
 * a credential leaves room for the worker's own writes (docs/data-model.md,
 * "Item size").
 *
 * Why the room: DynamoDB refuses any write that would take an item past 400 KB
 * (409,600 bytes), and every transition adds to the credential (a history
 * entry, a pending notice, bookkeeping attributes). A credential stored near
 * the limit could never be flagged, deleted or noticed: its write would fail
 * on every run. So a credential is judged with its history, its outbox and its
 * bookkeeping counted at no less than the room the worker's writes may take
 * ({@link WORKER_ROOM}); past 400 KB so, `import` refuses it. The sweep does
 * not judge stored items by it: one already in the table is decided as any
 * other (an expired one must still be deleted), and a write DynamoDB refuses
 * for its size is reported as too large to update. What the worker already
 * wrote uses its own room, so an item import took stays within the rule as the
 * worker writes to it.
 *
 * The count (measured against DynamoDB Local byte for byte:
 * test/unit/item-limits.test.ts, test/integration/import-item-limits.test.ts):
 * every attribute name (UTF-8) plus its value; a string is its UTF-8 bytes (a
 * lone surrogate counted as the 3 bytes of the U+FFFD DynamoDB stores); a
 * number 1 byte per pair of base-100 digits (aligned on the decimal point)
 * plus 1, plus 1 more when negative, and 0 is 1 byte; a boolean or null 1
 * byte; binary its bytes; a set its members; a list or map 3 bytes plus 1 byte
 * per element (plus, in a map, the element's name).
 *
 * A stored number a double cannot hold exactly arrives as the SDK's
 * `NumberValue` (lambdas/aws/dynamodb-client.ts): recognised by its shape (a
 * string `value` and a `toAttributeValue` method), as
 * `stored-value-text.ts` recognises it, so the domain needs no SDK import. Pure.
 */
import { HISTORY_ATTR, HYGIENE_ATTR, OUTBOX_ATTR, PURGE_PENDING_ATTR } from './data-contract';
import { decimalShape } from './decimal-shape';

/** DynamoDB's item size limit, in bytes (400 KB). */
export const MAX_ITEM_BYTES = 409_600;

/**
 * What the room for the worker's own writes on a credential is made of
 * (docs/data-model.md, "Item size"; test/unit/item-size-room.test.ts builds
 * each part at its largest with the worker's own code and checks it fits).
 */
export const ROOM_BOUNDS = {
  /**
   * The history's bound, `HISTORY_LIMIT` (history.ts), not imported:
   * history.ts reaches credential.ts, which imports this module.
   */
  historyEntries: 20,
  /**
   * The largest history entry a sweep writes, in bytes: a stale flag's (its
   * detail names three instants, the stale limit and a 64-character risk
   * tier) is ~400.
   */
  historyEntryBytes: 512,
  /**
   * Pending notices allowed for: a transition queues at most one per action,
   * and a working notifier drains them within hours, so twenty are weeks of a
   * stopped notifier. More, or notices stored whole (a credential reassigned
   * with notices pending for its earlier owner: ids and names in each), may
   * still take an item past the limit: the write is then refused and
   * reported as too large (docs/sweep.md, "Write failures").
   */
  pendingNotices: 20,
  /** The largest compact outbox entry a sweep appends, in bytes (a stale warning naming its tier: ~440). */
  noticeBytes: 512,
  /**
   * The attributes a transition sets besides its history and its notices
   * ({@link BOOKKEEPING_ATTRS}), together, in bytes: ~2,600 at their largest,
   * the outbox owner (a `userId` of up to 2,048 bytes) most of it.
   */
  bookkeepingBytes: 3_072,
} as const;

/**
 * The attributes {@link ROOM_BOUNDS}' `bookkeepingBytes` covers: the
 * bookkeeping, the outbox index's keys and the two seed fields a deletion
 * stamps.
 */
const BOOKKEEPING_ATTRS: ReadonlySet<string> = new Set([
  ...Object.values(HYGIENE_ATTR),
  PURGE_PENDING_ATTR,
  OUTBOX_ATTR.owner,
  OUTBOX_ATTR.since,
  'deletedAt',
  'updatedAt',
]);

/** A list attribute's name, its 3 bytes, and `entries` entries of `entryBytes` with a byte each. */
const listRoom = (name: string, entries: number, entryBytes: number) =>
  utf8Bytes(name) + 3 + entries * (entryBytes + 1);

/**
 * The room the worker's own writes may take on a credential, per part, in
 * bytes ({@link ROOM_BOUNDS}): its history at the bound, its outbox with the
 * pending notices allowed for, its bookkeeping attributes. 23,625 bytes
 * together: a credential without them may hold up to 385,975 bytes.
 */
export const WORKER_ROOM = {
  history: listRoom(HISTORY_ATTR, ROOM_BOUNDS.historyEntries, ROOM_BOUNDS.historyEntryBytes),
  outbox: listRoom(OUTBOX_ATTR.events, ROOM_BOUNDS.pendingNotices, ROOM_BOUNDS.noticeBytes),
  bookkeeping: ROOM_BOUNDS.bookkeepingBytes,
} as const;

/** UTF-8 bytes of `text`, without encoding it (a lone surrogate: 3, as U+FFFD). */
export function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 4 bytes for 2 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Bytes DynamoDB stores a number in (see the module comment); a text that is not a number counts as its length. */
export function numberSize(text: string): number {
  const shape = decimalShape(text.trim());
  if (shape === undefined) return utf8Bytes(text);
  if (shape.digits === '') return 1;
  // Base-100 digits: an odd exponent puts a leading 0 in front of the first digit.
  const pairs = Math.ceil((shape.digits.length + (shape.exponent % 2 === 0 ? 0 : 1)) / 2);
  return pairs + 1 + (shape.negative ? 1 : 0);
}

/** The exact text of the SDK's `NumberValue` (by its shape), or `undefined` for any other value. */
function numberValueText(value: object): string | undefined {
  const shape = value as { value?: unknown; toAttributeValue?: unknown };
  if (typeof shape.toAttributeValue !== 'function') return undefined;
  return typeof shape.value === 'string' ? shape.value : undefined;
}

/**
 * How a walk counts a string and a JavaScript number: exactly, or by a
 * bound that needs no scan of the text (3 bytes per UTF-16 unit; a double's
 * text has at most 17 significant digits, so at most 9 pairs, 1 byte more and
 * 1 for the sign).
 */
interface Measure {
  text(text: string): number;
  number(value: number): number;
}

const EXACT: Measure = { text: utf8Bytes, number: (value) => numberSize(String(value)) };
const BOUND: Measure = { text: (text) => 3 * text.length, number: () => 11 };

/** Size of one value (see the module comment) by `measure`. */
function sizeOf(value: unknown, measure: Measure): number {
  if (typeof value === 'string') return measure.text(value);
  if (typeof value === 'number') return measure.number(value);
  if (typeof value === 'bigint') return numberSize(String(value));
  if (value === null || typeof value !== 'object') return 1; // boolean, null (undefined: not stored)
  let size = 0;
  if (Array.isArray(value)) {
    size = 3;
    for (const element of value) size += 1 + sizeOf(element, measure);
  } else if (value instanceof Uint8Array) size = value.byteLength;
  else if (value instanceof Set) for (const member of value) size += sizeOf(member, measure);
  else {
    const numberText = numberValueText(value);
    if (numberText !== undefined) return numberSize(numberText);
    size = 3;
    const map = value as Readonly<Record<string, unknown>>;
    for (const name in map) size += measure.text(name) + 1 + sizeOf(map[name], measure);
  }
  return size;
}

/** Size of one attribute value, without its name (see the module comment). */
export function valueSize(value: unknown): number {
  return sizeOf(value, EXACT);
}

/** An attribute's size by `measure`: its name plus its value. */
const attributeSize = (name: string, value: unknown, measure = EXACT) =>
  measure.text(name) + sizeOf(value, measure);

/** An item's size by DynamoDB's rules: every attribute name plus its value. */
export function itemSizeBytes(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const name in item) size += attributeSize(name, item[name]);
  return size;
}

/**
 * An item's size by `measure`, and its size with the worker's parts counted
 * at no less than their room ({@link WORKER_ROOM}): what {@link itemSizeProblem}
 * judges.
 */
function judgedSizes(
  item: Readonly<Record<string, unknown>>,
  measure: Measure,
): { stored: number; judged: number } {
  let others = 0;
  let history = 0;
  let outbox = 0;
  let bookkeeping = 0;
  for (const name in item) {
    const size = attributeSize(name, item[name], measure);
    if (name === HISTORY_ATTR) history = size;
    else if (name === OUTBOX_ATTR.events) outbox = size;
    else if (BOOKKEEPING_ATTRS.has(name)) bookkeeping += size;
    else others += size;
  }
  const judged =
    others +
    Math.max(history, WORKER_ROOM.history) +
    Math.max(outbox, WORKER_ROOM.outbox) +
    Math.max(bookkeeping, WORKER_ROOM.bookkeeping);
  return { stored: history + outbox + bookkeeping + others, judged };
}

/** The item's size with the worker's parts counted at no less than their room ({@link WORKER_ROOM}), in bytes. */
export function judgedItemBytes(item: Readonly<Record<string, unknown>>): number {
  return judgedSizes(item, EXACT).judged;
}

/** `n` with thousands separators (`409,600`), without starting ICU's number formatter. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** The item's largest attribute and its size (name + value). */
function largestAttribute(item: Readonly<Record<string, unknown>>): { name: string; size: number } {
  let largest = { name: '', size: -1 };
  for (const name in item) {
    const size = attributeSize(name, item[name]);
    if (size > largest.size) largest = { name, size };
  }
  return largest;
}

/**
 * Why `item` leaves no room for the worker's writes (see the module comment),
 * naming its size, its size with that room and its largest attribute; or
 * `undefined` when it fits. Cheap for the common small item (every parse
 * asks): the exact count runs only when the bound (no text scanned) might not
 * fit, as the bound is never below the exact count.
 */
export function itemSizeProblem(item: Readonly<Record<string, unknown>>): string | undefined {
  if (judgedSizes(item, BOUND).judged <= MAX_ITEM_BYTES) return undefined;
  const { stored, judged } = judgedSizes(item, EXACT);
  if (judged <= MAX_ITEM_BYTES) return undefined;
  const largest = largestAttribute(item);
  const name = largest.name.length > 40 ? `${largest.name.slice(0, 20)}…` : largest.name;
  return (
    `${grouped(stored)} bytes as DynamoDB counts them (attribute names + values), ${grouped(judged)} with the ` +
    `room the worker's own writes may take (its history, pending notices and bookkeeping: docs/data-model.md, ` +
    `"Item size"), over DynamoDB's 400 KB item limit (${grouped(MAX_ITEM_BYTES)} bytes); ` +
    `the largest attribute is ${name} (${grouped(largest.size)} bytes)`
  );
}
