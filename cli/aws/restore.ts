/**
 * Undoes a soft-delete: clears `deletedAt`, the deletion bookkeeping, the
 * purge time, the stale flag and the orphan flag, and records who restored
 * it, when and why — also as an entry appended to the credential's history,
 * which keeps the deletion it undid (when, why, by which run), so the audit
 * trail survives the restore (docs/data-model.md, "History").
 * It undoes only pc-hygiene's own deletions: one without `hygieneDeletedReason`
 * was made upstream (the owner or the platform revoked the credential), and
 * the worker writes `deletedAt` only when it soft-deletes or restore undoes
 * that (docs/data-model.md, "Seed fields"), so such a deletion is refused,
 * with no override: a revocation is undone where it was made. So is a
 * `deletedAt` the credential's history does not record as its run's deletion
 * (rewritten by another writer, the hygiene fields left in place): the sweep
 * appends a `delete-*` entry at its `deletedAt` in the very write that
 * deletes (`refuseUnrecordedDeletion`, `restore/check.ts`).
 * The write is conditional on the deletion that was read (`deletedAt`, its
 * reason and run) and on the history's length, so a restore never races
 * another restore or a re-deletion unnoticed. A write whose response was lost
 * and that the SDK sent again fails that condition on its own change: the
 * credential is read again, and its history's entry of this very restore
 * makes it a success, not a conflict. A restore instant before the
 * deletion it undoes (a local `--now`, or a clock behind the worker's) is
 * refused: the history would record the undoing before the deletion.
 * The deletion's own notice, when still unsent in the outbox, is withdrawn in
 * the same write, guarded as the notifier's mark guards its removals, so the
 * owner is never told "deleted" about a live credential; one already sent
 * stays told, and the result says so (`deletionNoticeSent`, with the owner's
 * `userId`: tell them it is restored; docs/deploy.md, "Restore runbook"). A drain may have read the
 * notice and be publishing it, its mark still to come: so a withdrawal is one
 * transaction with a check that no drain holds a live drain lease (a drain
 * reads only under the lease), and a live lease refuses the restore as a
 * conflict to run again once the drain ends (docs/notifications.md, "The
 * drain lease"). Without a withdrawal the write is one `UpdateItem`. A write
 * DynamoDB cancels for another write in flight on one of its items
 * (`TransactionConflict`) wrote nothing and is refused as a conflict to run again.
 * An id the configured `exemptIds` list counts as exempt, as `hygieneExempt`
 * does (docs/rules.md, "Exempt credentials").
 *
 * A CLI-only adapter (`pc-hygiene restore`): it lives in `cli/aws/`, apart
 * from the adapters the Lambdas bundle (`lambdas/aws/`).
 *
 * Here: the entry, {@link restoreCredential}, and the restore's public names, re-exported from its parts in
 * `restore/` so its importers need not know them: the request and result shapes (`types.ts`), the refusals
 * (`refusals.ts`), the exempt rule (`exempt.ts`), the read and its checks (`check.ts`), the notice withdrawal and its
 * drain-lease check (`notice-withdrawal.ts`), the conditional write (`write.ts`), and what a failed write means
 * (`conflicts.ts`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { formatInstant } from '../../lambdas/hygiene/time';
import { checkRestore } from './restore/check';
import { isExempt, notExemptText } from './restore/exempt';
import { noticeWithdrawal } from './restore/notice-withdrawal';
import type { RestoreRequest, RestoreResult } from './restore/types';
import { writeRestore } from './restore/write';

export {
  CredentialNotFoundError,
  ExpiredRestoreError,
  NotDeletedByHygieneError,
  NotDeletedByRunError,
  NotDeletedError,
  RestoreBeforeDeletionError,
  RestoreConflictError,
  RestoreRefusal,
} from './restore/refusals';
export type { RestoreRequest, RestoreResult, RestoreTerms } from './restore/types';

/**
 * Restores one soft-deleted credential (or, with `dryRun`, checks that it could).
 * @throws {CredentialNotFoundError} unknown id (or a reserved id)
 * @throws {NotDeletedError} the credential is not soft-deleted
 * @throws {NotDeletedByHygieneError} soft-deleted, but not by pc-hygiene: no `hygieneDeletedReason`, or a
 *   `deletedAt` its history does not record as run `hygieneDeletedByRun`'s deletion
 * @throws {NotDeletedByRunError} `deletedByRun` given and another (or no) run deleted it
 * @throws {ExpiredRestoreError} past its `expiresTime`, not exempt (`hygieneExempt`, or `exemptIds`) and not `force`
 * @throws {RestoreBeforeDeletionError} `now` is before the deletion's `deletedAt`
 * @throws {RestoreConflictError} changed between read and write (run it again), or `deletedAt` given and the
 *   credential deleted at another instant, or a drain held the drain lease while the unsent deletion notice was
 *   to be withdrawn (run it again when the drain ends); marked `inFlight` when another write was in
 *   flight on one of its items (nothing written: run it again)
 */
export async function restoreCredential(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: RestoreRequest,
): Promise<RestoreResult> {
  const { id } = request;
  const checked = await checkRestore(client, tableName, request);
  const notice = noticeWithdrawal(checked, request.now);
  if (!request.dryRun) await writeRestore(client, tableName, request, checked, notice);
  const { item, deletedAt, deletedReason: reason, deletedByRun: byRun } = checked;
  const { userId } = item;
  let warning = checked.warning;
  // An orphaned credential's owner may still be departed: say what the next sweep will do.
  if (reason === 'orphaned' && !isExempt(request, item)) {
    warning ??=
      `credential ${id} was deleted as orphaned: while the owner directory marks its owner departed, ` +
      `the next sweep flags it again (and deletes it after orphanGraceDays) unless it is exempted (${HYGIENE_ATTR.exempt} = true)` +
      notExemptText(request);
  }
  return {
    id,
    ...(typeof userId === 'string' && { userId }),
    deletedAt: String(deletedAt),
    deletedReason: reason,
    ...(typeof byRun === 'string' && { deletedByRun: byRun }),
    restoredAt: formatInstant(request.now),
    restoredBy: request.by,
    ...(request.callerArn !== undefined && { callerArn: request.callerArn }),
    reason: request.reason,
    ...(warning !== undefined && { warning }),
    // No unsent notice to withdraw: the owner may have been told (docs/deploy.md, "Restore runbook").
    ...(notice === undefined ? { deletionNoticeSent: true } : { deletionNoticeWithdrawn: true }),
    ...(request.dryRun && { dryRun: true }),
  };
}
