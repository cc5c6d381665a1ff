/**
 * Last phase of a drain, mark: for each claimed item, remove exactly its
 * events whose message was accepted (which also releases the claim), or
 * release the claim when none was, so the next drain retries them. A failed
 * write is counted; its events stay pending (or, already published, may be
 * published again: the one duplicate window, docs/notifications.md).
 */
import type { PendingOutboxItem } from '../outbox-ports';
import { mapWithConcurrency } from '../task-pool';
import { type DrainContext, type DrainState, recordStoreError } from './drain-state';

/** `credentialId` + `eventId`: an event's identity within a drain. */
export function eventKey(credentialId: string, eventId: string): string {
  return `${credentialId}\u0000${eventId}`;
}

/** Marks each item's accepted events sent, or releases its claim when none was accepted. */
export async function markOrRelease(
  context: DrainContext,
  state: DrainState,
  claimed: readonly PendingOutboxItem[],
  accepted: ReadonlySet<string>,
): Promise<void> {
  const { deps, settings } = context;
  await mapWithConcurrency(claimed, settings.writeConcurrency, async (item) => {
    const sent = item.events
      .filter((e) => accepted.has(eventKey(item.credentialId, e.eventId)))
      .map((e) => e.eventId);
    try {
      if (sent.length === 0) {
        await deps.outbox.release(item.credentialId, settings.drainId);
        return;
      }
      const result = await deps.outbox.markSent(item, sent, settings.drainId);
      state.counters.eventsAlreadyMarked += result.alreadyGone;
    } catch (error: unknown) {
      recordStoreError(state, item.userId, error, sent.length);
    }
  });
}
