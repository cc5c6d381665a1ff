/**
 * The fields a pc-hygiene soft-delete leaves on a credential, for tests that
 * seed one without running a sweep: `deletedAt`, the reason and the run, and
 * the `delete-*` history entry the sweep appends in the same write at the same
 * instant (lambdas/hygiene/history.ts). Restore undoes only a deletion its
 * history records so (cli/aws/restore.ts; docs/data-model.md, "Restore").
 */
import type { DeletedReason } from '../../lambdas/hygiene/credential';
import { HISTORY_ATTR, HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';

/** The attributes of a deletion run `runId` made at `deletedAt` (canonical UTC) as `reason`. */
export function hygieneDeletion(
  deletedAt: string,
  reason: DeletedReason,
  runId: string,
): Record<string, unknown> {
  return {
    deletedAt,
    [HYGIENE_ATTR.deletedReason]: reason,
    [HYGIENE_ATTR.deletedByRun]: runId,
    [HISTORY_ATTR]: [{ at: deletedAt, action: `delete-${reason}`, reason, runId }],
  };
}
