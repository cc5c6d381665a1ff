import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { CappedCollector, guardBlocked } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { renderRunSummaryJson, renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { NOW, oneOfEachRule } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

async function sweep(mode: 'audit' | 'enforce', maxDeletePercent: number) {
  const table = new MemoryTable(oneOfEachRule());
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    { config: parseConfig({ maxDeletePercent }), now: NOW, runId: 'sweep-test', mode },
  );
}

describe('run summary renderers', () => {
  it('renders JSON that round-trips', async () => {
    const summary = await sweep('enforce', 100);

    expect(JSON.parse(renderRunSummaryJson(summary))).toEqual(summary);
  });

  it('renders a readable text with the action table and the invalid records', async () => {
    const text = renderRunSummaryText(await sweep('enforce', 100));

    expect(text).toContain('Sweep sweep-test');
    expect(text).toMatch(/^delete-expired\s+1\s+1$/m);
    expect(text).toContain('Deletions: 1 expired + 1 stale planned; 2 made');
    expect(text).toContain('i-invalid: expiresTime: "2026-12-01" is a date without a time');
    expect(text).not.toContain('GUARD TRIPPED');
  });

  it('says loudly when the guard tripped, and what audit would have done', async () => {
    const enforce = await sweep('enforce', 10);
    const audit = await sweep('audit', 10);

    expect(guardBlocked(enforce)).toBe(true);
    expect(renderRunSummaryText(enforce)).toContain('GUARD TRIPPED: 2 deletions planned, NONE made.');
    expect(renderRunSummaryText(audit)).toContain('NONE would be made');
    expect(renderRunSummaryText(audit)).toMatch(/^action\s+planned\s+would apply$/m);
  });

  it("aims the tripped guard's guard approve at the run's table, and fits its advice to a dry run", async () => {
    const enforce = renderRunSummaryText(await sweep('enforce', 10), {
      targetFlags: '--endpoint http://127.0.0.1:8000 --table T1',
    });
    const audit = renderRunSummaryText(await sweep('audit', 10));

    expect(enforce).toContain(
      '!! if the deletions are right, approve them: pc-hygiene guard approve --max-deletes 2 --reason "..." ' +
        '--endpoint http://127.0.0.1:8000 --table T1\n',
    );
    expect(enforce).toContain('Check the plan (sweep --dry-run);');
    // The default stack: the command as it is.
    expect(audit).toContain('pc-hygiene guard approve --max-deletes 2 --reason "..."\n');
    expect(audit).toContain('would still be applied. Check the deletions this dry run planned;');
    expect(audit).not.toContain('sweep --dry-run');
  });

  it('caps long record lists in text and counts the rest', async () => {
    const summary = await sweep('enforce', 100);
    const many = new CappedCollector<{ id: string; changed: string[] }>(3);
    for (let i = 0; i < 5; i++) many.add({ id: `x${i}`, changed: ['lastUsedAt'] });

    const text = renderRunSummaryText({ ...summary, skippedChanged: many.toList() }, { listLimit: 2 });

    expect(many.toList()).toMatchObject({ count: 5, omitted: 2 });
    expect(text).toContain('Skipped (changed since read): 5');
    expect(text).toContain('  x1: lastUsedAt');
    expect(text).not.toContain('  x2: lastUsedAt');
    expect(text).toContain('... 3 more (use --format json)');
  });
});
