/**
 * Phase 2 of a drain, claim: take a lease on each listed item (a conditional
 * write on the base table), which also reads the item's events, so two
 * drains never publish the same item at once. Conflicts, already-drained
 * items and store errors are counted; only claimed items go on. The claim
 * protocol itself is the outbox store's (docs/notifications.md).
 */

import type { OutboxIndexEntry, PendingOutboxItem } from '../outbox-ports';
import { mapWithConcurrency } from '../task-pool';
import { type DrainContext, type DrainState, recordStoreError } from './drain-state';

/** Claims `entries` (at most `writeConcurrency` at once); returns the items this drain now holds. */
export async function claimItems(
  context: DrainContext,
  state: DrainState,
  entries: readonly OutboxIndexEntry[],
): Promise<PendingOutboxItem[]> {
  const { deps, settings } = context;
  const results = await mapWithConcurrency(entries, settings.writeConcurrency, async (entry) => {
    try {
      const at = deps.clock();
      return await deps.outbox.claim(entry.credentialId, {
        drainId: settings.drainId,
        now: at,
        leaseUntil: at + settings.leaseMs,
      });
    } catch (error: unknown) {
      recordStoreError(state, entry.userId, error, 0);
      return undefined;
    }
  });
  const claimed: PendingOutboxItem[] = [];
  for (const result of results) {
    if (result === undefined) continue;
    if (result.status === 'conflict') state.counters.claimConflicts += 1;
    else if (result.status === 'nothing-pending') state.counters.alreadyDrained += 1;
    else {
      state.counters.malformedEvents += result.item.malformed.length;
      claimed.push(result.item);
    }
  }
  return claimed;
}
