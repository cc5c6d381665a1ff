/**
 * Last phase of a drain, mark: remove exactly each item's events whose
 * message was accepted, many items per request (the store batches them).
 * Items none of whose events were accepted need no write: the drain lease, not
 * a per-item claim, kept other drains off them, and they stay pending for the
 * next drain. A failed mark is counted; its events stay pending (already
 * published, they may be published again: the one duplicate window,
 * docs/notifications.md), and the drain keeps its lease until it lapses.
 */
import type { MarkRequest, PendingOutboxItem } from '../outbox-ports';
import { type DrainContext, type DrainState, recordStoreError } from './drain-state';

/** `credentialId` + `eventId`: an event's identity within a drain. */
export function eventKey(credentialId: string, eventId: string): string {
  return `${credentialId}\u0000${eventId}`;
}

/** Marks each item's accepted events sent (items with none accepted are left as they are). */
export async function markPublished(
  context: DrainContext,
  state: DrainState,
  items: readonly PendingOutboxItem[],
  accepted: ReadonlySet<string>,
): Promise<void> {
  const requests: MarkRequest[] = [];
  for (const item of items) {
    const publishedEventIds = item.events
      .filter((e) => accepted.has(eventKey(item.credentialId, e.eventId)))
      .map((e) => e.eventId);
    if (publishedEventIds.length > 0) requests.push({ item, publishedEventIds });
  }
  if (requests.length === 0) return;
  let outcomes: Awaited<ReturnType<typeof context.deps.outbox.markSent>>;
  try {
    outcomes = await context.deps.outbox.markSent(requests);
  } catch (error: unknown) {
    outcomes = requests.map(() => ({ status: 'failed', error }));
  }
  requests.forEach((request, i) => {
    const outcome = outcomes[i];
    if (outcome?.status === 'marked') {
      state.counters.eventsAlreadyMarked += outcome.alreadyGone;
      return;
    }
    const error = outcome?.status === 'failed' ? outcome.error : new Error('no mark outcome returned');
    state.unmarkedAfterPublish += 1;
    recordStoreError(state, request.item.userId, error, request.publishedEventIds.length);
  });
}
