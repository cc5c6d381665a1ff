/**
 * What the admins read of a run that aborted or used an approval (lambdas/render/run-summary-text.ts,
 * lambdas/render/admin-report.ts; docs/sweep.md, "Write failures", "The blast-radius guard"): an aborted run's
 * summary carries why (`abortReason`, the `SweepAbortedError`'s message) and its text says it, escaped; a run whose
 * guard tripped says in its subject how many of the approved deletions were made, and deferred, and that it
 * aborted; a spent approval with deletions deferred says they need a new one. Real sweeps over in-memory ports.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep, SweepAbortedError } from '../../lambdas/hygiene/sweep';
import { adminSubject } from '../../lambdas/render/admin-report';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** A run aborted by failed writes whose last error's message carries a line break and an escape. */
async function abortedSummary(): Promise<RunSummary> {
  const table = new MemoryTable(
    Array.from({ length: 12 }, (_, i) =>
      credential(`c-${String(i).padStart(2, '0')}`, { expiresTime: days(5) }),
    ),
  );
  const writer = new MemoryWriter(table, {
    beforeWrite: () => {
      throw new Error('AccessDeniedException: denied\nALL CLEAR\x1b[0m');
    },
  });
  const config = parseConfig({ mode: 'enforce', scanSegments: 1, writeConcurrency: 1 });
  const error = await runSweep(
    { clock: Date.now, scanner: new MemoryScanner(table), writer },
    { config, now: NOW, runId: 'run-1', mode: 'enforce', maxWriteFailures: 10 },
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SweepAbortedError);
  return (error as SweepAbortedError).summary;
}

/** A complete enforce run with its guard tripped and overridden by a used approval, deletions as given. */
async function overriddenSummary(deletions: { applied: number; deferred: number }): Promise<RunSummary> {
  const table = new MemoryTable([credential('x-1')]);
  const summary = await runSweep(
    { clock: Date.now, scanner: new MemoryScanner(table), writer: new MemoryWriter(table) },
    { config: parseConfig({}), now: NOW, runId: 'run-1', mode: 'enforce' },
  );
  const approval = {
    id: 'a',
    by: 'op',
    reason: 'r',
    maxDeletes: 9,
    approvedAt: days(-1),
    expiresAt: days(1),
  };
  return {
    ...summary,
    guard: {
      ...summary.guard,
      tripped: true,
      overridden: true,
      plannedDeletes: 7,
      approval: { ...approval, status: 'used' },
    },
    deletions: { ...summary.deletions, expired: 7, ...deletions },
  };
}

describe('an aborted run, as the admins read it', () => {
  it('carries why it aborted in its summary, and its text says it escaped', async () => {
    const summary = await abortedSummary();

    expect(summary.status).toBe('aborted');
    expect(summary.abortReason).toMatch(/^11 writes failed \(more than maxWriteFailures 10\)/);
    const statusLine = renderRunSummaryText(summary)
      .split('\n')
      .find((line) => line.startsWith('  ABORTED'));
    expect(statusLine).toMatch(
      /^ {2}ABORTED: 11 writes failed .*denied\\x0aALL CLEAR\\x1b\[0m.*\(no further writes, no checkpoint\) in /,
    );
  });

  it('says ABORTED in the subject of a run whose guard tripped', async () => {
    const summary = { ...(await abortedSummary()) };
    const tripped = { ...summary, guard: { ...summary.guard, tripped: true, plannedDeletes: 3 } };

    expect(adminSubject(tripped)).toBe('Hygiene GUARD TRIPPED ABORTED: 3 deletions planned, none made');
  });
});

describe('a run that used an approval, as the admins read it', () => {
  it('says how many of the approved deletions were made', async () => {
    expect(adminSubject(await overriddenSummary({ applied: 7, deferred: 0 }))).toBe(
      'Hygiene GUARD TRIPPED: 7 deletions allowed by override, 7 made',
    );
  });

  it('says how many its time budget deferred, and that they need a new approval', async () => {
    const summary = await overriddenSummary({ applied: 2, deferred: 5 });

    expect(adminSubject(summary)).toBe(
      'Hygiene GUARD TRIPPED: 7 deletions allowed by override, 2 made, 5 deferred',
    );
    expect(renderRunSummaryText(summary)).toContain(
      '  the approval this run used is spent: the 5 deferred deletions need a new approval if a later run trips ' +
        'the guard (docs/sweep.md, "The blast-radius guard")\n',
    );
  });
});
