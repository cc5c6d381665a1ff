/**
 * `restore --run` restores only the deletion the run's manifest records
 * (docs/data-model.md, "Restore"): a credential deleted again since — a new
 * `deletedAt`, its reason and run left as they were — is refused as a
 * `conflict` and stays deleted, against DynamoDB Local on a manifest a real
 * sweep wrote.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { restoreRun } from '../../cli/use-cases/restore-run';
import { getItem } from '../support/items';
import { useTestTable } from '../support/test-table';
import { days, NOW, staleDue } from '../unit/support/credentials';
import { sweepWithManifest } from './support/sweep-deps';

describe('restore --run and a credential deleted again since (DynamoDB Local)', () => {
  const table = useTestTable('restore-run-deleted-again', 'each');
  const request = { runId: 'run-1', reason: 'bad config', by: 'ops', now: NOW + 3_600_000 };

  it('refuses it as a conflict and restores the ones still deleted as recorded', async () => {
    await sweepWithManifest(table, 'run-1', [staleDue('e-again'), staleDue('e-kept')]);
    // Deleted again a day later, the reason and the run left in place.
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id: 'e-again' },
        UpdateExpression: 'SET deletedAt = :later',
        ExpressionAttributeValues: { ':later': days(1) },
      }),
    );

    const result = await restoreRun(table.client, table.tableName, { ...request, now: NOW + 2 * 86_400_000 });

    expect(result.restored.map((r) => r.id)).toEqual(['e-kept']);
    expect(result.refused).toEqual([
      {
        id: 'e-again',
        rule: 'stale',
        check: 'conflict',
        error:
          `credential e-again was deleted at ${days(1)}, not at ${days(0)} as run run-1's manifest records: ` +
          'deleted again since that deletion; check it (pc-hygiene export) and restore it by id if it should be',
      },
    ]);
    expect(await getItem(table.client, table.tableName, 'e-again')).toHaveProperty('deletedAt', days(1));
  });

  it('a dry run refuses it the same way', async () => {
    await sweepWithManifest(table, 'run-1', [staleDue('e-again')]);
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id: 'e-again' },
        UpdateExpression: 'SET deletedAt = :later',
        ExpressionAttributeValues: { ':later': days(0, NOW + 1) },
      }),
    );

    const result = await restoreRun(table.client, table.tableName, { ...request, dryRun: true });

    expect(result.restored).toEqual([]);
    expect(result.refused).toMatchObject([{ id: 'e-again', check: 'conflict' }]);
  });
});
