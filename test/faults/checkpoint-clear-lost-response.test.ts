/**
 * A finishing sweep's checkpoint clear whose response was lost, against
 * DynamoDB Local: the clear is conditional on the stored checkpoint still
 * being the one the run loaded, so the SDK's retry of a clear that already
 * applied fails on the run's own removal. The run still reports the
 * checkpoint cleared (lambdas/aws/checkpoint-store.ts; docs/sweep.md, "Time
 * budget and checkpoint"), not "another run had changed the stored checkpoint
 * since". Its controls: another run that really saved a newer checkpoint,
 * before the clear (its first attempt refused, nothing applied) or after it
 * (the clear applied, then the newer one was saved before the retry), keeps
 * that checkpoint and the run reports it not cleared.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { CHECKPOINT_ATTR, CHECKPOINT_ID } from '../../lambdas/hygiene/data-contract';
import type { ScanCheckpoint } from '../../lambdas/hygiene/ports';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { sweepDeps } from '../integration/support/sweep-deps';
import { getItem, putItems } from '../support/items';
import { type TestTable, useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { type LostResponsePlan, loseFirstResponseAfter } from './support/lost-response-between';

const config = parseConfig({ maxDeletePercent: 100, scanSegments: 1, writeConcurrency: 4 });
const ids = Array.from({ length: 8 }, (_, i) => `k${i}`);
/** Where an earlier run stopped: the run under test resumes from it. */
const older: ScanCheckpoint = { segments: 1, positions: [{ id: 'k3' }] };
/** What an overlapping run saves meanwhile. */
const newer: ScanCheckpoint = { segments: 1, positions: [{ id: 'k5' }] };

/** The checkpoint's clear: an `UpdateItem` of the checkpoint item that only removes (the key marshalled or not). */
const isClear = (input: Readonly<Record<string, unknown>>) =>
  JSON.stringify(input.Key ?? null).includes(CHECKPOINT_ID) &&
  String(input.UpdateExpression).startsWith('REMOVE ');

/** A sweep to the end of the table resuming from `older`, its clear's first attempt treated as `plan` says. */
async function finishingRun(table: TestTable, plan: Omit<LostResponsePlan, 'matches'>) {
  await putItems(
    table.client,
    table.tableName,
    ids.map((id) => credential(id, { expiresTime: days(400) })),
  );
  await new DynamoDbCheckpointStore(table.client, table.tableName).save(older);
  const counts = loseFirstResponseAfter(table.client, { ...plan, matches: isClear });
  const summary = await runSweep(sweepDeps(table, 3), {
    config,
    now: NOW,
    runId: 'finishing-run',
    mode: 'enforce',
  });
  expect(counts.lost).toBe(1);
  expect(summary.status).toBe('complete');
  return summary;
}

/** Another run saving `newer` on its own client (no fault). */
const otherRunSaves = (table: TestTable) => () =>
  new DynamoDbCheckpointStore(table.client, table.tableName).save(newer);

describe('a checkpoint clear whose response was lost (DynamoDB Local)', () => {
  const table = useTestTable('checkpoint-clear-lost', 'each');

  it('reports the checkpoint cleared when the retry meets its own removal', async () => {
    const summary = await finishingRun(table, {});

    expect(summary.checkpoint).toMatchObject({ resumed: true, saved: false, cleared: true });
    expect(await getItem(table.client, table.tableName, CHECKPOINT_ID)).toEqual({ id: CHECKPOINT_ID });
  });

  it('control: another run saved a newer checkpoint before the clear applied: not cleared, the newer one kept', async () => {
    const summary = await finishingRun(table, { throttled: true, between: otherRunSaves(table) });

    expect(summary.checkpoint).toMatchObject({ resumed: true, cleared: false });
    const item = await getItem(table.client, table.tableName, CHECKPOINT_ID);
    expect(item?.[CHECKPOINT_ATTR.checkpoint]).toBe(JSON.stringify(newer));
  });

  it('control: another run saved a newer checkpoint after the clear applied: not cleared, the newer one kept', async () => {
    const summary = await finishingRun(table, { between: otherRunSaves(table) });

    expect(summary.checkpoint).toMatchObject({ resumed: true, cleared: false });
    const item = await getItem(table.client, table.tableName, CHECKPOINT_ID);
    expect(item?.[CHECKPOINT_ATTR.checkpoint]).toBe(JSON.stringify(newer));
  });
});
