/**
 * Which pending owner notices the credential has outgrown by the time a drain
 * reads it (docs/notifications.md, "One drain", step 4). An event carries the
 * state it was queued from; the drain's strongly consistent read of the item
 * carries the state now. A notice no longer true — an expiry warning about an
 * expiry the credential was renewed past, a stale or orphan warning whose flag
 * was cleared or set again since, or about a credential the worker soft-deleted
 * since, a deletion notice about a credential live
 * again or deleted anew by a later run since — is _superseded_: never published, removed by
 * the drain's mark like a sent one. A restore withdraws its own deletion's
 * notice in its write (docs/data-model.md, "Restore"); this rule catches the
 * deletions undone otherwise (the platform un-revoking, an operator's
 * `REMOVE deletedAt`: docs/rules.md, "A soft-delete undone other than by
 * restore"), so the owner never reads "deleted" about a working credential.
 * Instants are compared as instants, never as text (a stored value may take
 * another form), and a value that cannot be read supersedes nothing: a notice
 * is never dropped on doubt. Pure.
 */
import { HYGIENE_ATTR } from '../data-contract';
import type { OutboxEvent } from '../events';
import type { RawItem } from '../ports';
import { parseInstant } from '../time';

/** A flag the sweep sets with its warning in one write: when it was set, and when its deletion is due. */
interface FlagAttributes {
  readonly flaggedAt: string;
  readonly deleteAfter: string;
}

const STALE_FLAG: FlagAttributes = {
  flaggedAt: HYGIENE_ATTR.staleFlaggedAt,
  deleteAfter: HYGIENE_ATTR.staleDeleteAfter,
};

const ORPHAN_FLAG: FlagAttributes = {
  flaggedAt: HYGIENE_ATTR.orphanedAt,
  deleteAfter: HYGIENE_ATTR.orphanDeleteAfter,
};

/**
 * The credential attributes {@link isSuperseded} reads besides `deletedAt`: the drain's item read projects exactly
 * these besides the outbox (`READ_PROJECTION`, lambdas/aws/outbox-reads.ts), which projects `deletedAt` once for
 * both its readers, this rule and the purge release (`planPurgeRelease`, lambdas/hygiene/outbox-item.ts).
 */
export const SUPERSEDING_ATTRIBUTES = [
  'expiresTime',
  HYGIENE_ATTR.deletedByRun,
  'lastUsedAt',
  STALE_FLAG.flaggedAt,
  STALE_FLAG.deleteAfter,
  ORPHAN_FLAG.flaggedAt,
  ORPHAN_FLAG.deleteAfter,
] as const;

/** A stored instant: epoch ms, absent, or present but not an RFC 3339 instant (a doubt). */
type StoredInstant = number | 'absent' | 'unreadable';

function storedInstant(value: unknown): StoredInstant {
  if (value === undefined || value === null) return 'absent';
  if (typeof value !== 'string') return 'unreadable';
  const parsed = parseInstant(value);
  return parsed.ok ? parsed.ms : 'unreadable';
}

/**
 * True when the credential as read (`raw`) has outgrown `event`: the notice is no longer true and must not be
 * sent. `expiry-warning`: the item holds another `expiresTime` (renewed; an item without one is kept: the worker
 * never writes that seed field, so its absence says nothing certain). `stale-warning`: the stale flag is gone
 * (cleared: used again, or exempted), set at another time or with another deletion date than the event's (set
 * again since), or the credential was used after its flag (the sweep's `used-since-flagged` unflag, docs/rules.md,
 * not yet run). `orphan-flagged`: the orphan flag is gone or was set again. A stale or orphan warning: the worker has
 * soft-deleted the credential since ({@link deletedByTheWorker}). `deleted-*`: the deletion it announced no longer stands
 * ({@link deletionUndone}).
 */
export function isSuperseded(event: OutboxEvent, raw: RawItem): boolean {
  switch (event.type) {
    case 'expiry-warning':
      return expiryRenewed(event, raw);
    case 'stale-warning':
      return deletedByTheWorker(raw) || flagOutgrown(event, raw, STALE_FLAG) || usedSinceFlagged(raw);
    case 'orphan-flagged':
      return deletedByTheWorker(raw) || flagOutgrown(event, raw, ORPHAN_FLAG);
    case 'deleted-expired':
    case 'deleted-stale':
    case 'deleted-orphaned':
      return deletionUndone(event, raw);
  }
}

/**
 * The deletion a `deleted-*` notice announced no longer stands: the item has no `deletedAt` (absent or `NULL`: live
 * again, docs/rules.md), or it was deleted anew by a later run of the worker — a readable `deletedAt` at another
 * instant than the event's `occurredAt` (the sweep writes both from its one `now`) and a `hygieneDeletedByRun` naming
 * another run than the event's, whose deletion queued its own notice. A `deletedAt` moved by anyone else (the
 * platform revoking it again, a rewrite of the value) keeps the notice: the credential is deleted, its purge is
 * still held back for this notice, and nobody else tells the owner. An unreadable `deletedAt` or `occurredAt` keeps
 * the notice.
 */
function deletionUndone(event: OutboxEvent, raw: RawItem): boolean {
  const deletedAt = storedInstant(raw.deletedAt);
  if (deletedAt === 'absent') return true;
  const announced = storedInstant(event.occurredAt);
  if (typeof deletedAt !== 'number' || typeof announced !== 'number' || deletedAt === announced) return false;
  const deletedByRun = raw[HYGIENE_ATTR.deletedByRun];
  return typeof deletedByRun === 'string' && deletedByRun !== event.runId;
}

/**
 * The worker soft-deleted the credential since (a readable `deletedAt` and a `hygieneDeletedByRun`, which only the
 * sweep's deletion writes): a stale or orphan warning ("use it before …", "unless the owner is active again") can no
 * longer be acted on as it says. That deletion keeps the stale or orphan flag (docs/rules.md), so a warning still
 * pending when it was made (a drain outage across the grace) would otherwise go out beside its own deletion notice,
 * which tells the owner what happened and how to have it restored; a restore, or the sweep's clearing of the
 * deletion's leftovers once it is undone otherwise, clears the flags. A `deletedAt` anyone else wrote (the platform
 * revoking it) keeps the warning: nothing clears the flag when the platform undoes that, and the sweep would then
 * delete the credential at the warned date with its owner never warned. An unreadable `deletedAt` keeps the warning
 * too. An expiry warning is kept: it records a stage a restore does not clear, so dropped it would never be sent for
 * a credential restored later; beside its own deletion notice it is still sent, and read in that deletion's entry
 * (`foldOvertaken`, `lambdas/hygiene/digest/overtaken.ts`; docs/notifications.md, "The message").
 */
function deletedByTheWorker(raw: RawItem): boolean {
  return (
    typeof storedInstant(raw.deletedAt) === 'number' && typeof raw[HYGIENE_ATTR.deletedByRun] === 'string'
  );
}

/** The item's `expiresTime` is another instant than the warning's (both readable). */
function expiryRenewed(event: OutboxEvent, raw: RawItem): boolean {
  const warned = storedInstant(event.expiresTime);
  const stored = storedInstant(raw.expiresTime);
  return typeof warned === 'number' && typeof stored === 'number' && warned !== stored;
}

/**
 * The flag the warning announced is gone (both attributes absent), or is another flag: set at another instant
 * than the event's `occurredAt` (the sweep writes both from its one `now`), or due at another `deleteAfter`. A
 * half flag, or any unreadable value, keeps the warning.
 */
function flagOutgrown(event: OutboxEvent, raw: RawItem, flag: FlagAttributes): boolean {
  const flaggedAt = storedInstant(raw[flag.flaggedAt]);
  const deleteAfter = storedInstant(raw[flag.deleteAfter]);
  if (flaggedAt === 'absent' && deleteAfter === 'absent') return true;
  if (typeof flaggedAt !== 'number' || typeof deleteAfter !== 'number') return false;
  const queuedAt = storedInstant(event.occurredAt);
  const announced = storedInstant(event.deleteAfter);
  if (typeof queuedAt !== 'number' || announced === 'unreadable') return false;
  return queuedAt !== flaggedAt || (announced !== 'absent' && announced !== deleteAfter);
}

/** The credential was used after it was flagged stale (both readable): the next sweep clears the flag. */
function usedSinceFlagged(raw: RawItem): boolean {
  const lastUsed = storedInstant(raw.lastUsedAt);
  const flaggedAt = storedInstant(raw[STALE_FLAG.flaggedAt]);
  return typeof lastUsed === 'number' && typeof flaggedAt === 'number' && lastUsed > flaggedAt;
}
