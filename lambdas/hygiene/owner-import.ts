/**
 * Loading the owner directory from an HR / IdP export (`pc-hygiene owners
 * import`, docs/deploy.md "Owner directory"): checking each row, and planning
 * what an import changes, before anything is written. Pure: rows in, verdicts
 * and plans out; reading the file and writing the table are the CLI's and the
 * store's.
 *
 * Why plan first: a bad file must leave the directory untouched ("nothing of
 * a bad file is half-written"), and `--sync` (missing owners become
 * `departed`, which orphans their credentials) must be judged by the
 * blast-radius guard before a single owner changes.
 */
import { MAX_KEY_BYTES } from './credential';
import { RESERVED_ID_PREFIX } from './data-contract';
import { exceedsPercent } from './guard';
import { loneSurrogateProblems } from './lone-surrogates';
import { isAddressDigest, optedOutAddressDigest } from './opted-out-address';
import {
  normalizeEmail,
  OWNER_STATUSES,
  type OwnerRecord,
  type OwnerStatus,
  SUBSCRIPTION_STATES,
  type SubscriptionState,
} from './owner-directory';
import { shortDigest } from './owner-export-digest';
import { describeStoredValue } from './stored-value-text';
import { parseInstant } from './time';

/** The columns of a CSV export and the keys of a JSON Lines one. */
export const OWNER_FILE_FIELDS = ['userId', 'email', 'name', 'status'] as const;

/**
 * Route state the worker records, present in `owners export` lines, so an
 * export can be edited and imported back. An import keeps only the opt-outs
 * of a line ({@link ExportedOptOuts}: `subscription` `unsubscribed`,
 * `optedOutAddresses`; {@link KeptOptOuts}); the rest belongs to the table it
 * was exported from (its topic's subscription, its SES account's bounces) and
 * is ignored, as is `updatedAt`.
 */
export const WORKER_RECORDED_FIELDS = [
  'subscription',
  'subscriptionArn',
  'bouncingSince',
  'optedOutAddresses',
  'updatedAt',
] as const;
const KNOWN_FIELDS: readonly string[] = [...OWNER_FILE_FIELDS, ...WORKER_RECORDED_FIELDS];

/** RFC 5321's limit on an address. */
const MAX_EMAIL_LENGTH = 254;
const MAX_NAME_LENGTH = 256;
/** Opt-out digests one line may carry: far more than a person has addresses, far below DynamoDB's item size. */
const MAX_OPTED_OUT_ADDRESSES = 1000;
/** One `@`, something on both sides, no whitespace: enough to catch a column mix-up, not a full RFC 5322 parser. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const utf8 = new TextEncoder();

/** One row of the file, as the reader found it. */
export interface OwnerRow {
  /** 1-based line number in the file (the header is line 1 of a CSV). */
  readonly line: number;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** An owner as the file states it. */
export interface ImportedOwner {
  readonly userId: string;
  readonly email?: string;
  readonly name?: string;
  readonly status: OwnerStatus;
  /**
   * What the line says the person opted out of (an `owners export` line,
   * JSON Lines only); absent when it says nothing. Kept for a new owner and
   * merged into an existing one's state ({@link KeptOptOuts}), never dropped
   * without a word ({@link OptOutNotApplied}).
   */
  readonly optOuts?: ExportedOptOuts;
}

/**
 * The opt-outs an `owners export` line carries, so moving a directory
 * (export, then import into another table) does not subscribe again everyone
 * who said stop, whether the owner is new to that table or already there
 * (a first HR import ran before; {@link planOwnerImport}).
 */
export interface ExportedOptOuts {
  /**
   * The line's `subscription` is `unsubscribed`: an opt-out at the line's own
   * address, recorded without an ARN (the ARN is the other table's topic's).
   */
  readonly unsubscribed: boolean;
  /** The line's `optedOutAddresses` (address digests), deduplicated and sorted; empty: none. */
  readonly optedOutAddresses: readonly string[];
}

/** A row that cannot be imported, and why (each problem names the field). */
export interface RejectedOwnerRow {
  readonly line: number;
  readonly userId: string | null;
  readonly problems: readonly string[];
}

function optionalText(
  fields: OwnerRow['fields'],
  key: 'email' | 'name',
  problems: string[],
): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    problems.push(`${key}: must be a string, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return value;
}

/** The line's `optedOutAddresses` as digests, deduplicated and sorted (absent or `null`: none). */
function optedOutDigests(value: unknown, problems: string[]): readonly string[] {
  if (value === undefined || value === null) return [];
  const digest = 'address digest (SHA-256: 64 lowercase hex characters, as owners export writes it)';
  if (!Array.isArray(value)) {
    problems.push(`optedOutAddresses: must be an array, each an ${digest}; got ${JSON.stringify(value)}`);
    return [];
  }
  const bad = value.findIndex((element) => !isAddressDigest(element));
  if (bad >= 0) {
    problems.push(`optedOutAddresses[${bad}]: ${JSON.stringify(value[bad])} is not an ${digest}`);
    return [];
  }
  if (value.length > MAX_OPTED_OUT_ADDRESSES) {
    problems.push(`optedOutAddresses: ${value.length} digests, more than ${MAX_OPTED_OUT_ADDRESSES}`);
    return [];
  }
  return [...new Set(value as string[])].sort();
}

/**
 * The opt-outs of a line's worker-recorded fields ({@link ExportedOptOuts};
 * `undefined` when none). `subscription` must be one of the states (only
 * `unsubscribed` is kept: the others describe the other table's topic), and
 * `optedOutAddresses` an array of digests; a bad value is a problem naming the
 * field, as any other is.
 */
function exportedOptOuts(fields: OwnerRow['fields'], problems: string[]): ExportedOptOuts | undefined {
  const subscription = fields.subscription;
  if (
    subscription !== undefined &&
    subscription !== null &&
    !(SUBSCRIPTION_STATES as readonly unknown[]).includes(subscription)
  ) {
    problems.push(
      `subscription: ${JSON.stringify(subscription)} must be one of ${SUBSCRIPTION_STATES.join(', ')}`,
    );
  }
  const unsubscribed = subscription === 'unsubscribed';
  const optedOutAddresses = optedOutDigests(fields.optedOutAddresses, problems);
  return unsubscribed || optedOutAddresses.length > 0 ? { unsubscribed, optedOutAddresses } : undefined;
}

function userIdProblems(value: unknown): string[] {
  if (typeof value !== 'string' || value === '') return ['userId: required, a non-empty string'];
  if (value.trim() !== value) return ['userId: has leading or trailing whitespace'];
  if (value.startsWith(RESERVED_ID_PREFIX)) {
    return [`userId: ids starting with ${RESERVED_ID_PREFIX} are reserved for the worker's own items`];
  }
  if (utf8.encode(value).length > MAX_KEY_BYTES) {
    return [`userId: longer than DynamoDB's ${MAX_KEY_BYTES}-byte key limit`];
  }
  return [];
}

function fieldProblems(fields: OwnerRow['fields']): {
  problems: string[];
  owner?: Omit<ImportedOwner, 'userId'>;
} {
  const problems: string[] = [];
  const unknown = Object.keys(fields).filter((k) => !KNOWN_FIELDS.includes(k));
  if (unknown.length > 0) {
    problems.push(
      `unknown field(s) ${unknown.join(', ')}: allowed are ${OWNER_FILE_FIELDS.join(', ')}, and in a JSON Lines ` +
        `line the fields owners export writes (${WORKER_RECORDED_FIELDS.join(', ')})`,
    );
  }
  problems.push(...loneSurrogateProblems(fields));
  const email = optionalText(fields, 'email', problems);
  if (email !== undefined && (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email))) {
    problems.push(`email: ${JSON.stringify(email)} is not an email address`);
  }
  const name = optionalText(fields, 'name', problems);
  if (name !== undefined && name.length > MAX_NAME_LENGTH) {
    problems.push(`name: longer than ${MAX_NAME_LENGTH} characters`);
  }
  const optOuts = exportedOptOuts(fields, problems);
  const status = fields.status;
  if (!(OWNER_STATUSES as readonly unknown[]).includes(status)) {
    problems.push(`status: ${JSON.stringify(status ?? null)} must be one of ${OWNER_STATUSES.join(', ')}`);
    return { problems };
  }
  return {
    problems,
    owner: {
      ...(email !== undefined && { email }),
      ...(name !== undefined && { name }),
      status: status as OwnerStatus,
      ...(optOuts !== undefined && { optOuts }),
    },
  };
}

/**
 * Checks one row. A `userId` seen on an earlier line is rejected (naming that
 * line): a file that says two things about one owner is not guessed at.
 * @param firstLineOf `userId` → line of its first valid row; updated
 */
export function checkOwnerRow(
  row: OwnerRow,
  firstLineOf: Map<string, number>,
): { readonly owner: ImportedOwner } | { readonly rejected: RejectedOwnerRow } {
  const userId = row.fields.userId;
  const problems = userIdProblems(userId);
  const checked = fieldProblems(row.fields);
  problems.push(...checked.problems);
  const id = typeof userId === 'string' && userId !== '' ? userId : null;
  const first = id === null ? undefined : firstLineOf.get(id);
  if (first !== undefined) problems.push(`userId: duplicate of line ${first}`);
  if (problems.length > 0 || checked.owner === undefined || id === null) {
    return { rejected: { line: row.line, userId: id, problems } };
  }
  firstLineOf.set(id, row.line);
  return { owner: { userId: id, ...checked.owner } };
}

/**
 * One owner the import writes, and what it was planned from. The write holds
 * only while the directory still holds what the plan read (a new owner: still
 * absent; one that existed: {@link ExistingOwnerUpsert.read}); a refused one
 * is read again and re-planned, never written over what changed meanwhile.
 * There is no unconditional write: an upsert of an owner that exists carries
 * what was read of them.
 */
export type OwnerUpsert = NewOwnerUpsert | ExistingOwnerUpsert;

/**
 * An owner new to the directory: written only while still absent (an update
 * would merge into an owner another import created meanwhile, keeping route
 * state recorded for that import's address). The table holds no state of its
 * own for them, so the opt-outs their line carries are written with them
 * ({@link NewOwnerUpsert.keptOptOuts}).
 */
export interface NewOwnerUpsert {
  readonly owner: ImportedOwner;
  readonly existed: false;
  /** Nothing to reset: the owner has no route state yet. */
  readonly resetRoute: false;
  /**
   * The line's opt-outs ({@link ImportedOwner.optOuts}): `unsubscribed`
   * recorded, and its digests with, when it says `unsubscribed` with an
   * address, that address's (so an edited line, or a later move back to the
   * exported address, keeps the opt-out). Absent: the line has none.
   */
  readonly keptOptOuts?: KeptOptOuts;
}

/**
 * An owner already in the directory: its new stated fields, whether its route
 * state must be reset, and what the plan read of them. Its line's
 * {@link ImportedOwner.optOuts} are merged into the table's state: in a move
 * ({@link ExistingOwnerUpsert.move}) or, at the same address, as
 * {@link ExistingOwnerUpsert.keptOptOuts}.
 */
export interface ExistingOwnerUpsert {
  readonly owner: ImportedOwner;
  readonly existed: true;
  /**
   * True when the address changed (or went away, or came): the recorded
   * subscription state and bounce belong to the old address, so they are
   * cleared (the reconciler records the new state on its next run), except
   * that an owner moved to an address they opted out at is recorded
   * `unsubscribed` again ({@link AddressMove}). A change of spelling only
   * (letter case, as a directory re-export may make) is the same address: the
   * new spelling is written and the route state kept.
   */
  readonly resetRoute: boolean;
  /**
   * What the plan read of the owner: the write holds only while the stored
   * address is still {@link OwnerAsRead.email} (and, with a
   * {@link ExistingOwnerUpsert.move} or {@link ExistingOwnerUpsert.keptOptOuts},
   * the state still {@link OwnerAsRead.subscription} and the last import write
   * still {@link OwnerAsRead.updatedAt}). The route state belongs to an address
   * (docs/data-model.md, "Owner directory"), so an update planned for one
   * address must not land on another: a concurrent import that moved the
   * owner would otherwise be undone with the new address's state kept.
   *
   * `name` and `status` are not part of the condition: they carry no state of
   * the worker's, only what an export says, so two imports writing them
   * meanwhile is "last writer wins" between two exports of one source, which
   * the freshness compare-and-swap settles (the loser reports `superseded`;
   * docs/deploy.md, "Owner directory"). A condition on them would only add a
   * retry that writes the same fields again.
   */
  readonly read: OwnerAsRead;
  /** With `resetRoute`, what the plan decided from the owner as read. Absent: the route state is cleared. */
  readonly move?: AddressMove;
  /**
   * Without `resetRoute`, the line's opt-outs merged into the owner's state
   * as read: written, like a move, only while the address, state and
   * `updatedAt` are as read (it writes the set whole). Absent: the line adds
   * nothing, and the route state is not written.
   */
  readonly keptOptOuts?: KeptOptOuts;
}

/**
 * What an import writes of a line's opt-outs for an owner who stays at their
 * address (or is new): the state there, and the remembered set, whole.
 */
export interface KeptOptOuts {
  /**
   * `unsubscribed`: recorded (without an ARN) at the owner's address, which
   * had no state or `none`. Absent: the state is left as it is.
   */
  readonly state?: 'unsubscribed';
  /**
   * The remembered opt-outs, sorted, written whole (empty: the attribute is
   * removed): the table's, with the line's merged in (a union: an opt-out
   * either side knows of is kept).
   */
  readonly optedOutAddresses: readonly string[];
}

/**
 * An opt-out a line states at the owner's current address that the import
 * does not record: the owner has a subscription on this table's topic
 * (`state`), and the reconciler lets a subscription it matches win over a
 * recorded `unsubscribed`, so the record would not hold. `pc-hygiene owners
 * unsubscribe <userId>` removes the subscription, then records the opt-out
 * (the import does not talk to SNS).
 */
export interface OptOutNotApplied {
  readonly userId: string;
  /** The owner's state in the table, naming the subscription that is there. */
  readonly state: 'pending' | 'confirmed';
}

/** An owner's address, subscription state and last import write as an import's plan read them (absent: none). */
export interface OwnerAsRead {
  readonly email?: string;
  readonly subscription?: SubscriptionState;
  /**
   * When an import last wrote the owner ({@link OwnerRecord.updatedAt}). A
   * move (or merged opt-outs) also holds only while it is unchanged: the move writes
   * `optedOutAddresses` whole, and other imports may have moved the owner
   * away and back meanwhile (same address and state again, with an opt-out
   * remembered in between that a stale set would erase). Every import write
   * sets it, and nothing else does but `--sync`'s departures, so it orders
   * the imports' writes of one owner (two in the same millisecond aside).
   */
  readonly updatedAt?: string;
}

/**
 * An owner moved to another address by an import: the opt-outs remembered
 * per address (`OwnerRecord.optedOutAddresses`, docs/data-model.md, "Owner
 * directory") and the state to record at the new address. Decided from the
 * owner as read (and their line's opt-outs), so written only while the
 * directory still holds their address, state and `updatedAt` as read
 * ({@link ExistingOwnerUpsert.read}: an opt-out recorded meanwhile is
 * re-planned, not lost).
 */
export interface AddressMove {
  /**
   * `unsubscribed` when the new address's digest is among the opt-outs the
   * table remembers, when the owner was `unsubscribed` with no address (the
   * person said stop, and there was no address to tie it to: the new one is
   * treated as one they opted out at), or when the owner's line says
   * `unsubscribed` (at its own address, the new one): recorded without an
   * ARN or a bounce. Absent: the route state is cleared.
   */
  readonly state?: 'unsubscribed';
  /**
   * The opt-outs remembered after the move, sorted (written whole; empty: the
   * attribute is removed): those read, with the old address's digest added
   * when the owner was `unsubscribed` there, or taken out when they were not
   * (resubscribed there: no longer opted out), and the line's merged in
   * ({@link ImportedOwner.optOuts}: its digests, and its address's when it
   * says `unsubscribed`). Written whole rather than by
   * `ADD`/`DELETE`, so a damaged stored value (read as absent) is replaced,
   * not a move refused forever; the import is its only writer, and the
   * write's condition on {@link ExistingOwnerUpsert.read} orders two imports.
   */
  readonly optedOutAddresses: readonly string[];
}

/** What an import does with its lines' opt-outs ({@link ImportedOwner.optOuts}). */
export interface OptOutReport {
  /** Owners whose line's opt-outs are recorded or merged (something the table did not hold is written). */
  readonly optOutsKept: readonly string[];
  /** Owners whose line's opt-out at their current address is not recorded, and why. */
  readonly optOutsNotApplied: readonly OptOutNotApplied[];
}

/** What an import will do, computed before any write. */
export interface OwnerImportPlan extends OptOutReport {
  /** New or changed owners, and those with opt-outs to merge (unchanged ones are not rewritten). */
  readonly upserts: readonly OwnerUpsert[];
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** `--sync`: active owners missing from the file, to be marked `departed`. */
  readonly markDeparted: readonly string[];
  /** Active owners in the directory before the import: the base of the `--sync` guard's share. */
  readonly activeBefore: number;
  /**
   * Owners in the directory after the import (the freshness record's count):
   * those read plus the file's owners not among them. A write refused and
   * re-planned changes how an owner is written, not whether they are in
   * either set (owners are never deleted), so it stays exact after a retry: an
   * owner planned as new whom another import created meanwhile is counted
   * once, as the table holds them once.
   */
  readonly ownersAfter: number;
}

function sameStatedFields(a: OwnerRecord, b: ImportedOwner): boolean {
  return a.email === b.email && a.name === b.name && a.status === b.status;
}

/**
 * Whether an import moves an owner to another address: one side has none, or
 * the two differ compared the reconciler's way (`normalizeEmail`: trimmed,
 * case-insensitive).
 */
function addressChanged(before: string | undefined, after: string | undefined): boolean {
  if (before === undefined || after === undefined) return before !== after;
  return normalizeEmail(before) !== normalizeEmail(after);
}

/**
 * What moving `before` to `email` does to the opt-outs remembered per
 * address ({@link AddressMove}): the old address's opt-out is remembered (or
 * forgotten, when the owner is no longer opted out there), and the new
 * address is `unsubscribed` when an opt-out is remembered for it, or when the
 * owner had no address and was `unsubscribed` (an opt-out recorded without an
 * address, `owners unsubscribe`, is the person's: it stays, and the new
 * address is then remembered when they move away from it, as any other).
 */
export function planAddressMove(before: OwnerRecord, email: string | undefined): AddressMove {
  const remembered = new Set(before.optedOutAddresses ?? []);
  const unsubscribed = before.subscription === 'unsubscribed';
  if (before.email !== undefined) {
    const old = optedOutAddressDigest(before.email);
    if (unsubscribed) remembered.add(old);
    else remembered.delete(old);
  }
  const optedOutThere =
    email !== undefined &&
    ((before.email === undefined && unsubscribed) || remembered.has(optedOutAddressDigest(email)));
  return {
    ...(optedOutThere && { state: 'unsubscribed' as const }),
    optedOutAddresses: [...remembered].sort(),
  };
}

/** What an upsert is conditional on ({@link ExistingOwnerUpsert.read}), from the owner as read. */
function ownerAsRead(before: OwnerRecord): OwnerAsRead {
  return {
    ...(before.email !== undefined && { email: before.email }),
    ...(before.subscription !== undefined && { subscription: before.subscription }),
    ...(before.updatedAt !== undefined && { updatedAt: before.updatedAt }),
  };
}

/** What the plan does with one owner of the file. */
interface PlannedOwner {
  /** The write; absent: the owner is unchanged. */
  readonly upsert?: OwnerUpsert;
  /** The line's opt-outs add something the table did not hold ({@link OptOutReport.optOutsKept}). */
  readonly kept: boolean;
  readonly notApplied?: OptOutNotApplied;
}

/** The sorted union of digest lists. */
function union(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

/**
 * The digests a line adds to the owner's remembered set: its
 * `optedOutAddresses`, and its own address's when it says `unsubscribed`
 * and that address is not the one the table holds (`tableEmail`; for a new
 * owner, none). An opt-out at the table's address is a state
 * ({@link sameAddressOptOuts}), not a digest.
 */
function lineDigests(owner: ImportedOwner, tableEmail: string | undefined): readonly string[] {
  const { optOuts, email } = owner;
  if (optOuts === undefined) return [];
  const elsewhere = optOuts.unsubscribed && email !== undefined && addressChanged(tableEmail, email);
  return elsewhere
    ? union(optOuts.optedOutAddresses, [optedOutAddressDigest(email)])
    : optOuts.optedOutAddresses;
}

/** A new owner's write: the line's opt-outs written with them ({@link NewOwnerUpsert.keptOptOuts}). */
function planNewOwner(owner: ImportedOwner): PlannedOwner {
  const upsert = { owner, existed: false, resetRoute: false } as const;
  if (owner.optOuts === undefined) return { upsert, kept: false };
  const keptOptOuts = {
    ...(owner.optOuts.unsubscribed && { state: 'unsubscribed' as const }),
    optedOutAddresses: union(lineDigests(owner, undefined)),
  };
  return { upsert: { ...upsert, keptOptOuts }, kept: true };
}

/**
 * A move with the line's opt-outs merged in: the table's memory decides as
 * {@link planAddressMove} does, the line's digests are added after it (a
 * union: one the line knows of stays, even where the table would forget it),
 * and the new address — the line's own — is `unsubscribed` when the line
 * says so there.
 */
function planMoveWithLine(before: OwnerRecord, owner: ImportedOwner): { move: AddressMove; kept: boolean } {
  const fromTable = planAddressMove(before, owner.email);
  const optedOutAddresses = union(fromTable.optedOutAddresses, lineDigests(owner, before.email));
  const stateFromLine = owner.optOuts?.unsubscribed === true && fromTable.state === undefined;
  const unsubscribed = fromTable.state !== undefined || stateFromLine;
  return {
    move: { ...(unsubscribed && { state: 'unsubscribed' as const }), optedOutAddresses },
    kept: stateFromLine || optedOutAddresses.length > fromTable.optedOutAddresses.length,
  };
}

/**
 * The line's opt-outs for an owner who stays at the table's address: its
 * digests merged into the table's set, and its `unsubscribed` (about this
 * very address) recorded where the table has no state or `none`; nothing
 * more where it is `unsubscribed` already; not applied where a subscription
 * is there (`pending`, `confirmed`: {@link OptOutNotApplied}).
 * @returns the write (absent: nothing to add), and the opt-out not applied
 */
function sameAddressOptOuts(
  before: OwnerRecord,
  owner: ImportedOwner,
): { keptOptOuts?: KeptOptOuts; notApplied?: OptOutNotApplied } {
  const remembered = new Set(before.optedOutAddresses ?? []);
  const optedOutAddresses = union([...remembered], lineDigests(owner, before.email));
  const state = before.subscription;
  const says = owner.optOuts?.unsubscribed === true;
  const record = says && (state === undefined || state === 'none');
  const subscribed = state === 'pending' || state === 'confirmed' ? state : undefined;
  const write = record || optedOutAddresses.length > remembered.size;
  return {
    ...(write && {
      keptOptOuts: { ...(record && { state: 'unsubscribed' as const }), optedOutAddresses },
    }),
    ...(says && subscribed !== undefined && { notApplied: { userId: owner.userId, state: subscribed } }),
  };
}

/**
 * The write of an owner the plan read as `before`, changed by the file to
 * `owner` (absent: unchanged, the line's opt-outs included).
 */
function planExistingOwner(before: OwnerRecord, owner: ImportedOwner): PlannedOwner {
  const base = { owner, existed: true as const, read: ownerAsRead(before) };
  if (addressChanged(before.email, owner.email)) {
    const { move, kept } = planMoveWithLine(before, owner);
    return { upsert: { ...base, resetRoute: true, move }, kept };
  }
  const { keptOptOuts, notApplied } = sameAddressOptOuts(before, owner);
  const changed = keptOptOuts !== undefined || !sameStatedFields(before, owner);
  return {
    ...(changed && { upsert: { ...base, resetRoute: false, ...(keptOptOuts && { keptOptOuts }) } }),
    kept: keptOptOuts !== undefined,
    ...(notApplied && { notApplied }),
  };
}

/**
 * Plans an import against the directory as it is.
 * @param existing every owner now in the directory
 * @param sync mark active owners missing from the file `departed`
 */
export function planOwnerImport(
  existing: ReadonlyMap<string, OwnerRecord>,
  imported: readonly ImportedOwner[],
  sync: boolean,
): OwnerImportPlan {
  const upserts: OwnerUpsert[] = [];
  const optOutsKept: string[] = [];
  const optOutsNotApplied: OptOutNotApplied[] = [];
  let created = 0;
  const inFile = new Set<string>();
  for (const owner of imported) {
    inFile.add(owner.userId);
    const before = existing.get(owner.userId);
    if (before === undefined) created++;
    const planned = before === undefined ? planNewOwner(owner) : planExistingOwner(before, owner);
    if (planned.upsert !== undefined) upserts.push(planned.upsert);
    if (planned.kept) optOutsKept.push(owner.userId);
    if (planned.notApplied !== undefined) optOutsNotApplied.push(planned.notApplied);
  }
  let activeBefore = 0;
  const markDeparted: string[] = [];
  for (const [userId, owner] of existing) {
    if (owner.status !== 'active') continue;
    activeBefore++;
    if (sync && !inFile.has(userId)) markDeparted.push(userId);
  }
  return {
    upserts,
    created,
    updated: upserts.length - created,
    unchanged: imported.length - upserts.length,
    markDeparted,
    optOutsKept,
    optOutsNotApplied,
    activeBefore,
    ownersAfter: existing.size + created,
  };
}

/** How many owners an import creates, updates and leaves unchanged. */
export type OwnerImportCounts = Pick<OwnerImportPlan, 'created' | 'updated' | 'unchanged'>;

/**
 * The counts once the `refused` upserts were re-planned as `replan` (a plan
 * of just those owners, from a fresh read): each refused owner leaves the
 * class the plan they were refused under gave them (new: `created`, else
 * `updated`) for the one the re-plan gives them (an owner created meanwhile
 * as this import would: `unchanged`).
 */
export function countsAfterReplan(
  counts: OwnerImportCounts,
  refused: readonly OwnerUpsert[],
  replan: OwnerImportCounts,
): OwnerImportCounts {
  const refusedNew = refused.filter((upsert) => !upsert.existed).length;
  return {
    created: counts.created - refusedNew + replan.created,
    updated: counts.updated - (refused.length - refusedNew) + replan.updated,
    unchanged: counts.unchanged + replan.unchanged,
  };
}

/**
 * The opt-out report once the `refused` upserts were re-planned as `replan`
 * (as {@link countsAfterReplan}): each refused owner's entries are the
 * re-plan's, everyone else's the plan's.
 */
export function optOutsAfterReplan(
  report: OptOutReport,
  refused: readonly OwnerUpsert[],
  replan: OptOutReport,
): OptOutReport {
  const again = new Set(refused.map((upsert) => upsert.owner.userId));
  return {
    optOutsKept: [...report.optOutsKept.filter((id) => !again.has(id)), ...replan.optOutsKept],
    optOutsNotApplied: [
      ...report.optOutsNotApplied.filter((entry) => !again.has(entry.userId)),
      ...replan.optOutsNotApplied,
    ],
  };
}

/** The `--sync` guard's verdict. */
export interface SyncGuardVerdict {
  readonly tripped: boolean;
  /** Why, in one sentence (absent when not tripped). */
  readonly reason?: string;
}

/**
 * The blast-radius guard for `--sync` (the same `maxDeletePercent` share as
 * the sweep's deletion guard, docs/configuration.md): marking more than that
 * share of the active owners `departed` in one import looks like a truncated
 * export, not a wave of departures. Zero departures never trip.
 */
export function judgeSyncGuard(
  plan: Pick<OwnerImportPlan, 'markDeparted' | 'activeBefore'>,
  maxDeletePercent: number,
): SyncGuardVerdict {
  const changes = plan.markDeparted.length;
  if (changes === 0 || !exceedsPercent(changes, plan.activeBefore, maxDeletePercent))
    return { tripped: false };
  const share = (changes * 100) / plan.activeBefore;
  return {
    tripped: true,
    reason:
      `--sync would mark ${changes} of ${plan.activeBefore} active owners departed ` +
      `(${Number.isInteger(share) ? share : share.toFixed(1)}%), above maxDeletePercent ${maxDeletePercent}%`,
  };
}

/** Whether an import's snapshot may replace the one the directory has recorded. */
export interface SnapshotOrderVerdict {
  /**
   * True when the import's snapshot cannot be shown to be the same as or newer than the recorded one: its
   * `--as-of` is older, the recorded one cannot be read, or ({@link otherExport}) a different export is
   * recorded as of the same instant. Only the override (`--allow-older`) then replaces it.
   */
  readonly older: boolean;
  /** Why, in one sentence (absent when not older). */
  readonly reason?: string;
  /** True when `older` because a different export (another content digest) is recorded as of the same instant. */
  readonly otherExport?: true;
}

/** The content digests an import's snapshot is judged by (docs/data-model.md, "Owner directory"). */
export interface SnapshotContent {
  /** The directory's recorded `contentDigest` exactly as stored, of any type (`undefined`: none recorded). */
  readonly recordedDigest: unknown;
  /** The import's (`ownerExportDigest`). */
  readonly digest: string;
}

/** A recorded digest as a message names it: short when it is one, else described (stored text: sanitise). */
function shownDigest(recorded: unknown): string {
  return typeof recorded === 'string' && /^[0-9a-f]{64}$/.test(recorded)
    ? shortDigest(recorded)
    : describeStoredValue(recorded);
}

/**
 * Judges an import's snapshot instant against the directory's recorded one
 * (docs/deploy.md, "Owner directory"). An older export imported over a newer
 * one would bring back stale rows (an old address, a departed owner active
 * again; with `--sync`, newer owners marked departed) and make the directory
 * look older than the data it held, so it is refused unless the operator
 * overrides it. The same instant is not older when it is the same export:
 * re-running an interrupted import finishes it. A different export (its
 * `content` digest differs from the recorded one) as of the same instant is
 * refused like an older one: both claim to be the source as of that instant,
 * and at most one can be. A recorded digest that is absent (recorded before
 * digests were) cannot tell, so the import proceeds; one that is not a string
 * differs from any. A recorded instant that cannot be read (not a string, or
 * a string that does not parse) cannot be ordered, so it counts as newer (the
 * override replaces it); the reason names it (stored text: sanitise).
 * @param recordedAsOf the directory's recorded `asOf` exactly as stored, of any type (`undefined`: never imported, anything goes)
 * @param asOf the import's `--as-of`, canonical UTC
 * @param content the digests to compare at the same instant (absent: not compared)
 */
export function judgeSnapshotOrder(
  recordedAsOf: unknown,
  asOf: string,
  content?: SnapshotContent,
): SnapshotOrderVerdict {
  if (recordedAsOf === undefined) return { older: false };
  const recorded = typeof recordedAsOf === 'string' ? parseInstant(recordedAsOf) : { ok: false as const };
  const incoming = parseInstant(asOf);
  if (!recorded.ok) {
    return {
      older: true,
      reason: `the directory's recorded snapshot instant (${describeStoredValue(recordedAsOf)}) is not a valid instant, so --as-of ${asOf} cannot be shown to be newer`,
    };
  }
  if (!incoming.ok) throw new RangeError(`asOf ${JSON.stringify(asOf)} is ${incoming.reason}`);
  if (incoming.ms > recorded.ms) return { older: false };
  if (incoming.ms === recorded.ms) return judgeSameInstant(asOf, content);
  return {
    older: true,
    reason: `--as-of ${asOf} is older than the directory's snapshot (as of ${recordedAsOf})`,
  };
}

/** {@link judgeSnapshotOrder} at the recorded instant: the same export, or one that cannot be told apart, goes. */
function judgeSameInstant(asOf: string, content: SnapshotContent | undefined): SnapshotOrderVerdict {
  if (content === undefined || content.recordedDigest === undefined) return { older: false };
  if (content.recordedDigest === content.digest) return { older: false };
  return {
    older: true,
    otherExport: true,
    reason:
      `the directory's snapshot as of ${asOf} is a different export (content digest ` +
      `${shownDigest(content.recordedDigest)}; this export's is ${shortDigest(content.digest)})`,
  };
}
