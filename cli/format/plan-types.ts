/**
 * Shared shapes of `pc-hygiene plan` output: one planned input line, its status, the counts (with how a tripped
 * table's plan looked at the pending guard approval), and a formatter.
 */
import type { GuardStatus } from '../../lambdas/hygiene/guard';
import type { RecordPlan } from '../../lambdas/hygiene/policy';
import type { PlanDirectory } from './plan-directory';

/** The plan of one non-blank input line. */
export interface PlannedLine {
  /** Physical 1-based line number in the input file. */
  readonly lineNumber: number;
  readonly plan: RecordPlan;
}

/** What a record amounts to: invalid, already soft-deleted, has actions, or needs nothing. */
export type RecordStatus = 'invalid' | 'deleted' | 'action' | 'ok';

/** The status of one record plan. */
export function recordStatus(plan: RecordPlan): RecordStatus {
  if (plan.problems.length > 0) return 'invalid';
  if (plan.deleted) return 'deleted';
  return plan.actions.length > 0 ? 'action' : 'ok';
}

/** What every formatter is told about the run. */
export interface PlanContext {
  /** The run's instant (epoch ms). */
  readonly now: number;
  /** The input file as given on the command line. */
  readonly input: string;
  /** The config file (or the deployed stack's config), or `undefined` for the defaults. */
  readonly configPath: string | undefined;
}

/** Why a plan's prediction of what a sweep does with the pending approval may not hold: said wherever it is. */
export const APPROVAL_PREDICTION =
  'a prediction: an approval may be used, replaced or recorded before the sweep runs';

/**
 * How a tripped table's plan looked at the pending guard approval (JSON `summary.approvalCheck`): read, and judged
 * at `at` (the plan's wall clock, as a sweep judges it at its own, not at `--now`), or not read and why.
 */
export type PlanApprovalCheck =
  | { readonly status: 'read'; readonly at: string; readonly note: typeof APPROVAL_PREDICTION }
  | { readonly status: 'unreadable'; readonly error: string };

/** Per-action and per-status counts of a plan. */
export interface PlanCounts {
  readonly records: number;
  readonly valid: number;
  readonly invalid: number;
  readonly alreadyDeleted: number;
  readonly noAction: number;
  readonly withActions: number;
  /** Count per action type, every type present (0 when none). */
  readonly actions: Readonly<Record<string, number>>;
  /** `notify-expiry` count per stage (days), most distant stage first. */
  readonly expiryStages: readonly { readonly stageDays: number; readonly count: number }[];
  /** Planned soft-deletions: every deletion action (`delete-expired`, `delete-stale` and `delete-orphaned`). */
  readonly deletions: number;
  /** The owner directory the orphan rule was applied with, or why not (a file: `not-read`). */
  readonly directory?: PlanDirectory;
  /**
   * A table's plan: the blast-radius guard's verdict on these deletions, as a
   * sweep of the same table with the same config would judge them; when it
   * trips, with the pending approval that sweep would try (`approval`,
   * `overridden`, `deletionsAllowed`, as the sweep summary's `guard`).
   */
  readonly guard?: GuardStatus;
  /** A tripped table's plan: how the pending approval was looked at (read when, or why not). */
  readonly approvalCheck?: PlanApprovalCheck;
}

/**
 * Renders a plan as text, piece by piece, so output can be streamed:
 * `start`, then `record` once per input line in order, then `end`.
 * Each returns the exact text to write (possibly empty).
 */
export interface PlanFormatter {
  start(context: PlanContext): string;
  record(line: PlannedLine, context: PlanContext): string;
  end(counts: PlanCounts, context: PlanContext): string;
}
