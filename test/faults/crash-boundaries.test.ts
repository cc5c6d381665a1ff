/**
 * Crash at every write boundary of a realistic sweep + notify cycle.
 *
 * A clean cycle over a demo fleet is counted first (W writes: the checkpoint
 * load, every transition, the drain lease, every publish and mark, and the
 * lease's release). Then, for
 * every k in 1..W and both timings (the k-th write never made / made but its
 * caller never learns it), a fresh table gets the same fleet, a process runs
 * the cycle and dies at write k, and clean cycles run until nothing changes.
 * After the crash and after recovery the table must be consistent; at the end
 * every planned transition committed exactly once, nothing was deleted that
 * the rules do not delete, the table equals a clean run's, and every committed
 * event was published at least once and at most twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { mapWithConcurrency } from '../../lambdas/hygiene/task-pool';
import { createTestTable, type TestTable } from '../support/test-table';
import * as cycle from './support/cycle';
import { type ScenarioFigures, writeFigures } from './support/figures';
import { Ledger } from './support/ledger';
import {
  type CrashTiming,
  crashingNotifierDeps,
  crashingSweepDeps,
  ProcessCrash,
} from './support/process-crash';
import { comparable, notExactlyOnce } from './support/table-check';

const FLEET = cycle.realisticFleet(30, 6, 7);
/** Cases run at once, each on its own table (DynamoDB Local is I/O-bound, not CPU-bound). */
const PARALLEL_CASES = 3;

interface CaseOutcome {
  readonly label: string;
  readonly crashed: boolean;
  readonly operation?: string;
  readonly violations: readonly string[];
  readonly wrongDeletions: number;
  readonly lostEvents: number;
  readonly duplicates: number;
  readonly recoveryRounds: number;
}

/** Runs one sweep + notify cycle as a process that may crash; never throws. */
async function crashingCycle(table: TestTable, ledger: Ledger, crash: ProcessCrash): Promise<void> {
  try {
    await runSweep(crashingSweepDeps(cycle.realSweepDeps(table, ledger), crash), {
      config: cycle.FAULT_CONFIG,
      now: cycle.FAULT_NOW,
      runId: 'crashing-run',
      mode: 'enforce',
    });
    crash.alive('the notifier');
    const deps = crashingNotifierDeps(
      cycle.realNotifierDeps(table, ledger, () => cycle.FAULT_NOW),
      crash,
    );
    await runNotifier(deps, { leaseMs: cycle.LEASE_MS, drainId: 'crashing-drain' });
  } catch (error: unknown) {
    // Only the injected crash may end the process; anything else is a bug in the code under test.
    if (!crash.isDead) throw error;
  }
  await crash.settled();
}

async function runCase(
  k: number,
  timing: CrashTiming,
  reference: Map<string, unknown>,
): Promise<CaseOutcome> {
  const table = await createTestTable(undefined, `crash-${timing}-${k}`);
  try {
    const original = await cycle.seed(table, FLEET);
    const ledger = new Ledger();
    const crash = new ProcessCrash(k, timing);
    await crashingCycle(table, ledger, crash);
    const label = `crash ${timing} write ${k} (${crash.crashed?.operation ?? 'no crash'} ${crash.crashed?.target ?? ''})`;

    const afterCrash = await cycle.inspectTable(table, original);
    const violations = afterCrash.violations.map((v) => `after the crash: ${v}`);

    const { rounds } = await cycle.converge(table, ledger);
    const final = await cycle.inspectTable(table, original);
    violations.push(
      ...final.violations.map((v) => `after recovery: ${v}`),
      ...notExactlyOnce(original, ledger.commits, cycle.FAULT_CONFIG, cycle.FAULT_NOW),
      ...ledger.phantomEvents().map((e) => `published but never committed: ${e}`),
      ...ledger
        .duplicates()
        .filter(([, n]) => n > 2)
        .map(([e, n]) => `published ${n} times: ${e}`),
    );
    for (const [id, item] of final.items) {
      if (JSON.stringify(comparable(item)) !== JSON.stringify(comparable(reference.get(id) as never))) {
        violations.push(`${id}: final state differs from a clean run's`);
      }
    }
    const wrong = new Set([...afterCrash.wrongDeletions, ...final.wrongDeletions]);
    violations.push(...wrong);
    return {
      label,
      crashed: crash.crashed !== undefined,
      ...(crash.crashed && { operation: crash.crashed.operation }),
      violations: violations.map((v) => `${label}: ${v}`),
      wrongDeletions: wrong.size,
      lostEvents: ledger.lostEvents().length,
      duplicates: ledger.duplicates().length,
      recoveryRounds: rounds,
    };
  } finally {
    await table.drop();
  }
}

describe('a crash at every write boundary of a sweep + notify cycle', () => {
  let reference: Map<string, unknown>;
  let writesPerCycle = 0;
  const outcomes: CaseOutcome[] = [];

  beforeAll(async () => {
    // A clean cycle: how many writes it makes, and the state it leaves.
    const clean = await cycle.cleanRun('crash-reference', FLEET, crashingCycle);
    writesPerCycle = clean.counter.writeCount;
    reference = clean.state;
  });

  afterAll(() => {
    const crashes = outcomes.filter((o) => o.crashed);
    const byOperation: Record<string, number> = {};
    for (const o of crashes) byOperation[o.operation ?? '?'] = (byOperation[o.operation ?? '?'] ?? 0) + 1;
    const figures: ScenarioFigures = {
      scenario: 'crash-boundaries',
      cases: { 'writes per clean cycle': writesPerCycle, 'crash points tried': outcomes.length },
      faults: { 'crashes injected': crashes.length, ...byOperation },
      wrongDeletions: outcomes.reduce((n, o) => n + o.wrongDeletions, 0),
      lostEvents: outcomes.reduce((n, o) => n + o.lostEvents, 0),
      duplicateEvents: outcomes.reduce((n, o) => n + o.duplicates, 0),
      notes: {
        'cases with a duplicate': outcomes.filter((o) => o.duplicates > 0).length,
        'most recovery rounds': Math.max(0, ...outcomes.map((o) => o.recoveryRounds)),
        fleet: `${FLEET.length} demo records, 6 owners`,
      },
    };
    if (outcomes.length > 0) writeFigures(figures);
  });

  it.each(['before', 'after'] as const)(
    'crash %s each write: nothing lost, nothing wrongly deleted',
    async (timing) => {
      expect(writesPerCycle).toBeGreaterThan(20);
      const points = Array.from({ length: writesPerCycle }, (_, i) => i + 1);

      const results = await mapWithConcurrency(points, PARALLEL_CASES, (k) => runCase(k, timing, reference));
      outcomes.push(...results);

      expect(results.filter((r) => r.crashed)).toHaveLength(writesPerCycle);
      expect(results.flatMap((r) => r.violations)).toEqual([]);
      expect(results.reduce((n, r) => n + r.lostEvents, 0)).toBe(0);
    },
  );
});
