/**
 * How a drain walks its owners: in groups of one `PublishBatch` call's worth
 * (10 owners), packed into chunks of about `readBatchItems` items (one
 * `BatchGetItem`), each chunk read → screened and judged → rendered →
 * published → marked, a few chunks at once on the one concurrency primitive,
 * so one chunk's round trips overlap another's. No new chunk starts once the
 * time budget runs low, the lease is lost, or a chunk failed unexpectedly.
 */
import { chunks } from '../chunks';
import type { OutboxIndexEntry } from '../outbox-ports';
import { mapWithConcurrency } from '../task-pool';
import { type DrainContext, type DrainState, outOfTime } from './drain-state';
import { keepLease } from './lease';
import { markPublished } from './mark';
import { publishDigests } from './publish';
import { judgeOwners, screenItems, splitForReport } from './reach';
import { readItems } from './read';
import { renderOwnerDigests } from './render';

/**
 * Packs owner groups (whole groups, in listing order) into chunks of at most
 * `maxItems` items; a group larger than that is a chunk of its own. Whole
 * groups keep the `PublishBatch` calls full: ≤ ceil(owners / 10) + split parts.
 */
export function chunkOwnerGroups(
  byOwner: ReadonlyMap<string, readonly OutboxIndexEntry[]>,
  groupSize: number,
  maxItems: number,
): OutboxIndexEntry[][] {
  const packed: OutboxIndexEntry[][] = [];
  let current: OutboxIndexEntry[] = [];
  for (const owners of chunks([...byOwner.keys()], groupSize)) {
    const group = owners.flatMap((owner) => byOwner.get(owner) ?? []);
    if (current.length > 0 && current.length + group.length > maxItems) {
      packed.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) packed.push(current);
  return packed;
}

/**
 * Drains every listed owner, chunk by chunk. An unexpected error of a chunk
 * stops new chunks from starting and is kept in `state.fatal` for the caller.
 */
export async function drainOwnerGroups(
  context: DrainContext,
  state: DrainState,
  byOwner: ReadonlyMap<string, readonly OutboxIndexEntry[]>,
): Promise<void> {
  const { settings } = context;
  const packed = chunkOwnerGroups(byOwner, Math.max(1, settings.maxBatchEntries), settings.readBatchItems);
  await mapWithConcurrency(packed, settings.groupConcurrency, async (chunk) => {
    if (state.fatal !== undefined) return;
    if (outOfTime(context) || !(await keepLease(context, state))) {
      state.incomplete = true;
      return;
    }
    try {
      await drainChunk(context, state, chunk);
    } catch (error: unknown) {
      state.fatal ??= { error };
    }
  });
}

/**
 * One chunk: read its items, screen their events (setting aside those the
 * credential has outgrown) and judge their owners, render one digest per
 * owner, publish, then mark the sent and the superseded events — except on
 * the items that wait for the admin report (unreachable owners, mismatched events).
 */
async function drainChunk(
  context: DrainContext,
  state: DrainState,
  entries: readonly OutboxIndexEntry[],
): Promise<void> {
  const items = await readItems(context, state, entries);
  const screened = screenItems(state, items);
  const verdicts = await judgeOwners(context, state, screened);
  // The directory could not be read: nothing published, nothing to mark; the items stay pending.
  if (verdicts === undefined) return;
  const digests = renderOwnerDigests(context, state, screened, verdicts);
  const accepted = await publishDigests(context, state, digests);
  const { settleNow, deferred } = splitForReport(screened, verdicts, accepted);
  // Superseded events go with the sent ones: removed by the same guarded mark, never published.
  const superseded = new Set(screened.flatMap((s) => s.superseded));
  await markPublished(context, state, settleNow, accepted, superseded);
  state.deferred.push(...deferred);
}
