/**
 * What the fuzz tests (test/faults/fuzz-*.test.ts) share, so each describe
 * does not repeat it: their test table with a low-level client on it (items
 * written and read as raw attribute values, test/faults/support/raw-items.ts,
 * reach the sweep exactly as generated), and the figures a fuzz scenario
 * writes for RELIABILITY.md once its cases have run.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type ScenarioFigures, writeFigures } from '../faults/support/figures';
import { rawClient } from '../faults/support/raw-items';
import { type TestTable, useTestTable } from './test-table';

/** A fuzz test's table and its low-level client (call `raw()` inside a test or hook). */
export interface FuzzTable {
  readonly table: TestTable;
  readonly raw: () => DynamoDBClient;
}

/**
 * For the enclosing `describe`: a test table named `<label>-<random>` and a
 * low-level client on its endpoint, made before all its tests, closed and
 * dropped after.
 */
export function useFuzzTable(label: string): FuzzTable {
  const table = useTestTable(label);
  let client: DynamoDBClient | undefined;
  beforeAll(() => {
    client = rawClient(table);
  });
  afterAll(() => client?.destroy());
  const raw = (): DynamoDBClient => {
    if (client === undefined) throw new Error(`the raw client of ${label} is used outside its tests`);
    return client;
  };
  return { table, raw };
}

/** The figures a fuzz scenario reports (the loss counters are 0, see {@link useFuzzFigures}). */
export type FuzzFigures = Pick<ScenarioFigures, 'cases' | 'faults' | 'notes'>;

/**
 * After all tests of the enclosing `describe`, writes scenario `scenario`'s
 * figures as `figures()` gives them, once any of its cases has run. A fuzz
 * test injects bad data only and fails on any wrong deletion, lost or
 * duplicate event, so those are 0.
 */
export function useFuzzFigures(scenario: string, figures: () => FuzzFigures): void {
  afterAll(() => {
    const ran = figures();
    if (!Object.values(ran.cases).some((n) => n > 0)) return;
    writeFigures({ scenario, ...ran, wrongDeletions: 0, lostEvents: 0, duplicateEvents: 0 });
  });
}
