/**
 * The owner directory as `pc-hygiene plan` reports it: the orphan rule's
 * input, which decides whether `flag-orphan` and `delete-orphaned` are
 * counted (docs/cli-plan.md). A table is planned with its directory loaded
 * as the sweep loads it (`loadDirectoryState`); the summary then says, as the
 * sweep summary does (`directorySummary`, `directoryLine` in the plan's
 * voice: `Owner directory TABLE: …`, docs/sweep.md), whether the rule was
 * applied or why nothing would be orphaned. A file is planned without a
 * directory: the summary says orphan actions are not counted.
 */
import type { DirectoryState } from '../../lambdas/hygiene/owner-directory';
import type { DirectorySummary } from '../../lambdas/hygiene/run-summary';
import { directorySummary } from '../../lambdas/hygiene/sweep/summary';
import { directoryLine } from '../../lambdas/render/run-summary-text';

/**
 * The directory a plan applied the orphan rule with: `not-read` for a file
 * (no directory: the rule is off), else the run summary's
 * {@link DirectorySummary} shape with the table it was read from.
 */
export type PlanDirectory = { readonly status: 'not-read' } | (DirectorySummary & { readonly table: string });

/** A file's plan: no directory read, so the orphan rule is off. */
export const NO_DIRECTORY_READ: PlanDirectory = { status: 'not-read' };

/**
 * The directory of a table's plan, as the sweep summarizes its own ({@link directorySummary}).
 * @param maxAgeDays the config's `directoryMaxAgeDays`
 */
export function planDirectory(table: string, state: DirectoryState, maxAgeDays: number): PlanDirectory {
  return { table, ...directorySummary(state, maxAgeDays) };
}

/** The summary's line on the directory: applied, why nothing would be orphaned, or (a file) not counted. */
export function planDirectoryLine(d: PlanDirectory): string {
  if (d.status === 'not-read') {
    return 'Owner directory: not read (a file is planned without one); flag-orphan and delete-orphaned are not counted';
  }
  return directoryLine(d, { verb: 'would be', now: "the plan's now", table: d.table });
}
