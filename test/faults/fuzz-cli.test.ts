/**
 * The operator's view of bad input: `pc-hygiene sweep` (a child process, as a
 * user runs it) over a table holding generated malformed items it has never
 * seen. It must exit 0, change none of them, and name each in its JSON summary
 * with what is wrong.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runCli, tableFlags } from '../support/run-cli';
import { createTestTable, type TestTable } from '../support/test-table';
import { FAULT_NOW } from './support/cycle';
import { writeFigures } from './support/figures';
import { malformedBatch } from './support/malformed';
import { putRawItems, rawClient, scanRawItems } from './support/raw-items';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126) + 1;

describe('pc-hygiene sweep over a table of malformed items', () => {
  let table: TestTable;
  let raw: DynamoDBClient;
  let items = 0;

  beforeAll(async () => {
    table = await createTestTable(undefined, 'fuzz-cli');
    raw = rawClient(table);
  });
  afterAll(async () => {
    raw.destroy();
    await table.drop();
    if (items === 0) return;
    writeFigures({
      scenario: 'fuzz-cli',
      cases: { 'malformed items swept by the CLI': items },
      faults: { 'malformed items in the table': items },
      wrongDeletions: 0,
      lostEvents: 0,
      duplicateEvents: 0,
      notes: { seed: SEED, 'exit code': 0 },
    });
  });

  it('exits 0, changes nothing, and names each with its problems', async () => {
    const batch = fc.sample(malformedBatch(300, 300), { numRuns: 1, seed: SEED })[0] ?? [];
    await putRawItems(raw, table.tableName, batch);
    const before = await scanRawItems(raw, table.tableName);

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
    expect(await scanRawItems(raw, table.tableName)).toEqual(before);
    items = batch.length;
  });
});
