/**
 * The reach phase (docs/sweep.md, "Owner reach"): after the writes, the
 * owners who got at least one owner event this run are looked up in the owner
 * directory (`judgeOwnerPages`: pages of 100 ids, one `getMany` each) and
 * judged on the configured route, so the admin run summary says how many
 * owners would get nothing. A forecast for the admins only: the notifier
 * judges every owner again at drain time and sends an unreachable owner's
 * events to the admins. It never fails the run (the writes are done): a
 * directory that cannot be read leaves reach unverified and says why, and
 * under a time budget it stops looking owners up where the deletions stop
 * starting (the owners left are counted as unchecked).
 *
 * Memory: the owners come from the run's per-owner event counts (owners are
 * far fewer than credentials); one page of records is held at a time and the
 * summary keeps counts plus a capped sample (its ids cut as `summaryId` cuts them).
 */
import { errorText } from '../errors';
import { directoryJudgesReach, judgeOwnerPages, type OwnerDeliveryRoute } from '../owner-directory';
import {
  CappedCollector,
  emptyReasonCounts,
  REACH_SAMPLE_LIMIT,
  type ReachSummary,
  type ReachUnverifiedReason,
  summaryId,
  type UnreachableOwnerSample,
} from '../run-summary';
import type { SweepRun } from './run-state';

/** Why this run cannot look its owners up, or `undefined` when it can. */
function unverifiedBecause(run: SweepRun): ReachUnverifiedReason | undefined {
  if (run.deps.directory === undefined) return 'no-directory';
  if (run.directory.unusable === 'unreadable') return 'unreadable';
  // As the notifier: a directory that was never imported (or whose table is missing) judges nobody, except on `relay`.
  const imported = run.directory.freshness !== undefined;
  if (!directoryJudgesReach(run.settings.config.ownerDelivery, imported)) return 'never-imported';
  return undefined;
}

/** Reach not checked: every owner counts as reachable, and the summary says why. */
function unverified(
  route: OwnerDeliveryRoute,
  because: ReachUnverifiedReason,
  error: string | undefined,
): ReachSummary {
  return {
    status: 'unverified',
    because,
    ...(error !== undefined && { error }),
    route,
    ownersChecked: 0,
    unreachableOwners: 0,
    byReason: emptyReasonCounts(),
    sample: new CappedCollector<UnreachableOwnerSample>(0).toList(),
  };
}

/**
 * Looks up `owners` (sorted) a page at a time and judges each on `route`,
 * until the time budget says stop (the rest are counted as unchecked).
 * @throws whatever the directory's `getMany` throws
 */
async function judgeOwners(
  run: SweepRun,
  owners: readonly string[],
  route: OwnerDeliveryRoute,
): Promise<ReachSummary> {
  const byReason = emptyReasonCounts();
  const sample = new CappedCollector<UnreachableOwnerSample>(REACH_SAMPLE_LIMIT);
  const directory = run.deps.directory;
  const pages =
    directory === undefined ? undefined : judgeOwnerPages(directory, owners, route, run.deps.sendable);
  let checked = 0;
  while (pages !== undefined && !run.finalStretchReached()) {
    const next = await pages.next();
    if (next.done) break;
    checked += next.value.length;
    for (const { userId, verdict } of next.value) {
      if (verdict.reachable) continue;
      byReason[verdict.reason]++;
      sample.add({ userId: summaryId(userId), reason: verdict.reason });
    }
  }
  if (checked === 0 && owners.length > 0) return unverified(route, 'time-budget', undefined);
  return {
    status: 'verified',
    route,
    ownersChecked: checked,
    ...(checked < owners.length && { ownersUnchecked: owners.length - checked }),
    unreachableOwners: sample.count,
    byReason,
    sample: sample.toList(),
  };
}

/**
 * The reach phase: judges every owner with at least one owner event this run
 * (queued in enforce, would-be in audit) on `ownerDelivery`.
 */
export async function reachPhase(run: SweepRun): Promise<ReachSummary> {
  const route = run.settings.config.ownerDelivery;
  const because = unverifiedBecause(run);
  if (because !== undefined) return unverified(route, because, run.directory.readError);
  const owners = [...run.tally.eventsPerOwner.keys()].sort();
  try {
    return await judgeOwners(run, owners, route);
  } catch (error: unknown) {
    return unverified(route, 'unreadable', `owner lookup: ${errorText(error)}`);
  }
}
