/**
 * The operator's view of bad input: `pc-hygiene sweep` (a child process, as a
 * user runs it) over a table holding generated malformed items it has never
 * seen. It must exit 0, change none of them, and name each in its JSON summary
 * with what is wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { fuzzSeed } from '../support/fuzz-seed';
import { useFuzzFigures, useFuzzTable } from '../support/fuzz-table';
import { runCli, tableFlags } from '../support/run-cli';
import { FAULT_NOW } from './support/cycle';
import { malformedBatch } from './support/malformed';
import { putRawItems, scanRawItems } from './support/raw-items';

const SEED = fuzzSeed() + 1;

describe('pc-hygiene sweep over a table of malformed items', () => {
  const { table, raw } = useFuzzTable('fuzz-cli');
  let items = 0;
  useFuzzFigures('fuzz-cli', () => ({
    cases: { 'malformed items swept by the CLI': items },
    faults: { 'malformed items in the table': items },
    notes: { seed: SEED, 'exit code': 0 },
  }));

  it('exits 0, changes nothing, and names each with its problems', async () => {
    const batch = fc.sample(malformedBatch(300, 300), { numRuns: 1, seed: SEED })[0] ?? [];
    await putRawItems(raw(), table.tableName, batch);
    const before = await scanRawItems(raw(), table.tableName);

    const run = await runCli([
      'sweep',
      ...tableFlags(table),
      '--now',
      new Date(FAULT_NOW).toISOString(),
      '--format',
      'json',
    ]);

    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as RunSummary;
    const named = new Map(summary.invalid.records.map((r) => [r.id, r.problems]));
    for (const item of batch) {
      const id = item.id?.S ?? '';
      expect(named.get(id)?.length, `${id} not named`).toBeGreaterThan(0);
    }
    expect(summary.invalid.count).toBe(batch.length);
    expect(await scanRawItems(raw(), table.tableName)).toEqual(before);
    items = batch.length;
  });
});
