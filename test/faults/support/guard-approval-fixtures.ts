/**
 * What the `guard approve` fault tests share (guard-approve-lost-response,
 * guard-approve-item-changed): their approvals (the shared sample of
 * test/support/guard-approval.ts, by id and approver), the test that tells approve's
 * write (an `UpdateItem`) from its read, and the command run in process against
 * a test table as an operator runs it.
 */
import { registerGuardCommand } from '../../../cli/commands/guard';
import type { GuardApproval } from '../../../lambdas/hygiene/guard';
import { sampleApproval } from '../../support/guard-approval';
import { runInProcess } from '../../support/in-process-cli';
import { tableFlags } from '../../support/run-cli';
import type { TestTable } from '../../support/test-table';

/**
 * The sample approval (up to 5 deletions) with the id `id`, by `by`: approved at 00:00 on 6 December 2026, an
 * hour before these tests' sweeps consume it, and expiring far ahead.
 */
export function approvalOf(id: string, by = 'ops-alice'): GuardApproval {
  return sampleApproval(Date.parse('2026-12-06T01:00:00.000Z'), {
    id,
    by,
    expiresAt: '2099-12-07T00:00:00.000Z',
  });
}

/** Whether a DynamoDB request is an update (approve's write, a sweep's consume), not a read. */
export const isUpdate = (input: Readonly<Record<string, unknown>>) => 'UpdateExpression' in input;

/** `pc-hygiene guard approve --max-deletes 5 --reason REASON --by ops-alice [extra…]` against `table`, in process. */
export function runGuardApprove(table: TestTable, reason: string, ...extra: string[]) {
  return runInProcess(registerGuardCommand, [
    'guard',
    'approve',
    '--max-deletes',
    '5',
    '--reason',
    reason,
    '--by',
    'ops-alice',
    ...extra,
    ...tableFlags(table),
  ]);
}
