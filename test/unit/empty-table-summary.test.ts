/**
 * A sweep that read a whole table and found nothing says so in its text (the
 * admin summary's body and the CLI's): expected before the first import, and
 * otherwise the sign that the deployment reads another table than the one
 * holding the credentials (an `existingTableName` given once with `-c`: the
 * next deploy put a new, empty table in its place; docs/deploy.md, "Upgrading
 * a deployment"), while every run completes and nothing alarms. Not said for a
 * table with items, nor for a resumed run whose remaining part was empty.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { EMPTY_TABLE_LINE, renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { NOW, oneOfEachRule } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

async function sweepOver(table: MemoryTable) {
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    { config: parseConfig({ maxDeletePercent: 100 }), now: NOW, runId: 'empty-test', mode: 'enforce' },
  );
}

describe('the run summary of an empty table', () => {
  it('says the table holds no items, and where to look', async () => {
    const text = renderRunSummaryText(await sweepOver(new MemoryTable([])));

    expect(text).toContain('Scanned 0 items');
    expect(text).toContain(EMPTY_TABLE_LINE);
    expect(EMPTY_TABLE_LINE).toContain('docs/deploy.md, "Upgrading a deployment"');
  });

  it('says nothing of it for a table with items', async () => {
    expect(renderRunSummaryText(await sweepOver(new MemoryTable(oneOfEachRule())))).not.toContain(
      EMPTY_TABLE_LINE,
    );
  });

  it('says nothing of it for a resumed run that found its remaining part empty', async () => {
    const summary = await sweepOver(new MemoryTable([]));
    const resumed: RunSummary = {
      ...summary,
      checkpoint: { resumed: true, saved: false, cleared: true, segments: 1, segmentsDone: 1 },
    };

    expect(renderRunSummaryText(resumed)).not.toContain(EMPTY_TABLE_LINE);
  });
});
