/**
 * `guard approve` whose write applied and whose response was lost, so the SDK
 * sent it again (cli/aws/guard-approval.ts): the approval is one-time, so the
 * retry never makes an approval a tripped sweep used in between pending again
 * (a second run would use it), and the command says how its own write left
 * the item — pending (what it replaced not known), or already used by the run
 * the item names — never that it replaced itself. Against DynamoDB Local,
 * with the sweep's own consuming adapter.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { approvalStatus, recordApproval } from '../../cli/aws/guard-approval';
import { DynamoDbGuardApprovals } from '../../lambdas/aws/guard-approval-store';
import { createTestTable, type TestTable } from '../support/test-table';
import { approvalOf, isUpdate, runGuardApprove } from './support/guard-approval-fixtures';
import { armLostResponse, loseFirstResponseAfter } from './support/lost-response-between';

vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  const { hookArmedClient } = await import('./support/lost-response-between');
  return hookDocumentClients(await importOriginal(), hookArmedClient);
});

const USED_AT = '2026-12-06T01:00:00.000Z';
const approval = (id: string) => approvalOf(id);

describe('guard approve, its write retried after a lost response', () => {
  let table: TestTable;
  /** A second client, as a sweep's: no fault injected. */
  let sweepTable: TestTable;
  let approvals: DynamoDbGuardApprovals;
  const consume = (runId: string, at: string) =>
    approvals.consume({ plannedDeletes: 3, runId, at: Date.parse(at) });

  beforeAll(async () => {
    sweepTable = await createTestTable(undefined, 'guard-approve-lost');
  });
  afterAll(async () => sweepTable.drop());
  beforeEach(async () => {
    table = await createTestTable(undefined, 'guard-approve-lost');
    approvals = new DynamoDbGuardApprovals(sweepTable.client, table.tableName);
    return () => table.drop();
  });

  it('a tripped sweep used it before the retry: not pending again, the next trip finds none', async () => {
    const used: string[] = [];
    const counts = loseFirstResponseAfter(table.client, {
      matches: isUpdate,
      between: async () => {
        used.push((await consume('run-1', USED_AT)).status);
      },
    });

    const recorded = await recordApproval(table.client, table.tableName, approval('a1'));
    const next = await consume('run-2', '2026-12-06T02:00:00.000Z');

    expect(counts.lost).toBe(1);
    expect(used).toEqual(['used']);
    expect(next.status).toBe('none');
    expect(recorded).toEqual({ usedBy: { runId: 'run-1', usedAt: USED_AT, plannedDeletes: 3 } });
    expect(await approvalStatus(table.client, table.tableName)).toEqual({
      lastUsed: { approval: approval('a1'), runId: 'run-1', usedAt: USED_AT, plannedDeletes: 3 },
    });
  });

  it('nothing in between: recorded pending, not "replaced" by itself', async () => {
    const counts = loseFirstResponseAfter(table.client, { matches: isUpdate });

    const recorded = await recordApproval(table.client, table.tableName, approval('a1'));

    expect(counts.lost).toBe(1);
    expect(recorded).toEqual({ replacedUnknown: true });
    expect(await approvalStatus(table.client, table.tableName)).toEqual({ pending: approval('a1') });
  });

  it('the command says it was already used by that run (text and JSON), exit 0', async () => {
    const approve = (...format: string[]) => runGuardApprove(table, 'expiry backlog (CHG-42)', ...format);
    // Each approval is used by a run of its own: a run consumes at most once (its consume refuses its own run id).
    const usedBetween = (runId: string) => ({
      matches: isUpdate,
      between: async () => void (await consume(runId, USED_AT)),
    });

    const lost = armLostResponse(usedBetween('run-1'));
    const text = await approve();
    expect(lost()?.lost).toBe(1);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('guard approval recorded: up to 5 deletions, by ops-alice');
    expect(text.stdout).toContain(`already used by run run-1 at ${USED_AT} for 3 planned deletions`);
    expect(text.stdout).not.toContain('replaced');

    const lostJson = armLostResponse(usedBetween('run-2'));
    const json = await approve('--format', 'json');
    expect(lostJson()?.lost).toBe(1);
    expect(json.exitCode).toBe(0);
    const out = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ usedBy: { runId: 'run-2', usedAt: USED_AT, plannedDeletes: 3 } });
    expect(out).not.toHaveProperty('replaced');
  });

  it('the command, nothing in between: pending, no "replaced" of itself', async () => {
    const lost = armLostResponse({ matches: isUpdate });
    const text = await runGuardApprove(table, 'r');

    expect(lost()?.lost).toBe(1);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).not.toContain('replaced the pending approval');
    expect(text.stdout).toContain('whether it replaced another pending approval is not known');
  });
});
