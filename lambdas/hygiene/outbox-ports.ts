/**
 * Ports of the notifier (docs/notifications.md): where pending outbox events come from,
 * how a drain leases, reads and marks them, and where messages go (transport-neutral
 * messages, `message.ts`). Adapters in `lambdas/aws/` (DynamoDB, SNS) and `cli/`
 * (JSON Lines file) implement them; unit tests pass in-memory fakes. No AWS imports here.
 */
import type { OutboxEvent } from './events';
import type { OutgoingMessage, PublishLimits } from './message';
import type { RawItem } from './ports';

/**
 * What the sparse outbox index says about one item (it projects only its
 * keys): which item, which owner, how old. Possibly stale; the events
 * themselves are read by {@link OutboxStore.read} from the base table.
 */
export interface OutboxIndexEntry {
  readonly credentialId: string;
  /** The owner the events are addressed to (`hygieneOutboxOwner`, the index partition key). */
  readonly userId: string;
  /** When the oldest pending event was queued (`hygieneOutboxSince`, the index sort key), canonical UTC. */
  readonly since?: string;
}

/** One credential item with pending outbox events, as read from the base table. */
export interface PendingOutboxItem extends OutboxIndexEntry {
  /** Pending events, oldest first, in stored list order (index `i` is `hygieneOutbox[i]`). */
  readonly events: readonly OutboxEvent[];
  /**
   * Stored entries that are not valid events, with their list index: never
   * published, never removed (an operator must look), counted in the summary.
   * An indexed `hygieneOutbox` that is not a list at all comes back as one
   * entry, `index` 0, with no events and no stored list.
   */
  readonly malformed: readonly { readonly index: number; readonly problem: string }[];
  /** The `eventId` a mark may match at each stored list index, in list order: `undefined` for a malformed entry (never removed). */
  readonly storedEventIds: readonly (string | undefined)[];
  /** The item as read: at least `id`, `userId`, the outbox attributes, `hygienePurgePending` and a leftover claim. */
  readonly raw: RawItem;
}

/** The outcome of marking one item's published events sent. */
export interface MarkResult {
  /** How many of the given events were removed from the outbox now. */
  readonly removed: number;
  /** Given events that were no longer in the outbox (another drain marked them). */
  readonly alreadyGone: number;
  /** Events still pending on the item afterwards (appended meanwhile, or not published). */
  readonly remaining: number;
}

/** One item's "mark sent" request: the item as read and the events of it that were published. */
export interface MarkRequest {
  /** The item as {@link OutboxStore.read} returned it (the notifier lists in `storedEventIds` only the entries this mark published). */
  readonly item: PendingOutboxItem;
  /** The `eventId`s of its events whose message was accepted, or that the credential had outgrown (superseded: removed unsent). */
  readonly publishedEventIds: readonly string[];
}

/** What became of one {@link MarkRequest}: marked, or failed with an error (its events stay pending). */
export type MarkOutcome =
  | ({ readonly status: 'marked' } & MarkResult)
  | { readonly status: 'failed'; readonly error: unknown };

/** A request for the drain lease. */
export interface LeaseRequest {
  /** The drain asking. */
  readonly drainId: string;
  /** The drain's clock (epoch ms): a lease ending at or before it has lapsed. */
  readonly now: number;
  /** When the lease lapses (epoch ms) if the drain never releases it (e.g. it crashed). */
  readonly leaseUntil: number;
}

/** The outcome of asking for (or renewing) the drain lease. */
export type LeaseResult =
  /** This drain holds the lease until `leaseUntil`. */
  | { readonly status: 'held' }
  /** Another drain holds a live lease: this drain publishes nothing. */
  | { readonly status: 'conflict'; readonly heldBy?: string; readonly until?: string };

/**
 * The durable outbox in the credentials table. Only items with pending events
 * are listed (a sparse index); one drain at a time holds the drain lease, and
 * every mark is conditional on the base table, so concurrent drains and
 * sweeps cannot lose or double-mark an event (docs/notifications.md).
 */
export interface OutboxStore {
  /**
   * Items with pending events, page by page: keys only, no events. Possibly
   * stale (the index is eventually consistent): {@link OutboxStore.read}
   * returns the real state, events included.
   */
  pending(): AsyncIterable<readonly OutboxIndexEntry[]>;
  /**
   * Takes the drain lease unless another drain holds a live one; renews it
   * when this drain already holds it. One conditional write.
   */
  acquireLease(request: LeaseRequest): Promise<LeaseResult>;
  /** Gives the lease up if this drain still holds it (a no-op otherwise). */
  releaseLease(drainId: string): Promise<void>;
  /**
   * Reads the given items from the base table (strongly consistent), in any
   * order; an item with nothing pending (drained meanwhile, or gone) is left out.
   * An item still indexed whose `hygieneOutbox` is not a list is returned with
   * no events and one malformed entry (`index` 0) standing for the attribute.
   */
  read(credentialIds: readonly string[]): Promise<readonly PendingOutboxItem[]>;
  /**
   * Removes exactly the given published events of each item (each matched by
   * list index and `eventId`, re-located when the list changed meanwhile).
   * Events appended meanwhile stay pending; when none remain, the item leaves
   * the outbox index (and a held-back purge starts). Never throws for one
   * item: its outcome says `failed`.
   * @returns one outcome per request, in request order
   */
  markSent(requests: readonly MarkRequest[]): Promise<readonly MarkOutcome[]>;
}

/** One message the publisher (SNS, a sink) did not accept, by its `id`. */
export interface FailedEntry {
  readonly id: string;
  readonly code: string;
  readonly message: string;
  /** True when the request itself is wrong (retrying the same entry will fail again). */
  readonly senderFault: boolean;
}

/**
 * Publishes batches of transport-neutral messages. Its {@link PublishLimits}
 * are the budget the notifier splits digests and batches by (the SNS adapter
 * and the file sink give SNS's: `lambdas/aws/sns-wire.ts`).
 */
export interface NotificationPublisher {
  /** How large one message and one batch may be, and how the transport counts bytes. */
  readonly limits: PublishLimits;
  /** Publishes the messages; never throws for a delivery failure, reports it per message (by `id`) instead. */
  publishBatch(messages: readonly OutgoingMessage[]): Promise<{ readonly failed: readonly FailedEntry[] }>;
}
