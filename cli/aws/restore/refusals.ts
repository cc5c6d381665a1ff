/**
 * The refusals of a restore's own checks, one class each under one base ({@link RestoreRefusal}), so `restore --run`
 * tells them from any other error by it alone and scripts branch on each one's `check` id (docs/data-model.md,
 * "Restore").
 */

/**
 * A restore's own check refused the credential (every refusal below): its
 * message says what and why, in an operator's words (no class name), and
 * {@link check} names the check for scripts — `restore --run --format
 * json`'s `refused[].check` and `skipped[].check` (docs/data-model.md,
 * "Restore"). Any other error a restore meets (DynamoDB's, the network's)
 * is not one.
 */
export abstract class RestoreRefusal extends Error {
  /** Which check refused: a kebab-case id, stable across versions. */
  abstract readonly check: string;
}

/** No credential with this id. */
export class CredentialNotFoundError extends RestoreRefusal {
  override readonly name = 'CredentialNotFoundError';
  readonly check = 'not-found';
}

/** The credential is not soft-deleted (the message says by which restore, when one undid it): nothing to restore. */
export class NotDeletedError extends RestoreRefusal {
  override readonly name = 'NotDeletedError';
  readonly check = 'not-deleted';
}

/**
 * The credential was soft-deleted, but not by pc-hygiene: no `hygieneDeletedReason` (its owner or the platform
 * revoked it), or a `deletedAt` its history does not record as run `hygieneDeletedByRun`'s deletion (rewritten by
 * another writer). Restore never makes it live again.
 */
export class NotDeletedByHygieneError extends RestoreRefusal {
  override readonly name = 'NotDeletedByHygieneError';
  readonly check = 'not-deleted-by-hygiene';
}

/** The credential is past its `expiresTime`; restoring needs `force`. */
export class ExpiredRestoreError extends RestoreRefusal {
  override readonly name = 'ExpiredRestoreError';
  readonly check = 'expired';
}

/** The credential is soft-deleted, but not by the run asked for (restored and deleted again since). */
export class NotDeletedByRunError extends RestoreRefusal {
  override readonly name = 'NotDeletedByRunError';
  readonly check = 'not-deleted-by-run';

  /**
   * @param deletedByRun the run that deleted it instead (`hygieneDeletedByRun`), when one is recorded
   */
  constructor(
    message: string,
    readonly deletedByRun?: string,
  ) {
    super(message);
  }
}

/** The restore instant is before the deletion it would undo. */
export class RestoreBeforeDeletionError extends RestoreRefusal {
  override readonly name = 'RestoreBeforeDeletionError';
  readonly check = 'before-deletion';
}

/**
 * The credential changed between the read and the restore write; or a drain
 * held the drain lease while the restore would have withdrawn the deletion's
 * unsent notice (the drain may be publishing it); or DynamoDB cancelled the
 * write for another write in flight on one of its items ({@link inFlight}):
 * run it again.
 */
export class RestoreConflictError extends RestoreRefusal {
  override readonly name = 'RestoreConflictError';
  readonly check = 'conflict';
  /**
   * True when DynamoDB cancelled the write because another write to one of its
   * items was in flight at that moment (`TransactionConflict`: a drain's lease
   * write, a notifier's mark, a sweep's write, or another restore's check of
   * the drain lease — `restore --run` makes 8 at a time): nothing was written
   * and nothing is known to have changed, so running it again at once may
   * succeed (`restore --run` does, a few times, before it lists it refused).
   */
  readonly inFlight: boolean;

  constructor(message: string, options?: ErrorOptions & { readonly inFlight?: boolean }) {
    super(message, options);
    this.inFlight = options?.inFlight === true;
  }
}
