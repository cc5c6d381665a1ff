/**
 * An expiry warning overtaken by its own credential's deletion (docs/notifications.md, "The message"): the drain
 * sends an expiry warning even when the sweep has since soft-deleted its credential (it records a stage a restore
 * does not clear: `deletedByTheWorker`, `lambdas/hygiene/notifier/supersede.ts`), so a warning still pending across a
 * drain outage is rendered beside that deletion's notice, where its "Expired on …; the next sweep may soft-delete it"
 * and "renew it now" contradict "Soft-deleted on …". The one rule that folds it into the deletion's entry, which
 * every renderer of owner events asks ({@link foldOvertaken}): the digest's subject, text, order and packing, the
 * HTML email, the relay's email, the admins' owner-unreachable report. Only what a reader sees: the machine document
 * lists every event. Pure.
 */
import type { EventType, OutboxEvent } from '../events';
import { instantMs } from './phrases';

/** The event types of a deletion notice (the digest's "Deleted" section). */
export const DELETION_TYPES: ReadonlySet<EventType> = new Set([
  'deleted-expired',
  'deleted-stale',
  'deleted-orphaned',
]);

/** What some events rendered together show: the entries of their own, and what each deletion's entry also says. */
export interface Fold {
  /** The events with an entry of their own, in the order given: all but the overtaken expiry warnings. */
  readonly shown: readonly OutboxEvent[];
  /** The expiry warnings folded into `deletion`'s entry, earliest queued first; none for any other event. */
  overtakenBy(deletion: OutboxEvent): readonly OutboxEvent[];
  /** Whether `event` is an expiry warning folded into its deletion's entry. */
  isOvertaken(event: OutboxEvent): boolean;
}

/** An event with its index among the events given and its `occurredAt` read as epoch ms. */
interface Dated {
  readonly index: number;
  readonly at: number;
}

/** One credential of one owner: a deletion overtakes only a warning of the same. */
function credentialKey(event: OutboxEvent): string {
  return JSON.stringify([event.userId, event.credentialId]);
}

/**
 * For each of `events`, the index of the deletion notice that overtakes it, or `undefined`. An `expiry-warning` is
 * overtaken when the same events hold a deletion notice (`deleted-expired`, `deleted-stale`, `deleted-orphaned`) of
 * the same credential (and owner) whose `occurredAt` is not before the warning's, both read as instants
 * (`instantMs`): a warning queued after that deletion (the credential restored, then warned again) is not, and an
 * unreadable instant on either side folds nothing (a notice is never hidden on doubt). Of several such deletions,
 * the earliest (then the first given) overtakes it.
 */
export function overtakers(events: readonly OutboxEvent[]): readonly (number | undefined)[] {
  // Most digests hold no expiry warning beside a deletion: then no deletion's date is read (the drain's CPU per event).
  if (!events.some((event) => event.type === 'expiry-warning')) return events.map(() => undefined);
  const deletions = new Map<string, Dated[]>();
  events.forEach((event, index) => {
    if (!DELETION_TYPES.has(event.type)) return;
    const at = instantMs(event.occurredAt);
    if (at === undefined) return;
    const key = credentialKey(event);
    const list = deletions.get(key);
    if (list === undefined) deletions.set(key, [{ index, at }]);
    else list.push({ index, at });
  });
  return events.map((event) => {
    if (event.type !== 'expiry-warning' || deletions.size === 0) return undefined;
    const queued = instantMs(event.occurredAt);
    if (queued === undefined) return undefined;
    let by: Dated | undefined;
    for (const deletion of deletions.get(credentialKey(event)) ?? []) {
      if (deletion.at >= queued && (by === undefined || deletion.at < by.at)) by = deletion;
    }
    return by?.index;
  });
}

/**
 * The one rule every renderer of owner events applies to the events it renders together (one message, one part, one
 * owner of the report): each overtaken expiry warning ({@link overtakers}) has no entry of its own and is said in its
 * deletion's entry instead ({@link Fold}).
 */
export function foldOvertaken(events: readonly OutboxEvent[]): Fold {
  const by = overtakers(events);
  if (by.every((index) => index === undefined))
    return { shown: events, overtakenBy: () => [], isOvertaken: () => false };
  const riders = new Map<OutboxEvent, { readonly event: OutboxEvent; readonly at: number }[]>();
  const overtaken = new Set<OutboxEvent>();
  events.forEach((event, i) => {
    const index = by[i];
    const deletion = index === undefined ? undefined : events[index];
    if (deletion === undefined) return;
    overtaken.add(event);
    const at = instantMs(event.occurredAt) ?? 0;
    const list = riders.get(deletion);
    if (list === undefined) riders.set(deletion, [{ event, at }]);
    else list.push({ event, at });
  });
  // Earliest queued first; the sort is stable, so equal instants keep the order given.
  for (const list of riders.values()) list.sort((a, b) => a.at - b.at);
  return {
    shown: events.filter((event) => !overtaken.has(event)),
    overtakenBy: (deletion) => riders.get(deletion)?.map((rider) => rider.event) ?? [],
    isOvertaken: (event) => overtaken.has(event),
  };
}

/**
 * `events` with each overtaken expiry warning moved to right after the deletion that overtakes it (earliest queued
 * first), the rest in the order given: so a split digest can keep it in its deletion's part (`packing.ts`), which the
 * relay renders again from that part alone and must fold alike.
 */
export function besideTheirDeletions(events: readonly OutboxEvent[]): OutboxEvent[] {
  const by = overtakers(events);
  if (by.every((index) => index === undefined)) return [...events];
  const riders = new Map<number, number[]>();
  by.forEach((index, i) => {
    if (index === undefined) return;
    const list = riders.get(index);
    if (list === undefined) riders.set(index, [i]);
    else list.push(i);
  });
  const queued = (i: number) => instantMs(events[i]?.occurredAt) ?? 0;
  const out: OutboxEvent[] = [];
  events.forEach((event, i) => {
    if (by[i] !== undefined) return;
    out.push(event);
    const mine = [...(riders.get(i) ?? [])].sort((a, b) => queued(a) - queued(b));
    for (const rider of mine) out.push(events[rider] as OutboxEvent);
  });
  return out;
}
