/**
 * "See before acting" (docs/sweep.md, "Dry run"): the credentials a sweep
 * would delete — id, owner, rule, the dates the rule was judged on — with the
 * guard's verdict on each, as a table (after the run summary) or as the
 * `plannedDeletions` list beside the JSON summary's own `deletions` counts.
 * Stored text reaches the terminal only
 * through the listing helpers (`terminalText`).
 */
import type { GuardStatus } from '../../lambdas/hygiene/guard';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import type { PlannedDeletion } from '../../lambdas/hygiene/sweep';
import { jsonText } from '../../lambdas/render/json-text';
import { listingTable } from './listing';

/** What each verdict is called in the table. */
const VERDICT_TEXT: Readonly<Record<PlannedDeletion['verdict'], string>> = {
  allowed: 'would delete',
  'blocked-by-guard': 'BLOCKED by guard',
  deferred: 'deferred (time budget)',
};

/** One line on the guard: what it decides for the listed deletions. */
export function guardVerdictLine(guard: GuardStatus): string {
  if (!guard.tripped) {
    return `guard: passes (${guard.plannedDeletes} planned of ${guard.activeValid} active valid; limits ${guard.maxDeletesPerRun} deletions, ${guard.maxDeletePercent}%)`;
  }
  const why = guard.reasons.join('; ');
  return guard.overridden
    ? `guard: TRIPPED, overridden for this run (${why})`
    : `guard: TRIPPED, no deletion would be made (${why})`;
}

/** The deletions as text: a heading with the guard's verdict, then one aligned row per credential. */
export function renderDeletionListingText(deletions: readonly PlannedDeletion[], guard: GuardStatus): string {
  const heading = `Deletions planned: ${deletions.length}. ${guardVerdictLine(guard)}`;
  if (deletions.length === 0) return `\n${heading}\n`;
  const rows = deletions.map((d) => [
    d.id,
    d.userId,
    d.rule,
    VERDICT_TEXT[d.verdict],
    d.expiresTime,
    d.lastUsedAt ?? (d.rule === 'stale' ? `never (created ${d.createdAt ?? '?'})` : undefined),
    d.flaggedAt,
    d.deleteAfter,
  ]);
  // Headed in capitals, as every CLI table listing; the JSON's `plannedDeletions` keep the field names.
  const header = ['ID', 'OWNER', 'RULE', 'VERDICT', 'EXPIRES', 'LAST USED', 'FLAGGED', 'DELETE AFTER'];
  return `\n${heading}\n${listingTable(header, rows)}`;
}

/**
 * The JSON summary of a dry run: the run summary whole (its `deletions`
 * counts included) and every planned deletion with its verdict under
 * `plannedDeletions` (docs/sweep.md, "Dry run"); stored text through `jsonText`.
 */
export function renderDryRunJson(summary: RunSummary, deletions: readonly PlannedDeletion[]): string {
  return `${jsonText({ ...summary, plannedDeletions: deletions }, 2)}\n`;
}
