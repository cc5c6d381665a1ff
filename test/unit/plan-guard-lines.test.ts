/**
 * `plan`'s guard lines (cli/format/plan-guard.ts): a tripped table's plan
 * says what a sweep would do with the pending approval, the approval's stored
 * text made safe for a terminal; an approval not read leaves the guard's
 * verdict as it was, and a guard that passes has its one line as before.
 */
import { describe, expect, it } from 'vitest';
import { planGuard, planGuardLines } from '../../cli/format/plan-guard';
import { evaluateGuard } from '../../lambdas/hygiene/guard';
import { sampleApproval } from '../support/guard-approval';

const AT = Date.parse('2026-12-06T15:00:00.000Z');
const LIMITS = { maxDeletesPerRun: 1, maxDeletePercent: 100 };
const tripped = evaluateGuard({ plannedDeletes: 3, activeValid: 10 }, LIMITS);

describe('planGuard and planGuardLines', () => {
  it("shows a covering approval's stored text with its control characters as visible escapes", () => {
    const { guard, approvalCheck } = planGuard(
      tripped,
      { read: true, pending: sampleApproval(AT, { by: 'ops\u001b[2Jalice', reason: 'ok\nguard: passes' }) },
      AT,
    );

    const lines = planGuardLines(guard, approvalCheck);

    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      'guard: TRIPPED, but the pending approval would allow the deletions (3 planned deletions exceed maxDeletesPerRun 1)',
    );
    expect(lines[1]).not.toContain('\u001b');
    expect(lines[1]).not.toContain('\n');
    expect(lines[1]).toContain(
      'would be used: the next sweep that acts would delete (judged at 2026-12-06T15:00:00.000Z;',
    );
  });

  it('leaves the verdict as the guard gave it when the approval was not read', () => {
    const { guard, approvalCheck } = planGuard(
      tripped,
      { read: false, error: 'AccessDeniedException: no' },
      AT,
    );

    expect(guard).toEqual(tripped);
    expect(approvalCheck).toEqual({ status: 'unreadable', error: 'AccessDeniedException: no' });
    expect(planGuardLines(guard, approvalCheck)[1]).toBe(
      'guard approval: not read: AccessDeniedException: no',
    );
  });

  it('has the one verdict line of a guard that passes', () => {
    const passes = evaluateGuard({ plannedDeletes: 1, activeValid: 10 }, LIMITS);
    expect(planGuardLines(passes, undefined)).toEqual([
      'guard: passes (1 planned of 10 active valid; limits 1 deletions, 100%)',
    ]);
  });
});
