/**
 * A stored checkpoint whose position is not a key of the table is unreadable:
 * ignored with a warning, and the run reads the table from the top
 * (docs/sweep.md, "Time budget and checkpoint"). Resuming from it would hand
 * DynamoDB an `ExclusiveStartKey` it refuses ("The provided starting key is
 * invalid") and fail every run until someone deleted the item by hand.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { CHECKPOINT_ATTR, CHECKPOINT_ID } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { putItem, putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { sweepDeps } from './support/sweep-deps';

const config = parseConfig({ maxDeletePercent: 100, scanSegments: 2, writeConcurrency: 4 });

describe('an unreadable sweep checkpoint (DynamoDB Local)', () => {
  const table = useTestTable('unreadable-checkpoint', 'each');

  it('is ignored with a warning when a position is not the table key, and the run scans every item', async () => {
    const items = Array.from({ length: 10 }, (_, i) =>
      credential(`k${String(i).padStart(2, '0')}`, { expiresTime: days(i % 2 === 0 ? 5 : 400) }),
    );
    await putItems(table.client, table.tableName, items);
    const warnings: string[] = [];
    const checkpoints = new DynamoDbCheckpointStore(table.client, table.tableName, {
      onInvalid: (reason) => warnings.push(reason),
    });
    await checkpoints.save({ segments: 1, positions: [{ notTheKey: 'x' }] });

    const summary = await runSweep(
      { ...sweepDeps(table, 3), checkpoints },
      { config, now: NOW, runId: 'run-1', mode: 'enforce' },
    );

    expect(summary).toMatchObject({ status: 'complete', scanned: 10, failed: { count: 0 } });
    expect(summary.applied['notify-expiry']).toBe(5);
    expect(summary.checkpoint).toMatchObject({ resumed: false, segments: 2 });
    expect(warnings).toEqual([
      'ignoring the stored sweep checkpoint: position {"notTheKey":"x"} is not null, "done" or a key of the table ({ "id": non-empty string })',
    ]);
  });

  it('names every position that is not exactly the table key', async () => {
    const stored = [
      { segments: 1, positions: [{ id: 'pc-1', extra: 'x' }] },
      { segments: 1, positions: [{ id: 7 }] },
      { segments: 1, positions: [{ id: '' }] },
      { segments: 1, positions: [{}] },
      { segments: 1, positions: [['pc-1']] },
      { segments: 65, positions: Array.from({ length: 65 }, () => null) },
    ];
    const reasons: string[] = [];
    const store = new DynamoDbCheckpointStore(table.client, table.tableName, {
      onInvalid: (reason) => reasons.push(reason),
    });

    for (const checkpoint of stored) {
      await putItem(table.client, table.tableName, {
        id: CHECKPOINT_ID,
        [CHECKPOINT_ATTR.checkpoint]: JSON.stringify(checkpoint),
      });
      const loaded = await store.load();
      expect(loaded, JSON.stringify(checkpoint)).toEqual({
        resumeFrom: undefined,
        stored: JSON.stringify(checkpoint),
      });
    }

    const notAKey = (p: string) =>
      `ignoring the stored sweep checkpoint: position ${p} is not null, "done" or a key of the table ({ "id": non-empty string })`;
    expect(reasons).toEqual([
      notAKey('{"id":"pc-1","extra":"x"}'),
      notAKey('{"id":7}'),
      notAKey('{"id":""}'),
      notAKey('{}'),
      notAKey('["pc-1"]'),
      'ignoring the stored sweep checkpoint: segments 65 is not an integer from 1 to 64',
    ]);
  });

  it('still resumes from a checkpoint of real keys', async () => {
    await putItems(table.client, table.tableName, [credential('a-1'), credential('b-2'), credential('c-3')]);
    const store = new DynamoDbCheckpointStore(table.client, table.tableName);
    await store.save({ segments: 1, positions: [{ id: 'a-1' }] });

    const summary = await runSweep(
      { ...sweepDeps(table, 1), checkpoints: store },
      { config, now: NOW, runId: 'run-1', mode: 'enforce' },
    );

    expect(summary.checkpoint).toMatchObject({ resumed: true, cleared: true, segments: 1 });
    expect(summary.scanned).toBeLessThan(3); // after a-1 (in the scan's order), not from the top
  });
});
