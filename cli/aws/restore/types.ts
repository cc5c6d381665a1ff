/**
 * The shapes of a restore (docs/data-model.md, "Restore"): its terms (by whom, why, when, how), the request for one
 * credential, and the result `pc-hygiene restore` prints (`--format json`: one document).
 */
import type { OperatorIdentity } from '../../../lambdas/hygiene/operator-identity';
import type { NotDeletedByRunError, RestoreConflictError } from './refusals';

/**
 * By whom (`by`, and the caller ARN when known), why and how a restore is
 * made: the same for one credential and for a whole run.
 */
export interface RestoreTerms extends OperatorIdentity {
  readonly reason: string;
  /** The instant recorded as `hygieneRestoredAt` and `updatedAt` (epoch ms). */
  readonly now: number;
  /** Restore even though the credential is past its `expiresTime`. */
  readonly force?: boolean;
  /** Make every check, write nothing: the result says what would be restored. */
  readonly dryRun?: boolean;
  /**
   * The ids the configured `exemptIds` list (with a stack, its deployed config's; a local `--endpoint` table,
   * `--config`'s; a table in AWS without a stack, none: cli/commands/restore-terms.ts):
   * such a credential is exempt as if `hygieneExempt` were set (docs/rules.md).
   */
  readonly exemptIds?: ReadonlySet<string>;
  /**
   * Ids a `--config` file lists in `exemptIds` that are not exempt here (with a stack, only its deployed
   * list counts), and why, in words: said in the refusal, or the warning, of such a credential that the
   * next sweep would delete or flag again.
   */
  readonly fileOnlyExemptIds?: { readonly ids: ReadonlySet<string>; readonly why: string };
}

/** What to restore, by whom and why. */
export interface RestoreRequest extends RestoreTerms {
  readonly id: string;
  /** Only if this run soft-deleted it (`restore --run`): else {@link NotDeletedByRunError}. */
  readonly deletedByRun?: string;
  /**
   * Only if deleted at this instant (`restore --run`: the manifest entry's `deletedAt`), as stored:
   * else {@link RestoreConflictError} (deleted again since, its reason and run left as they were).
   */
  readonly deletedAt?: string;
}

/** A completed restore. */
export interface RestoreResult {
  readonly id: string;
  /** The credential's owner (`userId`, when stored as text): whom to tell of the restore. */
  readonly userId?: string;
  /** The soft-delete that was undone. */
  readonly deletedAt: string;
  /** `hygieneDeletedReason`: why pc-hygiene deleted it (a restore undoes nothing else). */
  readonly deletedReason: string;
  readonly deletedByRun?: string;
  readonly restoredAt: string;
  readonly restoredBy: string;
  /** The STS caller ARN recorded beside `restoredBy` in the history entry, when known. */
  readonly callerArn?: string;
  readonly reason: string;
  /** Set when forced past expiry: the next sweep will delete it again unless renewed or exempted. */
  readonly warning?: string;
  /**
   * The deletion's notice was still unsent in the outbox and was withdrawn with
   * the restore (in a dry run: would be): its owner is not told of the deletion.
   */
  readonly deletionNoticeWithdrawn?: true;
  /**
   * No unsent notice of the deletion was in the outbox to withdraw: a drain had
   * sent it (the notifier removes an event once sent), so its owner may have
   * been told the credential was deleted. The restore does not retract that:
   * tell them it is restored (docs/deploy.md, "Restore runbook").
   */
  readonly deletionNoticeSent?: true;
  /** True when nothing was written (`dryRun`). */
  readonly dryRun?: boolean;
}
