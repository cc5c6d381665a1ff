/**
 * The withdrawal of a deletion's own notice while it is still unsent in the outbox, in the restore's write, and the
 * check in that transaction that no drain holds a live drain lease (docs/notifications.md, "The drain lease"), so
 * the owner is never told "deleted" about a live credential.
 */
import { type MarkWrite, markWrite } from '../../../lambdas/aws/outbox-mark-write';
import { noLiveLeaseCondition } from '../../../lambdas/aws/outbox-store';
import { UpdateExpressionBuilder } from '../../../lambdas/aws/update-expression';
import { OUTBOX_ATTR, OUTBOX_LEASE_ID, PURGE_PENDING_ATTR } from '../../../lambdas/hygiene/data-contract';
import { planMark } from '../../../lambdas/hygiene/outbox-item';
import type { CheckedRestore } from './check';

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
export function noticeWithdrawal(checked: CheckedRestore, now: number): MarkWrite | undefined {
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
 * The check, in a withdrawing restore's transaction, that no drain holds a
 * live drain lease at the restore instant — the store's own lease rule
 * (`noLiveLeaseCondition`). A drain reads an item only under the lease, and
 * marks before it releases it: one that takes it after the restore reads the
 * restored item; one that released it before had marked what it sent (the
 * outbox guards then see it). Only a drain whose lease lapsed while it still
 * ran, or that published the notice and never marked it, can have read it
 * (docs/notifications.md, "Guarantees").
 */
export function leaseCheck(tableName: string, now: number) {
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
