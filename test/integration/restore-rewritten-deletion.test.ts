/**
 * `restore ID` undoes only a deletion pc-hygiene made, and its history is the
 * record: the sweep appends a `delete-*` entry at the deletion's `deletedAt`
 * in the very write that deletes. A `deletedAt` another writer rewrote, the
 * hygiene fields left in place, or a deletion whose history has no entry of
 * its run, is refused as `not-deleted-by-hygiene` (exit 1, naming both
 * instants), and nothing is written — as `restore --run` refuses the rewritten
 * one (a conflict with its manifest: restore-run-deleted-again.test.ts).
 * Against DynamoDB Local, on a deletion a real sweep made.
 */
import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { HISTORY_ATTR } from '../../lambdas/hygiene/data-contract';
import { getItem } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { days, staleDue } from '../unit/support/credentials';
import { sweepWithManifest } from './support/sweep-deps';

describe('restore ID and a deletion its history does not record (DynamoDB Local)', {
  timeout: 120_000,
}, () => {
  const table = useTestTable('restore-rewritten-deletion', 'each');
  const item = () => getItem(table.client, table.tableName, 'e-1');
  /** Run run-1 deletes e-1 (stale) at `days(0)`; then `rewrite` changes the item, as another writer would. */
  const deletedThenRewritten = async (
    rewrite: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ) => {
    await sweepWithManifest(table, 'run-1', [staleDue('e-1')]);
    await table.client.send(
      new UpdateCommand({ TableName: table.tableName, Key: { id: 'e-1' }, ...rewrite }),
    );
    return item();
  };
  const restore = (...extra: string[]) =>
    runCli(['restore', 'e-1', '--reason', 'r', '--now', days(2), ...tableFlags(table), ...extra]);

  it('deletedAt rewritten, the hygiene fields kept: refused naming both instants, exit 1, nothing written', async () => {
    const before = await deletedThenRewritten({
      UpdateExpression: 'SET deletedAt = :later',
      ExpressionAttributeValues: { ':later': days(1) },
    });

    const run = await restore();

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `pc-hygiene: credential e-1 was soft-deleted at ${days(1)} (deletedAt), but run run-1 deleted it at ` +
        `${days(0)} (its history's delete-stale entry): deletedAt was rewritten since by another writer, not by ` +
        'pc-hygiene, so restore does not undo it; check it (pc-hygiene export shows hygieneHistory) and undo it ' +
        'where it was made\n',
    });
    expect(await item()).toEqual(before);
  });

  it('no deletion of its run in the history: refused as not deleted by pc-hygiene, in JSON too, nothing written', async () => {
    const before = await deletedThenRewritten({
      UpdateExpression: 'REMOVE #h',
      ExpressionAttributeNames: { '#h': HISTORY_ATTR },
    });

    const run = await restore('--format', 'json', '--force');

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      id: 'e-1',
      check: 'not-deleted-by-hygiene',
      error:
        `credential e-1 was soft-deleted (deletedAt ${days(0)}, hygieneDeletedByRun run-1), but its history ` +
        'has no deletion by run run-1, which pc-hygiene records with every deletion it ' +
        'makes: restore undoes only those; check it (pc-hygiene export shows hygieneHistory) and undo it where it was made',
    });
    expect(await item()).toEqual(before);
  });

  it('the deletion as the sweep made it is restored', async () => {
    await sweepWithManifest(table, 'run-1', [staleDue('e-1')]);

    const run = await restore();

    expect(run.code).toBe(0);
    expect(await item()).not.toHaveProperty('deletedAt');
  });
});
