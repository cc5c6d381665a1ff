/**
 * The per-credential history (docs/data-model.md, "History"): what every
 * transition, restore and exemption did to a credential, kept on the item so
 * "why was this deleted, when, by which rule" survives a restore. Bounded: the
 * newest {@link HISTORY_LIMIT} entries are kept, so an item cannot grow
 * without limit; a longer stored history shrinks toward the bound by at most
 * {@link HISTORY_MAX_DROP} a write. Pure: entries are built from actions and
 * instants given.
 */
import { DELETED_REASON_OF } from './action-changes';
import { HISTORY_ATTR, HYGIENE_ATTR } from './data-contract';
import type { OperatorIdentity } from './operator-identity';
import type { Action } from './policy';
import { formatInstant } from './time';

/**
 * How many entries a credential's history keeps (the newest). 20 covers a
 * credential's last few cycles (three expiry notices, a stale flag, a
 * deletion, a restore, an exemption …) at a few kilobytes at most.
 */
export const HISTORY_LIMIT = 20;

/**
 * The most of the oldest entries one write removes. A history longer than
 * {@link HISTORY_LIMIT} (the worker never writes one, but `import` stores
 * what it is given) shrinks by up to this many per write, less the entries
 * the write adds, until the newest {@link HISTORY_LIMIT} remain.
 *
 * Why a cap: each dropped entry is one more path in the write (`REMOVE
 * #h[i]`), and DynamoDB refuses an expression over 4 KB and a PartiQL
 * statement over 8,192 characters; uncapped, a history of ~430 entries could
 * no longer be written at all (docs/data-model.md, "History"). The
 * arithmetic, indexes below 64: a dropped index is at most 10 bytes of
 * `UpdateExpression` (`#a99[63], `), 640 for 64, and 28 characters of the
 * PartiQL statement (` REMOVE "hygieneHistory"[63]`), 1,792 for 64.
 * Everything else at its largest (every attribute a transition writes, 20
 * appended entries at 7-digit indexes, every condition, a 255-character
 * table name) is ~0.7 KB of `UpdateExpression` and ~1.9 KB of statement:
 * ~1.3 KB of 4 KB and ~3.7 KB of 8 KB, under half of each
 * (test/unit/history-trim.test.ts measures it). Larger than
 * {@link HISTORY_LIMIT}, so every write past the bound shrinks the list even
 * when it appends that many entries.
 */
export const HISTORY_MAX_DROP = 64;

/** What an operator did by hand (the CLI), besides the sweep's own action types. */
export type OperatorAction = 'restore' | 'exempt' | 'unexempt';

/** One history entry, as stored (a map; absent fields are not written). */
export interface HistoryEntry {
  /** When (UTC ISO): the run's `now` for a transition, the command's instant for an operator action. */
  readonly at: string;
  /** The sweep action type (`delete-expired`, `flag-stale`, …) or the operator action. */
  readonly action: Action['type'] | OperatorAction;
  /** Why: the deletion reason (`expired` | `stale` | `orphaned`), an unflag's reason, or the operator's `--reason`. */
  readonly reason?: string;
  /** The dates the sweep decided from (expiry, last activity, grace), in words. */
  readonly detail?: string;
  /** The sweep run that made the transition. */
  readonly runId?: string;
  /** Who, for an operator action, as named (`--by`, `PC_HYGIENE_OPERATOR`, the AWS caller ARN, or the OS user). */
  readonly by?: string;
  /** Operator actions against AWS: the STS caller identity's ARN of whoever ran the command, whatever `by` says. */
  readonly callerArn?: string;
  /** Restore only: the soft-delete it undid (`deletedAt`, reason, run), kept here because restore clears them. */
  readonly deletedAt?: string;
  readonly deletedReason?: string;
  readonly deletedByRun?: string;
}

/** The recorded reason and detail of one sweep action: the rule, and the dates it was decided from. */
function explain(action: Action): Pick<HistoryEntry, 'reason' | 'detail'> {
  switch (action.type) {
    case 'notify-expiry':
      return { detail: `expires ${action.expiresTime} (${action.stageDays}-day notice)` };
    case 'delete-expired':
      return { reason: DELETED_REASON_OF[action.type], detail: `expiresTime ${action.expiresTime}` };
    case 'flag-stale':
      return {
        detail: `last activity ${action.lastActivity}, stale after ${action.staleAfterDays} days (tier ${action.tier}); delete after ${action.deleteAfter}`,
      };
    case 'delete-stale':
    case 'delete-orphaned':
      return {
        reason: DELETED_REASON_OF[action.type],
        detail: `flagged ${action.flaggedAt}, delete after ${action.deleteAfter}`,
      };
    case 'flag-orphan':
      return { detail: `owner departed; delete after ${action.deleteAfter}` };
    case 'unflag-stale':
    case 'unflag-orphan':
      return { reason: action.reason };
    case 'clear-deletion-leftovers':
      return { detail: `not soft-deleted, cleared ${action.leftovers.join(', ')}` };
  }
}

/** The history entries of one transition: one per action, at the run's `now`, naming the run. */
export function transitionHistory(
  actions: readonly Action[],
  run: { readonly runId: string; readonly now: number },
): HistoryEntry[] {
  const at = formatInstant(run.now);
  return actions.map((action) => ({ at, action: action.type, ...explain(action), runId: run.runId }));
}

/** The fields of an operator action's entry that say who acted (`callerArn` only when known). */
export function operatorFields(who: OperatorIdentity): OperatorIdentity {
  return { by: who.by, ...(who.callerArn !== undefined && { callerArn: who.callerArn }) };
}

/** How many entries a stored history holds: its length when it is a list, else 0 (absent or not a list). */
export function historyLength(stored: unknown): number {
  return Array.isArray(stored) ? stored.length : 0;
}

/**
 * Where a stored history records run `runId`'s deletion: the index of its
 * newest `delete-*` entry of that run, which the sweep appends in the very
 * write that deletes, at the instant it also writes as `deletedAt`
 * ({@link transitionHistory}); -1 when it holds none (or is not a list).
 */
function runDeletionIndex(stored: unknown, runId: string): number {
  if (!Array.isArray(stored)) return -1;
  return stored.findLastIndex((entry: unknown) => {
    const { action, runId: run } = (entry ?? {}) as { action?: unknown; runId?: unknown };
    return typeof action === 'string' && action.startsWith('delete-') && run === runId;
  });
}

/** A stored history entry as read: any field may be missing or of another type. */
export interface StoredHistoryEntry {
  readonly at?: unknown;
  readonly action?: unknown;
}

/**
 * What a credential's history says of its current soft-delete ({@link deletionRecord}):
 * - `not-deleted`: no `deletedAt` (absent or NULL);
 * - `no-reason`: no `hygieneDeletedReason` (text), so not pc-hygiene's deletion (its owner or the platform revoked it);
 * - `no-run`: no `hygieneDeletedByRun` (text), which every pc-hygiene deletion records;
 * - `no-entry`: its history (`hygieneHistory`) has no `delete-*` entry of that run;
 * - `other-instant`: that run's newest `delete-*` entry (`entry`) is at another instant than `deletedAt`, which
 *   another writer rewrote since;
 * - `recorded`: pc-hygiene's deletion as its history records it, at `index` in `hygieneHistory`.
 */
export type DeletionRecord =
  | { readonly kind: 'not-deleted' }
  | { readonly kind: 'no-reason' }
  | { readonly kind: 'no-run' }
  | { readonly kind: 'no-entry'; readonly deletedByRun: string }
  | { readonly kind: 'other-instant'; readonly deletedByRun: string; readonly entry: StoredHistoryEntry }
  | {
      readonly kind: 'recorded';
      readonly deletedReason: string;
      readonly deletedByRun: string;
      /** The index in `hygieneHistory` of the entry that records the deletion. */
      readonly index: number;
    };

/**
 * Whether `item`'s current soft-delete is one pc-hygiene made and its history
 * records — the deletion `restore` undoes (docs/data-model.md, "Restore"):
 * a `deletedAt`, a `hygieneDeletedReason` and a `hygieneDeletedByRun` as
 * text, and that run's newest `delete-*` history entry, which the sweep
 * appends in the very write that deletes, at exactly the `deletedAt` stored
 * (compared as stored). The first check that fails names the
 * {@link DeletionRecord}; the item as read from the table, any field of any type.
 */
export function deletionRecord(item: Readonly<Record<string, unknown>>): DeletionRecord {
  const { deletedAt } = item;
  if (deletedAt === undefined || deletedAt === null) return { kind: 'not-deleted' };
  const deletedReason = item[HYGIENE_ATTR.deletedReason];
  if (typeof deletedReason !== 'string') return { kind: 'no-reason' };
  const deletedByRun = item[HYGIENE_ATTR.deletedByRun];
  if (typeof deletedByRun !== 'string') return { kind: 'no-run' };
  const history = item[HISTORY_ATTR];
  const index = runDeletionIndex(history, deletedByRun);
  if (index < 0) return { kind: 'no-entry', deletedByRun };
  const entry = (history as readonly StoredHistoryEntry[])[index] as StoredHistoryEntry;
  if (entry.at !== deletedAt) return { kind: 'other-instant', deletedByRun, entry };
  return { kind: 'recorded', deletedReason, deletedByRun, index };
}

/**
 * Whether appending `adding` entries to a stored history of `length` entries
 * drops the entry at `index`: the write removes the oldest ({@link historyTrim}).
 */
export function dropsEntry(length: number, adding: number, index: number): boolean {
  return index >= 0 && index < historyTrim(length, adding);
}

/**
 * How to append `adding` entries to a stored history of `length` entries and
 * move toward `limit`: how many of the oldest to drop — enough to end at
 * `limit`, but never more than are stored nor more than
 * {@link HISTORY_MAX_DROP} (a longer history shrinks over several writes; a
 * single write never adds more than `limit`).
 */
export function historyTrim(length: number, adding: number, limit = HISTORY_LIMIT): number {
  return Math.min(length, Math.max(0, length + adding - limit), HISTORY_MAX_DROP);
}

/**
 * How one write appends `entries` to a stored history of `length` entries
 * (docs/data-model.md, "History"), whatever the write's syntax: an absent,
 * empty or non-list history is replaced by the entries (the write is
 * conditional on it being so); otherwise the entries go at the indexes past
 * the end and the `drop` oldest are removed, conditional on the length read.
 * At most {@link HISTORY_LIMIT} entries are written and at most
 * {@link HISTORY_MAX_DROP} removed.
 */
export type HistoryAppend =
  | { readonly kind: 'replace'; readonly entries: readonly HistoryEntry[] }
  | {
      readonly kind: 'append';
      /** The length read: the first new entry's index, and what the write is conditional on. */
      readonly length: number;
      readonly entries: readonly HistoryEntry[];
      /** How many of the oldest entries the same write removes. */
      readonly drop: number;
    };

/** The {@link HistoryAppend} for `entries` on a history of `length` entries, or `undefined` when there are none. */
export function planHistoryAppend(
  length: number,
  entries: readonly HistoryEntry[],
): HistoryAppend | undefined {
  if (entries.length === 0) return undefined;
  const kept = entries.slice(-HISTORY_LIMIT);
  if (length === 0) return { kind: 'replace', entries: kept };
  return { kind: 'append', length, entries: kept, drop: historyTrim(length, kept.length) };
}
