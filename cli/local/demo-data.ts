/**
 * Deterministic, realistic demo credentials for `plan`, `local` and docs.
 *
 * Every date is relative to `now`, so the same situations appear whatever day
 * the demo runs: expiring within 30/7/1 days, stages already noticed, renewed
 * after a notice, expired, stale (never used / used long ago), the risky tier,
 * flagged within and past the grace period, flagged but used since, exempt,
 * already soft-deleted, no expiry, and a few invalid records. The same
 * `{ now, seed, count, owners }` always yields the same records.
 *
 * In `cli/local/` with the rest of the local-run infrastructure: its users are
 * `local`, the tests, the benchmarks and `scripts/generate-demo-data.ts`.
 *
 * Here: the entry, {@link generateDemoScenarios} and {@link generateDemoData}, with their options, and the demo
 * data's public names, re-exported from its parts in `demo-data/` so its importers need not know them: the span
 * of its dates and the range of `now` (`date-range.ts`), the situations (`scenarios.ts`) and their mix
 * (`scenario-mix.ts`), the tables of names (`name-lists.ts`), the seeded draw (`draw.ts`), the demo people and
 * owners (`people.ts`), and the record built for each situation (`record-factory.ts`).
 */
import { formatInstant } from '../../lambdas/hygiene/time';
import {
  DEMO_DAYS_AFTER_NOW,
  DEMO_DAYS_BEFORE_NOW,
  EARLIEST_DEMO_NOW_MS,
  LATEST_DEMO_NOW_MS,
} from './demo-data/date-range';
import { Draw } from './demo-data/draw';
import { FIRST_NAMES } from './demo-data/name-lists';
import { createOwners } from './demo-data/people';
import { RecordFactory } from './demo-data/record-factory';
import { scenarioList } from './demo-data/scenario-mix';
import { DEMO_SCENARIOS, type DemoScenario } from './demo-data/scenarios';
import { createSeededRandom } from './seeded-random';

export { DEMO_DAYS_BEFORE_NOW, EARLIEST_DEMO_NOW_MS } from './demo-data/date-range';
export { demoPersonName } from './demo-data/people';
export type { DemoScenario } from './demo-data/scenarios';
export { DEMO_SCENARIOS } from './demo-data/scenarios';

/** Options of {@link generateDemoData}. */
export interface DemoDataOptions {
  /** The instant the data is relative to (epoch ms). */
  readonly now: number;
  /** PRNG seed: same seed, same data. @default 1 */
  readonly seed?: number;
  /** Number of records, at least one per situation. @default 300 */
  readonly count?: number;
  /** Number of owners (users), 1 to 40. @default 20 */
  readonly owners?: number;
}

/** One demo record and the situation it was generated for. */
export interface DemoRecord {
  readonly scenario: DemoScenario;
  readonly record: Record<string, unknown>;
}

/**
 * Demo records with the situation each was generated for (for tests and docs).
 * @throws {RangeError} when `now`, `count` or `owners` is out of range
 */
export function generateDemoScenarios(options: DemoDataOptions): DemoRecord[] {
  const { now, seed = 1, count = 300, owners = 20 } = options;
  if (!Number.isFinite(now)) throw new RangeError('now must be a finite epoch milliseconds value');
  if (now < EARLIEST_DEMO_NOW_MS || now > LATEST_DEMO_NOW_MS) {
    throw new RangeError(
      `now must be from ${formatInstant(EARLIEST_DEMO_NOW_MS)} to ${formatInstant(LATEST_DEMO_NOW_MS)} ` +
        `(the demo's dates go from ${DEMO_DAYS_BEFORE_NOW} days before it to ${DEMO_DAYS_AFTER_NOW} days after), ` +
        `got ${formatInstant(now)}`,
    );
  }
  const minimum = DEMO_SCENARIOS.length + 4;
  if (!Number.isInteger(count) || count < minimum || count > 1_000_000) {
    throw new RangeError(`count must be an integer from ${minimum} to 1000000, got ${count}`);
  }
  if (!Number.isInteger(owners) || owners < 1 || owners > FIRST_NAMES.length) {
    throw new RangeError(`owners must be an integer from 1 to ${FIRST_NAMES.length}, got ${owners}`);
  }
  const draw = new Draw(createSeededRandom(seed));
  const factory = new RecordFactory(draw, now, createOwners(draw, owners));
  let invalidKind = 0;
  return scenarioList(draw, count).map((scenario) => ({
    scenario,
    record: factory.make(scenario, scenario === 'invalid' ? invalidKind++ : 0),
  }));
}

/**
 * Generates realistic raw `PersonalClient` records (plain JSON objects, as
 * `import` or a JSONL file would hold them), every date relative to `now`.
 * @throws {RangeError} when `now`, `count` or `owners` is out of range
 */
export function generateDemoData(options: DemoDataOptions): Record<string, unknown>[] {
  return generateDemoScenarios(options).map((r) => r.record);
}
