/** Shared shapes of `pc-hygiene plan` output: one planned input line, its status, and a formatter. */
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
   * sweep of the same table with the same config would judge them.
   */
  readonly guard?: GuardStatus;
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
