/**
 * Step 1 of a drain (docs/notifications.md, "One drain"), list: read the
 * pending items' keys from the outbox index (it holds nothing else: no
 * events), grouped by the owner the index names, noting the oldest pending
 * event for the age alarm. Each item is kept once, under the first owner it
 * is listed with: a Scan of the index is no snapshot, so an item whose outbox
 * owner changed while it ran may be listed under both owners, and two chunks
 * reading it would publish its events twice. Stops at `maxItems` (the rest
 * waits for the next drain).
 */
import type { OutboxIndexEntry } from '../outbox-ports';
import { parseInstant } from '../time';
import type { DrainContext, DrainState } from './drain-state';

/** The pending items' index entries per owner (each item once), owners in first-listed order. */
export async function listPending(
  context: DrainContext,
  state: DrainState,
): Promise<Map<string, OutboxIndexEntry[]>> {
  const byOwner = new Map<string, OutboxIndexEntry[]>();
  const listed = new Set<string>();
  for await (const page of context.deps.outbox.pending()) {
    for (const entry of page) {
      if (listed.has(entry.credentialId)) continue;
      if (state.counters.pendingItems >= context.settings.maxItems) {
        state.incomplete = true;
        return byOwner;
      }
      listed.add(entry.credentialId);
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
