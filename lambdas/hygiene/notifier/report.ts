/**
 * The drain's closing phase for undelivered notices (docs/notifications.md,
 * "Owner reach"): the events of unreachable owners (whose digests were
 * published) and the events addressed to the wrong owner go to the admins
 * in ONE `owner-unreachable` report, split into parts when large; then the
 * waiting items are marked. An unreachable owner's event is marked sent only
 * when both its digest part and its report part were accepted, so a failure
 * or crash in between republishes both next drain (at-least-once; the
 * duplicate is the digest, never a lost admin notice).
 */
import type { FailedEntry } from '../outbox-ports';
import {
  type MismatchedOwnerEvent,
  renderUnreachableReport,
  type UnreachableOwner,
  type UnreachableReportPart,
  UnreachableReportTooLargeError,
} from '../unreachable-report';
import type { DeferredItem, DrainContext, DrainState } from './drain-state';
import { eventKey, markPublished } from './mark';
import { publishMessages } from './publish';

/** Publishes the report of every deferred item, then marks what was reported (or releases). */
export async function reportUndelivered(context: DrainContext, state: DrainState): Promise<void> {
  const deferred = state.deferred;
  if (deferred.length === 0) return;
  const reported = await publishReport(context, state, deferred);
  const markable = new Set<string>();
  for (const d of deferred) {
    for (const key of d.ready) markable.add(key);
    for (const event of [...(d.unreachable?.events ?? []), ...d.mismatched]) {
      const key = eventKey(d.item.credentialId, event.eventId);
      if (reported.has(key)) markable.add(key);
    }
  }
  await markPublished(
    context,
    state,
    deferred.map((d) => d.item),
    markable,
  );
}

/** What the report lists: unreachable owners (merged across their items) and mismatched events (also `notify --dry-run`). */
export function reportContent(deferred: readonly DeferredItem[]): {
  owners: UnreachableOwner[];
  invalidEvents: MismatchedOwnerEvent[];
} {
  const owners = new Map<string, UnreachableOwner & { events: DeferredItem['item']['events'][number][] }>();
  const invalidEvents: MismatchedOwnerEvent[] = [];
  for (const d of deferred) {
    if (d.unreachable !== undefined) {
      const entry = owners.get(d.unreachable.owner.userId);
      if (entry) entry.events.push(...d.unreachable.events);
      else
        owners.set(d.unreachable.owner.userId, { ...d.unreachable.owner, events: [...d.unreachable.events] });
    }
    for (const event of d.mismatched) {
      invalidEvents.push({
        credentialId: d.item.credentialId,
        itemUserId: d.itemUserId,
        problem: event.credentialId === d.item.credentialId ? 'owner-mismatch' : 'credential-mismatch',
        event,
      });
    }
  }
  return { owners: [...owners.values()], invalidEvents };
}

/** Renders and publishes the report; returns the keys (item id + event id) of the events whose part was accepted. */
async function publishReport(
  context: DrainContext,
  state: DrainState,
  deferred: readonly DeferredItem[],
): Promise<Set<string>> {
  const content = reportContent(deferred);
  const { settings } = context;
  let parts: UnreachableReportPart[];
  try {
    parts = renderUnreachableReport({
      drainId: settings.drainId,
      now: context.now,
      route: settings.ownerDelivery,
      ...content,
      budget: settings.budget,
    });
  } catch (error: unknown) {
    if (!(error instanceof UnreachableReportTooLargeError)) throw error;
    recordPartFailure(state, content, {
      id: '',
      code: error.name,
      message: error.message,
      senderFault: true,
    });
    return new Set();
  }
  const ids = parts.map((p) => `admins-p${p.part}`);
  const failedById = await publishMessages(
    context,
    parts.map((p, i) => ({ message: { id: ids[i] as string, ...p.message }, bytes: p.bytes })),
  );
  const reported = new Set<string>();
  parts.forEach((part, i) => {
    const failure = failedById.get(ids[i] as string);
    if (failure) {
      recordPartFailure(state, part, failure);
      return;
    }
    state.counters.reportParts += 1;
    for (const owner of part.owners) {
      for (const e of owner.events) reported.add(eventKey(e.credentialId, e.eventId));
    }
    for (const invalid of part.invalidEvents)
      reported.add(eventKey(invalid.credentialId, invalid.event.eventId));
  });
  return reported;
}

/** A report part not accepted: its events stay pending, one failure per owner it named. */
function recordPartFailure(
  state: DrainState,
  part: Pick<UnreachableReportPart, 'owners' | 'invalidEvents'>,
  failure: FailedEntry,
): void {
  const perOwner = new Map<string, number>();
  for (const owner of part.owners)
    perOwner.set(owner.userId, (perOwner.get(owner.userId) ?? 0) + owner.events.length);
  for (const invalid of part.invalidEvents)
    perOwner.set(invalid.itemUserId, (perOwner.get(invalid.itemUserId) ?? 0) + 1);
  for (const [userId, events] of perOwner) {
    state.counters.eventsFailed += events;
    state.failures.add({
      userId,
      code: failure.code,
      message: `admin report: ${failure.message}`,
      senderFault: failure.senderFault,
      events,
    });
  }
}
