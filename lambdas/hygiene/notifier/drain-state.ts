/**
 * The explicit state of one drain, passed to every phase instead of being
 * closed over: {@link DrainContext} is what the drain was given (ports and
 * resolved settings, never changed; the settings' one stateful member is the
 * drain's recipient pacer, shared by every publish of it), {@link DrainState}
 * what it has done so far (counters, failures, whether it stopped early).
 * `summarize` turns the state into the {@link NotifierSummary}.
 */
import { randomUUID } from 'node:crypto';
import { describeError } from '../errors';
import type { OutboxEvent } from '../events';
import type { MessageBudget, PublishLimits } from '../message';
import type { PendingOutboxItem } from '../outbox-ports';
import {
  type OwnerDeliveryRoute,
  type OwnerDirectory,
  UNREACHABLE_REASONS,
  type UnreachableReason,
} from '../owner-directory';
import { CappedCollector } from '../run-summary';
import { formatInstant } from '../time';
import type { LiveSubscriptions } from './live-subscriptions';
import { RecipientPacer } from './pacing';
import {
  type DeliveryFailure,
  type LeaseHeld,
  type MalformedOutboxItem,
  NOTIFIER_FAILURE_LIMIT,
  NOTIFIER_MALFORMED_ITEM_LIMIT,
  type NotifierDeps,
  type NotifierOptions,
  type NotifierSummary,
  type ReportTargets,
  type SubscriptionCheckKind,
} from './types';

/** {@link NotifierOptions} with every default applied. */
export interface DrainSettings {
  readonly drainId: string;
  readonly leaseMs: number;
  /** One message's size limit and measure: the publisher's, `maxMessageBytes` overriding its limit. */
  readonly budget: MessageBudget;
  readonly maxBatchEntries: number;
  readonly maxBatchBytes: number;
  readonly groupConcurrency: number;
  readonly publishConcurrency: number;
  readonly stopMarginMs: number;
  readonly maxItems: number;
  readonly readBatchItems: number;
  readonly ownerDelivery: OwnerDeliveryRoute;
  /** Whom the digests tell owners to ask (config `ownerContact`); unset: the generic team. */
  readonly ownerContact?: string;
  /** Where the report's commands aim (`NotifierOptions.reportTargets`); unset: not known. */
  readonly reportTargets?: ReportTargets;
  /**
   * Paces each recipient's messages across every publish of the drain (its chunks and its report: an owner may
   * have digests in two chunks), so no email subscription is sent more than SNS allows (`pacing.ts`). One per
   * drain; its record of whom it sent to when is the only state the settings hold.
   */
  readonly pacer: RecipientPacer;
}

/**
 * How owners are judged this drain: against the directory (and, on `sns-email`, the subscriptions
 * listed on the topic: {@link SubscriptionCheck}), or not at all (every owner assumed reachable).
 */
export type ReachCheck =
  | { readonly verified: false }
  | {
      readonly verified: true;
      readonly directory: OwnerDirectory;
      readonly subscriptions: SubscriptionCheck;
    };

/**
 * How owners recorded `confirmed` are checked (`notifier/live-subscriptions.ts`): against the topic's
 * subscriptions listed this drain, on the recorded states (no topic to list), or not at all (not `sns-email`,
 * or nothing to judge yet).
 */
export type SubscriptionCheck =
  | { readonly kind: 'not-applicable' }
  | { readonly kind: 'recorded-states' }
  | { readonly kind: 'listed'; readonly live: LiveSubscriptions };

/** What a drain works with: its ports, its settings and the instant it renders "as of". */
export interface DrainContext {
  readonly deps: NotifierDeps;
  readonly settings: DrainSettings;
  /** The drain's start on its clock (epoch ms): digests are rendered as of it. */
  readonly now: number;
  readonly reach: ReachCheck;
}

/** An unreachable owner as the report names them. */
export interface UnreachableVerdict {
  readonly userId: string;
  readonly name?: string;
  /** The owner's address in the directory, when it has one (what an admin looks up or corrects: SES, the source). */
  readonly email?: string;
  readonly reason: UnreachableReason;
}

/**
 * A read item whose marking waits for the admin report at the end of the
 * drain (its owner is unreachable, or it holds events addressed to someone
 * else); the drain lease covers it until then.
 */
export interface DeferredItem {
  readonly item: PendingOutboxItem;
  /** Owner events whose digest part was accepted and whose owner is unreachable: reported, then marked. */
  readonly unreachable?: { readonly owner: UnreachableVerdict; readonly events: readonly OutboxEvent[] };
  /** Events markable whatever the report does (a reachable owner's accepted digest events). */
  readonly ready: readonly OutboxEvent[];
  /** Events whose `userId` is not the item's: reported, then marked; never in a digest. */
  readonly mismatched: readonly OutboxEvent[];
  /** Owner events the credential has outgrown (`supersede.ts`): never published, removed with the report's marks. */
  readonly superseded: readonly OutboxEvent[];
  /** The item's `userId` (its owner). */
  readonly itemUserId: string;
}

/** The counters of a drain (the numeric fields of {@link NotifierSummary} it counts as it goes). */
export interface DrainCounters {
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
  unreachableEvents: number;
  invalidEvents: number;
  supersededEvents: number;
  reportParts: number;
}

/** What a drain has done so far; the phases update it. */
export interface DrainState {
  readonly counters: DrainCounters;
  readonly failures: CappedCollector<DeliveryFailure>;
  /** The read items holding malformed entries. */
  readonly malformedItems: CappedCollector<MalformedOutboxItem>;
  /** Events carried by published parts of the admin report (the rest of the judged ones are unreported). */
  reportedEvents: number;
  /** Set when the time budget, `maxItems` or the loss of the lease stopped the drain early. */
  incomplete: boolean;
  /** The oldest pending event's queue time seen while listing (epoch ms; +∞ when none). */
  oldestPendingMs: number;
  /** Owner digests rendered so far: numbers the batch entry ids, unique within the drain. */
  digestSeq: number;
  /** The first unexpected error of a chunk: no new chunk starts, the drain rethrows it. */
  fatal: { readonly error: unknown } | undefined;
  /** Owners judged unreachable so far, with the reason. */
  readonly unreachableOwners: Map<string, UnreachableReason>;
  /** Items waiting for the admin report. */
  readonly deferred: DeferredItem[];
  /** When this drain's lease lapses on its clock (epoch ms); `undefined` while it holds none. */
  leaseUntil: number | undefined;
  /** Another drain's live lease this drain last met (taking or renewing its own); `undefined` when none. */
  leaseHeld: LeaseHeld | undefined;
  /** Items whose published events could not be marked: the lease is then kept until it lapses. */
  unmarkedAfterPublish: number;
}

/** Applies the defaults to `options`: size limits default to the publisher's `limits`. */
export function drainSettings(options: NotifierOptions, limits: PublishLimits): DrainSettings {
  return {
    drainId: options.drainId ?? randomUUID(),
    leaseMs: options.leaseMs ?? 300_000,
    budget: {
      maxMessageBytes: options.maxMessageBytes ?? limits.maxMessageBytes,
      measure: (message) => limits.measure(message),
    },
    maxBatchEntries: options.maxBatchEntries ?? limits.maxBatchEntries,
    maxBatchBytes: options.maxBatchBytes ?? limits.maxBatchBytes,
    groupConcurrency: Math.max(1, Math.floor(options.groupConcurrency ?? 4)),
    publishConcurrency: Math.max(1, Math.floor(options.publishConcurrency ?? 4)),
    stopMarginMs: options.stopMarginMs ?? 30_000,
    maxItems: options.maxItems ?? 20_000,
    readBatchItems: Math.max(1, Math.floor(options.readBatchItems ?? 100)),
    ownerDelivery: options.ownerDelivery ?? 'sns-email',
    ...(options.ownerContact !== undefined && { ownerContact: options.ownerContact }),
    ...(options.reportTargets !== undefined && { reportTargets: options.reportTargets }),
    pacer: new RecipientPacer(),
  };
}

/** A drain that has done nothing yet. */
export function newDrainState(): DrainState {
  return {
    counters: {
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
      unreachableEvents: 0,
      invalidEvents: 0,
      supersededEvents: 0,
      reportParts: 0,
    },
    failures: new CappedCollector<DeliveryFailure>(NOTIFIER_FAILURE_LIMIT),
    malformedItems: new CappedCollector<MalformedOutboxItem>(NOTIFIER_MALFORMED_ITEM_LIMIT),
    reportedEvents: 0,
    incomplete: false,
    oldestPendingMs: Number.POSITIVE_INFINITY,
    digestSeq: 0,
    fatal: undefined,
    unreachableOwners: new Map(),
    deferred: [],
    leaseUntil: undefined,
    leaseHeld: undefined,
    unmarkedAfterPublish: 0,
  };
}

/** Records a store call (lease, read, mark) that failed with an error. */
export function recordStoreError(state: DrainState, userId: string, error: unknown, events: number): void {
  state.counters.storeErrors += 1;
  const { code, message } = describeError(error);
  state.failures.add({ userId, code, message, senderFault: false, events });
}

/** True when less than the stop margin of the caller's time budget remains: no new chunk starts. */
export function outOfTime(context: DrainContext): boolean {
  const remaining = context.deps.remainingMs;
  return remaining !== undefined && remaining() < context.settings.stopMarginMs;
}

/**
 * True when the caller's time budget is spent (the chunks in flight when the
 * stop margin was reached used it up): the admin report, the drain's last
 * publish, does not start, so the drain still ends within its budget.
 */
export function budgetSpent(context: DrainContext): boolean {
  const remaining = context.deps.remainingMs;
  return remaining !== undefined && remaining() <= 0;
}

/** The drain's summary, its end read from the clock now. */
export function summarize(context: DrainContext, state: DrainState): NotifierSummary {
  const finished = context.deps.clock();
  const oldest = state.oldestPendingMs;
  const { unreachableEvents, invalidEvents } = state.counters;
  return {
    drainId: context.settings.drainId,
    // A message the pacing held back for the time budget stays pending, like a chunk not started.
    status: state.incomplete || context.settings.pacer.heldBack > 0 ? 'incomplete' : 'complete',
    startedAt: formatInstant(context.now),
    finishedAt: formatInstant(finished),
    durationMs: Math.max(0, finished - context.now),
    ...state.counters,
    ...(state.leaseHeld !== undefined && { leaseHeld: state.leaseHeld }),
    oldestPendingAgeSeconds: Number.isFinite(oldest)
      ? Math.max(0, Math.floor((context.now - oldest) / 1000))
      : 0,
    reach: context.reach.verified ? 'verified' : 'unverified',
    ownerDelivery: context.settings.ownerDelivery,
    subscriptionCheck: subscriptionCheckOf(context.reach),
    unreachableOwners: state.unreachableOwners.size,
    unreachableReasons: reasonCounts(state.unreachableOwners),
    unreportedEvents: Math.max(0, unreachableEvents + invalidEvents - state.reportedEvents),
    malformedItems: state.malformedItems.toList(),
    failures: state.failures.toList(),
  };
}

/** The summary's {@link NotifierSummary.subscriptionCheck}: how owners recorded `confirmed` were checked. */
export function subscriptionCheckOf(reach: ReachCheck): SubscriptionCheckKind {
  return reach.verified ? reach.subscriptions.kind : 'not-applicable';
}

function reasonCounts(owners: ReadonlyMap<string, UnreachableReason>): Record<UnreachableReason, number> {
  const counts = Object.fromEntries(UNREACHABLE_REASONS.map((r) => [r, 0])) as Record<
    UnreachableReason,
    number
  >;
  for (const reason of owners.values()) counts[reason] += 1;
  return counts;
}
