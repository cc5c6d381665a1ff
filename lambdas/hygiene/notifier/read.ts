/**
 * Step 3 of a drain (docs/notifications.md, "One drain"), read: under the
 * drain lease, read the listed items from the base table (strongly
 * consistent, many per request; the index holds no events and may lag). Items
 * drained meanwhile and items another drain of the previous protocol still
 * claims are counted and skipped; only the rest go on (their malformed
 * entries counted and their items named: never published, never removed).
 */

import { liveForeignClaim } from '../outbox-item';
import type { OutboxIndexEntry, PendingOutboxItem } from '../outbox-ports';
import { formatInstant } from '../time';
import { type DrainContext, type DrainState, recordStoreError } from './drain-state';

/** Reads `entries`' items; returns those this drain may publish (events as stored now). */
export async function readItems(
  context: DrainContext,
  state: DrainState,
  entries: readonly OutboxIndexEntry[],
): Promise<PendingOutboxItem[]> {
  const { deps, settings } = context;
  let items: readonly PendingOutboxItem[];
  try {
    items = await deps.outbox.read(entries.map((e) => e.credentialId));
  } catch (error: unknown) {
    // Nothing of these items is published: they stay pending for the next drain.
    for (const entry of entries) recordStoreError(state, entry.userId, error, 0);
    return [];
  }
  const byId = new Map(items.map((item) => [item.credentialId, item]));
  const nowIso = formatInstant(deps.clock());
  const readable: PendingOutboxItem[] = [];
  for (const entry of entries) {
    const item = byId.get(entry.credentialId);
    if (item === undefined) state.counters.alreadyDrained += 1;
    else if (liveForeignClaim(item.raw, settings.drainId, nowIso)) state.counters.claimConflicts += 1;
    else {
      byId.delete(entry.credentialId);
      recordMalformed(state, item);
      readable.push(item);
    }
  }
  return readable;
}

/** Counts `item`'s malformed entries and names the item (capped), so an operator knows where to look. */
function recordMalformed(state: DrainState, item: PendingOutboxItem): void {
  const entries = item.malformed.length;
  if (entries === 0) return;
  state.counters.malformedEvents += entries;
  state.malformedItems.add({ credentialId: item.credentialId, entries });
}
