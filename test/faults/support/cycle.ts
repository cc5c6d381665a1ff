/**
 * A realistic fleet on a fresh table and the real adapters around it: sweep
 * and notifier wired to DynamoDB Local through a {@link Ledger}, and "run
 * until nothing changes" recovery after a fault.
 */
import { generateDemoData } from '../../../cli/local/demo-data';
import { sweepTransitionWriter } from '../../../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../../lambdas/aws/outbox-store';
import { timerSleep } from '../../../lambdas/aws/timer-sleep';
import { type HygieneConfig, parseConfig } from '../../../lambdas/hygiene/config';
import { type NotifierDeps, runNotifier } from '../../../lambdas/hygiene/notifier';
import { runSweep, type SweepDeps } from '../../../lambdas/hygiene/sweep';
import { requireInstant } from '../../../lambdas/hygiene/time';
import { putItems } from '../../support/items';
import { createTestTable, type TestTable } from '../../support/test-table';
import { RecordingPublisher } from '../../unit/outbox-fakes';
import { Ledger } from './ledger';
import { ProcessCrash } from './process-crash';
import { consistencyViolations, outboxIndexIds, readTable, wrongDeletions } from './table-check';

/** The decision instant of every fault scenario. */
export const FAULT_NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');

/** How long a drain's lease keeps other drains out (the lease the scenarios' drains take). */
export const LEASE_MS = 5 * 60_000;

/**
 * The scenarios' configuration: the defaults, in enforce mode, with several
 * scan segments and concurrent writes; the percentage guard is raised because
 * a fleet of a few dozen credentials plans more than 10 % deletions.
 */
export const FAULT_CONFIG: HygieneConfig = parseConfig({
  mode: 'enforce',
  maxDeletePercent: 30,
  scanSegments: 2,
  writeConcurrency: 4,
});

/** Realistic demo records (every rule, several owners, a few invalid ones), relative to {@link FAULT_NOW}. */
export function realisticFleet(count: number, owners: number, seed: number): Record<string, unknown>[] {
  return generateDemoData({ now: FAULT_NOW, count, owners, seed });
}

/** Writes `records` into `table` and returns them by id. */
export async function seed(
  table: TestTable,
  records: readonly Record<string, unknown>[],
): Promise<Map<string, Record<string, unknown>>> {
  await putItems(table.client, table.tableName, records);
  return readTable(table);
}

/** The sweep's real adapters, writes recorded by `ledger`. Small pages: several per segment. */
export function realSweepDeps(table: TestTable, ledger: Ledger): SweepDeps {
  return {
    clock: Date.now,
    scanner: new DynamoDbCredentialScanner(table.client, table.tableName, { pageSize: 8 }),
    writer: ledger.writer(sweepTransitionWriter(table.client, table.tableName)),
    checkpoints: new DynamoDbCheckpointStore(table.client, table.tableName),
  };
}

/** The notifier's real outbox store and a recording publisher, deliveries recorded by `ledger`. */
export function realNotifierDeps(table: TestTable, ledger: Ledger, clock: () => number): NotifierDeps {
  return {
    outbox: new DynamoDbOutboxStore(table.client, table.tableName, { pageSize: 8 }),
    publisher: ledger.publisher(new RecordingPublisher()),
    clock,
    sleep: timerSleep,
  };
}

/** What recovery took. */
export interface Convergence {
  readonly rounds: number;
}

/**
 * Runs clean sweep + notify cycles (same decision instant; each drain after
 * the previous one's leases lapsed) until a sweep writes nothing and the
 * outbox is empty.
 * @param drainClockStart the first recovery drain's clock (after any crashed drain's lease)
 * @throws when it does not converge within `maxRounds`
 */
export async function converge(
  table: TestTable,
  ledger: Ledger,
  options: { readonly config?: HygieneConfig; readonly now?: number; readonly maxRounds?: number } = {},
): Promise<Convergence> {
  const config = options.config ?? FAULT_CONFIG;
  const now = options.now ?? FAULT_NOW;
  const maxRounds = options.maxRounds ?? 6;
  let drainAt = now + 2 * LEASE_MS;
  for (let round = 1; round <= maxRounds; round++) {
    const summary = await runSweep(realSweepDeps(table, ledger), {
      config,
      now,
      runId: `recovery-${round}`,
      mode: 'enforce',
    });
    const at = drainAt;
    await runNotifier(
      realNotifierDeps(table, ledger, () => at),
      { leaseMs: LEASE_MS, drainId: `drain-${round}` },
    );
    drainAt += 2 * LEASE_MS;
    const applied = Object.values(summary.applied).reduce((a, b) => a + b, 0);
    if (applied === 0 && summary.failed.count === 0 && (await outboxIndexIds(table)).size === 0) {
      return { rounds: round };
    }
  }
  throw new Error(`no convergence after ${maxRounds} clean sweep + notify rounds`);
}

/** One look at a table after faults: its items, and what is wrong with them against `original`. */
export interface TableInspection {
  readonly items: Map<string, Record<string, unknown>>;
  /** Structural violations (half-applied transitions, outbox and index disagreements). */
  readonly violations: string[];
  /** Deletions the rules (at {@link FAULT_NOW} under {@link FAULT_CONFIG}) do not make. */
  readonly wrongDeletions: string[];
}

/** Reads the table and its outbox index and checks both invariants of table-check.ts. */
export async function inspectTable(
  table: TestTable,
  original: ReadonlyMap<string, Record<string, unknown>>,
): Promise<TableInspection> {
  const items = await readTable(table);
  return {
    items,
    violations: consistencyViolations(items, await outboxIndexIds(table), original),
    wrongDeletions: wrongDeletions(original, items, FAULT_CONFIG, FAULT_NOW),
  };
}

/** What a clean cycle did: the crash tests' reference. */
export interface CleanRun {
  /** Its never-crashing process: the writes it made (`writeCount`, `log`), counted where a crash would hit. */
  readonly counter: ProcessCrash;
  readonly ledger: Ledger;
  /** The table once converged. */
  readonly state: Awaited<ReturnType<typeof readTable>>;
}

/**
 * Runs `runCycle` once as a process that never crashes, on a fresh table
 * (named after `label`) seeded with `fleet`, then converges; the table is
 * dropped after.
 */
export async function cleanRun(
  label: string,
  fleet: readonly Record<string, unknown>[],
  runCycle: (table: TestTable, ledger: Ledger, counter: ProcessCrash) => Promise<void>,
): Promise<CleanRun> {
  const table = await createTestTable(undefined, label);
  try {
    await seed(table, fleet);
    const ledger = new Ledger();
    const counter = new ProcessCrash(Number.POSITIVE_INFINITY, 'before');
    await runCycle(table, ledger, counter);
    await converge(table, ledger);
    return { counter, ledger, state: await readTable(table) };
  } finally {
    await table.drop();
  }
}
