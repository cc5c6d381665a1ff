/**
 * Applying transitions: one conditional write per credential through the
 * transition writer (enforce) or a count of what would be written (audit),
 * and the apply phase for the buffered deletions after the guard. A changed
 * item is skipped, never retried; a failed write is listed (a deletion whose
 * write may have taken effect nonetheless is also kept in the run manifest,
 * marked so),
 * and too many failures stop the run; a write refused for the credential's
 * size is listed on its own, never counted a failure (the data, not the
 * service: it would abort every run). docs/sweep.md, "Phases" and "Write
 * failures".
 */
import { errorText } from '../errors';
import { eventsFor, type OutboxEvent } from '../events';
import type { GuardStatus } from '../guard';
import { ownerStanding } from '../owner-directory';
import { type Action, actionsIfDeletionBlocked, isDeletion, isExempt } from '../policy';
import type { Transition, TransitionResult } from '../ports';
import { manifestEntry } from '../run-manifest';
import { DAY_MS } from '../time';
import { expandRecord } from './compact';
import type { DeferredDeletion, PendingTransition, SweepRun, SweepSettings } from './run-state';
import type { DeletionVerdict } from './types';

/** `hygienePurgeAt` for a deletion at `now`: epoch seconds, `purgeAfterDays` later. */
export function purgeAt(now: number, purgeAfterDays: number): number {
  return Math.floor((now + purgeAfterDays * DAY_MS) / 1000);
}

/**
 * The purge time of `actions` when they delete and `purgeAfterDays` is configured, else `undefined`: one value for
 * the write (`hygienePurgePending` or `hygienePurgeAt`) and the deletion notice's `restorableUntil`.
 */
function purgeTimeOf(settings: SweepSettings, actions: readonly Action[]): number | undefined {
  const days = settings.config.purgeAfterDays;
  return days !== undefined && actions.some(isDeletion) ? purgeAt(settings.now, days) : undefined;
}

/** The write for `pending`: its actions, the events it queues and, for a deletion, its purge time. */
function transitionOf(
  settings: SweepSettings,
  pending: PendingTransition,
  events: readonly OutboxEvent[],
  purgeTime: number | undefined,
): Transition {
  const { runId, now } = settings;
  return {
    credential: pending.credential,
    actions: pending.actions,
    events: settings.notifyOwners ? events : [],
    runId,
    now,
    ...(purgeTime !== undefined && { purgeAt: purgeTime }),
    ...(pending.historyLength !== undefined && { historyLength: pending.historyLength }),
  };
}

/** Said of a failed write the writer found may have taken effect (`may-have-applied`). */
export const MAY_HAVE_APPLIED_NOTE = ' (the write may have taken effect)';

/** Lists a failed write; past `maxWriteFailures` the run is marked aborted (no new write starts). */
function recordWriteFailure(run: SweepRun, id: string, error: unknown, note = ''): void {
  const { tally } = run;
  const { maxWriteFailures } = run.settings;
  tally.recordFailed(id, `${errorText(error)}${note}`);
  if (tally.failed.count > maxWriteFailures) {
    run.abortReason ??= `${tally.failed.count} writes failed (more than maxWriteFailures ${maxWriteFailures}); last: ${errorText(error)}`;
  }
}

/**
 * Applies one transition (enforce) or counts it as would-apply (audit).
 * Never throws: a changed item is counted as skipped, a failed write as failed,
 * one refused for its size as too large.
 */
export async function applyTransition(run: SweepRun, pending: PendingTransition): Promise<void> {
  const { settings, tally } = run;
  const { credential, actions } = pending;
  const purgeTime = purgeTimeOf(settings, actions);
  const events = settings.buildEvents
    ? eventsFor(
        credential,
        actions,
        { runId: settings.runId, now: settings.now, ...(purgeTime !== undefined && { purgeAt: purgeTime }) },
        isExempt(credential, settings.config),
      )
    : [];
  if (!settings.enforce) {
    tally.recordApplied(actions, events);
    return;
  }
  const transition = transitionOf(settings, pending, events, purgeTime);
  const writeStart = run.clock();
  let result: TransitionResult;
  try {
    result = await run.deps.writer.apply(transition);
  } catch (error: unknown) {
    // Not a changed item (the writer reports those): a DynamoDB error after the SDK's retries, nothing applied.
    recordWriteFailure(run, credential.id, error);
    return;
  }
  run.writeTime.record(run.clock() - writeStart);
  if (result.writtenAlone) tally.writtenAlone++;
  recordResult(run, pending, transition, result);
}

/**
 * Counts a write's outcome. A deletion that was applied goes into the run
 * manifest; so does one that failed but may have taken effect (a lost
 * response, or every attempt throttled: the rule cannot tell), still counted
 * failed and marked `mayHaveApplied`: `runs show` and `restore --run` must
 * not miss a credential that carries the run's id, the manifest's counts
 * keep it apart from the deletions written (`deleted.unconfirmed`), and
 * `restore --run` skips it when the run did not delete it
 * (`not-deleted-by-run`, `not-deleted`). A write refused for the item's size
 * applied nothing: listed as too large, no manifest entry.
 */
function recordResult(
  run: SweepRun,
  pending: PendingTransition,
  transition: Transition,
  result: TransitionResult,
): void {
  const { credential, actions } = pending;
  const deleting = actions.some(isDeletion);
  const entry = () => manifestEntry(credential, actions, run.settings.now);
  if (result.status === 'applied') {
    run.tally.recordApplied(actions, transition.events);
    if (deleting) run.manifest?.add(entry());
  } else if (result.status === 'may-have-applied') {
    recordWriteFailure(run, credential.id, result.error, MAY_HAVE_APPLIED_NOTE);
    if (deleting) run.manifest?.add({ ...entry(), mayHaveApplied: true });
  } else if (result.status === 'too-large') run.tally.recordTooLarge(credential.id, errorText(result.error));
  else run.tally.recordSkipped(credential.id, result.changed, deleting);
}

/**
 * The guard tripped: no deletion, but what the deletion made pointless (the
 * expiry notice, the other rule's flag or unflag: `actionsIfDeletionBlocked`)
 * is written instead, conditional like any transition.
 * @returns the pool's `submit` to await, or `undefined` when there is nothing to write instead
 */
function applyBlocked(run: SweepRun, pending: PendingTransition): Promise<void> | undefined {
  run.tally.deletions.blockedByGuard++;
  const { credential, historyLength } = pending;
  const { config, now } = run.settings;
  // Decided again from the compact record (it keeps every decision field) and the run's directory, as planned.
  const instead = actionsIfDeletionBlocked(
    credential,
    config,
    now,
    ownerStanding(run.directory, credential.userId),
  );
  if (instead.length === 0) return undefined;
  run.tally.recordPlannedInstead(instead);
  return run.pool.submit(() =>
    applyTransition(run, {
      credential,
      actions: instead,
      ...(historyLength !== undefined && { historyLength }),
    }),
  );
}

/** Tells `onDeletion` (when given) of a planned deletion and the guard's verdict on it. */
function tellDeletion(run: SweepRun, pending: PendingTransition, verdict: DeletionVerdict): void {
  const onDeletion = run.deps.onDeletion;
  if (onDeletion === undefined) return;
  onDeletion({ ...manifestEntry(pending.credential, pending.actions, run.settings.now), verdict });
}

/**
 * A deletion the guard allows (after the scan, or during it when the run's
 * override means nothing can block it): told to `onDeletion` as allowed and
 * submitted to the write pool.
 * @returns the pool's `submit` (to await: it waits for a free slot)
 */
export function submitAllowedDeletion(run: SweepRun, pending: PendingTransition): Promise<void> {
  tellDeletion(run, pending, 'allowed');
  return run.pool.submit(() => applyTransition(run, pending));
}

/** A buffered deletion as the transition to apply: its compact item parsed again. */
function pendingOf(deferred: DeferredDeletion): PendingTransition {
  const { record, actions, historyLength } = deferred;
  return { credential: expandRecord(record), actions, historyLength };
}

/**
 * The time budget stopped the deletions: the rest are counted as deferred and
 * told to `onDeletion`, parsed only when it is given.
 */
function deferRest(run: SweepRun, rest: readonly DeferredDeletion[]): void {
  run.tally.deletions.deferred += rest.length;
  if (run.deps.onDeletion === undefined) return;
  for (const deferred of rest) tellDeletion(run, pendingOf(deferred), 'deferred');
}

/**
 * No more writes start (the time budget, or an aborted run). The deletions
 * left: deferred when the guard allowed them and time ran out (none are
 * counted after an abort, as before any deletion could be blocked); counted
 * blocked when the guard tripped, with nothing written instead (the next run
 * decides them again).
 */
function leaveRest(run: SweepRun, guard: GuardStatus, rest: readonly DeferredDeletion[]): void {
  if (guard.deletionsAllowed) {
    if (run.abortReason === undefined) deferRest(run, rest);
    return;
  }
  run.tally.deletions.blockedByGuard += rest.length;
  if (run.deps.onDeletion === undefined) return;
  for (const deferred of rest) tellDeletion(run, pendingOf(deferred), 'blocked-by-guard');
}

/**
 * The apply phase: makes the buffered deletions, at most `writesInFlight`
 * at a time; when the guard tripped, only what those deletions had made
 * pointless ({@link applyBlocked}). Stops starting writes at the time budget
 * (the rest counted as deferred, or as blocked when the guard tripped: the
 * next run decides them again) or once the run is aborted; waits for every
 * write it started.
 */
export async function applyDeletionsPhase(run: SweepRun, guard: GuardStatus): Promise<void> {
  const { deletions } = run;
  const deletionCount = deletions.length;
  try {
    for (const [index, deferred] of deletions.entries()) {
      if (run.abortReason !== undefined || run.finalStretchReached()) {
        leaveRest(run, guard, deletions.slice(index));
        break;
      }
      const pending = pendingOf(deferred);
      if (guard.deletionsAllowed) await submitAllowedDeletion(run, pending);
      else {
        tellDeletion(run, pending, 'blocked-by-guard');
        const submitted = applyBlocked(run, pending);
        if (submitted) await submitted;
      }
      if (index % 100 === 99) run.progress('delete');
    }
  } finally {
    // Also when a buffered item no longer parses (a bug: `expandRecord`): no write it started is left running.
    run.deps.writer.flush?.();
    await run.pool.drain();
  }
  deletions.length = 0;
  if (deletionCount > 0) run.progress('delete');
}
