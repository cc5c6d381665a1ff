/**
 * `pc-hygiene sweep`'s exit codes and flag parsing (docs/sweep.md, "Exit codes (`pc-hygiene sweep`)"), from real run
 * summaries of the pure sweep over in-memory ports: 0 complete or guard overridden, 3 guard tripped, 4 out of time,
 * 1 for failed writes first; an operator run whose admin summary was not published exits 1 only when nothing more
 * specific applies (cli/commands/sweep.ts). `--segments` takes 1 to 64, `--time-budget` seconds.
 */
import { describe, expect, it } from 'vitest';
import { operatorExitCode, parseTimeBudget } from '../../cli/commands/sweep';
import { EXIT_CODE } from '../../cli/exit-codes';
import { parseSegments } from '../../cli/options/scan-segments';
import { UsageError } from '../../cli/usage-error';
import { sweepExitCode } from '../../cli/use-cases/sweep-table';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { credential, days, NOW } from '../unit/support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from '../unit/support/memory-ports';

async function summary(maxDeletesPerRun: number, allowMassDelete = false): Promise<RunSummary> {
  const table = new MemoryTable([credential('a-1', { expiresTime: days(-1) }), credential('a-2')]);
  return runSweep(
    { clock: Date.now, scanner: new MemoryScanner(table), writer: new MemoryWriter(table) },
    {
      config: parseConfig({ maxDeletesPerRun, maxDeletePercent: 100 }),
      now: NOW,
      runId: 'r',
      mode: 'enforce',
      allowMassDelete,
    },
  );
}

describe('sweep exit codes', () => {
  it('is 0 for a complete run, 3 when the guard blocked deletions, 0 when overridden', async () => {
    expect(sweepExitCode(await summary(10))).toBe(EXIT_CODE.complete);
    expect(sweepExitCode(await summary(0))).toBe(EXIT_CODE.guardTripped);
    expect(sweepExitCode(await summary(0, true))).toBe(EXIT_CODE.complete);
  });

  it('is 4 for an incomplete run and 1 when writes failed (failure first)', async () => {
    const complete = await summary(10);
    expect(sweepExitCode({ ...complete, status: 'incomplete' })).toBe(EXIT_CODE.incomplete);
    const failed = { count: 1, records: [{ id: 'a-1', error: 'InternalServerError: x' }], omitted: 0 };
    expect(sweepExitCode({ ...(await summary(0)), status: 'incomplete', failed })).toBe(EXIT_CODE.failure);
  });
});

describe('sweep exit codes when the admins were not told (admin run summary not published)', () => {
  it('is 1 for an otherwise complete run, and keeps a more specific code the run already has', async () => {
    const complete = await summary(10);
    expect(operatorExitCode(complete, true)).toBe(EXIT_CODE.complete);
    expect(operatorExitCode(complete, false)).toBe(EXIT_CODE.failure);
    expect(operatorExitCode(await summary(0), false)).toBe(EXIT_CODE.guardTripped);
    expect(operatorExitCode({ ...complete, status: 'incomplete' }, false)).toBe(EXIT_CODE.incomplete);
  });
});

describe('sweep flags', () => {
  it('accepts 1 to 64 segments', () => {
    expect(parseSegments(undefined)).toBeUndefined();
    expect(parseSegments('1')).toBe(1);
    expect(parseSegments('64')).toBe(64);
    for (const bad of ['0', '65', '2.5', 'four', '', '-1'])
      expect(() => parseSegments(bad)).toThrow(UsageError);
  });

  it('reads the time budget in seconds', () => {
    expect(parseTimeBudget('1.5')).toBe(1500);
    for (const bad of ['0', '-3', 'soon', '', '86401'])
      expect(() => parseTimeBudget(bad)).toThrow(UsageError);
  });
});
