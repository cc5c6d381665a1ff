/**
 * `runs show`, `restore --run` and `runs list` claim only what the table
 * shows (docs/data-model.md, "Run manifests"): a run with no manifest header
 * may have deleted nothing, or ended before recording its manifest (stopped
 * or failed), its deletions carrying its id; a stored page 1 says it did
 * delete. An index whose every run is malformed lists none, which is not
 * "no run deleted anything". Child processes, DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { RUN_INDEX_ID, RUN_MANIFEST_ATTR } from '../../lambdas/hygiene/data-contract';
import { putItems } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';
import { restoreRunCli } from './support/restore-run-cli';

const RUN_ID = 'sweep-2026-11-26T03:00:00.000Z-abcdef';

describe('runs without a manifest header (CLI, DynamoDB Local)', () => {
  const table = useTestTable('runs-without-header', 'each');

  it('a run that stored page 1 and no header: said to have deleted, not to have deleted nothing', async () => {
    await putItems(table.client, table.tableName, [
      credential('a-1', { deletedAt: days(0), hygieneDeletedReason: 'stale', hygieneDeletedByRun: RUN_ID }),
    ]);
    // The page a run writes when it fills; the run ended before its header (and so before its index line).
    await new DynamoDbRunManifestWriter(table.client, table.tableName).writePage(RUN_ID, 1, [
      { id: 'a-1', userId: 'user-a', rule: 'stale', deletedAt: days(0) },
    ]);
    const said =
      `pc-hygiene: no manifest header for run ${RUN_ID} in ${table.tableName}, but its manifest page 1 is stored: ` +
      'the run made deletions and ended before recording its header (stopped or failed), so its manifest cannot be ' +
      `listed; its deletions carry hygieneDeletedByRun = ${RUN_ID} (pc-hygiene export shows them)\n`;

    const show = await runCli(['runs', 'show', RUN_ID, ...tableFlags(table)]);
    expect(show.code).toBe(1);
    expect(show.stdout).toBe('');
    expect(show.stderr).toBe(said);
    const restore = await restoreRunCli(table, RUN_ID);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toBe(said);

    const list = await runCli(['runs', 'list', ...tableFlags(table)]);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(
      'No run manifests: the run index lists no run (a run that deleted nothing keeps none; one that ended before ' +
        'recording its manifest is not listed, and its deletions carry hygieneDeletedByRun = its run id: ' +
        'pc-hygiene export shows them).\n',
    );
  });

  it('a run with nothing stored: it deleted nothing, or ended before recording its manifest', async () => {
    const show = await runCli(['runs', 'show', 'sweep-nope', ...tableFlags(table)]);

    expect(show.code).toBe(1);
    expect(show.stderr).toBe(
      `pc-hygiene: no manifest header for run sweep-nope in ${table.tableName}: it deleted nothing, or ended ` +
        'before recording its manifest; its deletions, if any, carry hygieneDeletedByRun = sweep-nope ' +
        '(pc-hygiene export shows them); see pc-hygiene runs list\n',
    );
  });

  it('runs list of an index whose every run is malformed says so, not that no run deleted anything', async () => {
    await putItems(table.client, table.tableName, [
      {
        id: RUN_INDEX_ID,
        [RUN_MANIFEST_ATTR.runs]: [{ runId: RUN_ID, now: days(0), status: 'complete', deleted: '2' }],
      },
    ]);

    const list = await runCli(['runs', 'list', ...tableFlags(table)]);

    expect(list.code).toBe(1);
    expect(list.stderr).toContain(`run "${RUN_ID}", is malformed`);
    expect(list.stdout).toBe("No run listed: the index's 1 run(s) are malformed (named on stderr).\n");
  });
});
