/**
 * In-memory fakes of the notifier's ports with the same semantics as the
 * DynamoDB and SNS adapters: a keys-only pending listing (like the KEYS_ONLY
 * index), one drain lease, reads that return the events, marks that remove
 * exactly the published entries — under the same guards (each removed entry's
 * `eventId` and `runId` at its index, the list's size: `=` when the whole list
 * goes, `>` the number removed otherwise), re-planned when a guard fails by
 * finding the published entries again by their whole content
 * (`relocatePublished`, as the DynamoDB store does) — and per-entry publish
 * failures (the publisher records the SNS entries it would send,
 * `lambdas/aws/sns-wire.ts`). An item also holds the credential state the
 * sweep's transition wrote with its events (the warned expiry, the flags, `deletedAt`), so
 * the drain judges superseded notices on it as on the table. What differs: every call is atomic (no
 * concurrent write lands inside one, so one re-plan is enough), nothing is
 * lost in transit, and an outbox that is not a list cannot be stored.
 */
import { relocatePublished } from '../../lambdas/aws/outbox-mark-write';
import { type PublishEntry, SNS_LIMITS, snsEntry } from '../../lambdas/aws/sns-wire';
import { MAX_KEY_BYTES } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR, OUTBOX_CLAIM_ATTR } from '../../lambdas/hygiene/data-contract';
import { EVENT_NAME_MAX_CHARS, type EventType, type OutboxEvent } from '../../lambdas/hygiene/events';
import type { OutgoingMessage } from '../../lambdas/hygiene/message';
import {
  type MarkPlan,
  parseOutboxEvent,
  planMark,
  readOutboxIndexEntry,
  readPendingItem,
} from '../../lambdas/hygiene/outbox-item';
import type {
  FailedEntry,
  LeaseRequest,
  LeaseResult,
  MarkOutcome,
  MarkRequest,
  NotificationPublisher,
  OutboxIndexEntry,
  OutboxStore,
  PendingOutboxItem,
} from '../../lambdas/hygiene/outbox-ports';
import { formatInstant } from '../../lambdas/hygiene/time';
import { deliveredDocument } from '../support/sns-delivery';

interface StoredItem {
  id: string;
  /** The credential's own `userId` attribute (its owner). */
  userId?: string;
  owner?: string;
  since?: string;
  outbox: unknown[];
  /** A per-item claim left by a drain of the previous protocol (see {@link InMemoryOutbox.holdClaim}). */
  claim?: string;
  claimUntil?: string;
  /**
   * The credential state a drain judges superseded notices by (`notifier/supersede.ts`): set by
   * {@link InMemoryOutbox.append} as the sweep's transition write sets it, changed by {@link InMemoryOutbox.update}.
   */
  credential: Record<string, unknown>;
}

/**
 * The credential attributes the transition that queued `event` holds on its item (written in the same write as
 * the event: docs/notifications.md, "Flow"): the warned expiry, the stale or orphan flag the warning announces, or
 * the deletion's `deletedAt`.
 */
function transitionState(event: OutboxEvent): Record<string, unknown> {
  const due = event.deleteAfter;
  switch (event.type) {
    case 'expiry-warning':
      return event.expiresTime === undefined ? {} : { expiresTime: event.expiresTime };
    case 'stale-warning':
      return { [HYGIENE_ATTR.staleFlaggedAt]: event.occurredAt, [HYGIENE_ATTR.staleDeleteAfter]: due };
    case 'orphan-flagged':
      return { [HYGIENE_ATTR.orphanedAt]: event.occurredAt, [HYGIENE_ATTR.orphanDeleteAfter]: due };
    case 'deleted-expired':
    case 'deleted-stale':
    case 'deleted-orphaned':
      // The sweep stamps `deletedAt` from the same `now` as the event's `occurredAt`.
      return { deletedAt: event.occurredAt };
  }
}

/** An outbox held in memory, keyed by credential id. */
export class InMemoryOutbox implements OutboxStore {
  readonly items = new Map<string, StoredItem>();
  /** The drain lease, as the reserved lease item holds it. */
  lease: { holder: string; until: number } | undefined;
  /** Called before each markSent: throw from it to inject a crash between publish and mark. */
  beforeMark: (() => void) | undefined;

  /**
   * Appends events to a credential's outbox, as the sweep's transition write
   * does (outbox owner = the credential's `userId`, which is its first event's).
   */
  append(credentialId: string, events: readonly OutboxEvent[], sinceIso = events[0]?.occurredAt): void {
    const item = this.items.get(credentialId) ?? { id: credentialId, outbox: [], credential: {} };
    item.userId ??= events[0]?.userId;
    item.outbox.push(...events);
    for (const event of events) Object.assign(item.credential, transitionState(event));
    item.owner = item.userId ?? item.owner;
    item.since ??= sinceIso;
    this.items.set(credentialId, item);
  }

  /**
   * Changes the credential's own attributes, as a renewal, a use or a later sweep would (`undefined` removes one):
   * what the drain's read then returns besides the outbox.
   */
  update(credentialId: string, fields: Readonly<Record<string, unknown>>): void {
    const item = this.items.get(credentialId);
    if (item === undefined) throw new Error(`no item ${credentialId}`);
    Object.assign(item.credential, fields);
  }

  /** Leaves a per-item claim on an item, as a drain of the previous protocol did. */
  holdClaim(credentialId: string, drainId: string, until: number): void {
    const item = this.items.get(credentialId);
    if (item === undefined) throw new Error(`no item ${credentialId}`);
    item.claim = drainId;
    item.claimUntil = formatInstant(until);
  }

  /** Every event still pending, across items. */
  pendingEvents(): OutboxEvent[] {
    return [...this.items.values()].flatMap((i) => i.outbox as OutboxEvent[]);
  }

  private view(item: StoredItem): PendingOutboxItem | undefined {
    const credential = Object.entries(item.credential).filter(([, value]) => value !== undefined);
    return readPendingItem({
      ...Object.fromEntries(credential),
      id: item.id,
      ...(item.userId !== undefined && { userId: item.userId }),
      hygieneOutbox: [...item.outbox],
      ...(item.owner !== undefined && { hygieneOutboxOwner: item.owner }),
      ...(item.since !== undefined && { hygieneOutboxSince: item.since }),
      ...(item.claim !== undefined && { [OUTBOX_CLAIM_ATTR.claim]: item.claim }),
      ...(item.claimUntil !== undefined && { [OUTBOX_CLAIM_ATTR.claimUntil]: item.claimUntil }),
    });
  }

  /** Keys only, like the KEYS_ONLY index: items with an owner and a non-empty outbox. */
  async *pending(): AsyncIterable<readonly OutboxIndexEntry[]> {
    const page: OutboxIndexEntry[] = [];
    for (const item of this.items.values()) {
      if (item.outbox.length === 0) continue;
      const entry = readOutboxIndexEntry({
        id: item.id,
        ...(item.owner !== undefined && { hygieneOutboxOwner: item.owner }),
        ...(item.since !== undefined && { hygieneOutboxSince: item.since }),
      });
      if (entry) page.push(entry);
    }
    yield page;
  }

  async acquireLease(request: LeaseRequest): Promise<LeaseResult> {
    const lease = this.lease;
    if (lease !== undefined && lease.holder !== request.drainId && lease.until > request.now) {
      return { status: 'conflict', heldBy: lease.holder, until: formatInstant(lease.until) };
    }
    this.lease = { holder: request.drainId, until: request.leaseUntil };
    return { status: 'held' };
  }

  async releaseLease(drainId: string): Promise<void> {
    if (this.lease?.holder === drainId) this.lease = undefined;
  }

  async read(credentialIds: readonly string[]): Promise<readonly PendingOutboxItem[]> {
    return [...new Set(credentialIds)].flatMap((id) => {
      const item = this.items.get(id);
      const view = item && this.view(item);
      return view ? [view] : [];
    });
  }

  async markSent(requests: readonly MarkRequest[]): Promise<readonly MarkOutcome[]> {
    this.beforeMark?.();
    return requests.map(({ item, publishedEventIds }): MarkOutcome => {
      const stored = this.items.get(item.credentialId);
      if (!stored)
        return { status: 'marked', removed: 0, alreadyGone: publishedEventIds.length, remaining: 0 };
      // As the DynamoDB store: the plan made from the item as read, unless its guards fail on the list as
      // it now is; then re-planned from it, each published entry found again by its whole stored content.
      const read = item.raw.hygieneOutbox;
      const asRead = planMark(item.storedEventIds, publishedEventIds);
      const plan = guardsHold(asRead, read, stored.outbox)
        ? asRead
        : planMark(relocatePublished(read, item.storedEventIds, stored.outbox), publishedEventIds);
      const drop = new Set(plan.remove.map((r) => r.index));
      if (drop.size > 0) {
        stored.outbox = stored.outbox.filter((_, i) => !drop.has(i));
        delete stored.claim;
        delete stored.claimUntil;
      }
      if (stored.outbox.length === 0) {
        delete stored.owner;
        delete stored.since;
      }
      return {
        status: 'marked',
        removed: plan.remove.length,
        alreadyGone: plan.alreadyGone,
        remaining: plan.remaining,
      };
    });
  }
}

/**
 * True when a mark's guards hold on `list` (`outbox-mark-write.ts`, `markWrite`): each removed entry still has
 * its id and the run id `read` has at that index, and the size is the one read when the whole list goes, more
 * than the number removed otherwise.
 */
function guardsHold(plan: MarkPlan, read: unknown, list: readonly unknown[]): boolean {
  const sizeHolds = plan.removeAll ? list.length === plan.storedSize : list.length > plan.remove.length;
  const readList: readonly unknown[] = Array.isArray(read) ? read : [];
  const runIdAt = (entries: readonly unknown[], index: number) =>
    (entries[index] as { runId?: unknown } | undefined)?.runId;
  return (
    sizeHolds &&
    plan.remove.every(
      (r) =>
        (list[r.index] as { eventId?: unknown } | undefined)?.eventId === r.eventId &&
        (typeof runIdAt(readList, r.index) !== 'string' ||
          runIdAt(list, r.index) === runIdAt(readList, r.index)),
    )
  );
}

/** The fields of a delivered digest document these tests read. */
export interface DeliveredDigest {
  readonly userId: string;
  readonly part: number;
  readonly parts: number;
  readonly eventTypes: string[];
  readonly events: OutboxEvent[];
}

/** A publisher that records every call and can fail whole calls or chosen entries. */
export class RecordingPublisher implements NotificationPublisher {
  /** SNS's limits, as the real adapters have. */
  readonly limits = SNS_LIMITS;
  readonly calls: PublishEntry[][] = [];
  /** Entries accepted, in order. */
  readonly delivered: PublishEntry[] = [];
  /** When set, decides per entry whether it fails (return a code) or is accepted (undefined). */
  failEntry: ((entry: PublishEntry) => string | undefined) | undefined;
  /** When set, every call throws this error (SNS down). */
  down: Error | undefined;

  async publishBatch(messages: readonly OutgoingMessage[]): Promise<{ failed: FailedEntry[] }> {
    const entries = messages.map(snsEntry);
    this.calls.push(entries);
    if (this.down) throw this.down;
    const failed: FailedEntry[] = [];
    for (const entry of entries) {
      const code = this.failEntry?.(entry);
      if (code) failed.push({ id: entry.Id, code, message: `${code} for ${entry.Id}`, senderFault: false });
      else this.delivered.push(entry);
    }
    return { failed };
  }

  /** The machine documents of every delivered message (as `sqs` receives them). */
  documents(): DeliveredDigest[] {
    return this.delivered.map((entry) => deliveredDocument<DeliveredDigest>(entry.Message));
  }
}

/** An event with sensible defaults. */
export function outboxEvent(
  overrides: Partial<OutboxEvent> & Pick<OutboxEvent, 'credentialId' | 'userId'>,
): OutboxEvent {
  const type = overrides.type ?? 'expiry-warning';
  return {
    eventId: overrides.eventId ?? `${type}:${overrides.credentialId}`,
    type,
    runId: 'run-1',
    occurredAt: '2026-11-26T02:00:00.000Z',
    displayName: `Key ${overrides.credentialId}`,
    clientId: `client-${overrides.credentialId}`,
    ...(type === 'expiry-warning' && { stageDays: 7, expiresTime: '2026-12-03T00:00:00.000Z' }),
    ...(type === 'stale-warning' && {
      deleteAfter: '2026-12-10T02:00:00.000Z',
      lastActivity: '2026-07-01T00:00:00.000Z',
    }),
    ...(type === 'deleted-expired' && {
      expiresTime: '2026-11-25T00:00:00.000Z',
      reason: 'expired' as const,
    }),
    ...(type === 'deleted-stale' && {
      deleteAfter: '2026-11-26T00:00:00.000Z',
      lastActivity: '2026-07-01T00:00:00.000Z',
      reason: 'stale' as const,
    }),
    ...overrides,
  };
}

/**
 * The largest event of `type` a stored entry can be read as (docs/data-model.md, "Outbox"): every id and instant
 * at DynamoDB's key limit and both names and the risk tier at their cut, all control characters (1 byte each in UTF-8, 7 in the
 * JSON document SNS carries: the worst escaping), with every field an event of any type may carry.
 */
export function boundedEvent(type: EventType): OutboxEvent {
  const key = '\u0001'.repeat(MAX_KEY_BYTES);
  const name = '\u0001'.repeat(EVENT_NAME_MAX_CHARS);
  const parsed = parseOutboxEvent({
    type,
    ...Object.fromEntries(
      [
        'eventId',
        'credentialId',
        'userId',
        'runId',
        'occurredAt',
        'expiresTime',
        'deleteAfter',
        'lastActivity',
      ].map((field) => [field, key]),
    ),
    displayName: name,
    clientId: name,
    tier: name,
    stageDays: 1,
    staleAfterDays: 1,
    ...(type.startsWith('deleted-') && { reason: 'stale' }),
  });
  if (!parsed.ok) throw new Error(`the bounded event is not an event: ${parsed.problem}`);
  return parsed.event;
}
