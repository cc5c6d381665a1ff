/**
 * The opt-outs an owner import keeps or remembers (docs/data-model.md, "Owner
 * directory"): an export line's opt-outs written with a new owner or merged
 * into an existing one's state, and the opt-outs remembered per address when
 * an import moves an owner to another address. Pure: the owner as read and
 * their line in, what to write of their opt-outs out.
 *
 * Why on its own: a person who said stop must stay stopped through any
 * import (a move, an edited line, a directory moved to another table), so
 * each opt-out is kept, remembered, or reported ({@link OptOutNotApplied}),
 * never dropped without a word (one recorded over `none` or `pending`, which
 * may follow an `owners resubscribe`, is named too:
 * {@link OptOutReport.optOutsOverNoneOrPending}); the plan (owner-import.ts)
 * only places the result in an owner's write.
 */

import { type MailboxKey, normalizeEmail } from './email-address-rules';
import {
  asGivenOnly,
  digestUnion,
  forgetOptOutAt,
  type MailboxSpellings,
  optedOutAddressDigest,
  remembersOptOutAt,
} from './opted-out-address';
import type { OwnerRecord } from './owner-directory';
import type { ImportedOwner } from './owner-import-rows';

/**
 * How an import tells one mailbox from another: whether an owner moved
 * ({@link addressChanged}), and under which spellings an opt-out at an
 * address may be remembered ({@link AddressMove.state}). The SES events
 * handler and the relay take `bob@bücher.example` and
 * `bob@xn--bcher-kva.example` for one mailbox; so must the import, or a
 * re-export in the other form would count as a move to an address the owner
 * did not opt out at and lift their opt-out (and clear a bounce). Reading the
 * two forms needs `node:url`, which the domain does not import, so the caller
 * passes the rule in: `pc-hygiene owners import` gives the relay's
 * (`mailboxKey`, `directorySpellings`: lambdas/relay/ses-address.ts;
 * cli/use-cases/import-owners.ts). The default,
 * {@link CASE_INSENSITIVE_MAILBOXES}, compares as `normalizeEmail` only.
 */
export interface MailboxRule {
  /** One key per mailbox: two addresses are one mailbox when their keys are equal. */
  readonly key: MailboxKey;
  /** The spellings an opt-out at an address may be remembered under (digests are of a spelling): found and forgotten under each. */
  readonly spellings: MailboxSpellings;
}

/** {@link MailboxRule} without internationalised domains: trimmed, case-insensitive, NFC (`normalizeEmail`). */
export const CASE_INSENSITIVE_MAILBOXES: MailboxRule = { key: normalizeEmail, spellings: asGivenOnly };

/**
 * What an import writes of a line's opt-outs for an owner who stays at their
 * address (or is new): the state there, and the remembered set, whole.
 */
export interface KeptOptOuts {
  /**
   * `unsubscribed`: recorded (without an ARN) at the owner's address, which
   * had no state, `pending` or `none` ({@link sameAddressOptOuts}). Absent:
   * the state is left as it is.
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
 * does not record, because of the owner's state in the table (`state`).
 * `pc-hygiene owners unsubscribe -- <userId>` records it (removing a
 * subscription first: the import does not talk to SNS).
 */
export interface OptOutNotApplied {
  readonly userId: string;
  /**
   * The owner's state in the table: `confirmed`, a subscription on this
   * table's topic, which the reconciler lets win over a recorded
   * `unsubscribed`, so the record would not hold. (Over `none` or `pending`
   * the opt-out is recorded, and named apart:
   * {@link OptOutReport.optOutsOverNoneOrPending}.)
   */
  readonly state: 'confirmed';
}

/**
 * An owner moved to another address by an import: the opt-outs remembered
 * per address (`OwnerRecord.optedOutAddresses`, docs/data-model.md, "Owner
 * directory") and the state to record at the new address. Decided from the
 * owner as read (and their line's opt-outs), so written only while the
 * directory still holds their address, state and `updatedAt` as read
 * (`ExistingOwnerUpsert.read`, owner-import.ts: an opt-out recorded meanwhile is
 * re-planned, not lost).
 */
export interface AddressMove {
  /**
   * `unsubscribed` when the new address's digest is among the opt-outs the
   * table remembers (in any form a digest of it may be stored in, for any
   * spelling of its mailbox: `remembersOptOutAt`, opted-out-address.ts;
   * {@link MailboxRule.spellings}), when the owner was `unsubscribed` with no address (the
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
   * (resubscribed there: no longer opted out; every digest it may be stored
   * under, for every spelling of its mailbox, {@link MailboxRule.spellings}: the
   * digests it would be found by, `forgetOptOutAt`, opted-out-address.ts), and the line's merged in
   * ({@link ImportedOwner.optOuts}: its digests, and its address's when it
   * says `unsubscribed`). Written whole rather than by
   * `ADD`/`DELETE`, so a damaged stored value (read as absent) is replaced,
   * not a move refused forever; the write's condition on
   * `ExistingOwnerUpsert.read` (owner-import.ts) orders two imports, and the
   * store's on the set as stored keeps a digest an SES complaint added meanwhile
   * (the only other writer, which only adds).
   */
  readonly optedOutAddresses: readonly string[];
}

/** What an import does with its lines' opt-outs ({@link ImportedOwner.optOuts}). */
export interface OptOutReport {
  /**
   * Owners whose line's opt-outs are all held now, something the table did
   * not hold written (the `unsubscribed` state, or remembered addresses). An
   * owner in {@link optOutsNotApplied} is not counted here, even when their
   * line's remembered addresses were merged.
   */
  readonly optOutsKept: readonly string[];
  /** Owners whose line's opt-out at their current address is not recorded, and why (their remembered addresses are merged). */
  readonly optOutsNotApplied: readonly OptOutNotApplied[];
  /**
   * Owners (also in {@link optOutsKept}) whose `unsubscribed` was recorded at
   * their current address over the table's `none` or `pending`: what
   * `owners resubscribe` leads to (it records `none`, and the next reconcile
   * on `sns-email` `pending` until the person confirms: an opt-out undone on
   * purpose, which a re-run of an older export now undoes in turn), and
   * what the reconciler records for an owner it keeps no subscription for
   * (`none`: every owner on route `relay`, a shared address) or whose
   * subscription awaits confirmation (`pending`), which the table cannot
   * tell apart. The person's stop wins; the operator is told, to
   * resubscribe any that were resubscribed on purpose.
   */
  readonly optOutsOverNoneOrPending: readonly string[];
}

/**
 * Whether an import moves an owner to another address: one side has none, or
 * the two are different mailboxes by `key` ({@link MailboxRule.key}; default
 * `normalizeEmail`: trimmed, case-insensitive, NFC). Another spelling of the
 * same mailbox (letter case; with the relay's rule, a domain in Punycode
 * rather than Unicode) is no move: the route state is kept.
 */
export function addressChanged(
  before: string | undefined,
  after: string | undefined,
  key: MailboxKey = normalizeEmail,
): boolean {
  if (before === undefined || after === undefined) return before !== after;
  return key(before) !== key(after);
}

/**
 * What moving `before` to `email` does to the opt-outs remembered per
 * address ({@link AddressMove}): the old address's opt-out is remembered (or
 * forgotten, when the owner is no longer opted out there), and the new
 * address is `unsubscribed` when an opt-out is remembered for it, or when the
 * owner had no address and was `unsubscribed` (an opt-out recorded without an
 * address, `owners unsubscribe`, is the person's: it stays, and the new
 * address is then remembered when they move away from it, as any other).
 * An opt-out remembered for another spelling of the new address's mailbox
 * ({@link MailboxRule.spellings}) counts as one at it, and one forgotten at
 * the old address is forgotten under every spelling of its mailbox (what
 * would find it), so a move back spelled the other way finds none.
 */
export function planAddressMove(
  before: OwnerRecord,
  email: string | undefined,
  mailboxes: MailboxRule = CASE_INSENSITIVE_MAILBOXES,
): AddressMove {
  const remembered = new Set(before.optedOutAddresses ?? []);
  const unsubscribed = before.subscription === 'unsubscribed';
  if (before.email !== undefined) {
    if (unsubscribed) remembered.add(optedOutAddressDigest(before.email));
    else forgetOptOutAt(remembered, before.email, mailboxes.spellings);
  }
  const optedOutThere =
    email !== undefined &&
    ((before.email === undefined && unsubscribed) ||
      remembersOptOutAt(remembered, email, mailboxes.spellings));
  return {
    ...(optedOutThere && { state: 'unsubscribed' as const }),
    optedOutAddresses: [...remembered].sort(),
  };
}

/**
 * The digests a line adds to the owner's remembered set: its
 * `optedOutAddresses`, and its own address's when it says `unsubscribed`
 * and that address is not the one the table holds (`tableEmail`, compared by
 * `key`; for a new owner, none). An opt-out at the table's address is a state
 * ({@link sameAddressOptOuts}), not a digest.
 */
function lineDigests(
  owner: ImportedOwner,
  tableEmail: string | undefined,
  key: MailboxKey,
): readonly string[] {
  const { optOuts, email } = owner;
  if (optOuts === undefined) return [];
  const elsewhere = optOuts.unsubscribed && email !== undefined && addressChanged(tableEmail, email, key);
  return elsewhere
    ? digestUnion(optOuts.optedOutAddresses, [optedOutAddressDigest(email)])
    : optOuts.optedOutAddresses;
}

/**
 * What a new owner's write keeps of their line's opt-outs
 * (`NewOwnerUpsert.keptOptOuts`, owner-import.ts): `unsubscribed` recorded,
 * and the line's digests. Absent: the line has none.
 */
export function newOwnerOptOuts(owner: ImportedOwner): KeptOptOuts | undefined {
  if (owner.optOuts === undefined) return undefined;
  return {
    ...(owner.optOuts.unsubscribed && { state: 'unsubscribed' as const }),
    optedOutAddresses: digestUnion(lineDigests(owner, undefined, normalizeEmail)),
  };
}

/**
 * A move with the line's opt-outs merged in: the table's memory decides as
 * {@link planAddressMove} does, the line's digests are added after it (a
 * union: one the line knows of stays, even where the table would forget it),
 * and the new address — the line's own — is `unsubscribed` when the line
 * says so there. Mailboxes are told apart by `mailboxes` ({@link MailboxRule}).
 */
export function planMoveWithLine(
  before: OwnerRecord,
  owner: ImportedOwner,
  mailboxes: MailboxRule = CASE_INSENSITIVE_MAILBOXES,
): { move: AddressMove; kept: boolean } {
  const fromTable = planAddressMove(before, owner.email, mailboxes);
  const optedOutAddresses = digestUnion(
    fromTable.optedOutAddresses,
    lineDigests(owner, before.email, mailboxes.key),
  );
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
 * very address) recorded where the table has no state, `pending` or `none`
 * (over the last two, `overNoneOrPending`:
 * {@link OptOutReport.optOutsOverNoneOrPending}); nothing more where it is
 * `unsubscribed` already; not applied where it is `confirmed`
 * ({@link OptOutNotApplied}).
 *
 * Why over `pending`: the reconciler records `pending` for a subscription
 * awaiting confirmation, which SNS lists without its ARN, and such an
 * arn-less pending subscription never erases a recorded opt-out
 * (`isArnlessPendingEmail`, subscription-plan.ts). Left `pending`, the owner
 * would be subscribed again once it expires unconfirmed: another
 * confirmation email to someone who said stop.
 *
 * Why over `none`: the reconciler records it for every owner on route
 * `relay` (and where it keeps no subscription), so leaving it would let the
 * relay email everyone who said stop once any reconcile ran.
 *
 * Why the operator is told over both: `owners resubscribe` records `none`,
 * and the next reconcile on `sns-email` `pending` until the person confirms;
 * the table cannot tell those from the reconciler's own, so the person's
 * stop wins and the operator is told (`overNoneOrPending`). An owner with
 * no state recorded is not named: `owners resubscribe` always records one.
 * @param key tells the table's address and the line's apart ({@link MailboxRule.key})
 * @returns the write (absent: nothing to add), the opt-out not applied, and whether `unsubscribed` is recorded over `none` or `pending`
 */
export function sameAddressOptOuts(
  before: OwnerRecord,
  owner: ImportedOwner,
  key: MailboxKey = normalizeEmail,
): { keptOptOuts?: KeptOptOuts; notApplied?: OptOutNotApplied; overNoneOrPending: boolean } {
  const remembered = new Set(before.optedOutAddresses ?? []);
  const optedOutAddresses = digestUnion([...remembered], lineDigests(owner, before.email, key));
  const state = before.subscription;
  const says = owner.optOuts?.unsubscribed === true;
  const record = says && (state === undefined || state === 'pending' || state === 'none');
  const write = record || optedOutAddresses.length > remembered.size;
  return {
    ...(write && {
      keptOptOuts: { ...(record && { state: 'unsubscribed' as const }), optedOutAddresses },
    }),
    ...(says && state === 'confirmed' && { notApplied: { userId: owner.userId, state } }),
    overNoneOrPending: record && (state === 'none' || state === 'pending'),
  };
}

/** A write refused and re-planned (an `OwnerUpsert`, owner-import.ts): whose it was is all the report needs. */
interface RefusedWrite {
  readonly owner: Pick<ImportedOwner, 'userId'>;
}

/**
 * The opt-out report once the `refused` upserts were re-planned as `replan`
 * (as `countsAfterReplan`, owner-import.ts): each refused owner's entries are the
 * re-plan's, everyone else's the plan's.
 */
export function optOutsAfterReplan(
  report: OptOutReport,
  refused: readonly RefusedWrite[],
  replan: OptOutReport,
): OptOutReport {
  const again = new Set(refused.map((upsert) => upsert.owner.userId));
  const notAgain = (id: string) => !again.has(id);
  return {
    optOutsKept: [...report.optOutsKept.filter(notAgain), ...replan.optOutsKept],
    optOutsNotApplied: [
      ...report.optOutsNotApplied.filter((entry) => notAgain(entry.userId)),
      ...replan.optOutsNotApplied,
    ],
    optOutsOverNoneOrPending: [
      ...report.optOutsOverNoneOrPending.filter(notAgain),
      ...replan.optOutsOverNoneOrPending,
    ],
  };
}
