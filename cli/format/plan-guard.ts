/**
 * The guard as `pc-hygiene plan` reports it for a table (docs/cli-plan.md):
 * its verdict on the planned deletions and, when it trips, what the next
 * sweep that acts would do with the pending `guard approve` approval — used
 * (the deletions made) or not (expired, too small, none: held) — decided by
 * the sweep's own rule (`approvalOutcome`) and reported in the sweep
 * summary's shape (`withApproval`). It is a prediction: the approval may be
 * used, replaced or recorded before that sweep runs, and the output says so.
 * An approval that could not be read is said, with why; the plan stands.
 */
import {
  approvalOutcome,
  type GuardApproval,
  type GuardApprovalUse,
  type GuardStatus,
  withApproval,
} from '../../lambdas/hygiene/guard';
import { operatorText } from '../../lambdas/hygiene/operator-identity';
import { formatInstant } from '../../lambdas/hygiene/time';
import { terminalText } from '../../lambdas/render/sanitize';
import { guardVerdictLine } from './deletion-listing';
import { APPROVAL_PREDICTION, type PlanApprovalCheck } from './plan-types';

/** What a tripped table's plan read of the pending approval: the approval (absent: none pending), or why not. */
export type PendingApprovalRead =
  | { readonly read: true; readonly pending?: GuardApproval }
  | { readonly read: false; readonly error: string };

/** The guard's verdict with the pending approval a sweep would try, and how it was looked at. */
export interface PlanGuard {
  /** As a sweep summary's `guard` would be: with `approval`, `overridden`, `deletionsAllowed` as `withApproval` gives them. */
  readonly guard: GuardStatus;
  readonly approvalCheck: PlanApprovalCheck;
}

/**
 * A tripped guard's verdict with what a sweep would do with the pending
 * approval at `at` (epoch ms, wall clock): the sweep's rule
 * ({@link approvalOutcome}) applied to what was read; an unread approval
 * leaves the verdict as it was.
 */
export function planGuard(guard: GuardStatus, read: PendingApprovalRead, at: number): PlanGuard {
  if (!read.read) return { guard, approvalCheck: { status: 'unreadable', error: read.error } };
  return {
    guard: withApproval(guard, approvalOutcome(read.pending, guard.plannedDeletes, at)),
    approvalCheck: { status: 'read', at: formatInstant(at), note: APPROVAL_PREDICTION },
  };
}

/**
 * The summary's lines on the guard: its verdict and, when the plan looked at
 * the pending approval, what a sweep would do with it (made safe for a
 * terminal: the approval's text is stored text).
 */
export function planGuardLines(guard: GuardStatus, check: PlanApprovalCheck | undefined): string[] {
  if (check === undefined || !guard.tripped) return [guardVerdictLine(guard)];
  const why = guard.reasons.join('; ');
  if (check.status === 'unreadable') {
    return [
      `guard: TRIPPED, no deletion would be made without an approval (${why})`,
      terminalText(`guard approval: not read: ${check.error}`),
    ];
  }
  const verdict = guard.deletionsAllowed
    ? `guard: TRIPPED, but the pending approval would allow the deletions (${why})`
    : guardVerdictLine(guard);
  const approval = approvalText(guard.approval, guard.plannedDeletes);
  return [verdict, terminalText(`guard approval: ${approval} (judged at ${check.at}; ${check.note})`)];
}

/** What a sweep would do with the approval it considered (none pending: `undefined`). */
function approvalText(a: GuardApprovalUse | undefined, plannedDeletes: number): string {
  if (a === undefined) return 'none pending: deletions held';
  const by = `the pending approval of ${operatorText(a)}`;
  switch (a.status) {
    case 'used':
      return `${by} (up to ${a.maxDeletes}, expires ${a.expiresAt}; ${a.reason}) would be used: the next sweep that acts would delete`;
    case 'expired':
      return `${by} (up to ${a.maxDeletes}) is expired (at ${a.expiresAt}): deletions held`;
    case 'not-enough':
      return `${by} (up to ${a.maxDeletes}, expires ${a.expiresAt}) is too small for ${plannedDeletes} planned deletions: deletions held`;
  }
}
