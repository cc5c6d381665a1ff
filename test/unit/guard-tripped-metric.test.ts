/**
 * `GuardTripped` says the blast-radius guard **held back** a run's deletions (docs/deploy.md, "Runbook" table:
 * its alarm tells the on-call to approve once). A run whose tripped guard was overridden by an operator's approval
 * made its deletions: it emits 0, or the alarm would ask for a second approval the next over-limit run would use
 * without anyone deciding, and, staying in alarm, hide a later real trip. The admin run summary still says the
 * approval was used (docs/sweep.md, "The blast-radius guard").
 */
import { describe, expect, it } from 'vitest';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { ApprovalOutcome, GuardApproval } from '../../lambdas/hygiene/guard';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

const approval: GuardApproval = {
  id: 'approval-1',
  by: 'alice',
  reason: 'expiry backlog',
  maxDeletes: 10,
  approvedAt: days(-1),
  expiresAt: days(1),
};

/** An enforce sweep of three expired credentials with `maxDeletesPerRun: 0` (the guard trips), given `outcome`. */
async function overLimitRun(outcome: ApprovalOutcome): Promise<RunSummary> {
  const table = new MemoryTable(['x-0', 'x-1', 'x-2'].map((id) => credential(id, { expiresTime: days(-1) })));
  return runSweep(
    {
      scanner: new MemoryScanner(table),
      writer: new MemoryWriter(table),
      clock: () => NOW,
      approvals: { consume: async () => outcome },
    },
    {
      config: parseConfig({ mode: 'enforce', maxDeletesPerRun: 0 }),
      now: NOW,
      runId: 'run-1',
      mode: 'enforce',
    },
  );
}

const guardTripped = (summary: RunSummary) =>
  sweepMetricValues(summary).find((m) => m.name === SWEEP_METRIC.guardTripped)?.value;

describe('GuardTripped', () => {
  it('is 1 when the tripped guard held the deletions back', async () => {
    const summary = await overLimitRun({ status: 'none' });
    expect(summary.guard).toMatchObject({ tripped: true, overridden: false });
    expect(summary.deletions.applied).toBe(0);
    expect(guardTripped(summary)).toBe(1);
  });

  it('is 0 when an approval overrode the tripped guard and the deletions were made', async () => {
    const summary = await overLimitRun({ status: 'used', approval });
    expect(summary.guard).toMatchObject({ tripped: true, overridden: true, approval: { status: 'used' } });
    expect(summary.deletions.applied).toBe(3);
    expect(guardTripped(summary)).toBe(0);
  });

  it('is 1 when the pending approval was too small for the run (it changed nothing)', async () => {
    const summary = await overLimitRun({ status: 'not-enough', approval: { ...approval, maxDeletes: 2 } });
    expect(summary.guard).toMatchObject({ tripped: true, overridden: false });
    expect(guardTripped(summary)).toBe(1);
  });
});
