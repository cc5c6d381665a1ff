/**
 * The durable outbox in the credentials table ({@link OutboxStore}):
 * - `pending` Scans the sparse `hygiene-outbox` index (only items with pending
 *   events carry its key `hygieneOutboxOwner`), so a drain reads the backlog,
 *   never the whole table; the index projects its keys only, so this yields
 *   which items, owners and how old, never events;
 * - `claim`, `markSent` and `release` are conditional `UpdateItem`s on the
 *   base table: the index is eventually consistent, the table decides; the
 *   claim returns the item (`ALL_NEW`), which is what the notifier publishes.
 * The protocol is described in docs/notifications.md.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  HYGIENE_ATTR,
  OUTBOX_ATTR,
  OUTBOX_CLAIM_ATTR,
  OUTBOX_INDEX,
  PURGE_PENDING_ATTR,
} from '../hygiene/data-contract';
import {
  type MarkPlan,
  parseOutboxEvent,
  planMark,
  planPurgeRelease,
  readOutboxIndexEntry,
  readPendingItem,
} from '../hygiene/outbox-item';
import type {
  ClaimRequest,
  ClaimResult,
  MarkResult,
  OutboxIndexEntry,
  OutboxStore,
  PendingOutboxItem,
} from '../hygiene/outbox-ports';
import type { RawItem } from '../hygiene/ports';
import { formatInstant, parseInstant } from '../hygiene/time';
import { TABLE_DEFINITION } from './credential-table-definition';
import { unmarshallOptions } from './dynamodb-client';
import { UpdateExpressionBuilder, type UpdateExpressionParts } from './update-expression';

const KEY = TABLE_DEFINITION.partitionKey.name;

/** How often `markSent` re-plans after the list changed under it before giving up. */
const MARK_ATTEMPTS = 5;

/** `markSent` kept losing races with other writers (should not happen; the events stay pending). */
export class OutboxMarkContentionError extends Error {
  override readonly name = 'OutboxMarkContentionError';
}

function failedItem(error: ConditionalCheckFailedException): Record<string, unknown> | undefined {
  // The document client does not unmarshall the item attached to the exception.
  return error.Item ? unmarshall(error.Item, unmarshallOptions()) : undefined;
}

function eventIdsOf(list: unknown): (string | undefined)[] {
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown) => {
    const id = (entry as { eventId?: unknown } | null)?.eventId;
    return typeof id === 'string' ? id : undefined;
  });
}

/** The earliest `occurredAt` among the entries kept, canonical UTC, or undefined. */
function oldestKept(list: unknown, removed: ReadonlySet<number>): string | undefined {
  if (!Array.isArray(list)) return undefined;
  let oldest: number | undefined;
  list.forEach((entry: unknown, i) => {
    if (removed.has(i)) return;
    const parsed = parseOutboxEvent(entry);
    if (!parsed.ok) return;
    const at = parseInstant(parsed.event.occurredAt);
    if (at.ok && (oldest === undefined || at.ms < oldest)) oldest = at.ms;
  });
  return oldest === undefined ? undefined : formatInstant(oldest);
}

/**
 * The "mark sent" update for `plan` made from `observed`: guard each removed
 * entry by its `eventId`, remove the entries (or the whole outbox), and
 * release the drain's claim when it still holds it.
 * @param now wall clock (epoch ms), for releasing a held-back purge
 */
function markUpdate(
  observed: RawItem,
  plan: MarkPlan,
  drainId: string,
  ownClaim: boolean,
  now: number,
): UpdateExpressionBuilder {
  const update = new UpdateExpressionBuilder();
  const events = update.name(OUTBOX_ATTR.events);
  const eventId = update.name('eventId');
  for (const entry of plan.remove) {
    update.condition(`${events}[${entry.index}].${eventId} = ${update.value(entry.eventId)}`);
  }
  if (plan.removeAll) removeWholeOutbox(update, plan, observed, now);
  else removeEntries(update, plan, observed);
  if (ownClaim) releaseClaim(update, drainId);
  return update;
}

/**
 * Removes the list and the index keys (the item leaves the index), guarded by
 * the list size; a purge held back for the notice may start now (docs/notifications.md).
 */
function removeWholeOutbox(
  update: UpdateExpressionBuilder,
  plan: MarkPlan,
  observed: RawItem,
  now: number,
): void {
  update.condition(`size(${update.name(OUTBOX_ATTR.events)}) = ${update.value(plan.storedSize)}`);
  update.remove(OUTBOX_ATTR.events).remove(OUTBOX_ATTR.owner).remove(OUTBOX_ATTR.since);
  const purge = planPurgeRelease(observed, now);
  // No guard is needed when nothing was held back: a deletion since the read appended its notice, so the
  // list guards fail and the plan is redone from the item as it now is.
  if (purge.kind !== 'release') return;
  update.condition(`${update.name(PURGE_PENDING_ATTR)} = ${update.value(purge.pending)}`);
  update.set(HYGIENE_ATTR.purgeAt, purge.purgeAt).remove(PURGE_PENDING_ATTR);
}

/** Removes the published entries by index, keeping the index sort key honest (the oldest event still pending). */
function removeEntries(update: UpdateExpressionBuilder, plan: MarkPlan, observed: RawItem): void {
  const events = update.name(OUTBOX_ATTR.events);
  for (const { index } of plan.remove) update.removePath(`${events}[${index}]`);
  const since = oldestKept(observed[OUTBOX_ATTR.events], new Set(plan.remove.map((r) => r.index)));
  if (since !== undefined) update.set(OUTBOX_ATTR.since, since);
}

/** Releases the drain's claim, on condition that it still holds it. */
function releaseClaim(update: UpdateExpressionBuilder, drainId: string): UpdateExpressionBuilder {
  update.condition(`${update.name(OUTBOX_CLAIM_ATTR.claim)} = ${update.value(drainId)}`);
  return update.remove(OUTBOX_CLAIM_ATTR.claim).remove(OUTBOX_CLAIM_ATTR.claimUntil);
}

/** The claim: take the item if it exists, has pending events and no live claim of another drain. */
function claimUpdate(request: ClaimRequest): UpdateExpressionParts {
  const update = new UpdateExpressionBuilder()
    .set(OUTBOX_CLAIM_ATTR.claim, request.drainId)
    .set(OUTBOX_CLAIM_ATTR.claimUntil, formatInstant(request.leaseUntil));
  const claim = update.name(OUTBOX_CLAIM_ATTR.claim);
  const until = update.name(OUTBOX_CLAIM_ATTR.claimUntil);
  update.condition(`attribute_exists(${update.name(KEY)})`);
  update.condition(`size(${update.name(OUTBOX_ATTR.events)}) > ${update.value(0)}`);
  update.condition(
    `(attribute_not_exists(${claim}) OR ${claim} = ${update.value(request.drainId)} OR ${until} <= ${update.value(formatInstant(request.now))})`,
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

  /**
   * Sets `hygieneOutboxClaim = drainId` and `hygieneOutboxClaimUntil = leaseUntil`
   * if the item has pending events and no live claim of another drain.
   */
  async claim(credentialId: string, request: ClaimRequest): Promise<ClaimResult> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: credentialId },
          ...claimUpdate(request),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const item = out.Attributes ? readPendingItem(out.Attributes) : undefined;
      if (item) return { status: 'claimed', item };
      await this.release(credentialId, request.drainId);
      return { status: 'nothing-pending' };
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = failedItem(error);
      if (current === undefined || readPendingItem(current) === undefined)
        return { status: 'nothing-pending' };
      const heldBy = current[OUTBOX_CLAIM_ATTR.claim];
      const until = current[OUTBOX_CLAIM_ATTR.claimUntil];
      return {
        status: 'conflict',
        ...(typeof heldBy === 'string' && { heldBy }),
        ...(typeof until === 'string' && { until }),
      };
    }
  }

  /**
   * Removes the published events: each list entry by index, guarded by its
   * `eventId`; the whole list and the index keys (the item leaves the index)
   * when nothing else is pending, guarded by the list size, and then also
   * moves a held-back `hygienePurgePending` to `hygienePurgeAt`. Releases the
   * drain's claim if it still holds it. When another writer changed the list
   * meanwhile, re-plans from the state the failed condition returned.
   * @throws {OutboxMarkContentionError} after repeated lost races
   */
  async markSent(
    item: PendingOutboxItem,
    publishedEventIds: readonly string[],
    drainId: string,
  ): Promise<MarkResult> {
    let observed: RawItem = item.raw;
    let ownClaim = true;
    for (let attempt = 0; attempt < MARK_ATTEMPTS; attempt++) {
      const stored = attempt === 0 ? item.storedEventIds : eventIdsOf(observed[OUTBOX_ATTR.events]);
      const plan = planMark(stored, publishedEventIds);
      const outcome = {
        removed: plan.remove.length,
        alreadyGone: plan.alreadyGone,
        remaining: plan.remaining,
      };
      if (plan.remove.length === 0) {
        await this.release(item.credentialId, drainId);
        return outcome;
      }
      const update = markUpdate(observed, plan, drainId, ownClaim, (this.options.clock ?? Date.now)());
      const written = await this.conditionalUpdate(item.credentialId, update);
      if (written.ok) return outcome;
      if (written.current === undefined)
        return { removed: 0, alreadyGone: publishedEventIds.length, remaining: 0 };
      observed = written.current;
      // Our lease lapsed and another drain took the item: mark anyway (we did publish), leave its claim.
      ownClaim = written.current[OUTBOX_CLAIM_ATTR.claim] === drainId;
    }
    throw new OutboxMarkContentionError(
      `could not mark ${publishedEventIds.length} published event(s) of ${item.credentialId} sent after ${MARK_ATTEMPTS} attempts`,
    );
  }

  /** Sends one conditional update; a failed condition returns the item as it now is (`undefined`: gone). */
  private async conditionalUpdate(
    credentialId: string,
    update: UpdateExpressionBuilder,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly current: RawItem | undefined }> {
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
      return { ok: false, current: failedItem(error) };
    }
  }

  /** Removes the drain's claim if it still holds it (a no-op otherwise). */
  async release(credentialId: string, drainId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: credentialId },
          ...releaseClaim(new UpdateExpressionBuilder(), drainId).build(),
        }),
      );
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
