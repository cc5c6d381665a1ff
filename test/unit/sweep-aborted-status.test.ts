/**
 * A run aborted by too many failed writes (docs/sweep.md, "Write failures")
 * says so: its summary's status is `aborted`, like its manifest's header, and
 * every reader of the status — the text and admin renderings, the JSON, the
 * run metrics and the CLI's exit code — reads it as aborted, never as
 * incomplete (a time-budget stop that left a checkpoint) or complete.
 */
import { describe, expect, it } from 'vitest';
import { EXIT_CODE } from '../../cli/exit-codes';
import { sweepExitCode } from '../../cli/use-cases/sweep-table';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep, SweepAbortedError } from '../../lambdas/hygiene/sweep';
import { adminSubject, renderAdminReport } from '../../lambdas/render/admin-report';
import { renderRunSummaryJson, renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { credential, days, NOW } from './support/credentials';
import { MemoryCheckpointStore, MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

const config = parseConfig({ mode: 'enforce', scanSegments: 1, maxDeletePercent: 100 });

/** Expiry notices on 20 credentials whose every write fails; resumed from `checkpoints` when given. */
async function abortedRun(checkpoints?: MemoryCheckpointStore): Promise<SweepAbortedError> {
  const table = new MemoryTable(
    Array.from({ length: 20 }, (_, i) =>
      credential(`c-${String(i).padStart(2, '0')}`, { expiresTime: days(5) }),
    ),
  );
  const writer = new MemoryWriter(table, {
    beforeWrite: () => {
      throw new Error('AccessDeniedException: kms:Decrypt denied');
    },
  });
  const running = runSweep(
    { scanner: new MemoryScanner(table), writer, clock: () => NOW, ...(checkpoints && { checkpoints }) },
    { config, now: NOW, runId: 'run-aborted', mode: 'enforce', maxWriteFailures: 2 },
  );
  const error = await running.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SweepAbortedError))
    throw new Error(`expected SweepAbortedError, got ${String(error)}`);
  return error;
}

const metric = (summary: RunSummary, name: string) =>
  sweepMetricValues(summary).find((m) => m.name === name)?.value;

describe('the summary of an aborted sweep', () => {
  it('has status aborted, and the run neither saves nor clears the checkpoint it resumed from', async () => {
    const resumedFrom = { segments: 1, positions: [{ id: 'c-00' }] };
    const checkpoints = new MemoryCheckpointStore(resumedFrom);

    const { summary } = await abortedRun(checkpoints);

    expect(summary).toMatchObject({ status: 'aborted', failed: { count: 3 } });
    expect(summary).not.toHaveProperty('checkpoint');
    expect(checkpoints.calls).toEqual(['load']);
    expect(checkpoints.checkpoint).toEqual(resumedFrom);
  });

  it('reads as aborted in the text, the admin report and the JSON, never as incomplete or complete', async () => {
    const { summary } = await abortedRun();

    const text = renderRunSummaryText(summary);
    expect(text).toMatch(
      /^ {2}ABORTED: 3 writes failed \(more than maxWriteFailures 2\).* \(no further writes, no checkpoint\) in /m,
    );
    expect(text).not.toMatch(/INCOMPLETE|^ {2}complete/m);
    expect(adminSubject(summary)).toBe(
      'Hygiene sweep ABORTED: 0 deleted, 0 flagged stale, 0 expiry notices, 3 write failures',
    );
    const report = renderAdminReport(summary, snsLimits());
    expect(report.routing.severity).toBe('warning');
    expect(report.text).toContain('ABORTED');
    expect(JSON.parse(renderRunSummaryJson(summary))).toMatchObject({ status: 'aborted' });
  });

  it('counts in RunAborted, not in RunIncomplete (which means a checkpoint was left)', async () => {
    const { summary } = await abortedRun();

    expect(metric(summary, SWEEP_METRIC.aborted)).toBe(1);
    expect(metric(summary, SWEEP_METRIC.incomplete)).toBe(0);
    expect(metric(summary, SWEEP_METRIC.writeFailures)).toBe(3);
    // A time-budget stop that saved its checkpoint: incomplete, not aborted.
    const checkpoint = { resumed: false, saved: true, cleared: false, segments: 1, segmentsDone: 0 };
    const incomplete: RunSummary = { ...summary, status: 'incomplete', checkpoint };
    expect(metric(incomplete, SWEEP_METRIC.aborted)).toBe(0);
    expect(metric(incomplete, SWEEP_METRIC.incomplete)).toBe(1);
  });

  it('makes the CLI exit 1 (failure), whatever else the summary says', async () => {
    const { summary } = await abortedRun();
    const noFailureListed = { ...summary, failed: { count: 0, records: [], omitted: 0 } };

    expect(sweepExitCode(summary)).toBe(EXIT_CODE.failure);
    // The status alone decides: not 0 (complete) or 4 (incomplete) even without a failure counted.
    expect(sweepExitCode(noFailureListed)).toBe(EXIT_CODE.failure);
  });
});
