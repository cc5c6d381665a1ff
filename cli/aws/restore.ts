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
 * deletes ({@link refuseUnrecordedDeletion}).
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
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type CancellationReason,
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { unmarshallOptions } from '../../lambdas/aws/dynamodb-client';
import { appendHistory } from '../../lambdas/aws/history-update';
import { mayHaveApplied } from '../../lambdas/aws/may-have-applied';
import { type MarkWrite, markUpdateExpression, markWrite } from '../../lambdas/aws/outbox-mark-write';
import { noLiveLeaseCondition } from '../../lambdas/aws/outbox-store';
import { UpdateExpressionBuilder } from '../../lambdas/aws/update-expression';
import {
  HISTORY_ATTR,
  HYGIENE_ATTR,
  isReservedId,
  OUTBOX_ATTR,
  OUTBOX_LEASE_ATTR,
  OUTBOX_LEASE_ID,
  PURGE_PENDING_ATTR,
  RESTORE_ATTR,
} from '../../lambdas/hygiene/data-contract';
import {
  type DeletionRecord,
  deletionRecord,
  type HistoryEntry,
  historyLength,
  operatorFields,
} from '../../lambdas/hygiene/history';
import type { OperatorIdentity } from '../../lambdas/hygiene/operator-identity';
import { planMark } from '../../lambdas/hygiene/outbox-item';
import { DELETION_LEFTOVERS, isExemptBy } from '../../lambdas/hygiene/policy';
import { formatInstant, parseInstant, relativePhrase } from '../../lambdas/hygiene/time';

/**
 * Attributes a restore removes: `deletedAt` and the rest of the soft-delete, the set the sweep clears when
 * `deletedAt` was removed by anything else (`DELETION_LEFTOVERS`: one list).
 */
const RESTORE_CLEARS = ['deletedAt', ...DELETION_LEFTOVERS] as const;

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

/** `; why` when a `--config` file lists the credential in `exemptIds` that does not count here, else nothing. */
function notExemptText(request: RestoreRequest): string {
  const fileOnly = request.fileOnlyExemptIds;
  return fileOnly?.ids.has(request.id) ? `; ${fileOnly.why}` : '';
}

/** The checks before a restore: the item read, the deletion it is conditional on, and a warning. */
interface CheckedRestore {
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

/** Reads the credential and makes every check a restore makes; throws the named error that fails. */
async function checkRestore(
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
      `credential ${id} is deleted, but by ${otherRun === undefined ? 'no recorded run' : `run ${otherRun}`}, not by run ${request.deletedByRun}`,
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
 * Whether the credential is exempt, by the policy's rule (`isExemptBy`):
 * `hygieneExempt` on its item, read as the record parse reads it (only a
 * stored `true`), or its id in the configured `exemptIds` (docs/rules.md,
 * "Exempt credentials"). No sweep flags or deletes it again.
 */
function isExempt(request: RestoreRequest, item: Record<string, unknown>): boolean {
  return isExemptBy(item[HYGIENE_ATTR.exempt] === true, request.id, request.exemptIds ?? NO_EXEMPT_IDS);
}

/** No configured `exemptIds` (a request without the list). */
const NO_EXEMPT_IDS: ReadonlySet<string> = new Set();

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

/** The restore's history entry: who, why, when, and the soft-delete it undid. */
function restoreEntry(request: RestoreRequest, checked: CheckedRestore): HistoryEntry {
  const { deletedAt, deletedReason, deletedByRun } = checked;
  return {
    at: formatInstant(request.now),
    action: 'restore',
    ...operatorFields(request),
    reason: request.reason,
    deletedAt: String(deletedAt),
    deletedReason,
    ...(typeof deletedByRun === 'string' && { deletedByRun }),
  };
}

/**
 * Conditions `update` on the deletion read: its `deletedAt`, reason and run
 * (absent stays absent), so a restore and re-deletion by another run in
 * between — same `now`, a full history — is a conflict, not undone.
 */
function conditionOnDeletion(update: UpdateExpressionBuilder, checked: CheckedRestore): void {
  update.condition(`${update.name('deletedAt')} = ${update.value(checked.deletedAt)}`);
  const reason = update.name(HYGIENE_ATTR.deletedReason);
  update.condition(`${reason} = ${update.value(checked.deletedReason)}`);
  const byRun = update.name(HYGIENE_ATTR.deletedByRun);
  update.condition(
    checked.deletedByRun === undefined
      ? `attribute_not_exists(${byRun})`
      : `${byRun} = ${update.value(checked.deletedByRun)}`,
  );
}

/**
 * The withdrawal of the deletion's own notice while it is still unsent: the
 * outbox entry whose `eventId` is `deleted-<reason>:<deletedAt>` (as the sweep
 * names it: lambdas/hygiene/events.ts) and whose `runId` is the run that
 * deleted the credential. Planned and guarded as the notifier's mark removes a
 * sent entry (`planMark`, `markWrite`: the entry by its id and run, the list
 * by its size, and with the last entry the whole outbox and its index keys),
 * so a drain or another restore meanwhile fails the write instead of losing
 * or keeping a notice unseen. The purge held back for the notice is left out
 * of the mark: the restore removes it. `undefined` when no such entry is
 * pending (sent already, or none queued).
 */
function noticeWithdrawal(checked: CheckedRestore, now: number): MarkWrite | undefined {
  const { item, deletedAt, deletedReason, deletedByRun } = checked;
  const list = item[OUTBOX_ATTR.events];
  if (typeof deletedByRun !== 'string' || !Array.isArray(list)) return undefined;
  const eventId = `deleted-${deletedReason}:${String(deletedAt)}`;
  const isTheNotice = (entry: unknown): boolean => {
    const stored = entry as { eventId?: unknown; runId?: unknown } | null;
    return stored?.eventId === eventId && stored.runId === deletedByRun;
  };
  const plan = planMark(
    list.map((entry: unknown) => (isTheNotice(entry) ? eventId : undefined)),
    [eventId],
  );
  if (plan.remove.length === 0) return undefined;
  const { [PURGE_PENDING_ATTR]: _restoreRemovesIt, ...observed } = item;
  return markWrite(observed, plan, now);
}

/**
 * The conditional restore write (on the deletion read, the history's length
 * and, when it withdraws the unsent deletion notice, the outbox as read): one
 * `UpdateItem`, or, with a withdrawal, one `TransactWriteItems` of that update
 * and a check that no drain holds a live lease ({@link leaseCheck}).
 * @throws {RestoreConflictError} a condition failed (the credential changed, or a drain holds the lease), or
 *   another write was in flight on one of its items (`inFlight`), and not on this restore's own
 *   earlier attempt ({@link holdsOwnRestore})
 */
async function writeRestore(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: RestoreRequest,
  checked: CheckedRestore,
  notice: MarkWrite | undefined,
): Promise<void> {
  const { id } = request;
  const nowIso = formatInstant(request.now);
  const update = (notice === undefined ? new UpdateExpressionBuilder() : markUpdateExpression(notice))
    .set(RESTORE_ATTR.restoredAt, nowIso)
    .set(RESTORE_ATTR.restoredBy, request.by)
    .set(RESTORE_ATTR.restoreReason, request.reason)
    .set('updatedAt', nowIso);
  for (const attribute of RESTORE_CLEARS) update.remove(attribute);
  conditionOnDeletion(update, checked);
  appendHistory(update, historyLength(checked.item[HISTORY_ATTR]), [restoreEntry(request, checked)]);
  const restore = { TableName: tableName, Key: { id }, ...update.build() };
  try {
    if (notice === undefined) await client.send(new UpdateCommand(restore));
    else
      await client.send(
        new TransactWriteCommand({
          TransactItems: [{ Update: restore }, { ConditionCheck: leaseCheck(tableName, request.now) }],
        }),
      );
  } catch (error: unknown) {
    const conflict = conflictOf(error, request, checked);
    if (conflict === undefined) throw error;
    // An earlier attempt applied, its response lost: the SDK's retry failed its condition on this very restore.
    if (mayHaveApplied(error) && (await holdsOwnRestore(client, tableName, request, checked))) return;
    throw conflict;
  }
}

/**
 * Whether the credential, read again (consistent read), holds this restore's
 * own write: its history has this restore's entry ({@link restoreEntry}: the
 * same instant, operator, reason and deletion undone). Asked only when the
 * write failed its condition after an attempt that may have applied
 * (`may-have-applied.ts`): the entry then proves the change the retry met
 * was its own, as the transition writers recognise theirs by their run id.
 */
async function holdsOwnRestore(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: RestoreRequest,
  checked: CheckedRestore,
): Promise<boolean> {
  const { Item: item } = await client.send(
    new GetCommand({ TableName: tableName, Key: { id: request.id }, ConsistentRead: true }),
  );
  const history: unknown = item?.[HISTORY_ATTR];
  const own = restoreEntry(request, checked);
  return Array.isArray(history) && history.some((entry: unknown) => isDeepStrictEqual(entry, own));
}

/**
 * The check, in a withdrawing restore's transaction, that no drain holds a
 * live drain lease at the restore instant — the store's own lease rule
 * (`noLiveLeaseCondition`). A drain reads an item only under the lease, and
 * marks before it releases it: one that takes it after the restore reads the
 * restored item; one that released it before had marked what it sent (the
 * outbox guards then see it). Only a drain whose lease lapsed while it still
 * ran, or that published the notice and never marked it, can have read it
 * (docs/notifications.md, "Guarantees").
 */
function leaseCheck(tableName: string, now: number) {
  const check = new UpdateExpressionBuilder();
  check.condition(noLiveLeaseCondition(check, now));
  const { ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = check.build();
  return {
    TableName: tableName,
    Key: { id: OUTBOX_LEASE_ID },
    ConditionExpression,
    ExpressionAttributeNames,
    ExpressionAttributeValues,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/**
 * The conflict a failed restore write means, or `undefined` for any other
 * error: a failed condition of the update (`UpdateItem`'s, or the
 * transaction's first item) means the credential changed; a failed lease
 * check (the transaction's second item) that a drain holds the lease — said
 * first, as the drain may be what changed the credential; a write cancelled
 * for another write in flight on one of its items (`TransactionConflict` in
 * the transaction's reasons, or `TransactionConflictException` for the
 * `UpdateItem` meeting another's transaction; AWS documents both as such) that
 * nothing was written (a conflict marked `inFlight`).
 */
function conflictOf(
  error: unknown,
  request: RestoreRequest,
  checked: CheckedRestore,
): RestoreConflictError | undefined {
  const changed = new RestoreConflictError(
    `credential ${request.id} changed while restoring (no longer the deletion at ${String(checked.deletedAt)} ` +
      'read, restored or deleted again meanwhile, or its history grew, or its unsent deletion notice was sent ' +
      'meanwhile): check it and run restore again',
  );
  if (error instanceof ConditionalCheckFailedException) return changed;
  if (error instanceof TransactionConflictException) return inFlight(request);
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const [restore, lease] = reasons;
  if (lease?.Code === 'ConditionalCheckFailed') return drainRunning(request, lease.Item);
  if (restore?.Code === 'ConditionalCheckFailed') return changed;
  return reasons.some((r) => r.Code === 'TransactionConflict') ? inFlight(request) : undefined;
}

/** The refusal of a write DynamoDB cancelled for another write in flight: nothing written, run it again. */
function inFlight(request: RestoreRequest): RestoreConflictError {
  return new RestoreConflictError(
    `credential ${request.id} was not restored: another write to it or to the outbox drain lease was in flight ` +
      'at the same moment (DynamoDB cancelled the restore: TransactionConflict); nothing was written: run restore again',
    { inFlight: true },
  );
}

/** The refusal while a drain holds the lease: nothing written, and when to run the restore again. */
function drainRunning(request: RestoreRequest, leaseItem: CancellationReason['Item']): RestoreConflictError {
  const lease = leaseItem === undefined ? {} : unmarshall(leaseItem, unmarshallOptions());
  const holder = lease[OUTBOX_LEASE_ATTR.holder];
  const until = lease[OUTBOX_LEASE_ATTR.until];
  const held = [
    typeof holder === 'string' && `by ${holder}`,
    typeof until === 'string' && `until ${until}`,
  ].filter(Boolean);
  return new RestoreConflictError(
    `credential ${request.id} was not restored: a notification drain holds the outbox lease` +
      `${held.length > 0 ? ` (${held.join(' ')})` : ''} and may be sending its unsent deletion notice. ` +
      'Run restore again when the drain ends (at the latest when its lease lapses): if the drain sent the notice, ' +
      'the owner was told and the restore withdraws nothing; if not, the restore withdraws it',
  );
}

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
