/**
 * How a drain walks its owners: in groups of about one `PublishBatch` call
 * (claim → screen and judge reach → render → publish → mark per group, so a claim is held only for
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
import { judgeOwners, screenItems, splitForReport } from './reach';
import { renderOwnerDigests } from './render';

/**
 * Drains every listed owner, group by group. An unexpected error of a group
 * stops new groups from starting and is kept in `state.fatal` for the caller.
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
}

/**
 * One group: claim its items, screen their events and judge their owners,
 * render one digest per owner, publish, then mark or release — except the
 * items that wait for the admin report (unreachable owners, mismatched events).
 */
async function drainGroup(
  context: DrainContext,
  state: DrainState,
  entries: readonly OutboxIndexEntry[],
): Promise<void> {
  const claimed = await claimItems(context, state, entries);
  const screened = screenItems(state, claimed);
  const verdicts = await judgeOwners(context, state, screened);
  if (verdicts === undefined) {
    await markOrRelease(context, state, claimed, new Set());
    return;
  }
  const digests = renderOwnerDigests(context, state, screened, verdicts);
  const accepted = await publishDigests(context, state, digests);
  const { settleNow, deferred } = splitForReport(screened, verdicts, accepted);
  await markOrRelease(context, state, settleNow, accepted);
  state.deferred.push(...deferred);
}
