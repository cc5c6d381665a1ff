/**
 * A transition DynamoDB refuses for the credential's size (`too-large`,
 * docs/sweep.md "Write failures"; docs/data-model.md "Item size"): its own
 * outcome, listed in the run summary and the admins' report and counted in
 * `TransitionsTooLarge`, never a failed write: eleven of them, one more than
 * `maxWriteFailures`, do not abort the run. Real sweeps over in-memory ports;
 * the DynamoDB writer's answer is test/integration/item-size-room.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { type AdminReportDocument, renderAdminReport } from '../../lambdas/render/admin-report';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** DynamoDB's refusal, as the SDK throws it. */
const refusal = Object.assign(new Error('Item size to update has exceeded the maximum allowed size'), {
  name: 'ValidationException',
});

/** An enforce sweep of `expired` expired credentials and one healthy, the writer refusing `refused` ids for size. */
async function sweep(expired: number, refused: (id: string) => boolean): Promise<RunSummary> {
  const items = [
    ...Array.from({ length: expired }, (_, i) => credential(`big-${i}`, { expiresTime: days(-1) })),
    credential('small-1', { expiresTime: days(5) }),
  ];
  const table = new MemoryTable(items);
  const memory = new MemoryWriter(table);
  const writer = {
    apply: (t: Parameters<MemoryWriter['apply']>[0]) =>
      refused(t.credential.id)
        ? Promise.resolve({ status: 'too-large' as const, error: refusal })
        : memory.apply(t),
  };
  return runSweep(
    { scanner: new MemoryScanner(table), writer, clock: () => NOW },
    { config: parseConfig({ maxDeletePercent: 100 }), now: NOW, runId: 'run-big', mode: 'enforce' },
  );
}

const metric = (summary: RunSummary, name: string) =>
  sweepMetricValues(summary).find((m) => m.name === name)?.value;

describe('a transition refused for the credential’s size', () => {
  it('is listed as too large, not failed: eleven do not abort the run, the rest is written', async () => {
    const summary = await sweep(11, (id) => id.startsWith('big-'));

    expect(summary.status).toBe('complete');
    expect(summary.failed.count).toBe(0);
    expect(summary.tooLarge?.count).toBe(11);
    expect(summary.tooLarge?.records.map((r) => r.id).sort()).toEqual(
      Array.from({ length: 11 }, (_, i) => `big-${i}`).sort(),
    );
    expect(summary.tooLarge?.records[0]?.error).toBe(
      'ValidationException: Item size to update has exceeded the maximum allowed size',
    );
    expect(summary.applied['notify-expiry']).toBe(1);
    expect(summary.deletions.applied).toBe(0);
    expect(metric(summary, SWEEP_METRIC.tooLarge)).toBe(11);
    expect(metric(summary, SWEEP_METRIC.writeFailures)).toBe(0);
  });

  it('is named in the run summary text and the admins’ report, at warning, the subject counting it', async () => {
    const summary = await sweep(2, (id) => id === 'big-1');

    const text = renderRunSummaryText(summary);
    expect(text).toContain('Too large to update (DynamoDB refused the write: 400 KB item limit;');
    expect(text).toContain('  big-1: ValidationException: Item size to update has exceeded');
    const report = renderAdminReport(summary, snsLimits());
    expect(report.subject).toBe('Hygiene sweep: 1 deleted, 0 flagged stale, 1 expiry notice, 1 too large');
    expect(report.routing.severity).toBe('warning');
    expect((report.document as AdminReportDocument).summary.tooLarge?.records).toHaveLength(1);
    expect(report.text).toContain('  big-1: ValidationException');
  });

  it('is left out of a run that had none (the summary as before)', async () => {
    const summary = await sweep(1, () => false);

    expect(summary).not.toHaveProperty('tooLarge');
    expect(metric(summary, SWEEP_METRIC.tooLarge)).toBe(0);
    expect(renderAdminReport(summary, snsLimits()).routing.severity).toBe('info');
  });

  it('is emptied with the other record lists when the report is cut to fit, its count kept', async () => {
    const summary = await sweep(3, (id) => id.startsWith('big-'));

    const report = renderAdminReport(summary, snsLimits(1_000));
    const document = report.document as AdminReportDocument;
    expect(document.truncated).toBe(true);
    expect(document.summary.tooLarge).toEqual({ count: 3, records: [], omitted: 3 });
  });
});
