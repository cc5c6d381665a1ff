/**
 * The restore's conditional write (docs/data-model.md, "Restore"): the soft-delete cleared, who restored it, when and
 * why, and its history entry, conditional on the deletion read and the history's length; and, when a retried write
 * fails that condition on its own change, the read that recognises it as this restore's.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { appendHistory } from '../../../lambdas/aws/history-update';
import { mayHaveApplied } from '../../../lambdas/aws/may-have-applied';
import { type MarkWrite, markUpdateExpression } from '../../../lambdas/aws/outbox-mark-write';
import { UpdateExpressionBuilder } from '../../../lambdas/aws/update-expression';
import { HISTORY_ATTR, HYGIENE_ATTR, RESTORE_ATTR } from '../../../lambdas/hygiene/data-contract';
import { type HistoryEntry, historyLength, operatorFields } from '../../../lambdas/hygiene/history';
import { DELETION_LEFTOVERS } from '../../../lambdas/hygiene/policy';
import { formatInstant } from '../../../lambdas/hygiene/time';
import type { CheckedRestore } from './check';
import { conflictOf } from './conflicts';
import { leaseCheck } from './notice-withdrawal';
import type { RestoreRequest } from './types';

/**
 * Attributes a restore removes: `deletedAt` and the rest of the soft-delete, the set the sweep clears when
 * `deletedAt` was removed by anything else (`DELETION_LEFTOVERS`: one list).
 */
const RESTORE_CLEARS = ['deletedAt', ...DELETION_LEFTOVERS] as const;

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
 * The conditional restore write (on the deletion read, the history's length
 * and, when it withdraws the unsent deletion notice, the outbox as read): one
 * `UpdateItem`, or, with a withdrawal, one `TransactWriteItems` of that update
 * and a check that no drain holds a live lease ({@link leaseCheck}).
 * @throws {RestoreConflictError} a condition failed (the credential changed, or a drain holds the lease), or
 *   another write was in flight on one of its items (`inFlight`), and not on this restore's own
 *   earlier attempt ({@link holdsOwnRestore})
 */
export async function writeRestore(
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
