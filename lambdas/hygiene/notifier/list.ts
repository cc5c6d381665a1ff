/**
 * Phase 1 of a drain, list: read the pending items' keys from the outbox
 * index (it holds nothing else: no events), grouped by the owner the index
 * names, noting the oldest pending event for the age alarm. Stops at
 * `maxItems` (the rest waits for the next drain).
 */
import type { OutboxIndexEntry } from '../outbox-ports';
import { parseInstant } from '../time';
import type { DrainContext, DrainState } from './drain-state';

/** The pending items' index entries per owner, owners in first-listed order. */
export async function listPending(
  context: DrainContext,
  state: DrainState,
): Promise<Map<string, OutboxIndexEntry[]>> {
  const byOwner = new Map<string, OutboxIndexEntry[]>();
  for await (const page of context.deps.outbox.pending()) {
    for (const entry of page) {
      if (state.counters.pendingItems >= context.settings.maxItems) {
        state.incomplete = true;
        return byOwner;
      }
      state.counters.pendingItems += 1;
      state.oldestPendingMs = Math.min(state.oldestPendingMs, queuedAt(entry, context.now));
      const list = byOwner.get(entry.userId);
      if (list) list.push(entry);
      else byOwner.set(entry.userId, [entry]);
    }
  }
  return byOwner;
}

/** When the entry's oldest pending event was queued (`hygieneOutboxSince`, kept oldest by every write), epoch ms. */
function queuedAt(entry: OutboxIndexEntry, now: number): number {
  const since = entry.since === undefined ? undefined : parseInstant(entry.since);
  return since?.ok ? since.ms : now;
}
