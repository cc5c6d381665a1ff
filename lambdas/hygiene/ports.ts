/**
 * Ports: what the sweep and the notifier need from the outside world.
 * Adapters in `lambdas/aws/` implement them against DynamoDB and SNS; unit
 * tests pass in-memory fakes. No AWS imports here.
 */
import type { Credential } from './credential';
import type { OutboxEvent } from './events';
import type { ApprovalOutcome } from './guard';
import type { Action } from './policy';
import type { ManifestEntry, RunManifestHeader } from './run-manifest';

/** A raw item as read from the table (a DynamoDB document). */
export type RawItem = Readonly<Record<string, unknown>>;

/** Where a parallel scan stopped: per segment, the key to continue after, or `done`. */
export interface ScanCheckpoint {
  /** The segment count the checkpoint was taken with; a resume must use the same count. */
  readonly segments: number;
  /** One entry per segment: `null` = not started, a key = continue after it, `'done'` = finished. */
  readonly positions: readonly (Readonly<Record<string, unknown>> | null | 'done')[];
}

/**
 * What a checkpoint carries of the runs of its pass that saved it and the checkpoints before it: saved and read
 * back by the sweep (`sweep/pass.ts`), stored by the checkpoint store.
 */
export interface CarriedPass {
  /**
   * The run that began the pass (it read from the top); for a pass whose first checkpoint was saved by a version
   * that carried nothing, the first run that carried figures.
   */
  readonly firstRun: string;
  /** The runs of the pass so far, each of which stopped on its time budget and saved a checkpoint (at least 1). */
  readonly runs: number;
  /** Invalid records those runs found (each record is read by one run of a pass). */
  readonly invalid: number;
  /** Transitions DynamoDB refused for the credential's size in those runs. */
  readonly tooLarge: number;
}

/**
 * A checkpoint as a run stopped by its time budget saves it: the scan position and what the runs of its pass found
 * so far (docs/sweep.md, "Time budget and checkpoint").
 */
export interface SavedCheckpoint extends ScanCheckpoint {
  /** The pass's figures so far (`sweep/pass.ts`); absent in a checkpoint saved before they were carried (none carried). */
  readonly pass?: CarriedPass;
}

/** One page of a scan segment. */
export interface ScanPage {
  readonly segment: number;
  readonly items: readonly RawItem[];
  /** The key to resume this segment after this page; absent when the segment is finished. */
  readonly lastEvaluatedKey?: Readonly<Record<string, unknown>>;
}

/** Reads the credentials table page by page (memory does not grow with table size). */
export interface CredentialScanner {
  /**
   * Scans every segment in parallel, yielding pages as they arrive.
   * @param options.resumeFrom continue where an earlier, incomplete run stopped
   */
  scan(options: { readonly segments: number; readonly resumeFrom?: ScanCheckpoint }): AsyncIterable<ScanPage>;
}

/** One credential's planned transitions, applied as a single conditional write. */
export interface Transition {
  /** The credential as read: the write is conditional on exactly this state. */
  readonly credential: Credential;
  readonly actions: readonly Action[];
  /** Outbox events committed in the same write (empty in a run that notifies nobody). */
  readonly events: readonly OutboxEvent[];
  readonly runId: string;
  /** The run's `now` (epoch ms): written as `updatedAt`, `deletedAt`, flag times. */
  readonly now: number;
  /** For soft-deletions when purge is configured: `hygienePurgeAt` (epoch seconds). */
  readonly purgeAt?: number;
  /**
   * How many entries the credential's history (`hygieneHistory`) held when
   * read; the write appends to it and is conditional on that length. Default:
   * counted from `credential.raw` (a compacted credential no longer carries
   * its history, so the sweep passes the length it read).
   */
  readonly historyLength?: number;
}

/** The outcome of one transition write. */
export type TransitionResult = (
  | { readonly status: 'applied' }
  /** The item changed since it was read (condition failed): skipped, never retried. */
  | { readonly status: 'skipped-changed'; readonly changed: readonly string[] }
  /**
   * The write failed with `error` (after the SDK's retries), yet it may have
   * taken effect: an earlier attempt's response may have been lost, or it
   * ended in a transient error (a timeout, a reset connection, a server
   * error). The adapter judges that (the sweep cannot: it sees no AWS
   * error); a write that surely applied nothing rejects with its error
   * instead. docs/sweep.md, "Write failures".
   */
  | { readonly status: 'may-have-applied'; readonly error: unknown }
  /**
   * DynamoDB refused the write because it would take the item past its
   * 400 KB limit (`error`): nothing applied, and every later run's write
   * would be refused alike until someone shrinks the item. Reported on its
   * own, not as a failed write: it is the data, not the service, and does not
   * count toward `maxWriteFailures` (docs/sweep.md, "Write failures").
   */
  | { readonly status: 'too-large'; readonly error: unknown }
) & {
  /**
   * True when a writer that batches transitions could not settle this one in
   * its batch (a failed condition, a throttled statement, a failed call) and
   * wrote it in a request of its own: one request more than planned
   * (docs/data-model.md, "The transition write").
   */
  readonly writtenAlone?: boolean;
};

/** Applies transitions with conditional writes. */
export interface TransitionWriter {
  /**
   * Writes the transition: `applied`, `skipped-changed`, `may-have-applied`
   * for a failed write that may have taken effect, or `too-large` for one
   * DynamoDB refused for the item's size.
   * @throws the write's error when it failed and applied nothing
   */
  apply(transition: Transition): Promise<TransitionResult>;
  /**
   * How many transitions one request carries at most (a writer that batches
   * the transitions handed over together); default 1. The sweep keeps
   * `writeConcurrency` requests' worth of transitions in flight.
   */
  readonly transitionsPerRequest?: number;
  /**
   * Sends the transitions it holds for a fuller request now (a writer that
   * lets a partial batch wait). The sweep calls it when it has nothing more
   * to hand over for a while: at the end of its scan and of its deletions.
   */
  flush?(): void;
}

/**
 * A stored checkpoint as {@link CheckpointStore.load} found it: where to
 * resume (when it is readable) and which stored checkpoint it was, so the run
 * that completes the table clears exactly that one.
 */
export interface LoadedCheckpoint {
  /**
   * Where to resume, with the figures the pass carries; `undefined` when the stored checkpoint is unreadable
   * (ignored: the run starts from the top).
   */
  readonly resumeFrom: SavedCheckpoint | undefined;
  /**
   * The stored checkpoint exactly as read (opaque to the sweep): handed back
   * to {@link CheckpointStore.clear}, which removes the checkpoint only while
   * it is still this one.
   */
  readonly stored: unknown;
}

/**
 * Persists the scan position of an incomplete run, so the next run resumes
 * from it. Runs may overlap (the schedule, an operator's CLI sweep): a run
 * clears only the checkpoint it loaded, never one another run saved since.
 */
export interface CheckpointStore {
  /** The stored checkpoint, readable or not; `undefined` when none is stored (a load never creates one). */
  load(): Promise<LoadedCheckpoint | undefined>;
  /** Saves the scan position and the pass's figures, replacing whatever is stored. */
  save(checkpoint: SavedCheckpoint): Promise<void>;
  /**
   * Removes the stored checkpoint if it is still `loaded` (the same stored
   * text, the carried figures included); a newer one, or none, is left as it is.
   * @returns true when it removed it
   */
  clear(loaded: LoadedCheckpoint): Promise<boolean>;
}

/**
 * Keeps each enforce run's manifest of what it deleted (docs/data-model.md,
 * "Run manifests"). Writes only: readers are the CLI's (`runs list|show`).
 */
export interface RunManifestWriter {
  /** Writes one page (1-based) of the run's deletions. */
  writePage(runId: string, page: number, entries: readonly ManifestEntry[]): Promise<void>;
  /** Writes the run's header and lists the run in the run index. */
  writeHeader(header: RunManifestHeader): Promise<void>;
}

/**
 * The operator's one-time guard approvals (`pc-hygiene guard approve`,
 * docs/sweep.md "The blast-radius guard"): a sweep whose guard trips uses the
 * pending approval when its planned deletions are within it, consuming it in
 * one conditional write so that exactly one run can.
 */
export interface GuardApprovals {
  /**
   * Consumes the pending approval for `plannedDeletes` deletions, if there is
   * one that covers them and has not expired at `at` (wall clock, epoch ms).
   */
  consume(request: {
    readonly plannedDeletes: number;
    readonly runId: string;
    readonly at: number;
  }): Promise<ApprovalOutcome>;
}
