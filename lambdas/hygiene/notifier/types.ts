/**
 * The notifier's public shapes: what a drain needs (ports), how it is tuned,
 * and what it reports. Kept apart from the phases so the use case, the
 * handler and the CLI share one definition. Pure types.
 */

import type { NotificationPublisher, OutboxStore } from '../outbox-ports';
import type {
  OwnerDeliveryRoute,
  OwnerDirectory,
  SendableAddress,
  UnreachableReason,
} from '../owner-directory';
import type { CappedList } from '../run-summary';
import type { TopicSubscriptionListing } from '../subscription-ports';
import type { UnreachableReportInput } from '../unreachable-report';

/** What a drain needs from the outside world. */
export interface NotifierDeps {
  readonly outbox: OutboxStore;
  readonly publisher: NotificationPublisher;
  /** Epoch milliseconds; read once for rendering and again for the drain lease. */
  readonly clock: () => number;
  /** Time left before the caller must stop (Lambda's `getRemainingTimeInMillis`); unlimited when absent. */
  readonly remainingMs?: () => number;
  /**
   * Waits `ms` milliseconds: the pause between two publishes to one recipient (the admins, an owner), so no email
   * subscription is sent more than SNS allows (docs/notifications.md, "Size limits, splitting, batching and
   * pacing"). A wait that would end past `remainingMs` is not taken: those messages stay pending. The handler and
   * the CLI pass the timer (`timerSleep`, `lambdas/aws/timer-sleep.ts`: the domain holds none); tests pass one that
   * advances their fake clock.
   */
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * The owner directory: judges whether each owner is reachable on the route
   * (docs/notifications.md, "Owner reach"). Absent, or never imported: every
   * owner is treated as reachable and the summary says reach is `unverified`.
   */
  readonly directory?: OwnerDirectory;
  /**
   * The topic the digests go to, listed once per drain on `sns-email` when
   * the directory judges reach and there are owners to judge: an owner
   * recorded `confirmed` is reachable only while a confirmed subscription of
   * theirs is listed (docs/notifications.md, "Owner reach"). Absent (a CLI
   * drain to a file without a topic): judged on the recorded states, and the
   * summary says so ({@link NotifierSummary.subscriptionCheck}).
   */
  readonly topicSubscriptions?: TopicSubscriptionListing;
  /**
   * Whether Amazon SES can be asked to send to an address: on `relay`, an
   * owner whose address it cannot is unreachable, `unsendable-address`
   * (docs/notifications.md, "Owner reach"). The notifier handler and the CLI
   * pass `isSesSendable` (`lambdas/relay/ses-address.ts`), the rule the
   * relay's sender applies; absent: the address must be ASCII before the @
   * and hold no special character there (`plainLocalPart`,
   * `owner-directory.ts`), the part the domain can judge alone.
   */
  readonly sendable?: SendableAddress;
}

/** Tuning; every field has a safe default. */
export interface NotifierOptions {
  /** Identifies this drain in the drain lease, messages and logs. @default a random UUID */
  readonly drainId?: string;
  /**
   * How long the drain lease keeps other drains out if this one crashes
   * before releasing it. The drain renews it before each chunk and before the
   * admin report when less than half is left, so half of it must exceed the
   * longest stretch between renewals: a chunk (read → publish → mark), or the
   * chunks in flight at the end plus the report and its marks. A lease at
   * least as long as the notifier Lambda's timeout always does.
   * @default 300_000 (5 min)
   */
  readonly leaseMs?: number;
  /** Size limit of one message. @default the publisher's `limits.maxMessageBytes` (SNS: 256 KiB) */
  readonly maxMessageBytes?: number;
  /** Entries per `publishBatch` call. @default the publisher's `limits.maxBatchEntries` (SNS: 10) */
  readonly maxBatchEntries?: number;
  /** Total bytes per `publishBatch` call. @default the publisher's `limits.maxBatchBytes` (SNS: 256 KiB) */
  readonly maxBatchBytes?: number;
  /**
   * Chunks of owners (whole `publishBatch` calls' worth of owners, about
   * `readBatchItems` items) drained at once.
   * @default 4
   */
  readonly groupConcurrency?: number;
  /**
   * `publishBatch` calls in flight within one chunk (a chunk holds about ten
   * calls' worth of owners): at most `groupConcurrency` × this at once.
   * @default 4
   */
  readonly publishConcurrency?: number;
  /**
   * No new chunk of owners starts when less than this much of the time budget (`remainingMs`) remains:
   * it is left for the chunks in flight and the admin report (which does not start once the budget is spent).
   * @default 30_000
   */
  readonly stopMarginMs?: number;
  /** Pending items read per drain at most (the rest waits for the next drain). @default 20_000 */
  readonly maxItems?: number;
  /**
   * Items per chunk (one `BatchGetItem` reads 100): owner groups are added to
   * a chunk while it stays within this; one larger group is a chunk of its own.
   * @default 100
   */
  readonly readBatchItems?: number;
  /** How owner email is delivered: decides what "reachable" means (config `ownerDelivery`). @default 'sns-email' */
  readonly ownerDelivery?: OwnerDeliveryRoute;
  /** Whom the digests tell owners to ask (config `ownerContact`, docs/configuration.md); unset: the generic team. */
  readonly ownerContact?: string;
  /**
   * Where the owner-unreachable report's commands aim, as shell words ({@link ReportTargets}); unset: not known (the
   * report says to add the deployment's `--stack NAME`).
   */
  readonly reportTargets?: ReportTargets;
}

/**
 * Where the owner-unreachable report's commands aim, passed whole from the drain's caller to the report
 * (`UnreachableReportInput`, lambdas/hygiene/unreachable-report/types.ts): `targetFlags`, the restore commands'
 * (the deployment's `--stack NAME --region REGION`, a CLI drain's own target, or `''` for none);
 * `directoryTargetFlags`, the `pc-hygiene owners …` commands' when not those (a CLI drain of a table named directly:
 * the directory it read); `topicTargetFlags`, the topic its `sync-subscriptions` commands name.
 */
export type ReportTargets = Pick<
  UnreachableReportInput,
  'targetFlags' | 'directoryTargetFlags' | 'topicTargetFlags'
>;

/** How a drain checked the subscriptions of owners recorded `confirmed` ({@link NotifierSummary.subscriptionCheck}). */
export type SubscriptionCheckKind = 'listed' | 'recorded-states' | 'not-applicable';

/** One owner whose digest (or part of it) was not delivered this drain. */
export interface DeliveryFailure {
  readonly userId: string;
  readonly code: string;
  readonly message: string;
  readonly senderFault: boolean;
  /** Events affected; 0 when reading failed (the index lists no events, the read returns them). */
  readonly events: number;
}

/** How many delivery failures a summary lists; the rest are only counted (`omitted`). */
export const NOTIFIER_FAILURE_LIMIT = 20;

/** One read item holding stored outbox entries that are not valid events ({@link NotifierSummary.malformedItems}). */
export interface MalformedOutboxItem {
  /** The credential item's `id`: where an operator looks. */
  readonly credentialId: string;
  /** Its malformed entries (1 for an indexed `hygieneOutbox` that is not a list). */
  readonly entries: number;
}

/**
 * How many items with malformed entries a summary names; the rest are only counted (`omitted`). As few as the
 * failures it lists, so the Lambda's one summary log line stays small (an id may take up to 2 KB).
 */
export const NOTIFIER_MALFORMED_ITEM_LIMIT = 20;

/**
 * The live drain lease of another drain that this drain met ({@link NotifierSummary.leaseHeld}), as the lease item
 * held it when the conditional write was refused: stored text, shown as read (either may be missing on an item
 * edited by hand).
 */
export interface LeaseHeld {
  /** The holding drain's id (`hygieneLeaseHolder`). */
  readonly holder?: string;
  /** When its lease lapses (`hygieneLeaseUntil`, UTC ISO), judged on the clock of the drain asking. */
  readonly until?: string;
}

/** What a drain did: logged, returned by the handler, printed by the CLI. */
export interface NotifierSummary {
  readonly drainId: string;
  /**
   * `incomplete` when the time budget, `maxItems` or the loss of the drain lease stopped the drain early (the
   * rest is still pending), or a message was held back because its recipient's pacing wait would have ended past
   * the time budget (it stays pending: a `TimeBudgetSpent` failure).
   */
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
  /**
   * Events left pending because a message carrying them failed (the digest,
   * or for an unreachable owner the admin report part) or the admin report
   * was not started (the drain lost its lease, or spent its time budget,
   * first): retried next drain.
   */
  readonly eventsFailed: number;
  /** Items left to another drain: all listed items when another drain holds the lease, else items a previous-protocol drain still claims. */
  readonly claimConflicts: number;
  /**
   * Present only when this drain met another drain's live lease — when taking it (it published nothing) or when
   * renewing it (it stopped there, `incomplete`): who holds it and until when, so an operator knows when a drain
   * can run again (docs/notifications.md, "The drain lease"). The last such lease met. Absent otherwise.
   */
  readonly leaseHeld?: LeaseHeld;
  /** Items the index listed that were already drained (the index is eventually consistent). */
  readonly alreadyDrained: number;
  /**
   * Stored outbox entries that are not valid events (an indexed `hygieneOutbox` that is not a list counts as
   * one): never published, left for an operator. The items holding them are named in {@link malformedItems}.
   */
  readonly malformedEvents: number;
  /**
   * Published events another drain had already removed (a duplicate was sent). Events an earlier attempt of
   * this drain's own mark removed (a response lost, the request retried) are not counted.
   */
  readonly eventsAlreadyMarked: number;
  /** Lease, read or mark calls that failed with an error, per item (events stay pending or, after publish, may repeat). */
  readonly storeErrors: number;
  /** Age of the oldest pending event at the start of the drain (0 when none): alarm on it. */
  readonly oldestPendingAgeSeconds: number;
  /**
   * `verified`: every owner was judged against the directory on `ownerDelivery`;
   * `unverified`: no directory (or one never imported), every owner assumed reachable.
   */
  readonly reach: 'verified' | 'unverified';
  readonly ownerDelivery: OwnerDeliveryRoute;
  /**
   * How owners recorded `confirmed` were checked (docs/notifications.md, "Owner reach"):
   * `listed` — against the topic's subscriptions, listed once this drain;
   * `recorded-states` — no topic to list (a CLI drain to a file without one): the subscriptions were not listed,
   * owners were judged on the directory's recorded states;
   * `not-applicable` — route `relay`, reach unverified, or no owner to judge.
   */
  readonly subscriptionCheck: SubscriptionCheckKind;
  /**
   * Distinct owners with read events the directory says cannot be reached (0 when unverified): judged this
   * drain, whether or not the admin report carrying them was sent ({@link unreportedEvents} says what was not).
   */
  readonly unreachableOwners: number;
  /** Unreachable owners per reason (every reason present, zero when none), judged as {@link unreachableOwners}. */
  readonly unreachableReasons: Readonly<Record<UnreachableReason, number>>;
  /**
   * Read events of unreachable owners: their digest is published and they go to the admin report too (counted
   * whether or not it was sent: {@link unreportedEvents}).
   */
  readonly unreachableEvents: number;
  /**
   * Events whose `userId` is not the credential item's `userId` (forged,
   * corrupted, or the credential was reassigned): sent to no owner's digest,
   * reported to the admins as `event-owner-mismatch`, marked sent once reported.
   */
  readonly invalidEvents: number;
  /**
   * Owner events the credential had outgrown when the drain read it (docs/notifications.md, "Drain summary"): an
   * expiry warning about an expiry since renewed, a stale or orphan warning whose flag was cleared or set again, a
   * deletion notice about a credential live again or deleted anew by a later run. Never published; removed by the drain's mark like sent events (a failed mark leaves them for the next drain,
   * which counts them again).
   */
  readonly supersededEvents: number;
  /** Messages of the `owner-unreachable` admin report published (0 when nothing to report). */
  readonly reportParts: number;
  /**
   * Of {@link unreachableEvents} and {@link invalidEvents}, the events no published report part carried: the
   * report was not sent (the drain lost its lease or spent its time budget first), its part failed, the owner's
   * digest failed, or the event is too large for any message. They stay pending, and a later drain reports them
   * (and counts them again), all but an event too large for any message, which no drain can send. 0 when every judged event reached the admins.
   */
  readonly unreportedEvents: number;
  /**
   * The items holding {@link malformedEvents}: the count of such items, and the first
   * {@link NOTIFIER_MALFORMED_ITEM_LIMIT} by credential id, for the log and the operator.
   */
  readonly malformedItems: CappedList<MalformedOutboxItem>;
  /** Delivery failures: the count, and the first {@link NOTIFIER_FAILURE_LIMIT} for the log and the operator. */
  readonly failures: CappedList<DeliveryFailure>;
}
