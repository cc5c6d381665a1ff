/**
 * The plan phase: streams the table page by page, parses and decides every
 * item, writes the non-destructive transitions (notices, flags, unflags) as
 * pages arrive and buffers the deletions, compacted, for the guard (a run
 * that overrides the guard writes them as they come too). Stops at a page
 * boundary when the time budget no longer covers the buffered deletions.
 * docs/sweep.md, "Phases".
 */
import {
  type Credential,
  formatProblem,
  lastActivity,
  parseCredential,
  type StoredInstant,
} from '../credential';
import { HISTORY_ATTR, isReservedId } from '../data-contract';
import { historyLength } from '../history';
import { ownerStanding } from '../owner-directory';
import { decide, isDeletion, isExempt } from '../policy';
import type { RawItem, ScanPage } from '../ports';
import { AFTER_NOW_TOLERANCE_MS, formatInstant } from '../time';
import { applyTransition, submitAllowedDeletion } from './apply';
import { compactRecord } from './compact';
import type { PendingTransition, SweepRun } from './run-state';

/** Parses and decides one item, counting it. @returns the transition to make, if any */
function planItem(run: SweepRun, item: RawItem): PendingTransition | undefined {
  const { tally } = run;
  const { config, now } = run.settings;
  if (isReservedId(item.id)) return undefined; // the worker's own items (the scanner skips them too)
  tally.scanned++;
  const parsed = parseCredential(item);
  if (!parsed.ok) {
    tally.recordInvalid(parsed.id, parsed.userId, parsed.problems.map(formatProblem));
    return undefined;
  }
  const credential = parsed.credential;
  tally.valid++;
  if (credential.deletedAt !== undefined) {
    tally.alreadyDeleted++;
    return undefined;
  }
  tally.activeValid++;
  if (isExempt(credential, config)) tally.exempt++;
  const future = activityAfterNow(credential, now);
  if (future !== undefined) tally.recordFutureActivity(credential.id, formatInstant(future.ms));
  const actions = decide(credential, config, now, ownerStanding(run.directory, credential.userId));
  if (actions.length === 0) {
    tally.unchanged++;
    return undefined;
  }
  tally.recordPlanned(actions);
  return { credential, actions };
}

/**
 * The credential's last activity when it is more than {@link AFTER_NOW_TOLERANCE_MS} after `now` (a bad clock at
 * the source, a bad import), else `undefined`. Such a credential is never judged stale until `now` catches up; the
 * decision stays (never guess), the run summary names it (docs/rules.md, "Last activity").
 */
function activityAfterNow(credential: Credential, now: number): StoredInstant | undefined {
  const activity = lastActivity(credential);
  return activity !== undefined && activity.ms > now + AFTER_NOW_TOLERANCE_MS ? activity : undefined;
}

/**
 * Stop before this page? Only while the reserve still covers the buffered
 * deletions (at the write latency seen so far), and never before the first
 * page, so a run with little time still makes progress.
 */
function outOfTime(run: SweepRun): boolean {
  const remaining = run.deps.remainingMs;
  const { deadlineMarginMs, writesInFlight } = run.settings;
  const reserve = deadlineMarginMs + run.writeTime.estimateMs(run.deletions.length, writesInFlight);
  return run.tally.pages > 0 && remaining !== undefined && remaining() < reserve;
}

/**
 * Routes one planned transition: a deletion that waits for the guard is
 * buffered (compacted); anything else, and a deletion the run's override
 * already allows, is submitted to the write pool.
 * @returns the pool's `submit` (to await: it waits for a free slot), or `undefined` when buffered
 */
function route(run: SweepRun, pending: PendingTransition): Promise<void> | undefined {
  if (!pending.actions.some(isDeletion)) return run.pool.submit(() => applyTransition(run, pending));
  if (!run.settings.deletionsWaitForGuard) return submitAllowedDeletion(run, pending);
  run.deletions.push({
    record: compactRecord(pending.credential),
    actions: pending.actions,
    historyLength: historyLength(pending.credential.raw[HISTORY_ATTR]),
  });
  return undefined;
}

/** A page is planned: records its segment's position and reports progress. */
function endPage(run: SweepRun, page: ScanPage): void {
  run.scan.positions[page.segment] = page.lastEvaluatedKey ?? 'done';
  run.tally.pages++;
  run.progress('scan');
}

/**
 * The plan phase over the whole table (or until the time budget or an abort
 * stops it). Once the run is aborted (more than `maxWriteFailures` failed
 * writes) no new write starts, not even for the rest of the page: the scan
 * stops at that item. Stopping mid-page is safe because an aborted run saves
 * no checkpoint (docs/sweep.md, "Write failures"); its positions are never
 * read. Waits for every write it started, also when the scan fails.
 */
export async function planPhase(run: SweepRun): Promise<void> {
  try {
    for await (const page of run.scan.pages) {
      if (outOfTime(run)) {
        run.stoppedEarly = true;
        break;
      }
      // Inline, not a helper of its own: the abort check must see the failures at the same point
      // as the writes' own bookkeeping (an extra await here would shift it). It runs before every
      // item: once the run is aborted, no further write starts.
      for (const item of page.items) {
        if (run.abortReason !== undefined) break;
        const pending = planItem(run, item);
        const submitted = pending && route(run, pending);
        if (submitted) await submitted;
      }
      if (run.abortReason !== undefined) break; // the page is not finished: its position is not recorded
      endPage(run, page);
    }
  } finally {
    // Also when the scan fails (a page still throttled after the SDK's retries): the run must not
    // report its failure while writes it started are still running.
    run.deps.writer.flush?.();
    await run.pool.drain();
  }
}
