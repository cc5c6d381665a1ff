/**
 * A pass over the table spanning several runs (docs/sweep.md, "Time budget and checkpoint"): the checkpoint a run
 * stopped by its time budget saves carries the invalid records and too-large transitions of the pass so far
 * (`lambdas/hygiene/sweep/pass.ts`), and the run that resumes it reports both its own figures and the pass's, and
 * emits the pass's as `InvalidRecords` and `TransitionsTooLarge`, so the alarms do not clear while records an earlier
 * part found are still there. The carry itself (pure), then real sweeps over in-memory ports.
 */
import { describe, expect, it } from 'vitest';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { TransitionWriter } from '../../lambdas/hygiene/ports';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep, type SweepOptions } from '../../lambdas/hygiene/sweep';
import { carriedPassAfter, passSummary, readCarriedPass } from '../../lambdas/hygiene/sweep/pass';
import { renderRunSummaryText, runVerdict } from '../../lambdas/render/run-summary-text';
import { credential, days, NOW } from './support/credentials';
import { MemoryCheckpointStore, MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

describe('the carried figures of a pass (pure)', () => {
  it('reads an absent pass as nothing carried, and a well-formed one as it is', () => {
    expect(readCarriedPass(undefined)).toEqual({ ok: true, value: undefined });
    const pass = { firstRun: 'sweep-1', runs: 2, invalid: 3, tooLarge: 0 };
    expect(readCarriedPass({ ...pass, extra: true })).toEqual({ ok: true, value: pass });
  });

  it.each([
    [null, 'pass is not an object'],
    [[1], 'pass is not an object'],
    [{ firstRun: '', runs: 1, invalid: 0, tooLarge: 0 }, 'pass.firstRun "" is not a run id'],
    [{ runs: 1, invalid: 0, tooLarge: 0 }, 'pass.firstRun undefined is not a run id'],
    [{ firstRun: 'r', runs: 0, invalid: 0, tooLarge: 0 }, 'pass.runs 0 is not a whole number from 1'],
    [{ firstRun: 'r', runs: 1, invalid: -1, tooLarge: 0 }, 'pass.invalid -1 is not a whole number from 0'],
    [{ firstRun: 'r', runs: 1, invalid: 1.5, tooLarge: 0 }, 'pass.invalid 1.5 is not a whole number from 0'],
    [{ firstRun: 'r', runs: 1, invalid: 0, tooLarge: '2' }, 'pass.tooLarge "2" is not a whole number from 0'],
  ])('refuses %j, saying why', (value, reason) => {
    expect(readCarriedPass(value)).toEqual({ ok: false, reason });
  });

  it('a run that began the pass carries its own figures, a resumed one adds them to what it carried', () => {
    const first = carriedPassAfter(undefined, 'run-1', { invalid: 3, tooLarge: 1 });
    expect(first).toEqual({ firstRun: 'run-1', runs: 1, invalid: 3, tooLarge: 1 });
    expect(carriedPassAfter(first, 'run-2', { invalid: 2, tooLarge: 0 })).toEqual({
      firstRun: 'run-1',
      runs: 2,
      invalid: 5,
      tooLarge: 1,
    });
  });

  it('reports the earlier runs and the pass so far; nothing for a run that carried nothing', () => {
    expect(passSummary(undefined, { invalid: 4, tooLarge: 1 })).toBeUndefined();
    expect(
      passSummary({ firstRun: 'run-1', runs: 2, invalid: 3, tooLarge: 1 }, { invalid: 2, tooLarge: 0 }),
    ).toEqual({
      firstRun: 'run-1',
      earlierRuns: 2,
      earlier: { invalid: 3, tooLarge: 1 },
      soFar: { invalid: 5, tooLarge: 1 },
    });
  });
});

/** The value `summary` emits for `name`. */
const metric = (summary: RunSummary, name: string) =>
  sweepMetricValues(summary).find((m) => m.name === name)?.value;

/** One segment of pages of two, read in id order: `a-…` first. */
const config = parseConfig({ maxDeletePercent: 100, scanSegments: 1, writeConcurrency: 2 });

/** An invalid record (its expiry is no instant) read on the first page, then healthy credentials. */
function table(): MemoryTable {
  return new MemoryTable([
    { id: 'a-invalid', userId: 'user-a', expiresTime: '2026-12-01' },
    credential('a-too-large', { expiresTime: days(5) }),
    ...Array.from({ length: 8 }, (_, i) => credential(`h-${i}`, { expiresTime: days(400) })),
  ]);
}

/** A writer refusing `a-too-large`'s transition for its size, as DynamoDB does past 400 KB. */
function refusingWriter(memory: MemoryWriter): TransitionWriter {
  const error = Object.assign(new Error('Item size to update has exceeded the maximum allowed size'), {
    name: 'ValidationException',
  });
  return {
    apply: (t) =>
      t.credential.id === 'a-too-large'
        ? Promise.resolve({ status: 'too-large' as const, error })
        : memory.apply(t),
  };
}

/** An enforce sweep of `memory` at NOW; `pagesOfTime`: pages yielded before its time runs out (none: no budget). */
async function sweep(
  memory: MemoryTable,
  checkpoints: MemoryCheckpointStore,
  runId: string,
  pagesOfTime?: number,
  overrides: Partial<SweepOptions> = {},
): Promise<RunSummary> {
  const scanner = new MemoryScanner(memory, 2);
  const remainingMs =
    pagesOfTime === undefined ? undefined : () => (scanner.yielded.length <= pagesOfTime ? 100_000 : 8_000);
  return runSweep(
    {
      scanner,
      writer: refusingWriter(new MemoryWriter(memory)),
      checkpoints,
      clock: () => NOW,
      ...(remainingMs && { remainingMs }),
    },
    { config, now: NOW, runId, mode: 'enforce', deadlineMarginMs: 10_000, ...overrides },
  );
}

describe('a sweep resumed from a checkpoint', () => {
  it('emits the pass’s invalid records and too-large transitions, not only its own part’s', async () => {
    const memory = table();
    const checkpoints = new MemoryCheckpointStore();

    const first = await sweep(memory, checkpoints, 'run-1', 1);
    expect(first.status).toBe('incomplete');
    expect(first).toMatchObject({ invalid: { count: 1 }, tooLarge: { count: 1 } });
    expect(first).not.toHaveProperty('pass'); // it began the pass: its own figures are the pass's
    expect(checkpoints.checkpoint?.pass).toEqual({ firstRun: 'run-1', runs: 1, invalid: 1, tooLarge: 1 });

    const second = await sweep(memory, checkpoints, 'run-2');
    expect(second.status).toBe('complete');
    expect(second.checkpoint).toMatchObject({ resumed: true, cleared: true });
    expect(second.invalid.count).toBe(0);
    expect(second).not.toHaveProperty('tooLarge');
    expect(second.pass).toEqual({
      firstRun: 'run-1',
      earlierRuns: 1,
      earlier: { invalid: 1, tooLarge: 1 },
      soFar: { invalid: 1, tooLarge: 1 },
    });
    expect(metric(second, SWEEP_METRIC.invalid)).toBe(1);
    expect(metric(second, SWEEP_METRIC.tooLarge)).toBe(1);
    expect(checkpoints.stored).toBeUndefined(); // the text with the carried figures compared equal: cleared
  });

  it('says both figures in its text, the earlier runs’ as still counted and listed in their own summaries', async () => {
    const memory = table();
    const checkpoints = new MemoryCheckpointStore();
    await sweep(memory, checkpoints, 'run-1', 1);
    const second = await sweep(memory, checkpoints, 'run-2');

    expect(runVerdict(second).problems).toEqual([
      '1 invalid in earlier runs of this pass',
      '1 too large in earlier runs of this pass',
    ]);
    const text = renderRunSummaryText(second);
    expect(text).toContain(
      'Pass over the table: this run continued the pass run-1 began (1 earlier run); so far 1 invalid (this run 0), ' +
        '1 too large to update (this run 0)',
    );
    expect(text).toContain(
      "the earlier runs' 1 invalid and 1 too large are still counted (InvalidRecords, TransitionsTooLarge) until a " +
        'pass that finds none ends; each earlier run listed them in its own run summary (from run-1 on), not again here',
    );
    expect(text).not.toContain('a-invalid'); // not listed again
  });

  it('a pass that begins from the top after the record is fixed emits 0 again', async () => {
    const memory = table();
    const checkpoints = new MemoryCheckpointStore();
    await sweep(memory, checkpoints, 'run-1', 1);
    await sweep(memory, checkpoints, 'run-2');
    memory.items.set('a-invalid', credential('a-invalid', { expiresTime: days(400) }));
    memory.items.set('a-too-large', credential('a-too-large', { expiresTime: days(400) }));

    const third = await sweep(memory, checkpoints, 'run-3');

    expect(third.checkpoint).toMatchObject({ resumed: false });
    expect(third).not.toHaveProperty('pass');
    expect(metric(third, SWEEP_METRIC.invalid)).toBe(0);
    expect(metric(third, SWEEP_METRIC.tooLarge)).toBe(0);
  });

  it('adds its own to what it carried when it stops early too, and a third part ends the pass', async () => {
    const memory = table();
    memory.items.set('c-invalid', { id: 'c-invalid', userId: 'user-c', expiresTime: '2026-12-01' });
    const checkpoints = new MemoryCheckpointStore();
    await sweep(memory, checkpoints, 'run-1', 1);
    const second = await sweep(memory, checkpoints, 'run-2', 1);

    expect(second.invalid.count).toBe(1); // c-invalid, on its first page
    expect(second.pass?.soFar).toEqual({ invalid: 2, tooLarge: 1 });
    expect(checkpoints.checkpoint?.pass).toEqual({ firstRun: 'run-1', runs: 2, invalid: 2, tooLarge: 1 });
    const third = await sweep(memory, checkpoints, 'run-3');
    expect(third.pass).toMatchObject({ earlierRuns: 2, soFar: { invalid: 2, tooLarge: 1 } });
    expect(metric(third, SWEEP_METRIC.invalid)).toBe(2);
  });

  it('resumes a checkpoint saved before the carry as before: nothing carried, its own figures emitted', async () => {
    const memory = table();
    const checkpoints = new MemoryCheckpointStore();
    await sweep(memory, checkpoints, 'run-1', 1);
    // The same position, as the version without the carry saved it.
    const { segments, positions } = checkpoints.checkpoint ?? { segments: 0, positions: [] };
    checkpoints.stored = JSON.stringify({ segments, positions });

    const second = await sweep(memory, checkpoints, 'run-2');

    expect(second.checkpoint).toMatchObject({ resumed: true, cleared: true });
    expect(second).not.toHaveProperty('pass');
    expect(metric(second, SWEEP_METRIC.invalid)).toBe(0);
  });

  it('counts a checkpoint whose carried figures are unusable as unreadable: from the top, every record again', async () => {
    const memory = table();
    const checkpoints = new MemoryCheckpointStore();
    await sweep(memory, checkpoints, 'run-1', 1);
    const saved = JSON.parse(checkpoints.stored ?? '{}') as Record<string, unknown>;
    checkpoints.stored = JSON.stringify({
      ...saved,
      pass: { firstRun: 'run-1', runs: 1, invalid: -1, tooLarge: 0 },
    });

    const second = await sweep(memory, checkpoints, 'run-2');

    expect(second.checkpoint).toMatchObject({ resumed: false, ignoredUnreadable: true, cleared: true });
    expect(second).not.toHaveProperty('pass');
    expect(metric(second, SWEEP_METRIC.invalid)).toBe(1);
  });

  it('an audit run reads no checkpoint and carries nothing', async () => {
    const memory = table();
    const checkpoints = new MemoryCheckpointStore();
    await sweep(memory, checkpoints, 'run-1', 1);
    const stored = checkpoints.stored;

    const audit = await sweep(memory, checkpoints, 'dry-1', undefined, { mode: 'audit' });

    expect(audit).not.toHaveProperty('pass');
    expect(audit.invalid.count).toBe(1); // read from the top
    expect(checkpoints.stored).toBe(stored);
  });
});
