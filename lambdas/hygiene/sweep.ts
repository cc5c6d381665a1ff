/**
 * The sweep use case (docs/sweep.md): plan -> guard -> apply -> checkpoint ->
 * manifest -> reach -> summary, over ports only (scanner, transition writer,
 * checkpoint store, owner directory, time budget). Each phase is one function over the run's explicit state
 * (`sweep/run-state.ts`); this module is the algorithm and the public API.
 *
 * Memory does not grow with table size: pages are evaluated as they stream in
 * and non-destructive transitions (notices, flags, unflags) are written right
 * away with bounded concurrency. Only deletions wait for the end of the scan,
 * because the blast-radius guard must see every planned deletion before the
 * first one is made; they are buffered compactly (the fields the conditional
 * write and the owner event need, not the whole item). A run that overrides
 * the guard (`allowMassDelete`) knows its verdict before the scan and holds
 * nothing: its deletions are written as they are planned.
 */
import { errorText } from './errors';
import type { GuardStatus } from './guard';
import type { CheckpointSummary, RunSummary } from './run-summary';
import { applyDeletionsPhase } from './sweep/apply';
import { checkpointPhase } from './sweep/checkpoint';
import { planPhase } from './sweep/plan';
import { reachPhase } from './sweep/reach';
import type { SweepRun } from './sweep/run-state';
import { startRun } from './sweep/start-run';
import { guardPhase, judgeGuard, manifestPhase, summarize } from './sweep/summary';
import { SweepAbortedError, type SweepDeps, type SweepOptions } from './sweep/types';
import { formatInstant } from './time';

export { purgeAt } from './sweep/apply';
export { compactCredential, compactRecord, expandRecord } from './sweep/compact';
export {
  DEFAULT_DEADLINE_MARGIN_MS,
  DEFAULT_MAX_WRITE_FAILURES,
  type DeletionVerdict,
  type PlannedDeletion,
  SweepAbortedError,
  type SweepDeps,
  type SweepOptions,
  type SweepProgress,
} from './sweep/types';

/** A run id: `sweep-<now ISO>-<nonce>`, readable and sortable by decision time. */
export function createRunId(now: number, nonce: string): string {
  return `sweep-${formatInstant(now)}-${nonce}`;
}

/**
 * The run ends here, aborted: its manifest's last page and header (status
 * `aborted`: `runs show` and `restore --run` see the deletions it made),
 * its owners' reach, and the partial summary (status `aborted`, no
 * checkpoint) in the error that says why. Never throws: a manifest write
 * that fails is remembered, and the reach check never fails the run.
 */
async function abortedRun(
  run: SweepRun,
  guard: GuardStatus,
  message: string,
  options?: ErrorOptions,
): Promise<SweepAbortedError> {
  const manifest = await manifestPhase(run, guard, 'aborted');
  const reach = await reachPhase(run);
  return new SweepAbortedError(
    message,
    summarize(run, guard, 'aborted', reach, undefined, manifest, message),
    options,
  );
}

/**
 * Too many writes failed: stop here with the partial summary (no further
 * transition is written, no checkpoint saved or cleared; the manifest
 * records the deletions that were).
 */
async function throwIfAborted(run: SweepRun, guard: GuardStatus): Promise<void> {
  if (run.abortReason !== undefined) throw await abortedRun(run, guard, run.abortReason);
}

/**
 * Whether the run wrote, or may have written, anything the admins must hear
 * of: a transition (a notice, a flag, a deletion), a write that failed but
 * may have taken effect (any failed write: docs/sweep.md, "Write failures"),
 * or the operator's guard approval it used. Audit writes nothing.
 */
function madeWrites(run: SweepRun, guard: GuardStatus | undefined): boolean {
  const { settings, tally } = run;
  if (!settings.enforce) return false;
  return tally.appliedTransitions > 0 || tally.failed.count > 0 || guard?.approval?.status === 'used';
}

/**
 * What a run that failed with an error of its own throws (a Scan page still
 * failing after the SDK's retries, the approval's consuming write, a
 * checkpoint that could not be saved or cleared). Once it had written
 * ({@link madeWrites}), it ends as an aborted run: a {@link SweepAbortedError}
 * naming the error (its `cause`) and carrying the partial summary, so the
 * handler and the CLI report every write it made before they fail; its
 * manifest records its deletions, status `aborted`. A run that wrote nothing
 * fails with its own error (nothing to report; no manifest). An aborted run
 * is thrown as it is. Never throws.
 *
 * @param guard the guard's verdict, when the run got that far (else judged on the figures seen so far)
 */
async function failedRun(run: SweepRun, guard: GuardStatus | undefined, error: unknown): Promise<unknown> {
  if (error instanceof SweepAbortedError || !madeWrites(run, guard)) return error;
  const message = `the run failed after writing (its summary says what it wrote): ${errorText(error)}`;
  return abortedRun(run, guard ?? judgeGuard(run), message, { cause: error });
}

/**
 * Runs one sweep.
 *
 * 1. **Plan** (streaming): every item is parsed and decided; non-destructive
 *    transitions are written as pages arrive, deletions are buffered (or,
 *    when the run overrides the guard, written as they arrive too).
 * 2. **Guard**: planned deletions against `maxDeletesPerRun` / `maxDeletePercent`
 *    of the active valid credentials seen; tripped = no deletions (unless
 *    `allowMassDelete`, or an operator's recorded approval covers them and
 *    this run, with time left for deletions, is the one that consumes it).
 * 3. **Apply** the deletions, with bounded concurrency. Every write is
 *    conditional on the state read; a changed item is skipped, never retried.
 * 4. **Checkpoint**: a run stopped by its time budget saves its scan position
 *    and reports `incomplete`; the run that finishes the table clears it.
 * 5. **Manifest**: the deletions written are recorded in pages as they go;
 *    the last page and the header are written at the end — also when the
 *    run fails or is aborted after making deletions (status `aborted`).
 *    A run that fails after it wrote anything ends aborted, its summary in
 *    the error ({@link SweepAbortedError}), so it is reported all the same.
 * 6. **Reach**: the owners who got events this run are looked up in the
 *    owner directory and judged on `ownerDelivery` (read only; a directory
 *    that cannot be read leaves reach unverified, never fails the run).
 *
 * In `audit` mode nothing is written (no transitions, events or checkpoint):
 * `applied` counts what `enforce` would have written.
 *
 * @throws {SweepAbortedError} when more than `maxWriteFailures` writes failed, or when an error of the run's own
 *   came after it had written (the error is its `cause`); either carries the partial summary
 * @throws the scan's, the approval store's or the checkpoint store's error, when the run had written nothing
 */
export async function runSweep(deps: SweepDeps, options: SweepOptions): Promise<RunSummary> {
  const run = await startRun(deps, options);
  let guard: GuardStatus | undefined;
  let checkpoint: CheckpointSummary | undefined;
  try {
    await planPhase(run);
    guard = await guardPhase(run);
    await throwIfAborted(run, guard);
    await applyDeletionsPhase(run, guard);
    await throwIfAborted(run, guard);
    checkpoint = await checkpointPhase(run);
  } catch (error: unknown) {
    throw await failedRun(run, guard, error);
  }
  const status = run.stoppedEarly ? 'incomplete' : 'complete';
  const manifest = await manifestPhase(run, guard, status);
  const reach = await reachPhase(run);
  return summarize(run, guard, status, reach, checkpoint, manifest);
}
