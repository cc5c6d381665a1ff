/**
 * The run summary as the CLI prints it (lambdas/render/run-summary-text.ts; docs/sweep.md, "The run summary", "The
 * blast-radius guard"), from real sweeps over in-memory ports: JSON that round-trips, readable text with the action
 * table and the invalid records; a tripped guard said loudly, its approval and dry-run advice aimed at the run's own
 * table (a dry run pointing at its listed deletions; the check under the run's plan settings), `--allow-mass-delete`
 * offered on a local table only; long record lists capped, the rest counted.
 */
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
    expect(renderRunSummaryText(audit)).toMatch(/^ACTION\s+PLANNED\s+WOULD APPLY$/m);
  });

  it("aims the tripped guard's advice at the run's table, and points a dry run's at its listed deletions", async () => {
    const enforce = renderRunSummaryText(await sweep('enforce', 10), {
      targetFlags: '--endpoint http://127.0.0.1:8000 --table T1',
    });
    const auditSweep = await sweep('audit', 10);
    const listed = renderRunSummaryText(auditSweep, { plannedDeletionsListed: true });
    const auditAlone = renderRunSummaryText(auditSweep, {
      targetFlags: '--stack S',
      approveFlags: '--enforce',
    });

    expect(enforce).toContain(
      '!! if the deletions are right, approve them: pc-hygiene guard approve --max-deletes 2 --reason "..." ' +
        '--endpoint http://127.0.0.1:8000 --table T1\n',
    );
    expect(enforce).toContain(
      'were still applied. Check the plan (pc-hygiene sweep --dry-run --endpoint http://127.0.0.1:8000 --table T1);',
    );
    // The default stack: the commands as they are; the CLI's dry run lists its deletions below the summary.
    expect(listed).toContain('pc-hygiene guard approve --max-deletes 2 --reason "..."\n');
    expect(listed).toContain(
      'would still be applied. Check the deletions this dry run planned (listed below);',
    );
    expect(listed).not.toContain('sweep --dry-run');
    // A summary alone (an audit deployment's run, without a list) points at a dry run, not at a list it lacks;
    // only guard approve carries the flags a write to an audit-mode deployment needs.
    expect(auditAlone).toContain(
      'would still be applied. Check the plan (pc-hygiene sweep --dry-run --stack S);',
    );
    expect(auditAlone).not.toContain('this dry run planned');
    expect(auditAlone).toContain(
      'pc-hygiene guard approve --max-deletes 2 --reason "..." --stack S --enforce\n',
    );
  });

  it("carries the run's plan settings (nowFlags, checkFlags) on the check's dry run, not on the guard approve", async () => {
    const text = renderRunSummaryText(await sweep('enforce', 10), {
      targetFlags: '--stack S',
      nowFlags: '--now 2026-06-01T12:00:00Z',
      checkFlags: "--config 'tight config.json'",
      approveFlags: '--enforce',
    });

    expect(text).toContain(
      "Check the plan (pc-hygiene sweep --dry-run --stack S --now 2026-06-01T12:00:00Z --config 'tight config.json');",
    );
    // An approval is a count and an expiry: guard approve takes neither --now nor --config (it would refuse them).
    expect(text).toContain(
      'approve them: pc-hygiene guard approve --max-deletes 2 --reason "..." --stack S --enforce\n',
    );
  });

  it('offers --allow-mass-delete after a tripped guard on a local table only', async () => {
    const summary = await sweep('enforce', 10);
    const offer = '!! (on this local table, a sweep with --allow-mass-delete also does it, for that run).\n';

    expect(
      renderRunSummaryText(summary, { targetFlags: '--endpoint URL --table T1', localTable: true }),
    ).toContain(offer);
    // In AWS (a stack, a table without --endpoint, the admins' report) the flag is refused: not offered.
    expect(renderRunSummaryText(summary, { targetFlags: '--stack S' })).not.toContain('--allow-mass-delete');
    expect(renderRunSummaryText(summary, { localTable: false })).not.toContain('--allow-mass-delete');
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
