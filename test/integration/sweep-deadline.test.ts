/**
 * The time budget against DynamoDB Local: a run that runs out of time stops
 * at a page boundary, saves its checkpoint in the table (UpdateItem only),
 * and the next run resumes from it, finishes the job and clears it.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { CHECKPOINT_ATTR, CHECKPOINT_ID, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { getItem, putItem, putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { exportTable, sweepDeps } from './support/sweep-deps';

const config = parseConfig({ maxDeletePercent: 100, scanSegments: 3, writeConcurrency: 4 });

describe('sweep deadline and checkpoint against DynamoDB Local', () => {
  const table = useTestTable('sweep-deadline', 'each');

  it('stops incomplete with a checkpoint, and the next run finishes the job', async () => {
    const items = Array.from({ length: 48 }, (_, i) =>
      credential(`q${String(i).padStart(2, '0')}`, {
        expiresTime: days(i % 3 === 0 ? -1 : i % 3 === 1 ? 5 : 400),
      }),
    );
    await putItems(table.client, table.tableName, items);
    let pages = 0;
    const first = await runSweep(
      {
        ...sweepDeps(table, 4),
        // Plenty of time for 5 pages, then under the margin.
        remainingMs: () => (pages < 5 ? 600_000 : 20_000),
        onProgress: (p) => {
          pages = p.pages;
        },
      },
      { config, now: NOW, runId: 'run-1', mode: 'enforce', deadlineMarginMs: 30_000 },
    );

    expect(first.status).toBe('incomplete');
    // Five pages of at most 4 items; which segments' pages (full or short) come first varies.
    expect(first.scanned).toBeGreaterThan(0);
    expect(first.scanned).toBeLessThanOrEqual(20);
    expect(first.checkpoint).toMatchObject({ saved: true, resumed: false, segments: 3 });
    const stored = await getItem(table.client, table.tableName, CHECKPOINT_ID);
    expect(JSON.parse(String(stored?.[CHECKPOINT_ATTR.checkpoint]))).toMatchObject({ segments: 3 });

    const second = await runSweep(sweepDeps(table, 4), {
      config: { ...config, scanSegments: 7 }, // ignored on resume: the checkpoint fixes the segment count
      now: NOW,
      runId: 'run-2',
      mode: 'enforce',
    });

    expect(second.status).toBe('complete');
    expect(second.checkpoint).toMatchObject({ resumed: true, cleared: true, segments: 3, segmentsDone: 3 });
    expect(first.scanned + second.scanned).toBe(48);
    const after = await exportTable(table);
    // The checkpoint item keeps only its id once cleared; no credential was missed or done twice.
    expect(after.find((i) => i.id === CHECKPOINT_ID)).toEqual({ id: CHECKPOINT_ID });
    const credentials = after.filter((i) => i.id !== CHECKPOINT_ID);
    expect(credentials.filter((i) => i.deletedAt !== undefined)).toHaveLength(16);
    expect(credentials.filter((i) => i.hygieneExpiryNoticeStage === 7)).toHaveLength(16);
    for (const item of credentials) {
      const events = (item[OUTBOX_ATTR.events] as unknown[] | undefined) ?? [];
      expect(events.length, `events of ${item.id}`).toBe(Number(String(item.id).slice(1)) % 3 === 2 ? 0 : 1);
    }
    // Each deletion names the run that made it, and both runs' counts add up to the 16 expired.
    const byRun = (runId: string) => credentials.filter((i) => i.hygieneDeletedByRun === runId).length;
    expect(byRun('run-1')).toBe(first.deletions.applied);
    expect(byRun('run-2')).toBe(second.deletions.applied);
    expect(first.deletions.applied + second.deletions.applied).toBe(16);
  });

  it('a dry run neither resumes from nor writes a checkpoint', async () => {
    await putItems(table.client, table.tableName, [credential('a-1'), credential('a-2')]);
    const store = new DynamoDbCheckpointStore(table.client, table.tableName);
    await store.save({ segments: 3, positions: ['done', 'done', 'done'] });
    const before = await exportTable(table);

    const full = await runSweep(sweepDeps(table), { config, now: NOW, runId: 'dry-1', mode: 'audit' });
    const outOfTime = await runSweep(
      { ...sweepDeps(table, 1), remainingMs: () => 0 },
      { config, now: NOW, runId: 'dry-2', mode: 'audit' },
    );

    expect(full).toMatchObject({ status: 'complete', scanned: 2 }); // from the top, not from the "done" checkpoint
    expect(outOfTime.status).toBe('incomplete');
    expect(outOfTime).not.toHaveProperty('checkpoint');
    expect(await exportTable(table)).toEqual(before);
  });
});

describe('DynamoDbCheckpointStore', () => {
  const table = useTestTable('checkpoint-store', 'each');

  it('saves, loads and clears one reserved item', async () => {
    const store = new DynamoDbCheckpointStore(table.client, table.tableName, { clock: () => NOW });
    const checkpoint = { segments: 2, positions: [{ id: 'pc-0007' }, 'done' as const] };

    await store.save(checkpoint);

    const loaded = await store.load();
    expect(loaded).toEqual({ resumeFrom: checkpoint, stored: JSON.stringify(checkpoint) });
    expect(await getItem(table.client, table.tableName, CHECKPOINT_ID)).toEqual({
      id: CHECKPOINT_ID,
      [CHECKPOINT_ATTR.checkpoint]: JSON.stringify(checkpoint),
      [CHECKPOINT_ATTR.savedAt]: days(0),
      [CHECKPOINT_ATTR.loads]: 1,
    });
    expect(await store.clear(loaded!)).toBe(true);
    expect(await store.load()).toBeUndefined();
    expect(await getItem(table.client, table.tableName, CHECKPOINT_ID)).toEqual({ id: CHECKPOINT_ID });
  });

  it('creates no item when loading or clearing with nothing saved', async () => {
    const store = new DynamoDbCheckpointStore(table.client, table.tableName);

    expect(await store.load()).toBeUndefined();
    expect(await store.clear({ resumeFrom: undefined, stored: '{"segments":1,"positions":["done"]}' })).toBe(
      false,
    );

    expect(await exportTable(table)).toEqual([]);
  });

  it('ignores an unreadable checkpoint and says why', async () => {
    await putItem(table.client, table.tableName, {
      id: CHECKPOINT_ID,
      [CHECKPOINT_ATTR.checkpoint]: '{"segments":2}',
    });
    const reasons: string[] = [];
    const store = new DynamoDbCheckpointStore(table.client, table.tableName, {
      onInvalid: (r) => reasons.push(r),
    });

    expect(await store.load()).toEqual({ resumeFrom: undefined, stored: '{"segments":2}' });
    expect(reasons).toEqual(['ignoring the stored sweep checkpoint: positions is not a list of 2 entries']);
  });
});
