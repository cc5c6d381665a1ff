/**
 * The one conditional `UpdateItem` of a credential item the outbox sends
 * ({@link conditionalOutboxItemUpdate}): the read's cleanup of an emptied outbox
 * (outbox-reads.ts) and the per-item path of a mark (outbox-marks.ts) both
 * write through it (docs/notifications.md, "One drain", steps 3 and 6).
 *
 * Why a module of its own: both callers re-plan or give up on the item a
 * failed condition returns, and judge a lost response by one rule
 * ({@link mayHaveApplied}), so the write and that judgement are one piece of
 * code.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RawItem } from '../hygiene/ports';
import { TABLE_DEFINITION } from './credential-table-definition';
import { failedConditionItem, sendUnlessConditionFails } from './dynamodb-client';
import { mayHaveApplied } from './may-have-applied';
import type { OutboxTable } from './outbox-table';
import type { UpdateExpressionBuilder } from './update-expression';

const KEY = TABLE_DEFINITION.partitionKey.name;

/**
 * Sends one conditional update; a failed condition returns the item as it now is (`undefined`: gone), and
 * whether the SDK had retried the update (an earlier attempt may have applied it).
 */
export async function conditionalOutboxItemUpdate(
  table: OutboxTable,
  credentialId: string,
  update: UpdateExpressionBuilder,
): Promise<
  | { readonly ok: true }
  | { readonly ok: false; readonly current: RawItem | undefined; readonly retried: boolean }
> {
  const sent = await sendUnlessConditionFails(
    table.client,
    new UpdateCommand({
      TableName: table.tableName,
      Key: { [KEY]: credentialId },
      ...update.build(),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (sent.applied) return { ok: true };
  return { ok: false, current: failedConditionItem(sent.failed), retried: mayHaveApplied(sent.failed) };
}
