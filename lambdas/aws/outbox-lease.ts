/**
 * The drain lease (docs/notifications.md, "The drain lease"): ONE conditional
 * `UpdateItem` on a reserved item (`__hygiene__#outbox-drain-lease`) per
 * drain, so one drain at a time publishes and marks
 * ({@link acquireDrainLease}, {@link releaseDrainLease}), and the one rule of
 * a live lease ({@link noLiveLeaseCondition}) that a restore withdrawing an
 * unsent notice checks too.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OUTBOX_LEASE_ATTR, OUTBOX_LEASE_ID } from '../hygiene/data-contract';
import type { LeaseRequest, LeaseResult } from '../hygiene/outbox-ports';
import { formatInstant } from '../hygiene/time';
import { TABLE_DEFINITION } from './credential-table-definition';
import { failedConditionItem, sendUnlessConditionFails } from './dynamodb-client';
import type { OutboxTable } from './outbox-table';
import { UpdateExpressionBuilder, type UpdateExpressionParts } from './update-expression';

const KEY = TABLE_DEFINITION.partitionKey.name;

/**
 * The condition, on the lease item ({@link OUTBOX_LEASE_ID}), that no drain
 * holds a live lease at `now` (epoch ms): it has no holder, its end is not a
 * string (absent, or another type: a drain always writes both as strings in one
 * write, so such an item was edited by hand, and would otherwise block every
 * drain and withdrawing restore for good), or its end is at or before `now`
 * (lapsed; judged on the caller's clock). The one lease rule:
 * a drain takes the lease when it holds, or when the lease is its own
 * ({@link leaseUpdate}); a restore that withdraws an unsent notice checks it
 * in the transaction of its write (cli/aws/restore/notice-withdrawal.ts; docs/notifications.md, "The
 * drain lease").
 */
export function noLiveLeaseCondition(update: UpdateExpressionBuilder, now: number): string {
  const holder = update.name(OUTBOX_LEASE_ATTR.holder);
  const until = update.name(OUTBOX_LEASE_ATTR.until);
  const stringType = update.value('S');
  return `attribute_not_exists(${holder}) OR NOT attribute_type(${until}, ${stringType}) OR ${until} <= ${update.value(formatInstant(now))}`;
}

/** The lease write: take it if free, lapsed or already ours (a renewal). */
function leaseUpdate(request: LeaseRequest): UpdateExpressionParts {
  const update = new UpdateExpressionBuilder()
    .set(OUTBOX_LEASE_ATTR.holder, request.drainId)
    .set(OUTBOX_LEASE_ATTR.until, formatInstant(request.leaseUntil));
  const holder = update.name(OUTBOX_LEASE_ATTR.holder);
  update.condition(
    `(${noLiveLeaseCondition(update, request.now)} OR ${holder} = ${update.value(request.drainId)})`,
  );
  return update.build();
}

/**
 * Sets the lease item's holder and end if the lease is free, lapsed or this drain's.
 * @returns `held`, or `conflict` with the holder and end another drain left on the item
 */
export async function acquireDrainLease(table: OutboxTable, request: LeaseRequest): Promise<LeaseResult> {
  const sent = await sendUnlessConditionFails(
    table.client,
    new UpdateCommand({
      TableName: table.tableName,
      Key: { [KEY]: OUTBOX_LEASE_ID },
      ...leaseUpdate(request),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (sent.applied) return { status: 'held' };
  const current = failedConditionItem(sent.failed) ?? {};
  const heldBy = current[OUTBOX_LEASE_ATTR.holder];
  const until = current[OUTBOX_LEASE_ATTR.until];
  return {
    status: 'conflict',
    ...(typeof heldBy === 'string' && { heldBy }),
    ...(typeof until === 'string' && { until }),
  };
}

/** Removes the lease's holder and end if this drain (`drainId`) still holds it; a lease it lost is left alone. */
export async function releaseDrainLease(table: OutboxTable, drainId: string): Promise<void> {
  const update = new UpdateExpressionBuilder();
  update.condition(`${update.name(OUTBOX_LEASE_ATTR.holder)} = ${update.value(drainId)}`);
  update.remove(OUTBOX_LEASE_ATTR.holder).remove(OUTBOX_LEASE_ATTR.until);
  // A failed condition: the lease is no longer this drain's (another took it, or it is released): left alone.
  await sendUnlessConditionFails(
    table.client,
    new UpdateCommand({ TableName: table.tableName, Key: { [KEY]: OUTBOX_LEASE_ID }, ...update.build() }),
  );
}
