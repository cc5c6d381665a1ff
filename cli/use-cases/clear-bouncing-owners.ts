/**
 * An owner's bouncing ended by hand (`pc-hygiene owners clear-bouncing`,
 * docs/notifications.md, "Email relay"; docs/deploy.md, "Runbook: Email
 * bounces"): the way back on route `relay` for an owner whose address
 * bounced and is deliverable again without having changed — a mailbox
 * restored, a domain's outage over, or a mailbox several owners share that
 * SES suppressed after one owner's complaint, once the operator removed it
 * from SES's suppression list. Otherwise only an import that changes the
 * owner's address clears `bouncingSince`, and the owner's notices go to the
 * admins for good. This removes it for each named owner who is bouncing.
 *
 * Why the write is conditional: `bouncingSince` is removed only while the
 * owner still has the address and the bouncing instant it was read with
 * (`clearBouncing`, lambdas/aws/owner-directory-reach-writes.ts, which says why the
 * instant): an import that moved the owner meanwhile, or a bounce that marked
 * them again after another clear, wins. Kept out of the command module so it
 * can be tested without the CLI.
 */
import type { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';

/** What the use case reads and writes in the owner directory. */
export type ClearBouncingDirectory = Pick<DynamoOwnerDirectory, 'getMany' | 'clearBouncing'>;

/** Why a named owner was left alone. */
export type NotClearedReason = 'not-in-directory' | 'not-bouncing' | 'changed-meanwhile';

/** What {@link clearBouncingOwners} did for each named owner. */
export interface ClearBouncingResult {
  /** Owners no longer bouncing: reachable again on `relay` (unless unreachable for another reason). */
  readonly cleared: readonly string[];
  /** Owners left alone, and why. */
  readonly notChanged: readonly { readonly userId: string; readonly reason: NotClearedReason }[];
}

/**
 * Removes `bouncingSince` for each named owner who is bouncing, for the
 * address and bouncing instant the directory held when read.
 * @returns who was cleared, and who was left alone and why
 */
export async function clearBouncingOwners(
  directory: ClearBouncingDirectory,
  userIds: readonly string[],
): Promise<ClearBouncingResult> {
  const records = await directory.getMany(userIds);
  const cleared: string[] = [];
  const notChanged: ClearBouncingResult['notChanged'][number][] = [];
  for (const userId of [...new Set(userIds)]) {
    const owner = records.get(userId);
    if (owner === undefined) notChanged.push({ userId, reason: 'not-in-directory' });
    else if (owner.bouncingSince === undefined) notChanged.push({ userId, reason: 'not-bouncing' });
    else if (await directory.clearBouncing(userId, owner.email, owner.bouncingSince)) cleared.push(userId);
    else notChanged.push({ userId, reason: 'changed-meanwhile' });
  }
  return { cleared, notChanged };
}
