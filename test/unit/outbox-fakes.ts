/**
 * In-memory fakes of the notifier's ports with the same semantics as the
 * DynamoDB and SNS adapters: a keys-only pending listing (like the KEYS_ONLY
 * index), conditional claims with a lease that return the events, marks that
 * remove exactly the published entries, per-entry publish failures.
 */
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { planMark, readOutboxIndexEntry, readPendingItem } from '../../lambdas/hygiene/outbox-item';
import type {
  ClaimRequest,
  ClaimResult,
  FailedEntry,
  MarkResult,
  NotificationPublisher,
  OutboxIndexEntry,
  OutboxStore,
  PendingOutboxItem,
  PublishEntry,
} from '../../lambdas/hygiene/outbox-ports';

interface StoredItem {
  id: string;
  /** The credential's own `userId` attribute (its owner). */
  userId?: string;
  owner?: string;
  since?: string;
  outbox: unknown[];
  claim?: string;
  claimUntil?: number;
}

/** An outbox held in memory, keyed by credential id. */
export class InMemoryOutbox implements OutboxStore {
  readonly items = new Map<string, StoredItem>();
  /** Called before each markSent: throw from it to inject a crash between publish and mark. */
  beforeMark: (() => void) | undefined;

  /**
   * Appends events to a credential's outbox, as the sweep's transition write
   * does (outbox owner = the credential's `userId`, which is its first event's).
   */
  append(credentialId: string, events: readonly OutboxEvent[], sinceIso = events[0]?.occurredAt): void {
    const item = this.items.get(credentialId) ?? { id: credentialId, outbox: [] };
    item.userId ??= events[0]?.userId;
    item.outbox.push(...events);
    item.owner = item.userId ?? item.owner;
    item.since ??= sinceIso;
    this.items.set(credentialId, item);
  }

  /** Every event still pending, across items. */
  pendingEvents(): OutboxEvent[] {
    return [...this.items.values()].flatMap((i) => i.outbox as OutboxEvent[]);
  }

  private view(item: StoredItem): PendingOutboxItem | undefined {
    return readPendingItem({
      id: item.id,
      ...(item.userId !== undefined && { userId: item.userId }),
      hygieneOutbox: item.outbox,
      ...(item.owner !== undefined && { hygieneOutboxOwner: item.owner }),
      ...(item.since !== undefined && { hygieneOutboxSince: item.since }),
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

  async claim(credentialId: string, request: ClaimRequest): Promise<ClaimResult> {
    const item = this.items.get(credentialId);
    if (!item || item.outbox.length === 0) return { status: 'nothing-pending' };
    if (item.claim !== undefined && item.claim !== request.drainId && (item.claimUntil ?? 0) > request.now) {
      return { status: 'conflict', heldBy: item.claim };
    }
    item.claim = request.drainId;
    item.claimUntil = request.leaseUntil;
    const view = this.view(item);
    return view ? { status: 'claimed', item: view } : { status: 'nothing-pending' };
  }

  async markSent(
    item: PendingOutboxItem,
    publishedEventIds: readonly string[],
    drainId: string,
  ): Promise<MarkResult> {
    this.beforeMark?.();
    const stored = this.items.get(item.credentialId);
    if (!stored) return { removed: 0, alreadyGone: publishedEventIds.length, remaining: 0 };
    const ids = stored.outbox.map((e) => (e as OutboxEvent).eventId);
    const plan = planMark(ids, publishedEventIds);
    const drop = new Set(plan.remove.map((r) => r.index));
    stored.outbox = stored.outbox.filter((_, i) => !drop.has(i));
    if (stored.outbox.length === 0) {
      delete stored.owner;
      delete stored.since;
    }
    if (stored.claim === drainId) {
      delete stored.claim;
      delete stored.claimUntil;
    }
    return { removed: plan.remove.length, alreadyGone: plan.alreadyGone, remaining: plan.remaining };
  }

  async release(credentialId: string, drainId: string): Promise<void> {
    const stored = this.items.get(credentialId);
    if (stored?.claim === drainId) {
      delete stored.claim;
      delete stored.claimUntil;
    }
  }
}

/** A publisher that records every call and can fail whole calls or chosen entries. */
export class RecordingPublisher implements NotificationPublisher {
  readonly calls: PublishEntry[][] = [];
  /** Entries accepted, in order. */
  readonly delivered: PublishEntry[] = [];
  /** When set, decides per entry whether it fails (return a code) or is accepted (undefined). */
  failEntry: ((entry: PublishEntry) => string | undefined) | undefined;
  /** When set, every call throws this error (SNS down). */
  down: Error | undefined;

  async publishBatch(entries: readonly PublishEntry[]): Promise<{ failed: FailedEntry[] }> {
    this.calls.push([...entries]);
    if (this.down) throw this.down;
    const failed: FailedEntry[] = [];
    for (const entry of entries) {
      const code = this.failEntry?.(entry);
      if (code) failed.push({ id: entry.Id, code, message: `${code} for ${entry.Id}`, senderFault: false });
      else this.delivered.push(entry);
    }
    return { failed };
  }

  /** The machine documents of every delivered message. */
  documents(): {
    userId: string;
    part: number;
    parts: number;
    eventTypes: string[];
    events: OutboxEvent[];
  }[] {
    return this.delivered.map((entry) => JSON.parse(JSON.parse(entry.Message).sqs));
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
