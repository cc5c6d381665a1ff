/**
 * A completing run clears only the checkpoint it loaded (docs/sweep.md, "Time
 * budget and checkpoint"), against DynamoDB Local. Runs overlap — the
 * schedule, an operator's CLI sweep — so a run that finishes must not remove a
 * newer checkpoint another run saved meanwhile (its progress would be lost and
 * the next run would start from the top); and a run that ignored an unreadable
 * checkpoint and then finished the table from the top clears exactly that one,
 * so later runs stop warning about it.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { CHECKPOINT_ATTR, CHECKPOINT_ID } from '../../lambdas/hygiene/data-contract';
import type { CredentialScanner, ScanCheckpoint } from '../../lambdas/hygiene/ports';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { getItem, putItem, putItems } from '../support/items';
import { type TestTable, useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { sweepDeps } from './support/sweep-deps';

const config = parseConfig({ maxDeletePercent: 100, scanSegments: 1, writeConcurrency: 4 });
const ids = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, '0')}`);
/** Where an earlier run stopped (R1 resumes from it). */
const older: ScanCheckpoint = { segments: 1, positions: [{ id: 'k03' }] };
/** What an overlapping run saved while R1 was running. */
const newer: ScanCheckpoint = { segments: 1, positions: [{ id: 'k07' }] };

/** `scanner`, with `meanwhile` run once before its first page is handed over (another run acting mid-scan). */
function interleaved(scanner: CredentialScanner, meanwhile: () => Promise<void>): CredentialScanner {
  return {
    async *scan(options) {
      let first = true;
      for await (const page of scanner.scan(options)) {
        if (first) await meanwhile();
        first = false;
        yield page;
      }
    },
  };
}

/** One sweep to the end of the table, `meanwhile` acting during its scan; its warnings collected. */
async function completeRun(table: TestTable, meanwhile: () => Promise<void> = async () => undefined) {
  const warnings: string[] = [];
  const deps = sweepDeps(table, 3);
  const checkpoints = new DynamoDbCheckpointStore(table.client, table.tableName, {
    onInvalid: (reason) => warnings.push(reason),
  });
  const summary = await runSweep(
    { ...deps, scanner: interleaved(deps.scanner, meanwhile), checkpoints },
    { config, now: NOW, runId: 'run-1', mode: 'enforce' },
  );
  return { summary, warnings };
}

/** The table's credentials `k00`…`k11`, none due for any action. */
async function seedCredentials(table: TestTable): Promise<void> {
  await putItems(
    table.client,
    table.tableName,
    ids.map((id) => credential(id, { expiresTime: days(400) })),
  );
}

/** Stores `stored` as the checkpoint attribute as it is (readable or not), bypassing the store. */
async function storeCheckpoint(table: TestTable, stored: unknown): Promise<void> {
  await putItem(table.client, table.tableName, { id: CHECKPOINT_ID, [CHECKPOINT_ATTR.checkpoint]: stored });
}

/** The checkpoint's item (`{ id }` alone once cleared). */
function checkpointItem(table: TestTable) {
  return getItem(table.client, table.tableName, CHECKPOINT_ID);
}

/** The stored checkpoint text, or `undefined` once cleared. */
async function storedText(table: TestTable): Promise<unknown> {
  return (await checkpointItem(table))?.[CHECKPOINT_ATTR.checkpoint];
}

describe('a completing sweep clears only its own checkpoint (DynamoDB Local)', () => {
  const table = useTestTable('checkpoint-ownership', 'each');

  it('keeps the newer checkpoint an overlapping run saved while it was resuming from an older one', async () => {
    await seedCredentials(table);
    const otherRun = new DynamoDbCheckpointStore(table.client, table.tableName);
    await otherRun.save(older);

    const { summary } = await completeRun(table, () => otherRun.save(newer));

    expect(summary.status).toBe('complete');
    expect(summary.scanned).toBeLessThan(ids.length); // after k03, in the scan's order
    expect(summary.checkpoint).toMatchObject({ resumed: true, saved: false, cleared: false });
    expect(await storedText(table)).toBe(JSON.stringify(newer));
    expect((await otherRun.load())?.resumeFrom).toEqual(newer);
  });

  it('still clears the checkpoint it resumed from when nobody replaced it', async () => {
    await seedCredentials(table);
    await new DynamoDbCheckpointStore(table.client, table.tableName).save(older);

    const { summary } = await completeRun(table);

    expect(summary.checkpoint).toMatchObject({ resumed: true, cleared: true });
    expect(await checkpointItem(table)).toEqual({ id: CHECKPOINT_ID });
  });

  it('between two stores on one table: a clear with what was loaded fails once another save replaced it', async () => {
    const r1 = new DynamoDbCheckpointStore(table.client, table.tableName);
    const r2 = new DynamoDbCheckpointStore(table.client, table.tableName);
    await r1.save(older);
    const loadedByR1 = await r1.load();
    const loadedByR2 = await r2.load();

    await r2.save(newer);

    expect(await r1.clear(loadedByR1!)).toBe(false);
    expect(await storedText(table)).toBe(JSON.stringify(newer));
    // What r2 loaded is not what is stored either: only the run holding the stored text clears it.
    expect(await r2.clear(loadedByR2!)).toBe(false);
    const loadedNewer = await r1.load();
    expect(await r1.clear(loadedNewer!)).toBe(true);
    expect(await checkpointItem(table)).toEqual({ id: CHECKPOINT_ID });
  });

  it('clears an unreadable checkpoint it ignored once it has read the whole table from the top', async () => {
    await seedCredentials(table);
    await storeCheckpoint(table, '{"segments":1,"positions":[{"notTheKey":"x"}]}');

    const first = await completeRun(table);
    const second = await completeRun(table);

    expect(first.summary).toMatchObject({ status: 'complete', scanned: 12 });
    expect(first.summary.checkpoint).toMatchObject({ resumed: false, saved: false, cleared: true });
    expect(first.warnings).toHaveLength(1);
    expect(await checkpointItem(table)).toEqual({ id: CHECKPOINT_ID });
    // The next run finds nothing to warn about.
    expect(second.warnings).toEqual([]);
    expect(second.summary.checkpoint).toMatchObject({ resumed: false, cleared: false });
  });

  it('clears an unreadable checkpoint whatever its stored type', async () => {
    for (const stored of [42, null, { segments: 1 }, ['done']]) {
      await storeCheckpoint(table, stored);
      const store = new DynamoDbCheckpointStore(table.client, table.tableName);
      const loaded = await store.load();

      expect(loaded, JSON.stringify(stored)).toEqual({ resumeFrom: undefined, stored });
      expect(await store.clear(loaded!), JSON.stringify(stored)).toBe(true);
      expect(await checkpointItem(table)).toEqual({ id: CHECKPOINT_ID });
    }
  });

  it('clears an unreadable checkpoint that is a number set mixing a plain and a big number', async () => {
    // Read back as Set{1, 12345678901234567890n}: sent as read, the SDK would refuse the condition's value.
    await storeCheckpoint(table, new Set([NumberValue.from('1'), NumberValue.from('12345678901234567890')]));
    const store = new DynamoDbCheckpointStore(table.client, table.tableName);
    const loaded = await store.load();

    expect(loaded?.resumeFrom).toBeUndefined();
    expect(await store.clear(loaded!)).toBe(true);
    expect(await checkpointItem(table)).toEqual({ id: CHECKPOINT_ID });
  });

  it('leaves a newer checkpoint saved over the unreadable one while it ran', async () => {
    await seedCredentials(table);
    await storeCheckpoint(table, 'not json');
    const otherRun = new DynamoDbCheckpointStore(table.client, table.tableName);

    const { summary, warnings } = await completeRun(table, () => otherRun.save(newer));

    expect(warnings).toHaveLength(1);
    expect(summary.checkpoint).toMatchObject({ resumed: false, cleared: false });
    expect(await storedText(table)).toBe(JSON.stringify(newer));
  });
});
