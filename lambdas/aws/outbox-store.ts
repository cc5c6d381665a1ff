/**
 * The durable outbox in the credentials table ({@link OutboxStore}); the
 * protocol is described in docs/notifications.md ("The outbox protocol"):
 * - `pending` Scans the sparse `hygiene-outbox` index (only items with pending
 *   events carry its key `hygieneOutboxOwner`), so a drain reads the backlog,
 *   never the whole table; the index projects its keys only, so this yields
 *   which items, owners and how old, never events;
 * - `acquireLease` / `releaseLease`: ONE conditional `UpdateItem` on a reserved
 *   item (`__hygiene__#outbox-drain-lease`) per drain, so one drain at a time
 *   publishes and marks;
 * - `read`: strongly consistent `BatchGetItem`s (100 keys a call) of the base
 *   table: the index is eventually consistent, the table decides; an item it
 *   finds still indexed with an empty or absent list (left by a mark before
 *   partial removals were size-guarded) is taken out of the index, its
 *   held-back purge released, by one conditional `UpdateItem` (a `readOnly`
 *   store — `notify --dry-run` — writes nothing); one whose `hygieneOutbox`
 *   is not a list is returned with one malformed entry and never written;
 * - `markSent`: the marks of up to 25 items in one `BatchExecuteStatement` of
 *   conditional PartiQL `UPDATE`s (each priced like an `UpdateItem`, no
 *   transaction); an item whose statement fails is re-read and marked on its
 *   own with conditional `UpdateItem`s that re-plan after a failed condition;
 *   events an earlier attempt of the same mark may have removed (a lost
 *   response the SDK retried) count as its own removals, not as another drain's.
 */
import {
  type AttributeValue,
  BatchExecuteStatementCommand,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { exponentialDelayMs } from '../hygiene/backoff';
import { chunks } from '../hygiene/chunks';
import {
  OUTBOX_ATTR,
  OUTBOX_CLAIM_ATTR,
  OUTBOX_INDEX,
  OUTBOX_LEASE_ATTR,
  OUTBOX_LEASE_ID,
  PURGE_PENDING_ATTR,
} from '../hygiene/data-contract';
import { type MarkPlan, planMark, readOutboxIndexEntry, readPendingItem } from '../hygiene/outbox-item';
import type {
  LeaseRequest,
  LeaseResult,
  MarkOutcome,
  MarkRequest,
  MarkResult,
  OutboxIndexEntry,
  OutboxStore,
  PendingOutboxItem,
} from '../hygiene/outbox-ports';
import type { RawItem } from '../hygiene/ports';
import { describeStoredValue } from '../hygiene/stored-value-text';
import { mapWithConcurrency } from '../hygiene/task-pool';
import { formatInstant } from '../hygiene/time';
import { TABLE_DEFINITION } from './credential-table-definition';
import { failedConditionItem } from './dynamodb-client';
import { mayHaveApplied } from './may-have-applied';
import {
  emptyOutboxCleanup,
  isEmptyIndexedOutbox,
  markStatement,
  markUpdateExpression,
  markWrite,
  relocatePublished,
} from './outbox-mark-write';
import { timerSleep } from './timer-sleep';
import { UpdateExpressionBuilder, type UpdateExpressionParts } from './update-expression';

const KEY = TABLE_DEFINITION.partitionKey.name;

/** Keys per `BatchGetItem` call (the service's limit). */
export const READ_BATCH_KEYS = 100;
/** Statements per `BatchExecuteStatement` call (the service's limit). */
export const MARK_BATCH_STATEMENTS = 25;
/** Concurrent requests of one `read` or `markSent` call. */
const REQUEST_CONCURRENCY = 4;
/** How often `markSent` re-plans one item after the list changed under it before giving up. */
const MARK_ATTEMPTS = 5;
/** `BatchGetItem` rounds for keys the service left unprocessed (throttling) before giving up. */
const READ_ROUNDS = 6;
/**
 * The backoff before each repeated `BatchGetItem` round: 50 ms doubled per round (50 … 800 ms, 1.55 s in all), without
 * jitter: a drain's read has at most {@link REQUEST_CONCURRENCY} requests in flight (and one drain at a time holds
 * the drain lease), too few retriers for jitter to spread apart, while full jitter would halve the expected time a
 * throttled table is given before the drain gives up ({@link OutboxReadThrottledError}).
 */
const READ_BACKOFF = { baseMs: 50, capMs: 5_000 } as const;

/** `markSent` kept losing races with other writers (should not happen; the events stay pending). */
export class OutboxMarkContentionError extends Error {
  override readonly name = 'OutboxMarkContentionError';
}

/** `BatchGetItem` kept leaving keys unprocessed (throttling): those items stay pending. */
export class OutboxReadThrottledError extends Error {
  override readonly name = 'OutboxReadThrottledError';
}

/**
 * What a drain reads of an item: the outbox, its index keys, the owner and names (a stored event takes
 * them from its item), a held-back purge and a leftover claim. The credential's other fields are never used, so they are not shipped and unmarshalled (the read
 * capacity is the same: DynamoDB charges the whole item either way).
 */
const READ_PROJECTION = {
  ProjectionExpression: '#id, #user, #name, #client, #events, #owner, #since, #purge, #claim, #claimUntil',
  ExpressionAttributeNames: {
    '#id': KEY,
    '#user': 'userId',
    '#name': 'displayName',
    '#client': 'clientId',
    '#events': OUTBOX_ATTR.events,
    '#owner': OUTBOX_ATTR.owner,
    '#since': OUTBOX_ATTR.since,
    '#purge': PURGE_PENDING_ATTR,
    '#claim': OUTBOX_CLAIM_ATTR.claim,
    '#claimUntil': OUTBOX_CLAIM_ATTR.claimUntil,
  },
} as const;

/**
 * An item still in the outbox index whose `hygieneOutbox` is present but not
 * a list (a string, a map, a number, `NULL`: a hand edit; docs/data-model.md,
 * "Outbox"), read as a pending item with no event and one malformed entry
 * standing for the whole attribute (`index` 0: there is no list), so the
 * drain counts it in `malformedEvents` every time it lists it instead of
 * taking it for drained. Nothing is published or written for it: it is left
 * for an operator, like any malformed entry. `undefined` for any other item.
 */
function unlistedOutbox(raw: RawItem): PendingOutboxItem | undefined {
  const list = raw[OUTBOX_ATTR.events];
  const entry = readOutboxIndexEntry(raw);
  if (entry === undefined || list === undefined || Array.isArray(list)) return undefined;
  return {
    ...entry,
    events: [],
    malformed: [{ index: 0, problem: `hygieneOutbox is not a list: ${describeStoredValue(list)}` }],
    storedEventIds: [],
    raw,
  };
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
 * The condition, on the lease item ({@link OUTBOX_LEASE_ID}), that no drain
 * holds a live lease at `now` (epoch ms): it has no holder, or its end is at
 * or before `now` (lapsed; judged on the caller's clock). The one lease rule:
 * a drain takes the lease when it holds, or when the lease is its own
 * ({@link leaseUpdate}); a restore that withdraws an unsent notice checks it
 * in the transaction of its write (cli/aws/restore.ts; docs/notifications.md, "The
 * drain lease").
 */
export function noLiveLeaseCondition(update: UpdateExpressionBuilder, now: number): string {
  const holder = update.name(OUTBOX_LEASE_ATTR.holder);
  const until = update.name(OUTBOX_LEASE_ATTR.until);
  return `attribute_not_exists(${holder}) OR ${until} <= ${update.value(formatInstant(now))}`;
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

/** {@link OutboxStore} over the credentials table and its sparse outbox index. */
export class DynamoDbOutboxStore implements OutboxStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: {
      readonly pageSize?: number;
      /** Wall clock (epoch ms) for releasing a held-back purge; default `Date.now`. */
      readonly clock?: () => number;
      /** Reads write nothing, not even the cleanup of an emptied outbox (`notify --dry-run`). */
      readonly readOnly?: boolean;
      /** Waits `ms` between `BatchGetItem` rounds (injectable so tests do not wait); default a timer. */
      readonly sleep?: (ms: number) => Promise<void>;
    } = {},
  ) {}

  async *pending(): AsyncIterable<readonly OutboxIndexEntry[]> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          IndexName: OUTBOX_INDEX,
          // The index's whole (KEYS_ONLY) projection, named so a wider projection would not widen the read.
          ProjectionExpression: '#id, #owner, #since',
          ExpressionAttributeNames: {
            '#id': KEY,
            '#owner': OUTBOX_ATTR.owner,
            '#since': OUTBOX_ATTR.since,
          },
          ...(this.options.pageSize !== undefined && { Limit: this.options.pageSize }),
          ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
        }),
      );
      const page = (out.Items ?? []).flatMap((raw) => {
        const entry = readOutboxIndexEntry(raw);
        return entry ? [entry] : [];
      });
      if (page.length > 0) yield page;
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  /** Sets the lease item's holder and end if the lease is free, lapsed or this drain's. */
  async acquireLease(request: LeaseRequest): Promise<LeaseResult> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: OUTBOX_LEASE_ID },
          ...leaseUpdate(request),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { status: 'held' };
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = failedConditionItem(error) ?? {};
      const heldBy = current[OUTBOX_LEASE_ATTR.holder];
      const until = current[OUTBOX_LEASE_ATTR.until];
      return {
        status: 'conflict',
        ...(typeof heldBy === 'string' && { heldBy }),
        ...(typeof until === 'string' && { until }),
      };
    }
  }

  /** Removes the lease's holder and end if this drain still holds it. */
  async releaseLease(drainId: string): Promise<void> {
    const update = new UpdateExpressionBuilder();
    update.condition(`${update.name(OUTBOX_LEASE_ATTR.holder)} = ${update.value(drainId)}`);
    update.remove(OUTBOX_LEASE_ATTR.holder).remove(OUTBOX_LEASE_ATTR.until);
    try {
      await this.client.send(
        new UpdateCommand({ TableName: this.tableName, Key: { [KEY]: OUTBOX_LEASE_ID }, ...update.build() }),
      );
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Strongly consistent `BatchGetItem`s of the items, 100 keys a call; items
   * with nothing pending left out (and, when still indexed, cleaned up unless
   * the store is `readOnly`: the cleanup's own conditions make it safe with or
   * without the drain lease); an indexed item whose `hygieneOutbox` is not a
   * list returned with no event and one malformed entry ({@link unlistedOutbox}).
   */
  async read(credentialIds: readonly string[]): Promise<readonly PendingOutboxItem[]> {
    const unique = [...new Set(credentialIds)];
    const pages = await mapWithConcurrency(chunks(unique, READ_BATCH_KEYS), REQUEST_CONCURRENCY, (ids) =>
      this.readBatch(ids),
    );
    const raws = pages.flat();
    if (!this.options.readOnly) await this.cleanUpEmptyOutboxes(raws.filter(isEmptyIndexedOutbox));
    return raws.flatMap((raw) => {
      const item = readPendingItem(raw) ?? unlistedOutbox(raw);
      return item ? [item] : [];
    });
  }

  /**
   * Takes items still indexed with nothing pending out of the index
   * (`emptyOutboxCleanup`, conditional). A failed condition means the item
   * changed (an append, a restore) and is as it should be; any other failure
   * fails the read, as a failed `BatchGetItem` would (the drain reports it as
   * a store error and leaves the items pending; the next drain tries again).
   */
  private async cleanUpEmptyOutboxes(raws: readonly RawItem[]): Promise<void> {
    const now = (this.options.clock ?? Date.now)();
    await mapWithConcurrency(raws, REQUEST_CONCURRENCY, async (raw) => {
      if (typeof raw[KEY] !== 'string') return;
      await this.conditionalUpdate(raw[KEY], emptyOutboxCleanup(raw, now));
    });
  }

  /** One `BatchGetItem` of ≤ 100 keys, re-asking for what the service left unprocessed. */
  private async readBatch(ids: readonly string[]): Promise<RawItem[]> {
    const items: RawItem[] = [];
    let keys: Record<string, unknown>[] = ids.map((id) => ({ [KEY]: id }));
    for (let round = 0; round < READ_ROUNDS && keys.length > 0; round++) {
      if (round > 0) await (this.options.sleep ?? timerSleep)(exponentialDelayMs(round, READ_BACKOFF));
      const out = await this.client.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true, ...READ_PROJECTION } },
        }),
      );
      items.push(...(out.Responses?.[this.tableName] ?? []));
      keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
    if (keys.length > 0)
      throw new OutboxReadThrottledError(
        `${keys.length} outbox item(s) left unread after ${READ_ROUNDS} rounds`,
      );
    return items;
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
   */
  async markSent(requests: readonly MarkRequest[]): Promise<readonly MarkOutcome[]> {
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
      const { failed, earlierAttempt } = await this.markBatch(batch);
      batch.forEach((p, i) => {
        if (failed[i]) retry.push({ ...p, earlierAttempt });
        else outcomes[p.index] = { status: 'marked', ...p.result };
      });
    });
    if (retry.length > 0) await this.markEach(retry, outcomes);
    return outcomes;
  }

  /**
   * One `BatchExecuteStatement` of planned marks; returns, per mark, whether its statement failed (any reason),
   * and whether an earlier attempt of the call may have applied its statements.
   */
  private async markBatch(
    batch: readonly { readonly request: MarkRequest; readonly plan: MarkPlan }[],
  ): Promise<{ readonly failed: boolean[]; readonly earlierAttempt: boolean }> {
    const now = (this.options.clock ?? Date.now)();
    const statements = batch.map(({ request: { item }, plan }) => {
      const statement = markStatement(this.tableName, item.credentialId, markWrite(item.raw, plan, now));
      return { Statement: statement.Statement, Parameters: statement.Parameters.map(attributeValue) };
    });
    try {
      // The low-level command with parameters marshalled here (strings and numbers only): the document
      // client's generic marshalling of every request and response is most of a batched mark's client CPU.
      const out = await this.client.send(new BatchExecuteStatementCommand({ Statements: statements }));
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
  private async markEach(retry: readonly PerItemMark[], outcomes: MarkOutcome[]): Promise<void> {
    let current: Map<string, PendingOutboxItem>;
    try {
      current = new Map(
        (await this.read(retry.map((r) => r.request.item.credentialId))).map((i) => [i.credentialId, i]),
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
            : await this.markOne(request, fresh.raw, earlierAttempt)),
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
  private async markOne(
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
      const update = markUpdateExpression(markWrite(observed, plan, (this.options.clock ?? Date.now)()));
      const written = await this.conditionalUpdate(item.credentialId, update);
      if (written.ok) return settled(outcome, ownWriteMayHaveApplied);
      ownWriteMayHaveApplied ||= written.retried;
      if (written.current === undefined) return goneResult(request, ownWriteMayHaveApplied);
      observed = written.current;
    }
    throw new OutboxMarkContentionError(
      `could not mark ${publishedEventIds.length} published event(s) of ${item.credentialId} sent after ${MARK_ATTEMPTS} attempts`,
    );
  }

  /**
   * Sends one conditional update; a failed condition returns the item as it now is (`undefined`: gone), and
   * whether the SDK had retried the update (an earlier attempt may have applied it).
   */
  private async conditionalUpdate(
    credentialId: string,
    update: UpdateExpressionBuilder,
  ): Promise<
    | { readonly ok: true }
    | { readonly ok: false; readonly current: RawItem | undefined; readonly retried: boolean }
  > {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: credentialId },
          ...update.build(),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true };
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { ok: false, current: failedConditionItem(error), retried: mayHaveApplied(error) };
    }
  }
}
