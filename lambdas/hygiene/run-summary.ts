/**
 * The structured summary of one sweep run (docs/sweep.md, "The run summary"). Pure.
 * Its renderings (JSON, text for a terminal and the admin report) are in
 * `lambdas/render/run-summary-text.ts`.
 */
import type { Mode } from './config';
import { EVENT_TYPES, type EventType, shortenedName } from './events';
import type { GuardStatus } from './guard';
import {
  type DirectoryUnusableReason,
  type OwnerDeliveryRoute,
  UNREACHABLE_REASONS,
  type UnreachableReason,
} from './owner-directory';
import { ACTION_TYPES, type ActionType } from './policy';

/** How many records a summary lists per category; the rest are only counted (`omitted`). */
export const SUMMARY_RECORD_LIMIT = 1000;

/**
 * An id or owner as a summary's record names it: cut to 256 characters,
 * ending "…" when cut, as an event's names are (`shortenedName`). A stored
 * value is any size (an invalid record's `userId`, or a file `plan` reads),
 * and a summary goes whole into one log entry (256 KB) and one admin message.
 */
export function summaryId(text: string): string;
export function summaryId(text: string | null): string | null;
export function summaryId(text: string | null): string | null {
  return text === null ? null : shortenedName(text);
}

/** A count and the first {@link SUMMARY_RECORD_LIMIT} records it counts. */
export interface CappedList<T> {
  readonly count: number;
  readonly records: readonly T[];
  /** Records counted but not listed (`count - records.length`). */
  readonly omitted: number;
}

/** Counts per action type (every type present, zero when none). */
export type ActionCounts = Readonly<Record<ActionType, number>>;

/** Counts per owner event type (every type present, zero when none). */
export type EventCounts = Readonly<Record<EventType, number>>;

/** An invalid record: never acted on, reported with what is wrong. */
export interface InvalidRecord {
  /** The record's id ({@link summaryId}: cut to 256 characters), or `null` when it has no usable id. */
  readonly id: string | null;
  /** Its `userId` ({@link summaryId}), or `null`. */
  readonly userId: string | null;
  /** `field: message` lines. */
  readonly problems: readonly string[];
}

/** A transition skipped because the item changed between read and write. */
export interface SkippedRecord {
  readonly id: string;
  /** Condition fields whose value differs, or `deletedAt` / `(item gone)`. */
  readonly changed: readonly string[];
}

/** A transition whose write failed with an error other than a failed condition. */
export interface FailedRecord {
  readonly id: string;
  /** Error name and message. */
  readonly error: string;
}

/**
 * A transition DynamoDB refused because it would take the credential past the
 * 400 KB item limit: never written, refused alike every run until the item
 * shrinks (docs/data-model.md, "Item size"). Not a failed write: it does not
 * count toward `maxWriteFailures`.
 */
export interface TooLargeRecord {
  readonly id: string;
  /** DynamoDB's refusal, name and message. */
  readonly error: string;
}

/**
 * An active credential whose last activity (`lastUsedAt`, else `createdAt`) is more than
 * `AFTER_NOW_TOLERANCE_MS` after the run's `now`: a bad clock at the source or a bad import. The stale rule cannot
 * judge it until `now` catches up (docs/rules.md, "Last activity"); nothing is decided on it, it is only reported.
 */
export interface FutureActivityRecord {
  /** The credential's id ({@link summaryId}). */
  readonly id: string;
  /** Its last activity, canonical UTC. */
  readonly lastActivity: string;
}

/** What happened to the run's planned deletions. */
export interface DeletionOutcome {
  /** Planned soft-deletions of expired credentials. */
  readonly expired: number;
  /** Planned soft-deletions of stale credentials. */
  readonly stale: number;
  /** Planned soft-deletions of orphaned credentials (owner departed, grace over). */
  readonly orphaned: number;
  /** Written (enforce) or that would have been written (audit). */
  readonly applied: number;
  /** Not made because the guard tripped (and was not overridden). */
  readonly blockedByGuard: number;
  /** Not started because the time budget ran out (planned again by a later run). */
  readonly deferred: number;
  /** Skipped because the credential changed after it was read (renewed, used, deleted). */
  readonly skippedChanged: number;
}

/** Owner events this run queued (enforce) or would have queued (audit). */
export interface EventSummary {
  /** True when the events were committed to the outbox for the notifier to publish. */
  readonly queued: boolean;
  readonly total: number;
  readonly perType: EventCounts;
  /** Distinct owners with at least one event. */
  readonly owners: number;
  /** Events per owner, most first (capped at {@link SUMMARY_RECORD_LIMIT} owners). */
  readonly perOwner: readonly { readonly userId: string; readonly events: number }[];
  readonly ownersOmitted: number;
}

/**
 * The owner directory as the run judged it for the orphan rule (docs/rules.md,
 * "Orphaned credentials"): `used`, or why nothing was orphaned this run.
 */
export interface DirectorySummary {
  readonly status: 'used' | DirectoryUnusableReason | 'unreadable';
  /** `unreadable`: why the directory could not be read. */
  readonly error?: string;
  /** The snapshot instant of the last import (`owners import --as-of`), when known. */
  readonly asOf?: string;
  /** Owners in the directory, when known. */
  readonly owners?: number;
  /** Owners marked departed (read only when the directory is used). */
  readonly departed: number;
  /** `directoryMaxAgeDays`: how old a snapshot may be. */
  readonly maxAgeDays: number;
}

/** How many unreachable owners a run summary names (the rest are only counted). */
export const REACH_SAMPLE_LIMIT = 100;

/** One owner the run's reach check found unreachable. */
export interface UnreachableOwnerSample {
  readonly userId: string;
  readonly reason: UnreachableReason;
}

/** Unreachable owners per reason (every reason present, zero when none). */
export type ReasonCounts = Readonly<Record<UnreachableReason, number>>;

/**
 * Why a run could not check its owners' reach: `no-directory` (none
 * configured), `never-imported` (configured, but the table is missing or was
 * never imported), `unreadable` (reading it failed), `time-budget` (the run's
 * time ran out before the first lookup).
 */
export type ReachUnverifiedReason = 'no-directory' | 'never-imported' | 'unreadable' | 'time-budget';

/**
 * Whether the owners who got events this run can be reached on the configured
 * route (docs/sweep.md, "Owner reach"): the sweep's forecast of what the
 * notifier will find, so the admin run summary says how many owners would get
 * nothing. `unverified`: no usable directory to ask, every owner counts as
 * reachable (`because` says why).
 */
export interface ReachSummary {
  readonly status: 'verified' | 'unverified';
  /** `unverified`: why the owners could not be looked up. */
  readonly because?: ReachUnverifiedReason;
  /** `because: 'unreadable'`: the error. */
  readonly error?: string;
  /** `ownerDelivery`: the route judged. */
  readonly route: OwnerDeliveryRoute;
  /** Owners with at least one owner event this run that were looked up (0 when unverified). */
  readonly ownersChecked: number;
  /** Owners with events not looked up because the run's time budget ran out (absent when none). */
  readonly ownersUnchecked?: number;
  /** Of those, the owners the directory says cannot be reached (0 when unverified). */
  readonly unreachableOwners: number;
  readonly byReason: ReasonCounts;
  /** The first {@link REACH_SAMPLE_LIMIT} unreachable owners, by user id. */
  readonly sample: CappedList<UnreachableOwnerSample>;
}

/** The scan position bookkeeping of a run with a checkpoint store. */
export interface CheckpointSummary {
  /** The run continued where an earlier incomplete run stopped. */
  readonly resumed: boolean;
  /** The run stopped early and saved where to continue. */
  readonly saved: boolean;
  /**
   * The run finished the table and removed the checkpoint it loaded: the one
   * it resumed from, or an unreadable one it ignored (starting from the top).
   * False when another run had saved a newer checkpoint meanwhile (it stays).
   */
  readonly cleared: boolean;
  /** Present when the run found a stored checkpoint it could not read, ignored it and started from the top. */
  readonly ignoredUnreadable?: true;
  /** Scan segments used (a resumed run uses the checkpoint's count). */
  readonly segments: number;
  /** Segments finished when the run ended. */
  readonly segmentsDone: number;
}

/** The figures of a pass over the table that the per-record alarms read (`InvalidRecords`, `TransitionsTooLarge`). */
export interface PassFigures {
  /** Invalid records found. */
  readonly invalid: number;
  /** Transitions DynamoDB refused for the credential's size. */
  readonly tooLarge: number;
}

/**
 * A run that continued a pass over the table begun by earlier runs, each stopped by its time budget (the checkpoint
 * it resumed carried their figures: `sweep/pass.ts`; docs/sweep.md, "Time budget and checkpoint"). This run's own
 * figures stay where they always are (`invalid.count`, `tooLarge.count`); the earlier runs listed their own records.
 */
export interface PassSummary {
  /** The run that began the pass ({@link summaryId}). */
  readonly firstRun: string;
  /** Runs of the pass before this one. */
  readonly earlierRuns: number;
  /** What the earlier runs found (carried in the checkpoint). */
  readonly earlier: PassFigures;
  /** The pass so far: the earlier runs' and this run's, what the run's `InvalidRecords` and `TransitionsTooLarge` emit. */
  readonly soFar: PassFigures;
}

/** What the run's manifest became, for the run summary. */
export interface ManifestSummary {
  /** Pages written. */
  readonly pages: number;
  /** Deletions recorded. */
  readonly entries: number;
  /** Set when a page or the header could not be written (the deletions stand; their history has them too). */
  readonly failed?: string;
}

/** How a sweep run ended (docs/sweep.md, "The run summary"); the run manifest's header uses the same words. */
export type RunStatus = 'complete' | 'incomplete' | 'aborted';

/** The summary of one sweep run. */
export interface RunSummary {
  readonly runId: string;
  readonly mode: Mode;
  /** The run's decision instant (UTC ISO). */
  readonly now: string;
  /** Wall-clock start (UTC ISO). */
  readonly startedAt: string;
  readonly durationMs: number;
  /**
   * `incomplete`: stopped before the end of the table (time budget); a later
   * enforce run continues from its checkpoint (an audit run keeps none).
   * `aborted`: stopped by more than `maxWriteFailures` failed writes, or by an
   * error of the run's own after it wrote (the summary `SweepAbortedError`
   * carries; {@link abortReason} says which): no further writes, no
   * checkpoint saved or cleared.
   */
  readonly status: RunStatus;
  /**
   * Why an `aborted` run stopped: the `SweepAbortedError`'s message (the failed writes' count and last error, or the
   * run's own error after it wrote). Absent for any other status. Optional: the document's version stays.
   */
  readonly abortReason?: string;
  /** True when owner events were part of the writes (enforce, notifying owners). */
  readonly notifyOwners: boolean;
  /** Items read (the worker's reserved items excluded). */
  readonly scanned: number;
  readonly valid: number;
  readonly invalid: CappedList<InvalidRecord>;
  /** Valid items already soft-deleted: ignored. */
  readonly alreadyDeleted: number;
  /** Valid, not soft-deleted credentials (the guard's base). */
  readonly activeValid: number;
  /** Active credentials that are exempt (never flagged or deleted). */
  readonly exempt: number;
  /** Active credentials that needed nothing. */
  readonly unchanged: number;
  /**
   * Active credentials whose last activity is after the run's `now` by more than the clock tolerance
   * ({@link FutureActivityRecord}); present only when there were some. Optional: the admin document's version stays.
   */
  readonly futureActivity?: CappedList<FutureActivityRecord>;
  /** Actions decided, per type, before the guard. */
  readonly planned: ActionCounts;
  /** Actions written (enforce) or that would have been written (audit), per type. */
  readonly applied: ActionCounts;
  readonly deletions: DeletionOutcome;
  readonly skippedChanged: CappedList<SkippedRecord>;
  readonly failed: CappedList<FailedRecord>;
  /**
   * Transitions DynamoDB refused for the credential's size ({@link TooLargeRecord}); present only when there
   * were some. Optional: the admin document's version stays.
   */
  readonly tooLarge?: CappedList<TooLargeRecord>;
  /**
   * Transitions the batched writer could not settle in their batch and wrote
   * each in a request of its own (applied, or skipped as changed): each cost a
   * request more. A few are races; most of a run's changes means the batched
   * path fails as a whole (docs/sweep.md, "The run summary").
   */
  readonly transitionsWrittenAlone: number;
  readonly guard: GuardStatus;
  readonly events: EventSummary;
  /** The owner directory's state for the orphan rule. */
  readonly directory: DirectorySummary;
  /** Whether the owners with events this run can be reached (docs/sweep.md, "Owner reach"). */
  readonly reach: ReachSummary;
  readonly checkpoint?: CheckpointSummary;
  /**
   * Present when the run resumed a checkpoint that carried the figures of the earlier runs of its pass
   * ({@link PassSummary}). Optional: the admin document's version stays 1.
   */
  readonly pass?: PassSummary;
  /** The run's manifest of deletions (enforce with a manifest writer; docs/data-model.md, "Run manifests"). */
  readonly manifest?: ManifestSummary;
}

/** A zero count for every action type. */
export function emptyActionCounts(): Record<ActionType, number> {
  return Object.fromEntries(ACTION_TYPES.map((t) => [t, 0])) as Record<ActionType, number>;
}

/** A zero count for every event type. */
export function emptyEventCounts(): Record<EventType, number> {
  return Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
}

/** A zero count for every unreachable reason. */
export function emptyReasonCounts(): Record<UnreachableReason, number> {
  return Object.fromEntries(UNREACHABLE_REASONS.map((r) => [r, 0])) as Record<UnreachableReason, number>;
}

/** Collects records up to {@link SUMMARY_RECORD_LIMIT}, counting the rest. */
export class CappedCollector<T> {
  private readonly records: T[] = [];
  private total = 0;
  constructor(private readonly limit = SUMMARY_RECORD_LIMIT) {}

  add(record: T): void {
    this.total++;
    if (this.records.length < this.limit) this.records.push(record);
  }

  get count(): number {
    return this.total;
  }

  toList(): CappedList<T> {
    return { count: this.total, records: [...this.records], omitted: this.total - this.records.length };
  }
}

/**
 * True when an owner directory is configured but this run could not use it:
 * missing or never imported, empty, stale, ahead (a snapshot after the run's
 * `now`) or unreadable (the
 * `DirectoryUnusable` metric; docs/sweep.md, "Owner reach"). A deployment
 * without any directory is not "unusable": it has chosen to run without one.
 */
export function directoryUnusable(summary: RunSummary): boolean {
  const { reach, directory } = summary;
  if (reach.because === 'no-directory') return false;
  return directory.status !== 'used' || reach.because === 'unreadable';
}

/** True when the run needs an operator's attention beyond reading it (exit code, alarm). */
export function guardBlocked(summary: RunSummary): boolean {
  return summary.guard.tripped && !summary.guard.overridden;
}

/**
 * The figures the per-record alarms read for this run (`InvalidRecords`, `TransitionsTooLarge`): its pass's so far
 * when it continued a pass ({@link PassSummary}), else its own (it began the pass, or read the whole table).
 */
export function passFiguresOf(summary: RunSummary): PassFigures {
  return summary.pass?.soFar ?? { invalid: summary.invalid.count, tooLarge: summary.tooLarge?.count ?? 0 };
}
