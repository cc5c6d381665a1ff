/**
 * The deletions the run planned and what became of them, and the guard's verdict on them: ok, tripped but
 * overridden (by whom), or an approval not used (why).
 */
import type { GuardApprovalUse, GuardStatus } from '../../hygiene/guard';
import { operatorText } from '../../hygiene/operator-identity';
import type { RunSummary } from '../../hygiene/run-summary';
import { terminalText } from '../sanitize';

/** The deletions planned and what became of them, and the guard's verdict. */
export function deletionLines(summary: RunSummary): string[] {
  const audit = summary.mode === 'audit';
  const d = summary.deletions;
  const outcomes = [
    `${d.applied} ${audit ? 'would be made' : 'made'}`,
    ...(d.blockedByGuard > 0 ? [`${d.blockedByGuard} blocked by the guard`] : []),
    ...(d.deferred > 0 ? [`${d.deferred} deferred (time budget; planned again by a later run)`] : []),
    ...(d.skippedChanged > 0 ? [`${d.skippedChanged} skipped (changed since read)`] : []),
  ];
  const orphaned = d.orphaned > 0 ? ` + ${d.orphaned} orphaned` : '';
  const lines = [
    `Deletions: ${d.expired} expired + ${d.stale} stale${orphaned} planned; ${outcomes.join(', ')}`,
  ];
  const guard = summary.guard;
  if (guard.approval?.status === 'used' && d.deferred > 0) {
    lines.push(
      `  the approval this run used is spent: the ${d.deferred} deferred deletions need a new approval ` +
        'if a later run trips the guard (docs/sweep.md, "The blast-radius guard")',
    );
  }
  // An approval's fields (who, why, when) are stored text: escaped, so none can drive a terminal or add a line.
  if (guard.overridden) {
    lines.push(
      terminalText(`  guard tripped but overridden by ${overrideText(guard)}: ${guard.reasons.join('; ')}`),
    );
  } else if (guard.approval) {
    lines.push(terminalText(`  guard approval not used (${unusedApprovalText(guard.approval)})`));
  } else if (!guard.tripped) {
    lines.push(
      `  guard ok: ${guard.plannedDeletes} of at most ${guard.maxDeletesPerRun} per run and ` +
        `${guard.maxDeletePercent}% of ${guard.activeValid} active valid credentials`,
    );
  }
  return lines;
}

/** Who overrode a tripped guard: the operator's recorded approval, or the CLI's own flag. */
function overrideText(guard: GuardStatus): string {
  const a = guard.approval;
  if (a?.status !== 'used') return 'the operator (--allow-mass-delete)';
  return `the approval of ${operatorText(a)} (up to ${a.maxDeletes}, approved ${a.approvedAt}): ${a.reason}`;
}

/** Why a pending approval did not override the guard. */
function unusedApprovalText(a: GuardApprovalUse): string {
  const why = a.status === 'expired' ? `expired at ${a.expiresAt}` : `allows up to ${a.maxDeletes} deletions`;
  return `by ${operatorText(a)}: ${why}`;
}
