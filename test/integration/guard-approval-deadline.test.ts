/**
 * The operator's guard approval and the run's time budget (docs/sweep.md, "The blast-radius guard"): a run whose
 * time for deletions has already run out when its guard trips makes none of them, so it leaves the approval pending
 * for the next run, which uses it and makes them; a run whose time runs out part-way through the deletions it
 * used the approval for has spent it, and the deletions it deferred need a new approval. Against DynamoDB Local:
 * the real scanner, writer, manifest and approval store.
 */
import { describe, expect, it } from 'vitest';
import { approvalStatus, recordApproval } from '../../cli/aws/guard-approval';
import { DynamoDbGuardApprovals } from '../../lambdas/aws/guard-approval-store';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep, type SweepDeps } from '../../lambdas/hygiene/sweep';
import { guardTrippingFleet, sampleApproval } from '../support/guard-approval';
import { type TestTable, useTestTable } from '../support/test-table';
import { NOW } from '../unit/support/credentials';
import { exportTable, sweepDeps } from './support/sweep-deps';

/** One segment, one write at a time: the deletions are made one after the other. */
const config = parseConfig({ scanSegments: 1, writeConcurrency: 1 });
/** The run's reserve: deletions stop starting under half of it. */
const MARGIN_MS = 30_000;

/** The ids soft-deleted in `table`, sorted. */
async function deleted(table: TestTable): Promise<string[]> {
  const items = await exportTable(table);
  return items
    .filter((i) => i.deletedAt !== undefined)
    .map((i) => String(i.id))
    .sort();
}

/**
 * The sweep's adapters over `table`, with the approval store and a manifest; `remainingMs` gives the time left
 * (none: no deadline).
 */
function deps(table: TestTable, remainingMs?: () => number): SweepDeps {
  return {
    ...sweepDeps(table, 100),
    manifest: new DynamoDbRunManifestWriter(table.client, table.tableName),
    approvals: new DynamoDbGuardApprovals(table.client, table.tableName),
    clock: () => NOW,
    ...(remainingMs !== undefined && { remainingMs }),
  };
}

function sweep(sweepDeps: SweepDeps, runId: string) {
  return runSweep(sweepDeps, { config, now: NOW, runId, mode: 'enforce', deadlineMarginMs: MARGIN_MS });
}

describe('a guard approval and the time budget (DynamoDB Local)', () => {
  const table = useTestTable('approval-deadline', 'each', guardTrippingFleet);

  it('is left pending by a run whose time for deletions ran out before its guard tripped', async () => {
    await recordApproval(table.client, table.tableName, sampleApproval(NOW, { maxDeletes: 3 }));
    let scanned = false;
    // Time for the scan (one page), then under half the reserve: no deletion can start.
    const late = deps(table, () => (scanned ? 1_000 : 600_000));
    const out = await sweep({ ...late, onProgress: (p) => (scanned ||= p.phase === 'scan') }, 'run-late');

    expect(out.guard).toMatchObject({ tripped: true, overridden: false, deletionsAllowed: false });
    expect(out.guard.approval).toBeUndefined();
    expect(out.deletions).toMatchObject({ applied: 0, blockedByGuard: 3, deferred: 0 });
    expect(await deleted(table)).toEqual([]);
    const status = await approvalStatus(table.client, table.tableName);
    expect(status.pending).toMatchObject({ id: 'approval-1' });
    expect(status.lastUsed).toBeUndefined();

    // The next run, with time, uses it and makes the deletions.
    const next = await sweep(deps(table), 'run-next');
    expect(next.guard).toMatchObject({ overridden: true, approval: { status: 'used', id: 'approval-1' } });
    expect(next.deletions.applied).toBe(3);
    expect(await deleted(table)).toEqual(['b-1', 'b-2', 'b-3']);
  });

  it('is spent by a run whose time ran out part-way: the deferred deletions need a new approval', async () => {
    await recordApproval(table.client, table.tableName, sampleApproval(NOW, { maxDeletes: 3 }));
    let deletionsStarted = 0;
    // Time for the scan and for one deletion, then under half the reserve.
    const remainingMs = () => (deletionsStarted > 1 ? 1_000 : 600_000);
    const base = deps(table, remainingMs);
    const out = await sweep(
      {
        ...base,
        writer: {
          apply: (transition) => {
            deletionsStarted += 1;
            return base.writer.apply(transition);
          },
        },
      },
      'run-part',
    );

    expect(out.guard).toMatchObject({ overridden: true, approval: { status: 'used', id: 'approval-1' } });
    expect(out.deletions).toMatchObject({ applied: 2, deferred: 1 });
    expect((await approvalStatus(table.client, table.tableName)).pending).toBeUndefined();

    const next = await sweep(deps(table), 'run-after');
    expect(next.guard).toMatchObject({ tripped: true, overridden: false });
    expect(next.guard.approval).toBeUndefined();
    expect(next.deletions).toMatchObject({ applied: 0, blockedByGuard: 1 });
  });
});
