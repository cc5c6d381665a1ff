/**
 * Owner notification events, derived from planned actions. An event is stored
 * in the table's outbox in the same conditional write as the transition that
 * caused it (docs/notifications.md), so a committed change always has its notice.
 */
import { DEFAULT_TIER_NAME } from './config';
import { type Credential, type DeletedReason, lastActivity as lastActivityOf } from './credential';
import type { Action } from './policy';
import { formatInstant, MAX_INSTANT_MS } from './time';

/** The event types carried in messages and in the `eventTypes` attribute. */
export const EVENT_TYPES = [
  'expiry-warning',
  'stale-warning',
  'deleted-expired',
  'deleted-stale',
  'orphan-flagged',
  'deleted-orphaned',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One owner notice waiting in the outbox. */
export interface OutboxEvent {
  /** Unique within the credential; stable for the transition it describes. */
  readonly eventId: string;
  readonly type: EventType;
  readonly credentialId: string;
  readonly userId: string;
  readonly displayName?: string;
  readonly clientId?: string;
  /** The run that made the transition. */
  readonly runId: string;
  /** The run's `now`, canonical UTC. */
  readonly occurredAt: string;
  /** `expiry-warning`: the stage in days. */
  readonly stageDays?: number;
  /** `expiry-warning`, `deleted-expired`: the credential's expiry, canonical UTC. */
  readonly expiresTime?: string;
  /** `stale-warning`, `deleted-stale`, `orphan-flagged`, `deleted-orphaned`: when the deletion is (was) due. */
  readonly deleteAfter?: string;
  /** `stale-warning`, `deleted-stale`: last activity the decision was made from. */
  readonly lastActivity?: string;
  /**
   * `stale-warning`: the stale limit that applied, in days unused (docs/rules.md, "Risk tiers").
   * Absent from a warning queued by an earlier version, whose notice then says no limit.
   */
  readonly staleAfterDays?: number;
  /**
   * `stale-warning`: the risk tier that set {@link OutboxEvent.staleAfterDays}; absent when the base
   * limit (the configuration's `staleAfterDays`) applied, or the warning was queued by an earlier version.
   */
  readonly tier?: string;
  /** `deleted-*`: why it was deleted. */
  readonly reason?: DeletedReason;
  /**
   * `deleted-*`, with `purgeAfterDays` configured: until when a restore is certainly still possible (canonical UTC),
   * the purge time the deletion holds back until this notice is sent (`hygienePurgePending`, which the drain's
   * release only ever moves later: docs/notifications.md, "Guarantees"). Absent without a purge, and from a notice
   * queued by an earlier version.
   */
  readonly restorableUntil?: string;
  /**
   * `expiry-warning`: the credential is exempt (docs/rules.md, "Exempt credentials"): it is not deleted when it
   * expires, and its notice says so. Absent for a credential that is not exempt, and from a warning queued by an
   * earlier version (read as not exempt).
   */
  readonly exempt?: true;
}

/**
 * Longest `displayName` / `clientId` an event carries, in characters (code
 * points); longer values are cut and end with "…". An event is stored on the
 * credential item (400 KB item limit) and rendered several times into one SNS
 * message (256 KB limit): a huge name would make the transition write fail
 * or the digest undeliverable, so the event would never reach its owner.
 */
export const EVENT_NAME_MAX_CHARS = 256;

/** `text`, cut to {@link EVENT_NAME_MAX_CHARS} code points (never splitting a surrogate pair). */
export function shortenedName(text: string): string {
  if (text.length <= EVENT_NAME_MAX_CHARS) return text;
  const chars = Array.from(text);
  return chars.length <= EVENT_NAME_MAX_CHARS
    ? text
    : `${chars.slice(0, EVENT_NAME_MAX_CHARS - 1).join('')}…`;
}

/**
 * The events one credential's actions produce (unflagging, and clearing a soft-delete's leftovers, are silent).
 * @param run.purgeAt a deletion's purge time (epoch seconds, `hygienePurgePending`) when `purgeAfterDays` is
 *   configured: its notice says until when the credential can be restored ({@link OutboxEvent.restorableUntil})
 * @param exempt the credential is exempt (the policy's `isExempt`): its expiry warning says it is not deleted
 */
export function eventsFor(
  credential: Credential,
  actions: readonly Action[],
  run: { readonly runId: string; readonly now: number; readonly purgeAt?: number },
  exempt = false,
): OutboxEvent[] {
  const occurredAt = formatInstant(run.now);
  const base = {
    credentialId: credential.id,
    userId: credential.userId,
    ...(credential.displayName !== undefined && { displayName: shortenedName(credential.displayName) }),
    ...(credential.clientId !== undefined && { clientId: shortenedName(credential.clientId) }),
    runId: run.runId,
    occurredAt,
  };
  const activity = lastActivityOf(credential);
  const context: EventContext = {
    occurredAt,
    ...(activity !== undefined && { lastActivity: formatInstant(activity.ms) }),
    exempt,
    ...(run.purgeAt !== undefined && restorableUntilOf(run.purgeAt)),
  };
  return actions.flatMap((action) => {
    const detail = eventDetail(action, context);
    return detail === undefined ? [] : [{ ...base, ...detail }];
  });
}

/** What an event's detail takes from its credential and run besides its action. */
interface EventContext {
  readonly occurredAt: string;
  readonly lastActivity?: string;
  /** The credential is exempt: its expiry warning says it is not deleted. */
  readonly exempt: boolean;
  /** A deletion's notice says until when it can be restored ({@link OutboxEvent.restorableUntil}). */
  readonly restorableUntil?: string;
}

/**
 * The instant a purge at `purgeAt` (epoch seconds, DynamoDB TTL) leaves a restore certainly possible until: the
 * purge time itself, never later (TTL removes an item only after it); none past the last instant the worker writes.
 */
function restorableUntilOf(purgeAt: number): { readonly restorableUntil?: string } {
  const ms = purgeAt * 1000;
  return ms <= MAX_INSTANT_MS ? { restorableUntil: formatInstant(ms) } : {};
}

/** What one event says beyond its credential and run. */
type EventDetail = Pick<OutboxEvent, 'eventId' | 'type'> &
  Pick<
    Partial<OutboxEvent>,
    | 'stageDays'
    | 'expiresTime'
    | 'deleteAfter'
    | 'lastActivity'
    | 'staleAfterDays'
    | 'tier'
    | 'reason'
    | 'exempt'
    | 'restorableUntil'
  >;

/** The event `action` produces, without its credential and run fields; none for an unflagging. */
function eventDetail(action: Action, context: EventContext): EventDetail | undefined {
  const { occurredAt, lastActivity, exempt } = context;
  // Not part of a deletion's id: restore finds the notice by `deleted-<reason>:<deletedAt>` (docs/data-model.md).
  const restorable =
    context.restorableUntil === undefined ? {} : { restorableUntil: context.restorableUntil };
  switch (action.type) {
    case 'notify-expiry':
      return {
        eventId: `expiry-warning:${action.expiresTime}:${action.stageDays}`,
        type: 'expiry-warning',
        stageDays: action.stageDays,
        expiresTime: action.expiresTime,
        // Not part of the id: the same stage's notice, whether or not the credential is exempt.
        ...(exempt && { exempt: true as const }),
      };
    case 'flag-stale':
      return {
        eventId: `stale-warning:${occurredAt}`,
        type: 'stale-warning',
        deleteAfter: action.deleteAfter,
        lastActivity: action.lastActivity,
        // Why this limit: the owner's notice names it (docs/rules.md, "Risk tiers"). Not part of the id.
        staleAfterDays: action.staleAfterDays,
        ...(action.tier !== DEFAULT_TIER_NAME && { tier: action.tier }),
      };
    case 'delete-expired':
      return {
        eventId: `deleted-expired:${occurredAt}`,
        type: 'deleted-expired',
        expiresTime: action.expiresTime,
        reason: 'expired',
        ...restorable,
      };
    case 'delete-stale':
      return {
        eventId: `deleted-stale:${occurredAt}`,
        type: 'deleted-stale',
        deleteAfter: action.deleteAfter,
        ...(lastActivity !== undefined && { lastActivity }),
        reason: 'stale',
        ...restorable,
      };
    case 'flag-orphan':
      return {
        eventId: `orphan-flagged:${occurredAt}`,
        type: 'orphan-flagged',
        deleteAfter: action.deleteAfter,
      };
    case 'delete-orphaned':
      return {
        eventId: `deleted-orphaned:${occurredAt}`,
        type: 'deleted-orphaned',
        deleteAfter: action.deleteAfter,
        reason: 'orphaned',
        ...restorable,
      };
    case 'unflag-stale':
    case 'unflag-orphan':
    case 'clear-deletion-leftovers':
      return undefined;
  }
}
