/**
 * The checks before a restore writes: the credential read (consistent read), and every refusal a restore makes —
 * not found, not deleted, not deleted by pc-hygiene or by the run asked for, deleted at another instant, a restore
 * instant before the deletion, expired without `force` — each in an operator's words (docs/data-model.md, "Restore").
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  HISTORY_ATTR,
  HYGIENE_ATTR,
  isReservedId,
  RESTORE_ATTR,
} from '../../../lambdas/hygiene/data-contract';
import { type DeletionRecord, deletionRecord } from '../../../lambdas/hygiene/history';
import { formatInstant, parseInstant, relativePhrase } from '../../../lambdas/hygiene/time';
import { isExempt, notExemptText } from './exempt';
import {
  CredentialNotFoundError,
  ExpiredRestoreError,
  NotDeletedByHygieneError,
  NotDeletedByRunError,
  NotDeletedError,
  RestoreBeforeDeletionError,
  RestoreConflictError,
} from './refusals';
import type { RestoreRequest } from './types';

/**
 * A stored instant as a restore message says it: in canonical UTC, as the
 * message's other instants, and — when it is stored with an offset — the
 * stored text beside it, the value to look for in the item.
 */
function instantText(stored: string, ms: number): string {
  const utc = formatInstant(ms);
  return /z$/i.test(stored) ? utc : `${utc}, stored as ${stored}`;
}

function expiredExplanation(request: RestoreRequest, expiresTime: string, ms: number): string {
  return (
    `credential ${request.id} expired at ${instantText(expiresTime, ms)} (${relativePhrase(ms, request.now)}): ` +
    'the next sweep would delete it again unless it is renewed (a later expiresTime) ' +
    `or exempted (${HYGIENE_ATTR.exempt} = true)${notExemptText(request)}`
  );
}

/** The checks before a restore: the item read, the deletion it is conditional on, and a warning. */
export interface CheckedRestore {
  readonly item: Record<string, unknown>;
  readonly deletedAt: unknown;
  /** `hygieneDeletedReason` as read: always a string (else {@link NotDeletedByHygieneError}). */
  readonly deletedReason: string;
  /** `hygieneDeletedByRun` as read (absent: `undefined`). */
  readonly deletedByRun: unknown;
  readonly warning?: string;
}

/**
 * `: restored at T by B (reason R)` when the item records a restore
 * (`hygieneRestoredAt`, with `hygieneRestoredBy` and `hygieneRestoreReason`
 * when stored as text), else nothing: a credential not deleted because a
 * restore undid its deletion — an earlier run of this very restore, whose
 * outcome its operator did not see, among them — says which restore did.
 */
function lastRestoreText(item: Record<string, unknown>): string {
  const text = (attribute: string) => {
    const value = item[attribute];
    return typeof value === 'string' ? value : undefined;
  };
  const at = text(RESTORE_ATTR.restoredAt);
  if (at === undefined) return '';
  const by = text(RESTORE_ATTR.restoredBy);
  const reason = text(RESTORE_ATTR.restoreReason);
  return `: restored at ${at}${by === undefined ? '' : ` by ${by}`}${reason === undefined ? '' : ` (reason ${reason})`}`;
}

/**
 * Refuses a deletion pc-hygiene did not make or its history does not record
 * ({@link deletionRecord}, lambdas/hygiene/history.ts) — the one rule both
 * `restore ID` and `restore --run` apply (the latter first refuses, as a
 * conflict, a `deletedAt` other than its manifest's); returns the deletion's
 * reason otherwise. No `hygieneDeletedReason`: its owner or the platform
 * revoked it, and a revocation is undone where it was made. Otherwise the
 * `deletedAt` read must be the `at` of the newest `delete-*` entry of run
 * `hygieneDeletedByRun`, compared exactly, as the manifest's is. Another
 * `deletedAt` was written by someone else, who left the hygiene fields in
 * place; no such entry (nor run), and no sweep made the deletion. Either way
 * restore does not undo it.
 * @throws {NotDeletedByHygieneError}
 */
function refuseUnrecordedDeletion(
  id: string,
  record: Exclude<DeletionRecord, { readonly kind: 'not-deleted' }>,
  deletedAt: unknown,
): string {
  const stored = String(deletedAt);
  const where = `check it (pc-hygiene export shows ${HISTORY_ATTR}) and undo it where it was made`;
  switch (record.kind) {
    case 'recorded':
      return record.deletedReason;
    case 'no-reason':
      throw new NotDeletedByHygieneError(
        `credential ${id} was soft-deleted (deletedAt ${stored}) but not by pc-hygiene: ` +
          `it has no ${HYGIENE_ATTR.deletedReason}, so its owner or the platform revoked it. ` +
          'restore undoes only pc-hygiene deletions; a revocation is undone where it was made',
      );
    case 'no-run':
      throw new NotDeletedByHygieneError(
        `credential ${id} was soft-deleted (deletedAt ${stored}) with a ${HYGIENE_ATTR.deletedReason} but no ` +
          `${HYGIENE_ATTR.deletedByRun}, which every pc-hygiene deletion records: restore undoes only those; ${where}`,
      );
    case 'no-entry':
      throw new NotDeletedByHygieneError(
        `credential ${id} was soft-deleted (deletedAt ${stored}, ${HYGIENE_ATTR.deletedByRun} ${record.deletedByRun}), but its ` +
          `history has no deletion by run ${record.deletedByRun}, which pc-hygiene records ` +
          `with every deletion it makes: restore undoes only those; ${where}`,
      );
    case 'other-instant':
      throw new NotDeletedByHygieneError(
        `credential ${id} was soft-deleted at ${stored} (deletedAt), but run ${record.deletedByRun} deleted it at ` +
          `${String(record.entry.at)} (its history's ${String(record.entry.action)} entry): deletedAt was rewritten since by another writer, not by ` +
          `pc-hygiene, so restore does not undo it; ${where}`,
      );
  }
}

/**
 * Which run a credential's refusal as deleted by another run names: `run r2`, or said in words when there is no id to
 * print (`no recorded run`; `a run whose stored id is empty`, which `run ` followed by nothing would hide).
 */
function otherRunText(otherRun: string | undefined): string {
  if (otherRun === undefined) return 'no recorded run';
  return otherRun === '' ? 'a run whose stored id is empty' : `run ${otherRun}`;
}

/** Reads the credential and makes every check a restore makes; throws the named error that fails. */
export async function checkRestore(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: RestoreRequest,
): Promise<CheckedRestore> {
  const { id, now } = request;
  const { Item: item } = await client.send(
    new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
  );
  if (!item || isReservedId(id))
    throw new CredentialNotFoundError(`no credential with id ${id} in ${tableName}`);
  const deletedAt: unknown = item.deletedAt;
  const record = deletionRecord(item);
  if (record.kind === 'not-deleted') {
    throw new NotDeletedError(
      `credential ${id} is not deleted (no deletedAt)${lastRestoreText(item)}: nothing to restore`,
    );
  }
  const deletedByRun = item[HYGIENE_ATTR.deletedByRun];
  if (request.deletedByRun !== undefined && deletedByRun !== request.deletedByRun) {
    const otherRun = typeof deletedByRun === 'string' ? deletedByRun : undefined;
    throw new NotDeletedByRunError(
      `credential ${id} is deleted, but by ${otherRunText(otherRun)}, not by run ${request.deletedByRun}`,
      otherRun,
    );
  }
  refuseOtherDeletion(request, deletedAt);
  const deletedReason = refuseUnrecordedDeletion(id, record, deletedAt);
  const checked = { item, deletedAt, deletedReason, deletedByRun };
  refuseRestoreBeforeDeletion(id, deletedAt, now);
  const expiresTime: unknown = item.expiresTime;
  // An exempt credential is never deleted again by a sweep: no reason to refuse.
  if (typeof expiresTime === 'string' && !isExempt(request, item)) {
    const expires = parseInstant(expiresTime);
    if (expires.ok && expires.ms <= now) {
      const explanation = expiredExplanation(request, expiresTime, expires.ms);
      if (!request.force) throw new ExpiredRestoreError(`${explanation}; pass --force to restore it anyway`);
      return { ...checked, warning: explanation };
    }
  }
  return checked;
}

/**
 * Refuses, as a conflict, a deletion at another instant than the one asked
 * for (`restore --run`: the manifest entry's `deletedAt`): the credential was
 * deleted again since, its reason and run left as they were, and a restore
 * never undoes a deletion other than the one it was asked to.
 * @throws {RestoreConflictError}
 */
function refuseOtherDeletion(request: RestoreRequest, deletedAt: unknown): void {
  if (request.deletedAt === undefined || deletedAt === request.deletedAt) return;
  const recorded =
    request.deletedByRun === undefined ? '' : ` as run ${request.deletedByRun}'s manifest records`;
  throw new RestoreConflictError(
    `credential ${request.id} was deleted at ${String(deletedAt)}, not at ${request.deletedAt}${recorded}: ` +
      'deleted again since that deletion; check it (pc-hygiene export) and restore it by id if it should be',
  );
}

/**
 * Refuses a restore instant before the deletion's `deletedAt` (a `deletedAt`
 * that does not parse is left to the conditional write, which compares it as
 * read). Against AWS, where `--now` is refused for a write, the usual cause is
 * a sweep's deletion: it is dated at the sweep's decision instant, its
 * scheduled time, which may be ahead of the wall clock by up to the allowed
 * schedule skew (docs/deploy.md, "Runbook: Scheduled time rejected"). So the way on
 * the message gives is to retry after the deletion's instant, or to check
 * this machine's clock.
 * @throws {RestoreBeforeDeletionError}
 */
function refuseRestoreBeforeDeletion(id: string, deletedAt: unknown, now: number): void {
  if (typeof deletedAt !== 'string') return;
  const deleted = parseInstant(deletedAt);
  if (!deleted.ok || deleted.ms <= now) return;
  throw new RestoreBeforeDeletionError(
    `credential ${id}: the restore instant ${formatInstant(now)} (--now if given, else this machine's clock) ` +
      `is before its deletion at ${instantText(deletedAt, deleted.ms)}, and a restore cannot come before the deletion it undoes. ` +
      `Retry after ${formatInstant(deleted.ms)} (a sweep dates its deletions at its scheduled time, which may be ahead of the ` +
      "wall clock by up to the allowed schedule skew), or check this machine's clock",
  );
}
