/**
 * A sample guard approval and a fleet that trips the guard (docs/sweep.md,
 * "The blast-radius guard"), for the unit, integration and fault tests of
 * `guard approve`, `plan` and the sweep: each case then states only the fields
 * it is about (its limit, its expiry, who approved it).
 */
import type { GuardApproval } from '../../lambdas/hygiene/guard';
import { formatInstant } from '../../lambdas/hygiene/time';
import { credential, days } from '../unit/support/credentials';

const HOUR = 3_600_000;

/**
 * The approval `approval-1` of `ops-alice` for up to 5 deletions ("expiry backlog (CHG-42)"), pending at `at`:
 * approved an hour before it and expiring an hour after it. `overrides` replace any field.
 */
export function sampleApproval(at: number, overrides: Partial<GuardApproval> = {}): GuardApproval {
  return {
    id: 'approval-1',
    by: 'ops-alice',
    reason: 'expiry backlog (CHG-42)',
    maxDeletes: 5,
    approvedAt: formatInstant(at - HOUR),
    expiresAt: formatInstant(at + HOUR),
    ...overrides,
  };
}

/**
 * 7 active credentials and 3 expired ones (`b-1`, `b-2`, `b-3`) at the sweep tests' `NOW`: 3 planned deletions of
 * 10 active credentials, over a `maxDeletePercent` of 10.
 */
export function guardTrippingFleet(): Record<string, unknown>[] {
  return [
    ...Array.from({ length: 7 }, (_, i) => credential(`a-${i}`)),
    ...['b-1', 'b-2', 'b-3'].map((id) => credential(id, { expiresTime: days(-1) })),
  ];
}
