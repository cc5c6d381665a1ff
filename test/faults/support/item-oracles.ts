/**
 * Oracles that judge what the worker did from a credential item itself, never
 * by calling the production rule that did it: whether a soft-delete is one the
 * rules make (docs/rules.md), and whether a drain was right to remove an event
 * unpublished as superseded (docs/notifications.md, "One drain", step 4). Used
 * by the fault scenarios that run over several days (`sns-outage*.test.ts`).
 *
 * They are independent code, not an independent judgement: each restates the
 * rule clause by clause from the same specification, so a misreading of the
 * docs would be shared. The supersession oracle is also looser than the rule:
 * a half-cleared flag counts as gone, a `deleted-*` notice ignores whether
 * `deletedAt` moved, and it judges the credential as the scenario left it, not
 * as the drain read it. The independent check is the scenario's own: the ids
 * it renewed or used, and the events it saw pending on them.
 */
import { HYGIENE_ATTR } from '../../../lambdas/hygiene/data-contract';
import type { OutboxEvent } from '../../../lambdas/hygiene/events';
import { parseInstant } from '../../../lambdas/hygiene/time';

type Item = Record<string, unknown>;

/** A stored instant as epoch ms; `NaN` when absent or not an instant. */
export function instantMs(value: unknown): number {
  const parsed = typeof value === 'string' ? parseInstant(value) : undefined;
  return parsed?.ok ? parsed.ms : Number.NaN;
}

/** Both are readable instants, and different ones. */
function differentInstants(a: unknown, b: unknown): boolean {
  const left = instantMs(a);
  const right = instantMs(b);
  return Number.isFinite(left) && Number.isFinite(right) && left !== right;
}

/** Why a soft-delete is not one the rules make, judged from the item itself; undefined when it is. */
export function unjustifiedDeletion(item: Item): string | undefined {
  const deletedAt = instantMs(item.deletedAt);
  if (item[HYGIENE_ATTR.deletedReason] === 'expired') {
    return instantMs(item.expiresTime) <= deletedAt ? undefined : 'deleted as expired before its expiresTime';
  }
  const flaggedAt = instantMs(item[HYGIENE_ATTR.staleFlaggedAt]);
  const deleteAfter = instantMs(item[HYGIENE_ATTR.staleDeleteAfter]);
  if (!(deleteAfter <= deletedAt)) return 'deleted as stale before its grace period ended';
  if (item.lastUsedAt !== undefined && instantMs(item.lastUsedAt) > flaggedAt)
    return 'deleted as stale though used since flagged';
  return undefined;
}

/** The worker soft-deleted it: a readable `deletedAt` and the run that deleted it (only the sweep writes that). */
function deletedByTheWorker(item: Item): boolean {
  return Number.isFinite(instantMs(item.deletedAt)) && typeof item[HYGIENE_ATTR.deletedByRun] === 'string';
}

/** The flag a warning announced is gone, or another one (set at another instant, or due at another date). */
function flagChanged(
  item: Item,
  event: OutboxEvent,
  flaggedAtName: string,
  deleteAfterName: string,
): boolean {
  const flaggedAt = item[flaggedAtName];
  if (flaggedAt === undefined || flaggedAt === null) return true;
  return (
    differentInstants(flaggedAt, event.occurredAt) ||
    (event.deleteAfter !== undefined && differentInstants(item[deleteAfterName], event.deleteAfter))
  );
}

/**
 * Why removing `event` unpublished is not legitimate, judged from its credential as the scenario left it
 * (`item`, `undefined` when gone); undefined when the credential has outgrown the notice:
 * - `expiry-warning`: the credential's `expiresTime` is another instant than the event's (renewed);
 * - `stale-warning`: used after the event's `occurredAt`, its stale flag gone or another one, or soft-deleted
 *   by the worker;
 * - `orphan-flagged`: its orphan flag gone or another one, or soft-deleted by the worker;
 * - `deleted-*`: not deleted any more, or deleted by another run than the event's.
 *
 * The end state stands for the state the drain read: the scenarios undo none of these changes afterwards.
 */
export function unjustifiedSupersession(event: OutboxEvent, item: Item | undefined): string | undefined {
  if (item === undefined) return 'its credential is not in the table at the end';
  switch (event.type) {
    case 'expiry-warning':
      return differentInstants(item.expiresTime, event.expiresTime)
        ? undefined
        : `expiry warning removed, but expiresTime is still ${String(item.expiresTime)} (not renewed)`;
    case 'stale-warning':
      return deletedByTheWorker(item) ||
        instantMs(item.lastUsedAt) > instantMs(event.occurredAt) ||
        flagChanged(item, event, HYGIENE_ATTR.staleFlaggedAt, HYGIENE_ATTR.staleDeleteAfter)
        ? undefined
        : 'stale warning removed, but the credential is unused since, still flagged as warned and not deleted';
    case 'orphan-flagged':
      return deletedByTheWorker(item) ||
        flagChanged(item, event, HYGIENE_ATTR.orphanedAt, HYGIENE_ATTR.orphanDeleteAfter)
        ? undefined
        : 'orphan warning removed, but the credential is still flagged as warned and not deleted';
    case 'deleted-expired':
    case 'deleted-stale':
    case 'deleted-orphaned': {
      const deletedAt = item.deletedAt;
      const byRun = item[HYGIENE_ATTR.deletedByRun];
      if (deletedAt === undefined || deletedAt === null) return undefined;
      return typeof byRun === 'string' && byRun !== event.runId
        ? undefined
        : `deletion notice removed, but the credential is still deleted by run ${String(byRun)}`;
    }
  }
}

/** The items of `final` soft-deleted since `original` (a soft-delete already there is not the worker's), by id. */
export function softDeletedSince(
  original: ReadonlyMap<string, Item>,
  final: ReadonlyMap<string, Item>,
): [string, Item][] {
  return [...final].filter(
    ([id, item]) => item.deletedAt !== undefined && original.get(id)?.deletedAt === undefined,
  );
}
