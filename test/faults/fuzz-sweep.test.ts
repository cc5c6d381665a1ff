/**
 * Bad input fuzzing: thousands of generated malformed items written raw into
 * the table (sets, binary, huge numbers and strings, unicode, bad dates and
 * CIDRs, missing and extra attributes, garbage outboxes), next to a few valid
 * credentials. The sweep and the notifier must never crash, never change one
 * malformed item (compared attribute value by attribute value), name each in
 * the run summary, and still act on the valid credentials.
 *
 * Reproduce a run: FUZZ_SEED=<seed> npm run test:faults (the seed is in the figures).
 */
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { putItems } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';
import { FAULT_CONFIG, FAULT_NOW, LEASE_MS, realNotifierDeps, realSweepDeps } from './support/cycle';
import { writeFigures } from './support/figures';
import { Ledger } from './support/ledger';
import { malformedBatch } from './support/malformed';
import { putRawItems, rawClient, scanRawItems } from './support/raw-items';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

/** Valid credentials that must still be acted on next to the garbage (dates relative to FAULT_NOW). */
function validCompanions(): Record<string, unknown>[] {
  const at = (n: number) => days(n, FAULT_NOW);
  return [
    credential('valid-expired', { createdAt: at(-400), expiresTime: at(-1) }),
    credential('valid-expiring', { createdAt: at(-400), expiresTime: at(5), lastUsedAt: at(-1) }),
    credential('valid-stale', { createdAt: at(-400), expiresTime: at(300), lastUsedAt: at(-100) }),
    ...Array.from({ length: 7 }, (_, i) =>
      credential(`valid-healthy${i}`, { createdAt: at(-400), expiresTime: at(300), lastUsedAt: at(-1) }),
    ),
  ];
}

describe('fuzzed malformed items in the table', () => {
  let table: TestTable;
  let raw: DynamoDBClient;
  let itemsTried = 0;
  let runsDone = 0;

  beforeAll(async () => {
    table = await createTestTable(undefined, 'fuzz-sweep');
    raw = rawClient(table);
  });
  afterAll(async () => {
    raw.destroy();
    await table.drop();
    if (runsDone > 0) {
      writeFigures({
        scenario: 'fuzz-sweep',
        cases: { 'generated malformed items': itemsTried, 'sweep + notify runs': runsDone },
        faults: { 'malformed items in the table': itemsTried },
        wrongDeletions: 0,
        lostEvents: 0,
        duplicateEvents: 0,
        notes: { seed: SEED, 'malformed items changed': 0, 'sweep crashes': 0 },
      });
    }
  });

  it('never crashes, never changes a malformed item, names each in the summary', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(malformedBatch(60, 140), async (batch) => {
        run++;
        // Each run starts from an empty table: remove the previous run's items.
        await clearTable(raw, table);
        await putRawItems(raw, table.tableName, batch);
        await putItems(table.client, table.tableName, validCompanions());
        const before = await scanRawItems(raw, table.tableName);
        const ledger = new Ledger();

        const summary = await runSweep(realSweepDeps(table, ledger), {
          config: FAULT_CONFIG,
          now: FAULT_NOW,
          runId: `fuzz-${run}`,
          mode: 'enforce',
        });
        const drain = await runNotifier(
          realNotifierDeps(table, ledger, () => FAULT_NOW),
          {
            leaseMs: LEASE_MS,
          },
        );

        const after = await scanRawItems(raw, table.tableName);
        const ids = batch.map((item) => item.id?.S ?? '');
        for (const id of ids) expect(after.get(id), `malformed item ${id} changed`).toEqual(before.get(id));
        const named = new Map(summary.invalid.records.map((r) => [r.id, r.problems]));
        for (const id of ids) expect(named.get(id), `malformed item ${id} not named`).not.toHaveLength(0);
        expect(summary.invalid.count).toBe(batch.length);
        expect(summary.failed.count).toBe(0);
        expect(summary.applied).toMatchObject({ 'delete-expired': 1, 'notify-expiry': 1, 'flag-stale': 1 });
        expect(drain.eventsPublished).toBe(3);
        itemsTried += batch.length;
        runsDone = run;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});

async function clearTable(client: DynamoDBClient, t: TestTable): Promise<void> {
  const ids = [...(await scanRawItems(client, t.tableName)).keys()];
  for (let start = 0; start < ids.length; start += 25) {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [t.tableName]: ids
            .slice(start, start + 25)
            .map((id) => ({ DeleteRequest: { Key: { id: { S: id } } } })),
        },
      }),
    );
  }
}
