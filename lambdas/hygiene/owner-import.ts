/**
 * Planning what an import of an HR / IdP export changes in the owner
 * directory (`pc-hygiene owners import`, docs/deploy.md "Owner directory"),
 * before anything is written: the owners created, updated or unchanged, and
 * with `--sync` those marked `departed`. The rows are checked first
 * (owner-import-rows.ts); what is kept of a line's opt-outs is decided in
 * owner-import-opt-outs.ts, the `--sync` guard and snapshot order in
 * owner-import-guards.ts. Pure: the directory as read and the file's owners
 * in, a plan out; reading the file and writing the table are the CLI's and
 * the store's.
 *
 * Why plan first: a bad file must leave the directory untouched ("nothing of
 * a bad file is half-written"), and `--sync` (missing owners become
 * `departed`, which orphans their credentials) must be judged by the
 * blast-radius guard before a single owner changes.
 */
import type { OwnerRecord, SubscriptionState } from './owner-directory';
import {
  type AddressMove,
  addressChanged,
  CASE_INSENSITIVE_MAILBOXES,
  type KeptOptOuts,
  type MailboxRule,
  newOwnerOptOuts,
  type OptOutNotApplied,
  type OptOutReport,
  planMoveWithLine,
  sameAddressOptOuts,
} from './owner-import-opt-outs';
import type { ImportedOwner } from './owner-import-rows';

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
   * (letter case, as a directory re-export may make; with the relay's
   * {@link MailboxRule}, a domain in Punycode rather than Unicode or back) is
   * the same address: the new spelling is written and the route state kept.
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
  /** The line's opt-outs are all held now, adding something the table did not ({@link OptOutReport.optOutsKept}). */
  readonly kept: boolean;
  readonly notApplied?: OptOutNotApplied;
  /** `unsubscribed` is recorded over the table's `none` or `pending` ({@link OptOutReport.optOutsOverNoneOrPending}). */
  readonly overNoneOrPending?: boolean;
}

/** A new owner's write: the line's opt-outs written with them ({@link NewOwnerUpsert.keptOptOuts}). */
function planNewOwner(owner: ImportedOwner): PlannedOwner {
  const upsert = { owner, existed: false, resetRoute: false } as const;
  const keptOptOuts = newOwnerOptOuts(owner);
  if (keptOptOuts === undefined) return { upsert, kept: false };
  return { upsert: { ...upsert, keptOptOuts }, kept: true };
}

/**
 * The write of an owner the plan read as `before`, changed by the file to
 * `owner` (absent: unchanged, the line's opt-outs included); a move when
 * `mailboxes` tells the two addresses apart.
 */
function planExistingOwner(before: OwnerRecord, owner: ImportedOwner, mailboxes: MailboxRule): PlannedOwner {
  const base = { owner, existed: true as const, read: ownerAsRead(before) };
  if (addressChanged(before.email, owner.email, mailboxes.key)) {
    const { move, kept } = planMoveWithLine(before, owner, mailboxes);
    return { upsert: { ...base, resetRoute: true, move }, kept };
  }
  const { keptOptOuts, notApplied, overNoneOrPending } = sameAddressOptOuts(before, owner, mailboxes.key);
  const changed = keptOptOuts !== undefined || !sameStatedFields(before, owner);
  return {
    ...(changed && { upsert: { ...base, resetRoute: false, ...(keptOptOuts && { keptOptOuts }) } }),
    // An owner whose opt-out is not applied is counted apart (`OptOutReport.optOutsKept`), digests merged or not.
    kept: keptOptOuts !== undefined && notApplied === undefined,
    ...(notApplied && { notApplied }),
    overNoneOrPending,
  };
}

/**
 * Plans an import against the directory as it is.
 * @param existing every owner now in the directory
 * @param sync mark active owners missing from the file `departed`
 * @param mailboxes how addresses are told apart ({@link MailboxRule}); the CLI passes the relay's, Punycode-aware
 */
export function planOwnerImport(
  existing: ReadonlyMap<string, OwnerRecord>,
  imported: readonly ImportedOwner[],
  sync: boolean,
  mailboxes: MailboxRule = CASE_INSENSITIVE_MAILBOXES,
): OwnerImportPlan {
  const upserts: OwnerUpsert[] = [];
  const optOutsKept: string[] = [];
  const optOutsNotApplied: OptOutNotApplied[] = [];
  const optOutsOverNoneOrPending: string[] = [];
  let created = 0;
  const inFile = new Set<string>();
  for (const owner of imported) {
    inFile.add(owner.userId);
    const before = existing.get(owner.userId);
    if (before === undefined) created++;
    const planned = before === undefined ? planNewOwner(owner) : planExistingOwner(before, owner, mailboxes);
    if (planned.upsert !== undefined) upserts.push(planned.upsert);
    if (planned.kept) optOutsKept.push(owner.userId);
    if (planned.notApplied !== undefined) optOutsNotApplied.push(planned.notApplied);
    if (planned.overNoneOrPending === true) optOutsOverNoneOrPending.push(owner.userId);
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
    optOutsOverNoneOrPending,
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
