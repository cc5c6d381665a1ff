/**
 * Ports of the notifier (docs/notifications.md): where pending outbox events come from,
 * how a drain claims and marks them, and where messages go. Adapters in
 * `lambdas/aws/` (DynamoDB, SNS) and `cli/` (JSON Lines file) implement them;
 * unit tests pass in-memory fakes. No AWS imports here.
 */
import type { OutboxEvent } from './events';
import type { RawItem } from './ports';

/**
 * What the sparse outbox index says about one item (it projects only its
 * keys): which item, which owner, how old. Possibly stale; the events
 * themselves are read by {@link OutboxStore.claim} from the base table.
 */
export interface OutboxIndexEntry {
  readonly credentialId: string;
  /** The owner the events are addressed to (`hygieneOutboxOwner`, the index partition key). */
  readonly userId: string;
  /** When the oldest pending event was queued (`hygieneOutboxSince`, the index sort key), canonical UTC. */
  readonly since?: string;
}

/** One credential item with pending outbox events, as claimed from the base table. */
export interface PendingOutboxItem extends OutboxIndexEntry {
  /** Pending events, oldest first, in stored list order (index `i` is `hygieneOutbox[i]`). */
  readonly events: readonly OutboxEvent[];
  /**
   * Stored entries that are not valid events, with their list index: never
   * published, never removed (an operator must look), counted in the summary.
   */
  readonly malformed: readonly { readonly index: number; readonly problem: string }[];
  /** The `eventId` of every stored list entry, in list order (`undefined` where there is none). */
  readonly storedEventIds: readonly (string | undefined)[];
  /** The item as read. */
  readonly raw: RawItem;
}

/** The outcome of claiming one item for a drain. */
export type ClaimResult =
  /** Claimed: `item` is the authoritative base-table state at claim time (the index may lag). */
  | { readonly status: 'claimed'; readonly item: PendingOutboxItem }
  /** Another drain holds a live lease on the item: skip it this time. */
  | { readonly status: 'conflict'; readonly heldBy?: string; readonly until?: string }
  /** Nothing pending any more (already drained; the eventually consistent index was behind). */
  | { readonly status: 'nothing-pending' };

/** The outcome of marking published events sent. */
export interface MarkResult {
  /** How many of the given events were removed from the outbox now. */
  readonly removed: number;
  /** Given events that were no longer in the outbox (another drain marked them). */
  readonly alreadyGone: number;
  /** Events still pending on the item afterwards (appended meanwhile, or not published). */
  readonly remaining: number;
}

/** A claim request. */
export interface ClaimRequest {
  /** The drain claiming the item. */
  readonly drainId: string;
  /** The drain's clock (epoch ms): a lease ending at or before it is expired. */
  readonly now: number;
  /** When the claim lapses (epoch ms) if the drain never releases it (e.g. it crashed). */
  readonly leaseUntil: number;
}

/**
 * The durable outbox in the credentials table. Only items with pending events
 * are read (a sparse index); every write is conditional on the base table, so
 * concurrent drains and sweeps cannot lose or double-mark an event.
 */
export interface OutboxStore {
  /**
   * Items with pending events, page by page: keys only, no events. Possibly
   * stale (the index is eventually consistent): {@link OutboxStore.claim}
   * returns the real state, events included.
   */
  pending(): AsyncIterable<readonly OutboxIndexEntry[]>;
  /** Claims an item for one drain unless another drain holds a live lease on it. */
  claim(credentialId: string, request: ClaimRequest): Promise<ClaimResult>;
  /**
   * Removes exactly the given published events (each matched by list index
   * and `eventId`, re-located when the list changed meanwhile) and releases
   * the drain's claim. Events appended meanwhile stay pending; when none
   * remain, the item leaves the outbox index.
   * @param item the item as claimed
   * @param publishedEventIds the `eventId`s of the events that were published
   */
  markSent(
    item: PendingOutboxItem,
    publishedEventIds: readonly string[],
    drainId: string,
  ): Promise<MarkResult>;
  /** Gives up the drain's claim without marking anything (publish failed: the next drain retries). */
  release(credentialId: string, drainId: string): Promise<void>;
}

/** SNS message attribute (`String` or `String.Array`, the only types used here). */
export interface MessageAttribute {
  readonly DataType: 'String' | 'String.Array' | 'Number';
  readonly StringValue: string;
}

/**
 * One message to publish, shaped exactly like an SNS `PublishBatchRequestEntry`
 * so the file sink can write what SNS would receive.
 */
export interface PublishEntry {
  /** Unique within one batch: letters, digits, `-`, `_`, at most 80 characters. */
  readonly Id: string;
  readonly Subject: string;
  /** With `MessageStructure: 'json'`: a JSON object of per-protocol texts. */
  readonly Message: string;
  readonly MessageStructure: 'json';
  readonly MessageAttributes: Readonly<Record<string, MessageAttribute>>;
}

/** One entry SNS (or a sink) did not accept. */
export interface FailedEntry {
  readonly id: string;
  readonly code: string;
  readonly message: string;
  /** True when the request itself is wrong (retrying the same entry will fail again). */
  readonly senderFault: boolean;
}

/** Publishes batches of messages (SNS `PublishBatch`: at most 10 entries and 256 KiB a call). */
export interface NotificationPublisher {
  /** Publishes the entries; never throws for a delivery failure, reports it per entry instead. */
  publishBatch(entries: readonly PublishEntry[]): Promise<{ readonly failed: readonly FailedEntry[] }>;
}
