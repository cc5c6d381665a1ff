/**
 * One item's "mark sent" write, described once and rendered two ways: as an
 * `UpdateItem` expression (the per-item path, which re-plans after a failed
 * condition) and as a PartiQL `UPDATE` statement (the batched path: up to 25
 * statements in one `BatchExecuteStatement`, each its own conditional write at
 * the price of an `UpdateItem`, docs/notifications.md "The outbox protocol").
 * Both carry the same guards, so they remove exactly the same entries. Also
 * the cleanup of an item left in the outbox index with an empty or absent
 * list (written by marks before every partial removal was size-guarded).
 */
import { isDeepStrictEqual } from 'node:util';
import { HYGIENE_ATTR, OUTBOX_ATTR, OUTBOX_CLAIM_ATTR, PURGE_PENDING_ATTR } from '../hygiene/data-contract';
import { type MarkPlan, planPurgeRelease } from '../hygiene/outbox-item';
import type { RawItem } from '../hygiene/ports';
import { formatInstant, parseInstant } from '../hygiene/time';
import { TABLE_DEFINITION } from './credential-table-definition';
import { UpdateExpressionBuilder } from './update-expression';

const KEY = TABLE_DEFINITION.partitionKey.name;

/**
 * A held-back purge is released only on an item still soft-deleted: its
 * `deletedAt` a string (absent or `NULL`: live, docs/rules.md). When
 * `deletedAt` was removed by anything but restore, the purge time is a
 * leftover the next sweep clears (docs/rules.md, "Soft-delete"): released, it
 * would have TTL hard-delete a live credential.
 */
const SOFT_DELETED = { attribute: 'deletedAt', type: 'S' } as const;

/** What one removed entry must still be: its event id, and the run that queued it. */
export interface EntryGuard {
  readonly index: number;
  readonly eventId: string;
  readonly runId?: string;
}

/** `size(hygieneOutbox) <compare> size`. */
export interface SizeGuard {
  readonly compare: '=' | '>';
  readonly size: number;
}

/** What a mark writes on one item, and the guards that make it safe. */
export interface MarkWrite {
  /**
   * Each removed entry: `hygieneOutbox[index].eventId = eventId`, and
   * `.runId = runId` when the entry has one (every valid entry does). The run
   * tells apart two entries that share an event id (the same notice queued
   * by two runs): a removal that finds the other one at the index fails and
   * re-plans, instead of removing an unsent entry in place of a sent one.
   */
  readonly entryGuards: readonly EntryGuard[];
  /**
   * The list's size: when the whole outbox goes, `= n`, the size read (an
   * append meanwhile fails it); when some entries go, `> k`, the number
   * removed, so something stays (another drain's removal meanwhile can fail
   * it: without it, two drains removing different entries of one list could
   * each pass their entry guards and leave an empty list that keeps the item
   * in the index), while a sweep's append, at the list's end, does not (the
   * entry guards still locate exactly the published entries). A failed guard
   * re-plans from the item as it is.
   */
  readonly sizeGuard: SizeGuard;
  /**
   * `hygienePurgePending = n` when a held-back purge is released (a restore
   * meanwhile fails it), with the item still soft-deleted ({@link SOFT_DELETED}).
   */
  readonly purgeGuard?: number;
  /** List entries removed (when the outbox stays). */
  readonly removeIndexes: readonly number[];
  /** Whole attributes removed. */
  readonly removeAttributes: readonly string[];
  /** Attributes set. */
  readonly set: readonly (readonly [string, string | number])[];
}

/** What leaves an item with its whole outbox: the list, both index keys, a per-item claim of the previous protocol. */
const WHOLE_OUTBOX = [
  OUTBOX_ATTR.events,
  OUTBOX_ATTR.owner,
  OUTBOX_ATTR.since,
  OUTBOX_CLAIM_ATTR.claim,
  OUTBOX_CLAIM_ATTR.claimUntil,
];

/** The earliest `occurredAt` among the entries kept, canonical UTC, or undefined. */
function oldestKept(list: unknown, removed: ReadonlySet<number>): string | undefined {
  if (!Array.isArray(list)) return undefined;
  let oldest: number | undefined;
  list.forEach((entry: unknown, i) => {
    if (removed.has(i)) return;
    // Only the instant matters here (a stored entry is compact: it names no owner or credential).
    const occurredAt = (entry as { occurredAt?: unknown } | null)?.occurredAt;
    if (typeof occurredAt !== 'string') return;
    const at = parseInstant(occurredAt);
    if (at.ok && (oldest === undefined || at.ms < oldest)) oldest = at.ms;
  });
  return oldest === undefined ? undefined : formatInstant(oldest);
}

/**
 * The write for `plan` made from `observed`: remove the published entries
 * (keeping the index sort key on the oldest one left), or the whole outbox and
 * both index keys (the item leaves the index) and start a held-back purge.
 * Either is guarded by the list's size ({@link MarkWrite.sizeGuard}). Always drops a per-item claim
 * left by the previous protocol.
 * @param now wall clock (epoch ms), for releasing a held-back purge
 */
export function markWrite(observed: RawItem, plan: MarkPlan, now: number): MarkWrite {
  const entryGuards = plan.remove.map((removed) => entryGuard(observed, removed));
  if (!plan.removeAll) {
    const since = oldestKept(observed[OUTBOX_ATTR.events], new Set(plan.remove.map((r) => r.index)));
    return {
      entryGuards,
      sizeGuard: { compare: '>', size: plan.remove.length },
      removeIndexes: plan.remove.map((r) => r.index),
      removeAttributes: [OUTBOX_CLAIM_ATTR.claim, OUTBOX_CLAIM_ATTR.claimUntil],
      set: since === undefined ? [] : [[OUTBOX_ATTR.since, since]],
    };
  }
  const purge = planPurgeRelease(observed, now);
  // No guard is needed when nothing was held back: a deletion since the read appended its notice, so the
  // size guard fails and the plan is redone from the item as it now is.
  if (purge.kind !== 'release')
    return {
      entryGuards,
      sizeGuard: wholeList(plan),
      removeIndexes: [],
      removeAttributes: WHOLE_OUTBOX,
      set: [],
    };
  return {
    entryGuards,
    sizeGuard: wholeList(plan),
    purgeGuard: purge.pending,
    removeIndexes: [],
    removeAttributes: [...WHOLE_OUTBOX, PURGE_PENDING_ATTR],
    set: [[HYGIENE_ATTR.purgeAt, purge.purgeAt]],
  };
}

/**
 * The ids a re-planned mark may match in `observed` (the list as it is now,
 * after a mark's condition failed): each entry this mark published, found
 * again by its whole stored content, at whatever index another drain's
 * removal or a sweep's append has moved it to; every other entry lists no
 * id. By content, not by `eventId`: an unsent entry sharing a published
 * one's id is never taken for it (entries equal in every field are one
 * notice, either may go).
 * @param read the list the mark was planned from
 * @param listed the id at each index of `read` this mark may remove (`undefined`: keep)
 */
export function relocatePublished(
  read: unknown,
  listed: readonly (string | undefined)[],
  observed: unknown,
): (string | undefined)[] {
  if (!Array.isArray(observed)) return [];
  const readList: readonly unknown[] = Array.isArray(read) ? read : [];
  const unmatched = listed.flatMap((id, index) => (id === undefined ? [] : [index]));
  return observed.map((entry: unknown) => {
    const at = unmatched.findIndex((index) => isDeepStrictEqual(readList[index], entry));
    if (at < 0) return undefined;
    const [index] = unmatched.splice(at, 1);
    return index === undefined ? undefined : listed[index];
  });
}

/** The guard of one removed entry: its id, and its `runId` as `observed` holds it at that index. */
function entryGuard(
  observed: RawItem,
  removed: { readonly index: number; readonly eventId: string },
): EntryGuard {
  const list = observed[OUTBOX_ATTR.events];
  const entry: unknown = Array.isArray(list) ? list[removed.index] : undefined;
  const runId = (entry as { runId?: unknown } | null | undefined)?.runId;
  return typeof runId === 'string' ? { ...removed, runId } : removed;
}

/** The whole list goes: its size must still be the size read. */
function wholeList(plan: MarkPlan): SizeGuard {
  return { compare: '=', size: plan.storedSize };
}

/**
 * True when `raw` is still in the outbox index (`hygieneOutboxOwner` set) with
 * nothing pending: its list is absent or empty. Such an item is listed by
 * every drain, counted `alreadyDrained`, ages the outbox alarm and holds its
 * purge back forever, until {@link emptyOutboxCleanup} clears it.
 */
export function isEmptyIndexedOutbox(raw: RawItem): boolean {
  const owner = raw[OUTBOX_ATTR.owner];
  const list = raw[OUTBOX_ATTR.events];
  return (
    typeof owner === 'string' &&
    owner !== '' &&
    (list === undefined || (Array.isArray(list) && list.length === 0))
  );
}

/**
 * The `UpdateItem` that takes an {@link isEmptyIndexedOutbox} item out of the
 * index as the mark that emptied it should have: remove the list, both index
 * keys and a leftover claim, and release a held-back purge. Conditional on the
 * list being still absent or empty and the owner the one read (an append
 * meanwhile fails it: the item is pending again), and on the held-back purge
 * as read on an item still soft-deleted (a restore meanwhile fails it; the
 * next drain tries again; so does a live item's leftover purge, until the
 * sweep clears it: {@link SOFT_DELETED}).
 * @param now wall clock (epoch ms), for releasing a held-back purge
 */
export function emptyOutboxCleanup(observed: RawItem, now: number): UpdateExpressionBuilder {
  const update = new UpdateExpressionBuilder();
  const events = update.name(OUTBOX_ATTR.events);
  update.condition(`${update.name(OUTBOX_ATTR.owner)} = ${update.value(observed[OUTBOX_ATTR.owner])}`);
  update.condition(`(attribute_not_exists(${events}) OR size(${events}) = ${update.value(0)})`);
  for (const attribute of WHOLE_OUTBOX) update.remove(attribute);
  const purge = planPurgeRelease(observed, now);
  if (purge.kind === 'release') {
    releaseGuard(update, purge.pending);
    update.remove(PURGE_PENDING_ATTR).set(HYGIENE_ATTR.purgeAt, purge.purgeAt);
  }
  return update;
}

/** The conditions of a purge release: the held-back purge as read, on an item still soft-deleted. */
function releaseGuard(update: UpdateExpressionBuilder, pending: number): void {
  update.condition(`${update.name(PURGE_PENDING_ATTR)} = ${update.value(pending)}`);
  update.condition(
    `attribute_type(${update.name(SOFT_DELETED.attribute)}, ${update.value(SOFT_DELETED.type)})`,
  );
}

/** The write as an `UpdateItem` expression (names and values as placeholders). */
export function markUpdateExpression(write: MarkWrite): UpdateExpressionBuilder {
  const update = new UpdateExpressionBuilder();
  const events = update.name(OUTBOX_ATTR.events);
  const eventId = update.name('eventId');
  for (const guard of write.entryGuards) {
    update.condition(`${events}[${guard.index}].${eventId} = ${update.value(guard.eventId)}`);
    // Named only when used: DynamoDB refuses an expression name no expression uses.
    if (guard.runId !== undefined)
      update.condition(`${events}[${guard.index}].${update.name('runId')} = ${update.value(guard.runId)}`);
  }
  update.condition(`size(${events}) ${write.sizeGuard.compare} ${update.value(write.sizeGuard.size)}`);
  if (write.purgeGuard !== undefined) releaseGuard(update, write.purgeGuard);
  for (const index of write.removeIndexes) update.removePath(`${events}[${index}]`);
  for (const attribute of write.removeAttributes) update.remove(attribute);
  for (const [attribute, value] of write.set) update.set(attribute, value);
  return update;
}

/** A PartiQL statement and its positional parameters. */
export interface PartiqlStatement {
  readonly Statement: string;
  /** Strings and numbers only (ids, instants, sizes, epoch seconds). */
  readonly Parameters: (string | number)[];
}

/** `"name"`: a PartiQL quoted identifier (a double quote inside is doubled; table and attribute names have none). */
export function partiqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The write as a PartiQL `UPDATE` of one item: `REMOVE`/`SET` clauses, then
 * `WHERE` the key and every guard. A PartiQL `UPDATE` never creates an item:
 * a missing one fails the condition like a changed one.
 */
export function markStatement(tableName: string, credentialId: string, write: MarkWrite): PartiqlStatement {
  const events = partiqlIdentifier(OUTBOX_ATTR.events);
  const clauses: string[] = [];
  const setParameters: (string | number)[] = [];
  for (const index of write.removeIndexes) clauses.push(`REMOVE ${events}[${index}]`);
  for (const attribute of write.removeAttributes) clauses.push(`REMOVE ${partiqlIdentifier(attribute)}`);
  for (const [attribute, value] of write.set) {
    clauses.push(`SET ${partiqlIdentifier(attribute)} = ?`);
    setParameters.push(value);
  }
  const where = [`${partiqlIdentifier(KEY)} = ?`];
  const whereParameters: (string | number)[] = [credentialId];
  for (const guard of write.entryGuards) {
    where.push(`${events}[${guard.index}].${partiqlIdentifier('eventId')} = ?`);
    whereParameters.push(guard.eventId);
    if (guard.runId === undefined) continue;
    where.push(`${events}[${guard.index}].${partiqlIdentifier('runId')} = ?`);
    whereParameters.push(guard.runId);
  }
  where.push(`size(${events}) ${write.sizeGuard.compare} ?`);
  whereParameters.push(write.sizeGuard.size);
  if (write.purgeGuard !== undefined) {
    where.push(`${partiqlIdentifier(PURGE_PENDING_ATTR)} = ?`);
    where.push(`attribute_type(${partiqlIdentifier(SOFT_DELETED.attribute)}, ?)`);
    whereParameters.push(write.purgeGuard, SOFT_DELETED.type);
  }
  return {
    Statement: `UPDATE ${partiqlIdentifier(tableName)} ${clauses.join(' ')} WHERE ${where.join(' AND ')}`,
    Parameters: [...setParameters, ...whereParameters],
  };
}
