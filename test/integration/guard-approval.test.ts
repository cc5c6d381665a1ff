/**
 * The operator's guard approval through the worker, against DynamoDB Local
 * with the sweep's own adapters: honoured once, ignored when expired, and
 * consumed exactly once by two sweeps running at the same time.
 */
import { describe, expect, it } from 'vitest';
import { approvalStatus, recordApproval } from '../../cli/aws/guard-approval';
import { DynamoDbGuardApprovals } from '../../lambdas/aws/guard-approval-store';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { formatInstant } from '../../lambdas/hygiene/time';
import { guardTrippingFleet, sampleApproval } from '../support/guard-approval';
import { putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { exportTable, sweepDeps } from './support/sweep-deps';

// The fleet's 3 expired of 10 active credentials: over maxDeletePercent 10.
const config = parseConfig({ maxDeletePercent: 10, scanSegments: 2 });
const WALL = Date.parse('2026-12-01T10:00:00.000Z');
/** Pending at {@link WALL}, for exactly the 3 planned deletions. */
const APPROVAL = sampleApproval(WALL, { maxDeletes: 3 });

describe('guard approval (DynamoDB Local)', () => {
  const table = useTestTable('guard-approval', 'each', guardTrippingFleet);
  const sweep = (runId: string) =>
    runSweep(
      {
        ...sweepDeps(table),
        manifest: new DynamoDbRunManifestWriter(table.client, table.tableName),
        approvals: new DynamoDbGuardApprovals(table.client, table.tableName),
        clock: () => WALL,
      },
      { config, now: NOW, runId, mode: 'enforce' },
    );
  const deletedIds = async () =>
    (await exportTable(table)).filter((i) => i.deletedAt !== undefined).map((i) => i.id);

  it('is honoured once: the run that uses it deletes and reports it; the next trip is held again', async () => {
    await recordApproval(table.client, table.tableName, APPROVAL);
    const first = await sweep('run-a');
    expect(first.guard).toMatchObject({
      tripped: true,
      overridden: true,
      deletionsAllowed: true,
      approval: { ...APPROVAL, status: 'used' },
    });
    expect(first.deletions.applied).toBe(3);
    expect(await approvalStatus(table.client, table.tableName)).toEqual({
      lastUsed: { approval: APPROVAL, runId: 'run-a', usedAt: formatInstant(WALL), plannedDeletes: 3 },
    });

    // New expired credentials trip the guard again: the spent approval allows nothing.
    await putItems(table.client, table.tableName, [
      credential('c-1', { expiresTime: days(-2) }),
      credential('c-2', { expiresTime: days(-2) }),
    ]);
    const second = await sweep('run-b');
    expect(second.guard.tripped).toBe(true);
    expect(second.guard.deletionsAllowed).toBe(false);
    expect(second.guard.approval).toBeUndefined();
    expect(second.deletions.blockedByGuard).toBe(2);
  });

  it('an expired approval is ignored, reported, and left as it is', async () => {
    const stale = { ...APPROVAL, expiresAt: formatInstant(WALL - 1) };
    await recordApproval(table.client, table.tableName, stale);
    const summary = await sweep('run-x');
    expect(summary.guard).toMatchObject({
      overridden: false,
      approval: { status: 'expired', id: 'approval-1' },
    });
    expect(summary.deletions.blockedByGuard).toBe(3);
    expect(await deletedIds()).toEqual([]);
    expect((await approvalStatus(table.client, table.tableName)).pending).toEqual(stale);
  });

  it('two sweeps at once: exactly one uses the approval and deletes; the other is held by the guard', async () => {
    await recordApproval(table.client, table.tableName, APPROVAL);
    const summaries = await Promise.all([sweep('run-1'), sweep('run-2')]);
    const used = summaries.filter((s) => s.guard.approval?.status === 'used');
    expect(used).toHaveLength(1);
    const other = summaries.find((s) => s !== used[0]);
    // Held by the guard (or, had it read the table after the first run's deletions, with nothing to delete).
    expect(other?.guard.approval?.status).not.toBe('used');
    expect(other?.deletions.applied).toBe(0);
    expect(used[0]?.deletions.applied).toBe(3);
    expect((await deletedIds()).sort()).toEqual(['b-1', 'b-2', 'b-3']);
    expect((await approvalStatus(table.client, table.tableName)).lastUsed?.runId).toBe(used[0]?.runId);
  });

  it('audit mode never consumes an approval', async () => {
    await recordApproval(table.client, table.tableName, APPROVAL);
    const summary = await runSweep(
      {
        ...sweepDeps(table),
        approvals: new DynamoDbGuardApprovals(table.client, table.tableName),
        clock: () => WALL,
      },
      { config, now: NOW, runId: 'run-audit', mode: 'audit' },
    );
    expect(summary.guard.deletionsAllowed).toBe(false);
    expect((await approvalStatus(table.client, table.tableName)).pending).toEqual(APPROVAL);
  });
});
