/**
 * The notifier use case (PRODUCT.md §5): drain the durable outbox into one
 * digest per owner. Read the pending items' keys (owner, age) from the index →
 * claim them, which reads their events from the base table → group per owner →
 * render → publish in `PublishBatch`-sized batches → mark exactly the
 * published events sent. Anything not published stays pending for the next
 * drain, however long the publisher is down. Over ports only: no AWS here.
 *
 * Exactly-once between concurrent drains comes from the claim (a conditional
 * lease on the base-table item); the only duplicate window is a crash between
 * publishing and marking (see docs/notifications.md).
 */
import { randomUUID } from 'node:crypto';
import { type DigestPart, DigestTooLargeError, renderDigest } from './digest';
import type { OutboxEvent } from './events';
import type {
  FailedEntry,
  NotificationPublisher,
  OutboxIndexEntry,
  OutboxStore,
  PendingOutboxItem,
  PublishEntry,
} from './outbox-ports';
import { SNS_BATCH_MAX_ENTRIES, SNS_MESSAGE_LIMIT_BYTES } from './sns-message';
import { formatInstant, parseInstant } from './time';

/** What a drain needs from the outside world. */
export interface NotifierDeps {
  readonly outbox: OutboxStore;
  readonly publisher: NotificationPublisher;
  /** Epoch milliseconds; read once for rendering and again for each claim's lease. */
  readonly clock: () => number;
  /** Time left before the caller must stop (Lambda's `getRemainingTimeInMillis`); unlimited when absent. */
  readonly remainingMs?: () => number;
}

/** Tuning; every field has a safe default. */
export interface NotifierOptions {
  /** Identifies this drain in claims, messages and logs. @default a random UUID */
  readonly drainId?: string;
  /**
   * How long a claim protects an item from other drains if this one crashes
   * before releasing it. Must exceed the longest claim → publish → mark span:
   * a lease at least as long as the notifier Lambda's timeout always does.
   * @default 300_000 (5 min)
   */
  readonly leaseMs?: number;
  /** Size limit of one message. @default SNS_MESSAGE_LIMIT_BYTES */
  readonly maxMessageBytes?: number;
  /** Entries per `publishBatch` call. @default SNS_BATCH_MAX_ENTRIES (10) */
  readonly maxBatchEntries?: number;
  /** Total bytes per `publishBatch` call. @default SNS_MESSAGE_LIMIT_BYTES */
  readonly maxBatchBytes?: number;
  /** Concurrent claim/mark writes within one owner group. @default 8 */
  readonly writeConcurrency?: number;
  /**
   * Owner groups (one `publishBatch` call's worth of owners each) drained at
   * once; at most `groupConcurrency × writeConcurrency` writes are in flight.
   * @default 4
   */
  readonly groupConcurrency?: number;
  /** Stop claiming more owners when less than this much time remains. @default 30_000 */
  readonly stopMarginMs?: number;
  /** Pending items read per drain at most (the rest waits for the next drain). @default 20_000 */
  readonly maxItems?: number;
}

/** One owner whose digest (or part of it) was not delivered this drain. */
export interface DeliveryFailure {
  readonly userId: string;
  readonly code: string;
  readonly message: string;
  readonly senderFault: boolean;
  /** Events affected; 0 when claiming failed (the index lists no events, the claim reads them). */
  readonly events: number;
}

/** What a drain did: logged, returned by the handler, printed by the CLI. */
export interface NotifierSummary {
  readonly drainId: string;
  /** `incomplete` when the time budget or `maxItems` stopped the drain early (the rest is still pending). */
  readonly status: 'complete' | 'incomplete';
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Items with pending events read from the outbox index. */
  readonly pendingItems: number;
  /** Owners a digest was rendered for. */
  readonly owners: number;
  /** Owner digests published completely (every part). */
  readonly digests: number;
  /** Messages published (a digest has several parts when it is too large for one). */
  readonly parts: number;
  readonly eventsPublished: number;
  /** Events whose message failed to publish: left pending, retried next drain. */
  readonly eventsFailed: number;
  /** Items another drain held a live claim on: left to it. */
  readonly claimConflicts: number;
  /** Items the index listed that were already drained (the index is eventually consistent). */
  readonly alreadyDrained: number;
  /** Stored outbox entries that are not valid events: never published, left for an operator. */
  readonly malformedEvents: number;
  /** Published events another drain had already removed (a duplicate was sent). */
  readonly eventsAlreadyMarked: number;
  /** Claim, mark or release writes that failed with an error (events stay pending or, after publish, may repeat). */
  readonly storeErrors: number;
  /** Age of the oldest pending event at the start of the drain (0 when none): alarm on it. */
  readonly oldestPendingAgeSeconds: number;
  /** Up to 20 delivery failures, for the log and the operator. */
  readonly failures: readonly DeliveryFailure[];
}

const MAX_REPORTED_FAILURES = 20;

interface OwnerDigest {
  readonly userId: string;
  readonly parts: readonly DigestPart[];
  /** Entry id per part, unique within the drain. */
  readonly ids: readonly string[];
}

interface Counters {
  pendingItems: number;
  owners: number;
  digests: number;
  parts: number;
  eventsPublished: number;
  eventsFailed: number;
  claimConflicts: number;
  alreadyDrained: number;
  malformedEvents: number;
  eventsAlreadyMarked: number;
  storeErrors: number;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Splits entries into `publishBatch` calls of at most `maxEntries` and `maxBytes` in total. */
export function batchEntries<T extends { readonly bytes: number }>(
  entries: readonly T[],
  maxEntries = SNS_BATCH_MAX_ENTRIES,
  maxBytes = SNS_MESSAGE_LIMIT_BYTES,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length > 0 && (current.length >= maxEntries || bytes + entry.bytes > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Groups events by the owner each is addressed to, owners in first-seen order. */
export function groupByOwner(events: readonly OutboxEvent[]): Map<string, OutboxEvent[]> {
  const owners = new Map<string, OutboxEvent[]>();
  for (const event of events) {
    const list = owners.get(event.userId);
    if (list) list.push(event);
    else owners.set(event.userId, [event]);
  }
  return owners;
}

function eventKey(credentialId: string, eventId: string): string {
  return `${credentialId}\u0000${eventId}`;
}

function errorCode(error: unknown): { code: string; message: string } {
  if (error instanceof Error) return { code: error.name, message: error.message };
  return { code: 'Error', message: String(error) };
}

/**
 * Drains the outbox once.
 *
 * Owners are handled in small groups — claim their items, publish their
 * digests (≤ 10 messages and ≤ 256 KiB a call), then mark or release — so a
 * claim is held only for the few seconds its publish takes.
 */
export async function runNotifier(
  deps: NotifierDeps,
  options: NotifierOptions = {},
): Promise<NotifierSummary> {
  const drainId = options.drainId ?? randomUUID();
  const leaseMs = options.leaseMs ?? 300_000;
  const maxBatchEntries = options.maxBatchEntries ?? SNS_BATCH_MAX_ENTRIES;
  const maxBatchBytes = options.maxBatchBytes ?? SNS_MESSAGE_LIMIT_BYTES;
  const concurrency = options.writeConcurrency ?? 8;
  const groupConcurrency = Math.max(1, Math.floor(options.groupConcurrency ?? 4));
  const stopMarginMs = options.stopMarginMs ?? 30_000;
  const maxItems = options.maxItems ?? 20_000;
  const now = deps.clock();
  const c: Counters = {
    pendingItems: 0,
    owners: 0,
    digests: 0,
    parts: 0,
    eventsPublished: 0,
    eventsFailed: 0,
    claimConflicts: 0,
    alreadyDrained: 0,
    malformedEvents: 0,
    eventsAlreadyMarked: 0,
    storeErrors: 0,
  };
  const failures: DeliveryFailure[] = [];
  const recordFailure = (failure: DeliveryFailure) => {
    if (failures.length < MAX_REPORTED_FAILURES) failures.push(failure);
  };
  let incomplete = false;
  let oldest = Number.POSITIVE_INFINITY;

  // 1. Read the pending items' keys (the sparse index holds nothing else), grouped by the index owner.
  const byOwner = new Map<string, OutboxIndexEntry[]>();
  reading: for await (const page of deps.outbox.pending()) {
    for (const item of page) {
      if (c.pendingItems >= maxItems) {
        incomplete = true;
        break reading;
      }
      c.pendingItems += 1;
      oldest = Math.min(oldest, oldestPending(item));
      const list = byOwner.get(item.userId);
      if (list) list.push(item);
      else byOwner.set(item.userId, [item]);
    }
  }

  // 2. Owners in groups of about one batch: claim, render, publish, mark. A few
  // groups run at once, so one group's round trips overlap another's.
  const owners = [...byOwner.keys()];
  let ownerSeq = 0;
  let cursor = 0;
  let failure: { error: unknown } | undefined;
  const drainGroups = async (): Promise<void> => {
    // After a failure no new group starts: the error propagates once the groups in flight settle.
    while (cursor < owners.length && failure === undefined) {
      if (deps.remainingMs !== undefined && deps.remainingMs() < stopMarginMs) {
        incomplete = true;
        return;
      }
      const group = owners.slice(cursor, cursor + maxBatchEntries);
      cursor += group.length;
      try {
        await drainGroup(group);
      } catch (error: unknown) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.min(groupConcurrency, Math.ceil(owners.length / maxBatchEntries));
  await Promise.all(Array.from({ length: workers }, drainGroups));
  if (failure !== undefined) throw failure.error;

  return {
    drainId,
    status: incomplete ? 'incomplete' : 'complete',
    startedAt: formatInstant(now),
    finishedAt: formatInstant(deps.clock()),
    ...c,
    oldestPendingAgeSeconds: Number.isFinite(oldest) ? Math.max(0, Math.floor((now - oldest) / 1000)) : 0,
    failures,
  };

  /** Claims the group's items, renders one digest per owner, publishes, then marks or releases. */
  async function drainGroup(group: readonly string[]): Promise<void> {
    const items = group.flatMap((owner) => byOwner.get(owner) ?? []);

    const claimed = await claimAll(items);
    // Render only what the claims returned from the base table (the index holds no events),
    // grouped by the owner each event is addressed to.
    const claimedEvents = claimed.flatMap((item) => item.events);
    const digests: OwnerDigest[] = [];
    for (const [userId, events] of groupByOwner(claimedEvents)) {
      try {
        const parts = renderDigest({
          userId,
          events,
          now,
          drainId,
          ...(options.maxMessageBytes !== undefined && { maxMessageBytes: options.maxMessageBytes }),
        });
        ownerSeq += 1;
        digests.push({ userId, parts, ids: parts.map((p) => `o${ownerSeq}-p${p.part}`) });
      } catch (error: unknown) {
        if (!(error instanceof DigestTooLargeError)) throw error;
        // Left pending (released below): an operator sees it in the failures and the outbox age.
        c.eventsFailed += events.length;
        recordFailure({
          userId,
          code: error.name,
          message: error.message,
          senderFault: true,
          events: events.length,
        });
      }
    }
    c.owners += digests.length;

    const published = await publishDigests(digests);
    await settle(claimed, published);
  }

  /** When the entry's oldest pending event was queued (`hygieneOutboxSince`, kept oldest by every write), epoch ms. */
  function oldestPending(entry: OutboxIndexEntry): number {
    const since = entry.since === undefined ? undefined : parseInstant(entry.since);
    return since?.ok ? since.ms : now;
  }

  async function claimAll(items: readonly OutboxIndexEntry[]): Promise<PendingOutboxItem[]> {
    const results = await mapPool(items, concurrency, async (item) => {
      try {
        const at = deps.clock();
        return await deps.outbox.claim(item.credentialId, { drainId, now: at, leaseUntil: at + leaseMs });
      } catch (error: unknown) {
        c.storeErrors += 1;
        recordFailure({
          userId: item.userId,
          ...errorCode(error),
          senderFault: false,
          events: 0,
        });
        return undefined;
      }
    });
    const claimed: PendingOutboxItem[] = [];
    for (const result of results) {
      if (result === undefined) continue;
      if (result.status === 'conflict') c.claimConflicts += 1;
      else if (result.status === 'nothing-pending') c.alreadyDrained += 1;
      else {
        c.malformedEvents += result.item.malformed.length;
        claimed.push(result.item);
      }
    }
    return claimed;
  }

  /** Publishes every part; returns the keys of the events whose message was accepted. */
  async function publishDigests(digests: readonly OwnerDigest[]): Promise<Set<string>> {
    const entries = digests.flatMap((d) =>
      d.parts.map((part, i) => ({ digest: d, part, id: d.ids[i] as string, bytes: part.bytes })),
    );
    const failedById = new Map<string, FailedEntry>();
    for (const batch of batchEntries(entries, maxBatchEntries, maxBatchBytes)) {
      const request: PublishEntry[] = batch.map((e) => ({ Id: e.id, ...e.part.entry }));
      let failed: readonly FailedEntry[];
      try {
        ({ failed } = await deps.publisher.publishBatch(request));
      } catch (error: unknown) {
        // A publisher should report failures per entry; a throw fails the whole batch.
        const { code, message } = errorCode(error);
        failed = request.map((r) => ({ id: r.Id, code, message, senderFault: false }));
      }
      for (const f of failed) failedById.set(f.id, f);
    }
    const accepted = new Set<string>();
    for (const digest of digests) {
      let complete = true;
      digest.parts.forEach((part, i) => {
        const failure = failedById.get(digest.ids[i] as string);
        if (failure) {
          complete = false;
          c.eventsFailed += part.events.length;
          recordFailure({
            userId: digest.userId,
            code: failure.code,
            message: failure.message,
            senderFault: failure.senderFault,
            events: part.events.length,
          });
          return;
        }
        c.parts += 1;
        c.eventsPublished += part.events.length;
        for (const e of part.events) accepted.add(eventKey(e.credentialId, e.eventId));
      });
      if (complete) c.digests += 1;
    }
    return accepted;
  }

  /** Marks each claimed item's published events sent, or releases the claim when none was published. */
  async function settle(claimed: readonly PendingOutboxItem[], accepted: ReadonlySet<string>): Promise<void> {
    await mapPool(claimed, concurrency, async (item) => {
      const sent = item.events
        .filter((e) => accepted.has(eventKey(item.credentialId, e.eventId)))
        .map((e) => e.eventId);
      try {
        if (sent.length === 0) {
          await deps.outbox.release(item.credentialId, drainId);
          return;
        }
        const result = await deps.outbox.markSent(item, sent, drainId);
        c.eventsAlreadyMarked += result.alreadyGone;
      } catch (error: unknown) {
        c.storeErrors += 1;
        recordFailure({ userId: item.userId, ...errorCode(error), senderFault: false, events: sent.length });
      }
    });
  }
}
