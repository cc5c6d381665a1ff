/**
 * How a drain walks its owners: in groups of about one `PublishBatch` call
 * (claim → render → publish → mark per group, so a claim is held only for
 * the few seconds its publish takes), a few groups at once on the one
 * concurrency primitive, so one group's round trips overlap another's. No new
 * group starts once the time budget runs low or a group failed unexpectedly.
 */
import type { OutboxIndexEntry } from '../outbox-ports';
import { mapWithConcurrency } from '../task-pool';
import { claimItems } from './claim';
import { type DrainContext, type DrainState, outOfTime } from './drain-state';
import { markOrRelease } from './mark';
import { publishDigests } from './publish';
import { renderOwnerDigests } from './render';

/**
 * Drains every listed owner, group by group.
 * @throws the first unexpected error of a group, once the groups in flight have settled
 */
export async function drainOwnerGroups(
  context: DrainContext,
  state: DrainState,
  byOwner: ReadonlyMap<string, readonly OutboxIndexEntry[]>,
): Promise<void> {
  const owners = [...byOwner.keys()];
  const size = Math.max(1, context.settings.maxBatchEntries);
  const groups: string[][] = [];
  for (let i = 0; i < owners.length; i += size) groups.push(owners.slice(i, i + size));
  await mapWithConcurrency(groups, context.settings.groupConcurrency, async (group) => {
    if (state.fatal !== undefined) return;
    if (outOfTime(context)) {
      state.incomplete = true;
      return;
    }
    try {
      await drainGroup(
        context,
        state,
        group.flatMap((owner) => byOwner.get(owner) ?? []),
      );
    } catch (error: unknown) {
      state.fatal ??= { error };
    }
  });
  if (state.fatal !== undefined) throw state.fatal.error;
}

/** One group: claim its items, render one digest per owner, publish, then mark or release. */
async function drainGroup(
  context: DrainContext,
  state: DrainState,
  entries: readonly OutboxIndexEntry[],
): Promise<void> {
  const claimed = await claimItems(context, state, entries);
  const digests = renderOwnerDigests(context, state, claimed);
  const accepted = await publishDigests(context, state, digests);
  await markOrRelease(context, state, claimed, accepted);
}
