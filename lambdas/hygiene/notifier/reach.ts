/**
 * Owner reach at drain time (docs/notifications.md, "Owner reach"): which
 * read events may go to a digest at all (only those addressed to the
 * credential's own owner), whether each owner can be reached on the route
 * (the directory, looked up once per chunk; on `sns-email` also the
 * topic's subscriptions, listed once per drain), and which items must wait
 * for the admin report before they are marked sent.
 */
import { describeError } from '../errors';
import type { OutboxEvent } from '../events';
import type { PendingOutboxItem } from '../outbox-ports';
import {
  directoryJudgesReach,
  type OwnerDeliveryRoute,
  type OwnerRecord,
  type UnreachableReason,
} from '../owner-directory';
import type { RawItem } from '../ports';
import type { DeferredItem, DrainContext, DrainState, ReachCheck } from './drain-state';
import { listLiveSubscriptions, liveReachabilityOf } from './live-subscriptions';
import { isSuperseded } from './supersede';
import type { NotifierDeps } from './types';

/**
 * A read item with its events split by whether they are addressed to the item's owner, and the owner's by
 * whether the credential has outgrown them.
 */
export interface ScreenedItem {
  readonly item: PendingOutboxItem;
  /** The item's `userId` (the credential's owner; the outbox owner when the item has none). */
  readonly owner: string;
  /** Events addressed to `owner` and still true: the only ones a digest may carry. */
  readonly events: readonly OutboxEvent[];
  /**
   * Events addressed to `owner` that the credential as read has outgrown ({@link isSuperseded}): never
   * published, removed by the mark like sent ones.
   */
  readonly superseded: readonly OutboxEvent[];
  /** Events addressed to someone else or about another credential: never in a digest, reported to the admins. */
  readonly mismatched: readonly OutboxEvent[];
}

/** What the drain knows about one owner (an unreachable one's address, for the admin report: the directory's). */
export type OwnerVerdict =
  | { readonly reachable: true; readonly name?: string }
  | {
      readonly reachable: false;
      readonly name?: string;
      readonly email?: string;
      readonly reason: UnreachableReason;
    };

/**
 * Whether this drain can judge owners on `route`: with a directory that has
 * been imported at least once, or on `relay` with any configured directory
 * ({@link directoryJudgesReach}). Otherwise every owner counts as reachable,
 * as without a directory, and the summary says reach is unverified.
 */
export async function reachCheckOf(deps: NotifierDeps, route: OwnerDeliveryRoute): Promise<ReachCheck> {
  if (deps.directory === undefined) return { verified: false };
  const imported = (await deps.directory.freshness()) !== undefined;
  return directoryJudgesReach(route, imported)
    ? { verified: true, directory: deps.directory, subscriptions: { kind: 'not-applicable' } }
    : { verified: false };
}

/**
 * The drain's reach check once it has owners to judge, before it publishes
 * anything: on `sns-email` with a directory that judges reach, the topic's
 * subscriptions listed once for the whole drain (`live-subscriptions.ts`), or,
 * with no topic to list, the recorded states (the summary says which).
 * Otherwise (`relay`, reach unverified) unchanged: nothing is listed.
 * @param pendingItems the drain's pending items, named in the error
 * @throws {SubscriptionListingError} when the listing fails or stops at the drain's time budget: nothing was
 *   published, the events stay pending
 */
export async function checkSubscriptions(context: DrainContext, pendingItems: number): Promise<ReachCheck> {
  const reach = context.reach;
  if (!reach.verified || context.settings.ownerDelivery !== 'sns-email') return reach;
  const topic = context.deps.topicSubscriptions;
  if (topic === undefined) return { ...reach, subscriptions: { kind: 'recorded-states' } };
  // The drain's deps carry the listing's time budget (`remainingMs`).
  const live = await listLiveSubscriptions(topic, pendingItems, context.deps);
  return { ...reach, subscriptions: { kind: 'listed', live } };
}

/**
 * The owner an item's outbox events are routed to (docs/notifications.md,
 * "Events addressed to the wrong owner"): the item's own `userId` when it is
 * a non-empty string, else `outboxOwner` (the owner the notices were queued
 * for, `hygieneOutboxOwner`). Only events addressed to that owner go to a
 * digest; after a reassignment an earlier owner's go to the admins
 * (`owner-mismatch`). The one rule of the drain and of the posture report's
 * owner reach (`pendingNoticeOwner`, lambdas/hygiene/posture.ts).
 * @param raw the item as stored
 * @param outboxOwner the outbox owner as the caller has it (the index's, or the raw attribute)
 */
export function routedOwner<Owner>(raw: RawItem, outboxOwner: Owner): string | Owner {
  const userId = raw.userId;
  return typeof userId === 'string' && userId !== '' ? userId : outboxOwner;
}

/** The owner an item's events are routed to ({@link routedOwner}), the outbox owner the index names as fallback. */
function itemOwner(item: PendingOutboxItem): string {
  return routedOwner(item.raw, item.userId);
}

/** True when `event` belongs on `item`: addressed to its owner, about this credential. */
function belongsTo(event: OutboxEvent, item: PendingOutboxItem, owner: string): boolean {
  return event.userId === owner && event.credentialId === item.credentialId;
}

/**
 * Splits each item's events into those addressed to its owner and the mismatched rest (counted), and sets the
 * owner's superseded ones apart (counted: docs/notifications.md, "Drain summary").
 */
export function screenItems(state: DrainState, items: readonly PendingOutboxItem[]): ScreenedItem[] {
  return items.map((item) => {
    const owner = itemOwner(item);
    const addressed = item.events.filter((e) => belongsTo(e, item, owner));
    const mismatched = item.events.filter((e) => !belongsTo(e, item, owner));
    const superseded = addressed.filter((e) => isSuperseded(e, item.raw));
    const events = addressed.filter((e) => !superseded.includes(e));
    state.counters.invalidEvents += mismatched.length;
    state.counters.supersededEvents += superseded.length;
    return { item, owner, events, superseded, mismatched };
  });
}

/**
 * Judges every owner with events in `screened` (one directory lookup for the
 * chunk) and counts the unreachable ones.
 * @returns the verdicts, or `undefined` when the lookup failed (recorded; the caller publishes and marks none
 *   of the group: its items stay pending)
 */
export async function judgeOwners(
  context: DrainContext,
  state: DrainState,
  screened: readonly ScreenedItem[],
): Promise<Map<string, OwnerVerdict> | undefined> {
  const eventsPerOwner = new Map<string, number>();
  for (const s of screened) {
    if (s.events.length > 0)
      eventsPerOwner.set(s.owner, (eventsPerOwner.get(s.owner) ?? 0) + s.events.length);
  }
  const owners = [...eventsPerOwner.keys()];
  const check = context.reach;
  if (!check.verified) return new Map(owners.map((userId) => [userId, { reachable: true }]));
  let records: ReadonlyMap<string, OwnerRecord>;
  try {
    records = owners.length === 0 ? new Map() : await check.directory.getMany(owners);
  } catch (error: unknown) {
    recordLookupFailure(state, eventsPerOwner, error);
    return undefined;
  }
  const live = check.subscriptions.kind === 'listed' ? check.subscriptions.live : undefined;
  const verdicts = new Map<string, OwnerVerdict>();
  for (const userId of owners) {
    const record = records.get(userId);
    const name = record?.name !== undefined && record.name !== '' ? { name: record.name } : {};
    const verdict = liveReachabilityOf(record, context.settings.ownerDelivery, live, context.deps.sendable);
    if (verdict.reachable) {
      verdicts.set(userId, { reachable: true, ...name });
      continue;
    }
    const email = record?.email !== undefined && record.email !== '' ? { email: record.email } : {};
    verdicts.set(userId, { reachable: false, reason: verdict.reason, ...name, ...email });
    state.unreachableOwners.set(userId, verdict.reason);
    state.counters.unreachableEvents += eventsPerOwner.get(userId) ?? 0;
  }
  return verdicts;
}

/** The directory could not be read: the group's events stay pending, one failure per owner. */
function recordLookupFailure(
  state: DrainState,
  eventsPerOwner: ReadonlyMap<string, number>,
  error: unknown,
): void {
  const { code, message } = describeError(error);
  for (const [userId, events] of eventsPerOwner) {
    state.counters.eventsFailed += events;
    state.failures.add({ userId, code, message: `owner directory: ${message}`, senderFault: false, events });
  }
}

/**
 * After the group's digests were published: which items can be marked now
 * (nothing of theirs goes to the admin report) and which wait for the report
 * (an unreachable owner's accepted events, or mismatched events; their
 * superseded events are removed with the report's marks).
 */
export function splitForReport(
  screened: readonly ScreenedItem[],
  verdicts: ReadonlyMap<string, OwnerVerdict>,
  accepted: ReadonlySet<OutboxEvent>,
): { readonly settleNow: PendingOutboxItem[]; readonly deferred: DeferredItem[] } {
  const settleNow: PendingOutboxItem[] = [];
  const deferred: DeferredItem[] = [];
  for (const s of screened) {
    const published = s.events.filter((e) => accepted.has(e));
    const verdict = verdicts.get(s.owner);
    const unreachable = verdict !== undefined && !verdict.reachable && published.length > 0;
    if (!unreachable && s.mismatched.length === 0) {
      settleNow.push(s.item);
      continue;
    }
    deferred.push({
      item: s.item,
      itemUserId: s.owner,
      mismatched: s.mismatched,
      ready: unreachable ? [] : published,
      superseded: s.superseded,
      ...(unreachable && {
        unreachable: {
          owner: {
            userId: s.owner,
            reason: verdict.reason,
            ...(verdict.name !== undefined && { name: verdict.name }),
            ...(verdict.email !== undefined && { email: verdict.email }),
          },
          events: published,
        },
      }),
    });
  }
  return { settleNow, deferred };
}
