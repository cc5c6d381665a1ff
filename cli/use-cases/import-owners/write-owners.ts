/**
 * Writing the planned owners, each only while still as the plan read them: a refused write is read again and
 * re-planned, at most {@link MAX_WRITE_ATTEMPTS} attempts, then the import fails
 * ({@link OwnersChangedMeanwhileError}).
 */
import type { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import {
  countsAfterReplan,
  type OwnerImportCounts,
  type OwnerImportPlan,
  planOwnerImport,
} from '../../../lambdas/hygiene/owner-import';
import { type OptOutReport, optOutsAfterReplan } from '../../../lambdas/hygiene/owner-import-opt-outs';
import { RELAY_MAILBOXES } from './relay-mailboxes';
import type { OwnerImportRequest } from './request';
import { type OptOutSummary, optOutSummary } from './summary';

/**
 * Attempts at writing one owner: a write refused because the owner changed
 * since the plan read them (created meanwhile, or their address changed, or
 * for a move or merged opt-outs their subscription state changed, another
 * import wrote them, or their remembered opt-outs gained an address) is
 * planned again from a fresh read, this often in all.
 */
export const MAX_WRITE_ATTEMPTS = 3;

/** Owners whose write was refused on every attempt: nothing written for them, and the freshness not recorded. */
export class OwnersChangedMeanwhileError extends Error {
  override readonly name = 'OwnersChangedMeanwhileError';
  constructor(readonly userIds: readonly string[]) {
    super(
      `${userIds.length} owner(s) changed while the import wrote them (created by another import, their address ` +
        "changed, or, for a move or an export line's opt-outs to merge, their subscription state changed, " +
        `another import wrote them or their remembered opt-outs gained an address), ${MAX_WRITE_ATTEMPTS} times in a row: ${userIds.slice(0, 10).join(', ')}` +
        `${userIds.length > 10 ? ', ...' : ''}; nothing written for them, no owner marked departed (--sync) and the snapshot not recorded: run the import again`,
    );
  }
}

/** What {@link writeOwners} wrote: the counts and the opt-out fields. */
export type WrittenOwners = OwnerImportCounts & OptOutSummary;

/**
 * Writes the planned owners, each only while the owner is still as the plan
 * read them (`ExistingOwnerUpsert.read`; a new one: still absent). An unconditional
 * write would damage an owner another import changed in between: written
 * back to the address it read while keeping the route state recorded for the
 * other import's address, merged into an owner the other import created, or
 * (a move, merged opt-outs) losing an opt-out recorded meanwhile, or
 * recording one over a subscription a reconcile recorded meanwhile. A refused
 * one is read again and re-planned (`planOwnerImport`; one now unchanged is
 * not written), at most {@link MAX_WRITE_ATTEMPTS} attempts.
 * @returns what was written: the plan's counts and opt-out report, with each re-planned owner as the re-plan classed them
 * @throws {OwnersChangedMeanwhileError} when some are still refused after the last attempt
 */
export async function writeOwners(
  directory: DynamoOwnerDirectory,
  plan: OwnerImportPlan,
  request: Pick<OwnerImportRequest, 'now' | 'onWritten'>,
): Promise<WrittenOwners> {
  let counts: OwnerImportCounts = { created: plan.created, updated: plan.updated, unchanged: plan.unchanged };
  let optOuts: OptOutReport = plan;
  let pending = plan.upserts;
  let writtenBefore = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const offset = writtenBefore;
    const outcome = await directory.upsertOwners(pending, request.now, (written) =>
      request.onWritten?.(offset + written),
    );
    writtenBefore += outcome.written;
    if (outcome.refused.length === 0) break;
    const owners = outcome.refused.map((u) => u.owner);
    if (attempt >= MAX_WRITE_ATTEMPTS) throw new OwnersChangedMeanwhileError(owners.map((o) => o.userId));
    const replan = planOwnerImport(
      await directory.getMany(owners.map((o) => o.userId)),
      owners,
      false,
      RELAY_MAILBOXES,
    );
    counts = countsAfterReplan(counts, outcome.refused, replan);
    optOuts = optOutsAfterReplan(optOuts, outcome.refused, replan);
    pending = replan.upserts;
  }
  return { ...counts, ...optOutSummary(optOuts) };
}
