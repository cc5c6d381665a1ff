/**
 * The owner directory as `pc-hygiene plan` reports it: the orphan rule's
 * input, which decides whether `flag-orphan` and `delete-orphaned` are
 * counted (docs/cli-plan.md). A table is planned with its directory loaded
 * as the sweep loads it (`loadDirectoryState`); the summary then says, in the
 * sweep summary's words (`Owner directory: …`, docs/sweep.md), whether the
 * rule was applied or why nothing would be orphaned. A file is planned
 * without a directory: the summary says orphan actions are not counted.
 */
import type { DirectoryState } from '../../lambdas/hygiene/owner-directory';
import type { DirectorySummary } from '../../lambdas/hygiene/run-summary';
import { AFTER_NOW_TOLERANCE_MS, DAY_MS } from '../../lambdas/hygiene/time';
import { terminalText } from '../../lambdas/render/sanitize';

/**
 * The directory a plan applied the orphan rule with: `not-read` for a file
 * (no directory: the rule is off), else the run summary's
 * {@link DirectorySummary} shape with the table it was read from.
 */
export type PlanDirectory = { readonly status: 'not-read' } | (DirectorySummary & { readonly table: string });

/** A file's plan: no directory read, so the orphan rule is off. */
export const NO_DIRECTORY_READ: PlanDirectory = { status: 'not-read' };

/**
 * The directory of a table's plan, as the sweep summarizes its own
 * (`directorySummary`, lambdas/hygiene/sweep/summary.ts).
 * @param maxAgeDays the config's `directoryMaxAgeDays`
 */
export function planDirectory(table: string, state: DirectoryState, maxAgeDays: number): PlanDirectory {
  const { unusable, freshness, departed, readError } = state;
  return {
    table,
    status: unusable ?? 'used',
    ...(readError !== undefined && { error: readError }),
    ...(freshness?.asOf !== undefined && { asOf: freshness.asOf }),
    ...(freshness !== undefined && { owners: freshness.owners }),
    departed: departed.size,
    maxAgeDays,
  };
}

/** The summary's line on the directory: applied, why nothing would be orphaned, or (a file) not counted. */
export function planDirectoryLine(d: PlanDirectory): string {
  if (d.status === 'not-read') {
    return 'Owner directory: not read (a file is planned without one); flag-orphan and delete-orphaned are not counted';
  }
  const head = `Owner directory ${terminalText(d.table)}:`;
  const asOf = d.asOf !== undefined ? `as of ${terminalText(d.asOf)}` : 'never imported';
  switch (d.status) {
    case 'used':
      return `${head} ${asOf}, ${d.owners ?? 0} owner(s), ${d.departed} departed (orphan rule applied)`;
    case 'no-directory':
      return `${head} none loaded; nothing would be orphaned (load one with pc-hygiene owners import)`;
    case 'empty':
      return `${head} empty (${asOf}); nothing would be orphaned`;
    case 'unreadable':
      return `${head} UNREADABLE (${terminalText(d.error ?? 'unknown error')}); nothing would be orphaned`;
    case 'stale':
      return `${head} STALE (${asOf}, older than directoryMaxAgeDays ${d.maxAgeDays}); nothing would be orphaned - re-import it (owners import --as-of)`;
    case 'ahead':
      return `${head} AHEAD (${asOf}, more than ${AFTER_NOW_TOLERANCE_MS / DAY_MS} days after the plan's now: it may record departures not yet made at now); nothing would be orphaned`;
  }
}
