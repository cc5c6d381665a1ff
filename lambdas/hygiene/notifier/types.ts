/**
 * The notifier's public shapes: what a drain needs (ports), how it is tuned,
 * and what it reports. Kept apart from the phases so the use case, the
 * handler and the CLI share one definition. Pure types.
 */

import type { NotificationPublisher, OutboxStore } from '../outbox-ports';
import type { CappedList } from '../run-summary';

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

/** How many delivery failures a summary lists; the rest are only counted (`omitted`). */
export const NOTIFIER_FAILURE_LIMIT = 20;

/** What a drain did: logged, returned by the handler, printed by the CLI. */
export interface NotifierSummary {
  readonly drainId: string;
  /** `incomplete` when the time budget or `maxItems` stopped the drain early (the rest is still pending). */
  readonly status: 'complete' | 'incomplete';
  readonly startedAt: string;
  readonly finishedAt: string;
  /** `finishedAt − startedAt` on the drain's clock, in milliseconds. */
  readonly durationMs: number;
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
  /** Delivery failures: the count, and the first {@link NOTIFIER_FAILURE_LIMIT} for the log and the operator. */
  readonly failures: CappedList<DeliveryFailure>;
}
