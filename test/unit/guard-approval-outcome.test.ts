/**
 * `approvalOutcome`: the one rule deciding what a run whose guard tripped does
 * with the pending approval (docs/sweep.md, "The blast-radius guard"): used
 * when it has not expired (wall clock) and covers the planned deletions (at
 * most `maxDeletes`), else `expired` (first) or `not-enough`. The sweep's
 * consuming write and `pc-hygiene plan` both judge by it; its limits are the
 * condition's (`maxDeletes >= planned`, `expiresAt > at`, as canonical text).
 */
import { describe, expect, it } from 'vitest';
import { approvalOutcome } from '../../lambdas/hygiene/guard';
import { formatInstant } from '../../lambdas/hygiene/time';
import { sampleApproval } from '../support/guard-approval';

const AT = Date.parse('2026-12-01T10:00:00.000Z');

describe('approvalOutcome', () => {
  it('finds none when no approval is pending', () => {
    expect(approvalOutcome(undefined, 5, AT)).toEqual({ status: 'none' });
  });

  it('uses an approval that covers the planned deletions exactly ("at most maxDeletes")', () => {
    const pending = sampleApproval(AT, { maxDeletes: 20 });
    expect(approvalOutcome(pending, 20, AT)).toEqual({ status: 'used', approval: pending });
    expect(approvalOutcome(pending, 1, AT)).toEqual({ status: 'used', approval: pending });
  });

  it('finds one deletion more than it allows not enough', () => {
    const pending = sampleApproval(AT, { maxDeletes: 20 });
    expect(approvalOutcome(pending, 21, AT)).toEqual({ status: 'not-enough', approval: pending });
  });

  it('uses it up to the millisecond before it expires, and finds it expired at that instant', () => {
    const pending = sampleApproval(AT, { expiresAt: formatInstant(AT) });
    expect(approvalOutcome(pending, 5, AT - 1)).toEqual({ status: 'used', approval: pending });
    expect(approvalOutcome(pending, 5, AT)).toEqual({ status: 'expired', approval: pending });
    expect(approvalOutcome(pending, 5, AT + 1)).toEqual({ status: 'expired', approval: pending });
  });

  it('says expired before not enough when both hold', () => {
    const pending = sampleApproval(AT, { maxDeletes: 2, expiresAt: formatInstant(AT - 1) });
    expect(approvalOutcome(pending, 5, AT)).toEqual({ status: 'expired', approval: pending });
  });

  it('compares expiresAt as the stored text, as the consuming write does (a hand-edited zone is not read)', () => {
    // 11:00+02:00 is 09:00Z, before AT, but as text it sorts after "2026-12-01T10:00:00.000Z", as in DynamoDB.
    const pending = sampleApproval(AT, { expiresAt: '2026-12-01T11:00:00+02:00' });
    expect(approvalOutcome(pending, 5, AT).status).toBe('used');
  });
});
