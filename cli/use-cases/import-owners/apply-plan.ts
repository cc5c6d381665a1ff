/**
 * The import's writes, in order: the owners, the departures, then the freshness last, as a compare-and-swap on the
 * freshness read at the start (lost: `superseded`, another import's snapshot recorded meanwhile).
 */
import type { StoredDirectoryFreshness } from '../../../lambdas/aws/owner-directory-reads';
import type { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import type { OwnerImportPlan } from '../../../lambdas/hygiene/owner-import';
import type { DatedImportRequest } from './request';
import { shownStored, storedAsOf } from './snapshot';
import { type WrittenOwners, writeOwners } from './write-owners';

/**
 * Writes the plan, then the freshness: only while the stored freshness is
 * still the one the import read (`read`, `undefined`: none;
 * `DynamoOwnerDirectory.recordFreshness`).
 * @returns the owners written (counted as {@link writeOwners} does, with its opt-out report), owners marked
 * departed, and the snapshot recorded meanwhile when the freshness write lost
 */
export async function applyPlan(
  directory: DynamoOwnerDirectory,
  plan: OwnerImportPlan,
  request: DatedImportRequest & { readonly contentDigest: string },
  read: StoredDirectoryFreshness | undefined,
): Promise<WrittenOwners & { markedDeparted: number; supersededBy?: string }> {
  const written = await writeOwners(directory, plan, request);
  const markedDeparted = await directory.markDeparted(plan.markDeparted, request.now);
  const freshness = { asOf: request.asOf, owners: plan.ownersAfter, contentDigest: request.contentDigest };
  if (await directory.recordFreshness(freshness, request.now, { replacing: read })) {
    return { ...written, markedDeparted };
  }
  return {
    ...written,
    markedDeparted,
    supersededBy: shownStored(storedAsOf(await directory.freshness())) ?? 'none',
  };
}
