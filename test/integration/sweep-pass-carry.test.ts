/**
 * A pass over the table spanning two runs, against DynamoDB Local (docs/sweep.md, "Time budget and checkpoint"): run
 * 1 stops on its time budget after the page holding an invalid record and saves a checkpoint carrying it; run 2
 * resumes, finishes the table and emits `InvalidRecords` ≥ 1 although its own part held none, and clears that
 * checkpoint (the conditional clear compares the stored text, carried figures included); a following full pass with
 * the record fixed emits 0. Also the store's reading of the carried figures: a checkpoint saved before them, and
 * unusable ones.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { parseConfig } from '../../lambdas/hygiene/config';
import { CHECKPOINT_ATTR, CHECKPOINT_ID } from '../../lambdas/hygiene/data-contract';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { getItem, putItem, putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { sweepDeps } from './support/sweep-deps';

/** One segment, so the first page is the table's first two items in scan order. */
const config = parseConfig({ maxDeletePercent: 100, scanSegments: 1, writeConcurrency: 2 });
const PAGE_SIZE = 2;

/** The value `summary` emits for `InvalidRecords`. */
const invalidRecords = (summary: RunSummary) =>
  sweepMetricValues(summary).find((m) => m.name === SWEEP_METRIC.invalid)?.value;

describe('a pass resumed from a checkpoint against DynamoDB Local', () => {
  const table = useTestTable('sweep-pass-carry', 'each');

  /** Puts 8 healthy credentials and makes the first one scan order reads invalid (same id, same place). */
  async function tableWithInvalidOnFirstPage(): Promise<string> {
    const healthy = Array.from({ length: 8 }, (_, i) => credential(`p-${i}`, { expiresTime: days(400) }));
    await putItems(table.client, table.tableName, healthy);
    const first = await table.client.send(
      new ScanCommand({ TableName: table.tableName, Limit: 1, ConsistentRead: true }),
    );
    const id = String(first.Items?.[0]?.id);
    await putItem(table.client, table.tableName, { id, userId: 'user-x', expiresTime: '2026-12-01' });
    return id;
  }

  it('keeps InvalidRecords up through the part that found none, and a full pass after the fix emits 0', async () => {
    const invalidId = await tableWithInvalidOnFirstPage();
    let pages = 0;
    const first = await runSweep(
      {
        ...sweepDeps(table, PAGE_SIZE),
        // Plenty of time for the first page, then under the margin: the run stops after it.
        remainingMs: () => (pages < 1 ? 600_000 : 20_000),
        onProgress: (p) => {
          pages = p.pages;
        },
      },
      { config, now: NOW, runId: 'run-1', mode: 'enforce', deadlineMarginMs: 30_000 },
    );
    expect(first.status).toBe('incomplete');
    expect(first.invalid.records.map((r) => r.id)).toEqual([invalidId]);
    const saved = await getItem(table.client, table.tableName, CHECKPOINT_ID);
    expect(JSON.parse(String(saved?.[CHECKPOINT_ATTR.checkpoint]))).toMatchObject({
      segments: 1,
      pass: { firstRun: 'run-1', runs: 1, invalid: 1, tooLarge: 0 },
    });

    const second = await runSweep(sweepDeps(table, PAGE_SIZE), {
      config,
      now: NOW,
      runId: 'run-2',
      mode: 'enforce',
    });

    expect(second.status).toBe('complete');
    expect(second.checkpoint).toMatchObject({ resumed: true, cleared: true });
    expect(first.scanned + second.scanned).toBe(8);
    expect(second.invalid.count).toBe(0);
    expect(second.pass).toMatchObject({ firstRun: 'run-1', earlierRuns: 1, soFar: { invalid: 1 } });
    expect(invalidRecords(second)).toBeGreaterThanOrEqual(1);
    expect(await getItem(table.client, table.tableName, CHECKPOINT_ID)).toEqual({ id: CHECKPOINT_ID });

    await putItem(table.client, table.tableName, credential(invalidId, { expiresTime: days(400) }));
    const third = await runSweep(sweepDeps(table, PAGE_SIZE), {
      config,
      now: NOW,
      runId: 'run-3',
      mode: 'enforce',
    });

    expect(third).toMatchObject({ status: 'complete', scanned: 8, invalid: { count: 0 } });
    expect(third).not.toHaveProperty('pass');
    expect(invalidRecords(third)).toBe(0);
  });
});

describe('DynamoDbCheckpointStore and the carried figures', () => {
  const table = useTestTable('checkpoint-store-pass', 'each');

  it('saves and loads them in the checkpoint text, and clears that text', async () => {
    const store = new DynamoDbCheckpointStore(table.client, table.tableName, { clock: () => NOW });
    const checkpoint = {
      segments: 1,
      positions: [{ id: 'pc-1' }],
      pass: { firstRun: 'run-1', runs: 2, invalid: 3, tooLarge: 1 },
    };

    await store.save(checkpoint);
    const loaded = await store.load();

    expect(loaded).toEqual({
      resumeFrom: checkpoint,
      stored:
        '{"segments":1,"positions":[{"id":"pc-1"}],"pass":{"firstRun":"run-1","runs":2,"invalid":3,"tooLarge":1}}',
    });
    expect(await store.clear(loaded!)).toBe(true);
    expect(await store.load()).toBeUndefined();
  });

  it('loads a checkpoint saved before them with nothing carried', async () => {
    await putItem(table.client, table.tableName, {
      id: CHECKPOINT_ID,
      [CHECKPOINT_ATTR.checkpoint]: '{"segments":1,"positions":[{"id":"pc-1"}]}',
    });
    const store = new DynamoDbCheckpointStore(table.client, table.tableName);

    const loaded = await store.load();

    expect(loaded?.resumeFrom).toEqual({ segments: 1, positions: [{ id: 'pc-1' }] });
  });

  it('ignores a checkpoint whose carried figures are unusable, and says why', async () => {
    const stored =
      '{"segments":1,"positions":["done"],"pass":{"firstRun":"run-1","runs":1,"invalid":"3","tooLarge":0}}';
    await putItem(table.client, table.tableName, { id: CHECKPOINT_ID, [CHECKPOINT_ATTR.checkpoint]: stored });
    const reasons: string[] = [];
    const store = new DynamoDbCheckpointStore(table.client, table.tableName, {
      onInvalid: (r) => reasons.push(r),
    });

    expect(await store.load()).toEqual({ resumeFrom: undefined, stored });
    expect(reasons).toEqual([
      'ignoring the stored sweep checkpoint: pass.invalid "3" is not a whole number from 0',
    ]);
  });
});
