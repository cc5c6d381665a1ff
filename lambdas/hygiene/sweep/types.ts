/**
 * The sweep's public contract: its ports bundle, its options, its progress
 * payload and its one error. Kept apart from the phases so the phase modules
 * and `../sweep.ts` (which re-exports all of this) import it without a cycle.
 */
import type { HygieneConfig, Mode } from '../config';
import { attachUnlogged } from '../errors';
import type { OperatorIdentity } from '../operator-identity';
import type { SendableAddress, SweepOwnerDirectory } from '../owner-directory';
import type {
  CheckpointStore,
  CredentialScanner,
  GuardApprovals,
  RunManifestWriter,
  TransitionWriter,
} from '../ports';
import type { ManifestEntry } from '../run-manifest';
import type { RunSummary } from '../run-summary';

/** Default time kept in reserve when a time budget is given (see {@link SweepOptions.deadlineMarginMs}). */
export const DEFAULT_DEADLINE_MARGIN_MS = 30_000;

/** Default number of failed writes tolerated before the run is aborted. */
export const DEFAULT_MAX_WRITE_FAILURES = 10;

/** Where the sweep reads, writes and keeps its place. */
export interface SweepDeps {
  readonly scanner: CredentialScanner;
  readonly writer: TransitionWriter;
  /** Keeps the scan position of an incomplete run; without it an interrupted run restarts from the top. */
  readonly checkpoints?: CheckpointStore;
  /** Time left in the budget (ms), e.g. Lambda's `getRemainingTimeInMillis`; without it there is no deadline. */
  readonly remainingMs?: () => number;
  /** Told how far the run is: see {@link SweepProgress} for when it is called and what it carries. */
  readonly onProgress?: (progress: SweepProgress) => void;
  /**
   * The wall clock (epoch ms), for `startedAt`, `durationMs`, write timings and the instant a guard approval is
   * used; decisions use `options.now`. Required: the domain reads no clock of its own (README, "Architecture"),
   * so the handler and the CLI pass `Date.now` and tests their fake clock.
   */
  readonly clock: () => number;
  /**
   * The owner directory, read once per run for the orphan rule (docs/rules.md,
   * "Orphaned credentials") and, after the writes, for the reach of the owners
   * who got events (docs/sweep.md, "Owner reach"); without it the rule is off,
   * reach is unverified, and the summary says both.
   */
  readonly directory?: SweepOwnerDirectory;
  /**
   * On `relay`, whether the sender can be asked to send to an address
   * (`unsendable-address`; the relay's `isSesSendable`), for the reach
   * forecast; without it, the domain's own ASCII-local-part rule.
   */
  readonly sendable?: SendableAddress;
  /** Keeps the manifest of what an enforce run deleted (docs/data-model.md, "Run manifests"); without it none is kept. */
  readonly manifest?: RunManifestWriter;
  /**
   * Told of every planned deletion with the guard's verdict, in the apply
   * phase (audit mode too): what `pc-hygiene sweep --dry-run` lists.
   */
  readonly onDeletion?: (deletion: PlannedDeletion) => void;
  /**
   * The operator's recorded guard approvals (`pc-hygiene guard approve`): a
   * tripped guard uses the pending one when it covers the planned deletions
   * (enforce only). Without it, only `allowMassDelete` overrides.
   */
  readonly approvals?: GuardApprovals;
}

/** The guard's verdict on one planned deletion, as the apply phase meets it. */
export type DeletionVerdict = 'allowed' | 'blocked-by-guard' | 'deferred';

/**
 * One planned deletion (what, whose, which rule, from which dates: the run
 * manifest's entry) with the guard's verdict: `allowed` (made in enforce,
 * would be made in audit), `blocked-by-guard`, or `deferred` (the time budget
 * ran out before it; a later run plans it again).
 */
export type PlannedDeletion = ManifestEntry & { readonly verdict: DeletionVerdict };

/** What one run does. */
export interface SweepOptions {
  readonly config: HygieneConfig;
  /** The decision instant (epoch ms), one for the whole run. */
  readonly now: number;
  /** Unique per run (see `createRunId`); written on each deletion. */
  readonly runId: string;
  /** `audit` writes nothing at all (not even a checkpoint); `enforce` writes and queues owner events. */
  readonly mode: Mode;
  /** The operator's one-run override of a tripped guard (the CLI's `--allow-mass-delete`, for local use). */
  readonly allowMassDelete?: boolean;
  /** Who runs it, for a run an operator starts by hand (recorded in the run manifest's header). */
  readonly operator?: OperatorIdentity;
  /** Queue owner events with the transitions (enforce only). Default: true. */
  readonly notifyOwners?: boolean;
  /**
   * With a time budget: stop scanning (at a page boundary) once fewer than this
   * many ms remain, and start no more deletions under half of it. The reserve
   * covers the writes in flight, the deletions and the checkpoint save.
   * Default {@link DEFAULT_DEADLINE_MARGIN_MS}.
   */
  readonly deadlineMarginMs?: number;
  /** Failed writes (errors other than a failed condition) tolerated before aborting. Default {@link DEFAULT_MAX_WRITE_FAILURES}. */
  readonly maxWriteFailures?: number;
}

/**
 * The one progress payload of a sweep, passed to {@link SweepDeps.onProgress}.
 *
 * When it is sent:
 * - `phase: 'scan'` after every scanned page (its non-destructive writes
 *   started, deletions buffered);
 * - `phase: 'delete'` after every 100 buffered deletions started, and once
 *   when the deletion phase has finished (only when deletions were buffered:
 *   a run that overrides the guard writes them during the scan).
 *
 * Every count is cumulative since the start of the run, so a display can show
 * the latest payload alone. A run resumed from a checkpoint counts from zero
 * (what this run read, not the table's position).
 */
export interface SweepProgress {
  /** `scan` while reading and planning the table; `delete` while applying the buffered deletions. */
  readonly phase: 'scan' | 'delete';
  /** Credential items read so far (the worker's own reserved items not counted). */
  readonly scanned: number;
  /** Scan pages processed so far, over every segment. */
  readonly pages: number;
  /** Transitions planned so far (a credential with several actions counts once). */
  readonly planned: number;
  /** Transitions written so far (enforce) or counted as would-apply (audit). */
  readonly applied: number;
}

/**
 * The run stopped before its end, after it had written (or may have): too
 * many writes failed (DynamoDB errors other than a failed condition, after
 * the SDK's retries: nothing further was written, no deletions, no
 * checkpoint), or an error of the run's own came after its first write (a
 * Scan page, the approval's consuming write, the checkpoint's save or clear
 * failing: that error is the `cause`, and the message names it). The partial
 * summary (status `aborted`) says what was written, so the run is reported
 * before it fails (docs/sweep.md, "Write failures").
 */
export class SweepAbortedError extends Error {
  override readonly name = 'SweepAbortedError';
  /** The partial summary (not enumerable: `attachUnlogged`, the handler logs it on its own line). */
  declare readonly summary: RunSummary;
  constructor(message: string, summary: RunSummary, options?: ErrorOptions) {
    super(message, options);
    attachUnlogged(this, 'summary', summary);
  }
}
