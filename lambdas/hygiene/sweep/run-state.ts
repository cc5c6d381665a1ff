/**
 * The explicit state of one sweep run. Each phase (plan, guard, apply,
 * checkpoint, summary) is a function over one {@link SweepRun}: the settings
 * resolved once from the options, the ports, the scan position, the tallies,
 * the write pool and the buffered deletions. Nothing is shared through
 * closures, so each phase reads alone. Starting a run (settings, scan
 * position, directory) is `start-run.ts`, above the checkpoint phase it uses.
 */
import type { HygieneConfig, Mode } from '../config';
import type { Credential } from '../credential';
import type { OperatorIdentity } from '../operator-identity';
import type { DirectoryState } from '../owner-directory';
import type { Action } from '../policy';
import type { CheckpointStore, LoadedCheckpoint, RawItem, ScanCheckpoint, ScanPage } from '../ports';
import { ManifestRecorder } from '../run-manifest-recorder';
import type { TaskPool } from '../task-pool';
import { RunTally } from './run-tally';
import type { SweepDeps, SweepProgress } from './types';

/** One credential's planned transition: the actions `decide` returned for it. */
export interface PendingTransition {
  readonly credential: Credential;
  readonly actions: readonly Action[];
  /** The history length read, kept when the credential is compacted (which drops the history itself). */
  readonly historyLength?: number;
}

/**
 * A planned deletion waiting for the guard: its item compacted and not parsed
 * (`sweep/compact.ts`; parsed again when applied), its actions and the length
 * of the history the compact item no longer carries.
 */
export interface DeferredDeletion {
  readonly record: RawItem;
  readonly actions: readonly Action[];
  readonly historyLength: number;
}

/** The options of one run, with every default applied and every derived flag computed once. */
export interface SweepSettings {
  readonly config: HygieneConfig;
  readonly now: number;
  readonly runId: string;
  readonly mode: Mode;
  /** `mode === 'enforce'`: the run writes. */
  readonly enforce: boolean;
  /** Owner events are committed with the transitions (enforce, unless turned off). */
  readonly notifyOwners: boolean;
  /** Owner events are built and counted: when queued, and in audit (what enforce would queue). */
  readonly buildEvents: boolean;
  readonly allowMassDelete: boolean;
  /**
   * Deletions wait for the guard (buffered until the scan ends): unless the
   * run overrides it (`allowMassDelete`), whose verdict is then known before
   * the scan, so deletions are written as they are planned, like any other
   * transition, and nothing is held for the guard.
   */
  readonly deletionsWaitForGuard: boolean;
  /** Who runs it (an operator's run), for the manifest header. */
  readonly operator?: OperatorIdentity;
  readonly deadlineMarginMs: number;
  readonly maxWriteFailures: number;
  /**
   * Transitions in flight at most: `writeConcurrency` requests' worth, a
   * request carrying up to the writer's `transitionsPerRequest`.
   */
  readonly writesInFlight: number;
  /** Wall-clock start (epoch ms), for the summary only. */
  readonly startedAt: number;
}

/** Where the scan starts and how far each segment got. */
export interface ScanPosition {
  /** The checkpoint store, in enforce only: audit must not write, so it neither resumes nor saves. */
  readonly checkpoints: CheckpointStore | undefined;
  /**
   * The stored checkpoint found at the start, readable or not: the one (and
   * only one) this run clears when it finishes the table. The run resumes from
   * its `resumeFrom` (when readable).
   */
  readonly loaded: LoadedCheckpoint | undefined;
  readonly segments: number;
  /** Per segment: `null` (not started), the last key read, or `done`; updated after every page. */
  readonly positions: ScanCheckpoint['positions'][number][];
  /** The pages to plan, from `loaded.resumeFrom` or the top (already requested: sweep/started-scan.ts). Read once. */
  readonly pages: AsyncIterable<ScanPage>;
}

/** Running mean of write latency, to size the time reserve for the buffered deletions. */
export class LatencyEstimate {
  private count = 0;
  private totalMs = 0;

  record(ms: number): void {
    this.count++;
    this.totalMs += ms;
  }

  /** Time to make `writes` writes `concurrency` at a time; 50 ms a write until one is measured. */
  estimateMs(writes: number, concurrency: number): number {
    const mean = this.count === 0 ? 50 : this.totalMs / this.count;
    return Math.ceil(writes / concurrency) * mean;
  }
}

/** One sweep run in progress: what every phase reads and updates. */
export class SweepRun {
  readonly tally = new RunTally();
  /** Deletions planned during the scan (compacted), made after the guard. */
  readonly deletions: DeferredDeletion[] = [];
  readonly writeTime = new LatencyEstimate();
  /** Set once more than `maxWriteFailures` writes failed: no new write starts, the run throws. */
  abortReason: string | undefined;
  /** The scan stopped before the end of the table (time budget). */
  stoppedEarly = false;
  /** Records the deletions written (enforce with a manifest writer), a page at a time. */
  readonly manifest: ManifestRecorder | undefined;

  constructor(
    readonly deps: SweepDeps,
    readonly settings: SweepSettings,
    /** Every write of the run goes through it: at most `writesInFlight` in flight. */
    readonly pool: TaskPool,
    readonly scan: ScanPosition,
    /** The owner directory as loaded at the start (orphan rule): usable or why not, and who departed. */
    readonly directory: DirectoryState,
  ) {
    this.manifest =
      settings.enforce && deps.manifest ? new ManifestRecorder(deps.manifest, settings.runId) : undefined;
  }

  /** The wall clock the caller injected (`deps.clock`). */
  clock(): number {
    return this.deps.clock();
  }

  /**
   * Under half the time reserve (`deadlineMarginMs`) left: the run's last
   * stretch, kept for the checkpoint and the summary. It starts no more
   * deletions (a later run plans them again), spends no guard approval on
   * them and looks no more owners up. Never without a time budget.
   */
  finalStretchReached(): boolean {
    const remaining = this.deps.remainingMs;
    return remaining !== undefined && remaining() < this.settings.deadlineMarginMs / 2;
  }

  /** Sends the {@link SweepProgress} payload for `phase`. */
  progress(phase: SweepProgress['phase']): void {
    this.deps.onProgress?.({
      phase,
      scanned: this.tally.scanned,
      pages: this.tally.pages,
      planned: this.tally.plannedTransitions,
      applied: this.tally.appliedTransitions,
    });
  }
}
