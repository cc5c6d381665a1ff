/**
 * The drain's marks (docs/notifications.md, "One drain", step 6):
 * {@link markSent} writes the marks of up to 25 items in one
 * `BatchExecuteStatement` of conditional PartiQL `UPDATE`s (each priced like
 * an `UpdateItem`, no transaction); an item whose statement fails is re-read
 * and marked on its own with conditional `UpdateItem`s that re-plan after a
 * failed condition; events an earlier attempt of the same mark may have
 * removed (a lost response the SDK retried) count as its own removals, not as
 * another drain's. What one mark writes, and its guards, is
 * outbox-mark-write.ts.
 */
import { type AttributeValue, BatchExecuteStatementCommand } from '@aws-sdk/client-dynamodb';
import { chunks } from '../hygiene/chunks';
import { OUTBOX_ATTR } from '../hygiene/data-contract';
import { type MarkPlan, planMark } from '../hygiene/outbox-item';
import type { MarkOutcome, MarkRequest, MarkResult, PendingOutboxItem } from '../hygiene/outbox-ports';
import type { RawItem } from '../hygiene/ports';
import { mapWithConcurrency } from '../hygiene/task-pool';
import { mayHaveApplied } from './may-have-applied';
import { conditionalOutboxItemUpdate } from './outbox-item-update';
import { markStatement, markUpdateExpression, markWrite, relocatePublished } from './outbox-mark-write';
import { readOutboxItems } from './outbox-reads';
import { type OutboxTable, REQUEST_CONCURRENCY } from './outbox-table';

/** Statements per `BatchExecuteStatement` call (the service's limit). */
export const MARK_BATCH_STATEMENTS = 25;
/** How often `markSent` re-plans one item after the list changed under it before giving up. */
const MARK_ATTEMPTS = 5;

/** `markSent` kept losing races with other writers (should not happen; the events stay pending). */
export class OutboxMarkContentionError extends Error {
  override readonly name = 'OutboxMarkContentionError';
}

/** A mark sent down the per-item path, and whether an earlier attempt of its batched statement may have applied. */
interface PerItemMark {
  readonly index: number;
  readonly request: MarkRequest;
  readonly earlierAttempt: boolean;
}

/**
 * A mark's result as counted: when an earlier attempt of its own write may
 * have applied, the published events it finds gone were removed by that
 * attempt, so they count as removed, never as another drain's (`alreadyGone`
 * reports a duplicate sent). The two cannot be told apart; under the drain
 * lease no other drain marks them, so the retry is the likely remover.
 */
function settled(result: MarkResult, ownWriteMayHaveApplied: boolean): MarkResult {
  if (!ownWriteMayHaveApplied) return result;
  return { removed: result.removed + result.alreadyGone, alreadyGone: 0, remaining: result.remaining };
}

/** The result of a mark whose item has nothing pending any more (emptied, or gone). */
function goneResult(request: MarkRequest, ownWriteMayHaveApplied: boolean): MarkResult {
  return settled(
    { removed: 0, alreadyGone: request.publishedEventIds.length, remaining: 0 },
    ownWriteMayHaveApplied,
  );
}

/** A PartiQL parameter of a mark (a string or a number) as a DynamoDB attribute value. */
function attributeValue(value: string | number): AttributeValue {
  return typeof value === 'number' ? { N: String(value) } : { S: value };
}

/**
 * Marks the items 25 to a `BatchExecuteStatement`; a statement (or a whole
 * call) that fails sends its items down the per-item path: re-read, then
 * conditional `UpdateItem`s that re-plan after a failed condition. When an
 * earlier attempt of this mark's own write may have applied (the SDK retried
 * it after a lost response, or the call ended in a transient error:
 * {@link mayHaveApplied}), published events found gone count as removed by
 * this mark, not as `alreadyGone`: they were sent once (the transition
 * writers judge their own writes by the same rule).
 * @returns one outcome per request, in order
 */
export async function markSent(
  table: OutboxTable,
  requests: readonly MarkRequest[],
): Promise<readonly MarkOutcome[]> {
  const outcomes: MarkOutcome[] = new Array(requests.length);
  const planned: { index: number; request: MarkRequest; plan: MarkPlan; result: MarkResult }[] = [];
  requests.forEach((request, index) => {
    const plan = planMark(request.item.storedEventIds, request.publishedEventIds);
    const result = {
      removed: plan.remove.length,
      alreadyGone: plan.alreadyGone,
      remaining: plan.remaining,
    };
    if (plan.remove.length === 0) outcomes[index] = { status: 'marked', ...result };
    else planned.push({ index, request, plan, result });
  });
  const retry: PerItemMark[] = [];
  await mapWithConcurrency(chunks(planned, MARK_BATCH_STATEMENTS), REQUEST_CONCURRENCY, async (batch) => {
    const { failed, earlierAttempt } = await markBatch(table, batch);
    batch.forEach((p, i) => {
      if (failed[i]) retry.push({ ...p, earlierAttempt });
      else outcomes[p.index] = { status: 'marked', ...p.result };
    });
  });
  if (retry.length > 0) await markEach(table, retry, outcomes);
  return outcomes;
}

/**
 * One `BatchExecuteStatement` of planned marks; returns, per mark, whether its statement failed (any reason),
 * and whether an earlier attempt of the call may have applied its statements.
 */
async function markBatch(
  table: OutboxTable,
  batch: readonly { readonly request: MarkRequest; readonly plan: MarkPlan }[],
): Promise<{ readonly failed: boolean[]; readonly earlierAttempt: boolean }> {
  const now = (table.options.clock ?? Date.now)();
  const statements = batch.map(({ request: { item }, plan }) => {
    const statement = markStatement(table.tableName, item.credentialId, markWrite(item.raw, plan, now));
    return { Statement: statement.Statement, Parameters: statement.Parameters.map(attributeValue) };
  });
  try {
    // The low-level command with parameters marshalled here (strings and numbers only): the document
    // client's generic marshalling of every request and response is most of a batched mark's client CPU.
    const out = await table.client.send(new BatchExecuteStatementCommand({ Statements: statements }));
    return {
      failed: batch.map(
        (_, i) => out.Responses?.[i]?.Error !== undefined || out.Responses?.[i] === undefined,
      ),
      // Retried by the SDK (a lost response, a timeout): an earlier attempt may have applied a statement
      // that this attempt's guards then refused.
      earlierAttempt: mayHaveApplied(out),
    };
  } catch (error: unknown) {
    // The whole call failed: every item goes down the per-item path; its statements may have been applied
    // when the SDK had retried the call or it ended in a transient error, never when it was refused outright.
    return { failed: batch.map(() => true), earlierAttempt: mayHaveApplied(error) };
  }
}

/** The per-item path: re-read the items (one consistent read for all), then mark each on its own. */
async function markEach(
  table: OutboxTable,
  retry: readonly PerItemMark[],
  outcomes: MarkOutcome[],
): Promise<void> {
  let current: Map<string, PendingOutboxItem>;
  try {
    current = new Map(
      (
        await readOutboxItems(
          table,
          retry.map((r) => r.request.item.credentialId),
        )
      ).map((i) => [i.credentialId, i]),
    );
  } catch (error: unknown) {
    for (const r of retry) outcomes[r.index] = { status: 'failed', error };
    return;
  }
  await mapWithConcurrency(retry, REQUEST_CONCURRENCY, async ({ index, request, earlierAttempt }) => {
    const fresh = current.get(request.item.credentialId);
    try {
      outcomes[index] = {
        status: 'marked',
        ...(fresh === undefined
          ? goneResult(request, earlierAttempt)
          : await markOne(table, request, fresh.raw, earlierAttempt)),
      };
    } catch (error: unknown) {
      outcomes[index] = { status: 'failed', error };
    }
  });
}

/**
 * Removes the published events of one item with conditional `UpdateItem`s,
 * planned from `observed` (the item as re-read) and re-planned from the
 * state a failed condition returns; the published entries are found in it
 * by their content as the drain read them (`relocatePublished`), never by
 * an id another entry may share.
 * @param earlierAttempt an earlier write of this mark (its batched statement) may have applied
 * @throws {OutboxMarkContentionError} after repeated lost races
 */
async function markOne(
  table: OutboxTable,
  request: MarkRequest,
  observedFirst: RawItem,
  earlierAttempt: boolean,
): Promise<MarkResult> {
  const { item, publishedEventIds } = request;
  const read = item.raw[OUTBOX_ATTR.events];
  let observed = observedFirst;
  let ownWriteMayHaveApplied = earlierAttempt;
  for (let attempt = 0; attempt < MARK_ATTEMPTS; attempt++) {
    const stored = relocatePublished(read, item.storedEventIds, observed[OUTBOX_ATTR.events]);
    const plan = planMark(stored, publishedEventIds);
    const outcome = {
      removed: plan.remove.length,
      alreadyGone: plan.alreadyGone,
      remaining: plan.remaining,
    };
    if (plan.remove.length === 0) return settled(outcome, ownWriteMayHaveApplied);
    const update = markUpdateExpression(markWrite(observed, plan, (table.options.clock ?? Date.now)()));
    const written = await conditionalOutboxItemUpdate(table, item.credentialId, update);
    if (written.ok) return settled(outcome, ownWriteMayHaveApplied);
    ownWriteMayHaveApplied ||= written.retried;
    if (written.current === undefined) return goneResult(request, ownWriteMayHaveApplied);
    observed = written.current;
  }
  throw new OutboxMarkContentionError(
    `could not mark ${publishedEventIds.length} published event(s) of ${item.credentialId} sent after ${MARK_ATTEMPTS} attempts`,
  );
}
