/**
 * A run stopped by its time budget is continued by the next only when it
 * saved a checkpoint (docs/sweep.md, "Time budget and checkpoint"): an audit
 * run (the deployed audit sweep, `sweep --dry-run --time-budget`) keeps none,
 * so the next starts from the top again. Its text says so and what to raise,
 * never "the next run continues"; `RunIncomplete` (a time-budget stop that
 * left a checkpoint, as docs/deploy.md and the dashboard say) stays 0, and the
 * admin report still says the run was incomplete (subject, `warning`). An
 * enforce run that saved its checkpoint keeps saying the next run continues.
 */
import { describe, expect, it } from 'vitest';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { adminSubject, renderAdminReport } from '../../lambdas/render/admin-report';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { credential, NOW } from './support/credentials';
import { MemoryCheckpointStore, MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

const config = parseConfig({ scanSegments: 1 });

/** A run of `mode` over 9 healthy credentials whose budget is spent after the first page (3 items). */
async function stoppedRun(
  mode: 'audit' | 'enforce',
  checkpoints?: MemoryCheckpointStore,
): Promise<RunSummary> {
  const table = new MemoryTable(Array.from({ length: 9 }, (_, i) => credential(`c${i}-ok`)));
  return runSweep(
    {
      scanner: new MemoryScanner(table, 3),
      writer: new MemoryWriter(table),
      remainingMs: () => 0,
      clock: () => NOW,
      ...(checkpoints && { checkpoints }),
    },
    { config, now: NOW, runId: `run-${mode}`, mode },
  );
}

const incompleteMetric = (summary: RunSummary) =>
  sweepMetricValues(summary).find((m) => m.name === SWEEP_METRIC.incomplete)?.value;

describe('an incomplete run that saved no checkpoint', () => {
  it('audit: says the next run starts from the top again and what to raise, not that it continues', async () => {
    const checkpoints = new MemoryCheckpointStore();

    const summary = await stoppedRun('audit', checkpoints);

    expect(summary).toMatchObject({ status: 'incomplete', scanned: 3 });
    expect(summary).not.toHaveProperty('checkpoint');
    expect(checkpoints.calls).toEqual([]);
    const text = renderRunSummaryText(summary);
    expect(text).toMatch(
      /^ {2}INCOMPLETE \(stopped before the end of the table; audit keeps no checkpoint: the next run starts from the top again, so the rest is not read until the time budget or scanSegments is raised\) in /m,
    );
    expect(text).not.toContain('the next run continues');
  });

  it('audit: RunIncomplete stays 0 (no checkpoint was left); the admin report still says incomplete', async () => {
    const summary = await stoppedRun('audit');

    expect(incompleteMetric(summary)).toBe(0);
    expect(adminSubject(summary)).toMatch(/^\[audit\] Hygiene sweep \(incomplete\): /);
    const report = renderAdminReport(summary, snsLimits());
    expect(report.routing.severity).toBe('warning');
    expect(report.text).toContain('audit keeps no checkpoint: the next run starts from the top again');
  });

  it('enforce with its checkpoint saved: the next run continues, and RunIncomplete is 1', async () => {
    const checkpoints = new MemoryCheckpointStore();

    const summary = await stoppedRun('enforce', checkpoints);

    expect(summary.checkpoint).toMatchObject({ saved: true });
    const text = renderRunSummaryText(summary);
    expect(text).toMatch(
      /^ {2}INCOMPLETE \(stopped before the end of the table; the next run continues\) in /m,
    );
    expect(text).toContain('Checkpoint: saved (the next run continues from it)');
    expect(incompleteMetric(summary)).toBe(1);
  });

  it('enforce without a checkpoint store says none was saved, and RunIncomplete is 0', async () => {
    const summary = await stoppedRun('enforce');

    expect(summary).toMatchObject({ status: 'incomplete' });
    expect(renderRunSummaryText(summary)).toContain(
      'INCOMPLETE (stopped before the end of the table; no checkpoint saved: the next run starts from the top again',
    );
    expect(incompleteMetric(summary)).toBe(0);
  });
});
