/**
 * What each planned action writes on the credential item: the data contract
 * of docs/data-model.md in one place, shared by the store's conditional write and
 * the benchmark's naive baseline. Pure: no AWS, no clock.
 */

import type { DeletedReason } from './credential';
import { HYGIENE_ATTR } from './data-contract';
import { type Action, DELETION_LEFTOVERS } from './policy';
import { formatInstant } from './time';

/** One attribute an action sets to a value, or removes. */
export type AttributeChange =
  | { readonly kind: 'set'; readonly attribute: string; readonly value: unknown }
  | { readonly kind: 'remove'; readonly attribute: string };

/**
 * The attribute changes of `actions`, in order. Deletions stamp `deletedAt`,
 * `updatedAt`, the reason and the run; no other seed field is ever written.
 * Clearing a soft-delete's leftovers removes them all, both flags included.
 * @param run.now the run's instant (epoch ms), written in canonical UTC
 */
export function actionChanges(
  actions: readonly Action[],
  run: { readonly runId: string; readonly now: number },
): AttributeChange[] {
  const nowIso = formatInstant(run.now);
  return actions.flatMap((action) => changesOf(action, nowIso, run.runId));
}

/** The `hygieneDeletedReason` each deletion writes (also the history's and the run manifest's reason). */
export const DELETED_REASON_OF = {
  'delete-expired': 'expired',
  'delete-stale': 'stale',
  'delete-orphaned': 'orphaned',
} as const satisfies Record<string, DeletedReason>;

const set = (attribute: string, value: unknown): AttributeChange => ({ kind: 'set', attribute, value });
const remove = (attribute: string): AttributeChange => ({ kind: 'remove', attribute });

function changesOf(action: Action, nowIso: string, runId: string): AttributeChange[] {
  switch (action.type) {
    case 'notify-expiry':
      return [
        set(HYGIENE_ATTR.expiryNoticeStage, action.stageDays),
        set(HYGIENE_ATTR.expiryNoticeFor, action.expiresTime),
      ];
    case 'flag-stale':
      return [
        set(HYGIENE_ATTR.staleFlaggedAt, nowIso),
        set(HYGIENE_ATTR.staleDeleteAfter, action.deleteAfter),
      ];
    case 'unflag-stale':
      return [remove(HYGIENE_ATTR.staleFlaggedAt), remove(HYGIENE_ATTR.staleDeleteAfter)];
    case 'flag-orphan':
      return [set(HYGIENE_ATTR.orphanedAt, nowIso), set(HYGIENE_ATTR.orphanDeleteAfter, action.deleteAfter)];
    case 'unflag-orphan':
      return [remove(HYGIENE_ATTR.orphanedAt), remove(HYGIENE_ATTR.orphanDeleteAfter)];
    case 'clear-deletion-leftovers':
      // Every one, found or not: the write is conditional on each as read, so an absent one stays absent.
      return DELETION_LEFTOVERS.map(remove);
    case 'delete-expired':
    case 'delete-stale':
    case 'delete-orphaned':
      return [
        set('deletedAt', nowIso),
        set('updatedAt', nowIso),
        set(HYGIENE_ATTR.deletedReason, DELETED_REASON_OF[action.type]),
        set(HYGIENE_ATTR.deletedByRun, runId),
      ];
  }
}
