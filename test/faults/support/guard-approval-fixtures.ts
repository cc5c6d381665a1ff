/**
 * What the `guard approve` fault tests share (guard-approve-lost-response,
 * guard-approve-item-changed): a sample approval, the test that tells approve's
 * write (an `UpdateItem`) from its read, and the command run in process against
 * a test table as an operator runs it.
 */
import { registerGuardCommand } from '../../../cli/commands/guard';
import type { GuardApproval } from '../../../lambdas/hygiene/guard';
import { runInProcess } from '../../support/in-process-cli';
import { tableFlags } from '../../support/run-cli';
import type { TestTable } from '../../support/test-table';

/** An approval of up to 5 deletions with the id `id`, by `by`, approved 6 December 2026, expiring far ahead. */
export function sampleApproval(id: string, by = 'ops-alice'): GuardApproval {
  return {
    id,
    by,
    reason: 'expiry backlog (CHG-42)',
    maxDeletes: 5,
    approvedAt: '2026-12-06T00:00:00.000Z',
    expiresAt: '2099-12-07T00:00:00.000Z',
  };
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
