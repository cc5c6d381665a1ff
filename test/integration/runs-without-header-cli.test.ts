/**
 * `runs show`, `restore --run` and `runs list` claim only what the table
 * shows (docs/data-model.md, "Run manifests"): a run with no manifest header
 * may be mistyped, have deleted nothing, be still running (its header comes
 * last: a run held at its header write is not said to have ended), or have
 * stopped or failed before its header, or failed to write it, its deletions
 * carrying its id; a stored page 1 says it did delete. An index whose every
 * run is malformed lists none, which is not "no run deleted anything". Child
 * processes, DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { RUN_INDEX_ID, RUN_MANIFEST_ATTR, runHeaderId } from '../../lambdas/hygiene/data-contract';
import { MANIFEST_PAGE_SIZE, type RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { hygieneDeletion } from '../support/hygiene-deletion';
import { getItem, putItems } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW, staleDue } from '../unit/support/credentials';
import { restoreRunCli } from './support/restore-run-cli';
import { sweepDeps } from './support/sweep-deps';

const RUN_ID = 'sweep-2026-11-26T03:00:00.000Z-abcdef';

/** Why a run may have no header yet, or none at all: the table cannot tell which. */
const NO_HEADER_YET =
  'still running (a run writes its header last), or it stopped or failed before writing it, or its header write failed';

/**
 * What `restore --run` adds: it restores nothing from pages without their header (written last, the only record of
 * the run's pages), and names the way on, each deletion by id (docs/deploy.md, "Restore runbook").
 */
const RESTORE_BY_ID =
  ". restore --run restores nothing without the header (written last, it is the only record of the run's pages): " +
  'once the run has ended, restore each deletion by id (pc-hygiene restore ID; docs/deploy.md, "Restore runbook", ' +
  'lists them from an export)';

/** What `runs show` and `restore --run` say of a run with page 1 stored and no header. */
const pageOneStored = (tableName: string, runId: string) =>
  `no manifest header for run ${runId} in ${tableName}, but its manifest page 1 is stored: the run made ` +
  `deletions and is ${NO_HEADER_YET}; its manifest cannot be listed without a header, and its deletions carry ` +
  `hygieneDeletedByRun = ${runId} (pc-hygiene export shows them)`;

describe('runs without a manifest header (CLI, DynamoDB Local)', () => {
  const table = useTestTable('runs-without-header', 'each');

  it('a run that stored page 1 and no header: said to have deleted, not to have deleted nothing', async () => {
    await putItems(table.client, table.tableName, [
      credential('a-1', hygieneDeletion(days(0), 'stale', RUN_ID)),
    ]);
    // The page a run writes when it fills; the run ended before its header (and so before its index line).
    await new DynamoDbRunManifestWriter(table.client, table.tableName).writePage(RUN_ID, 1, [
      { id: 'a-1', userId: 'user-a', rule: 'stale', deletedAt: days(0) },
    ]);
    const said = `pc-hygiene: ${pageOneStored(table.tableName, RUN_ID)}\n`;

    const show = await runCli(['runs', 'show', RUN_ID, ...tableFlags(table)]);
    expect(show.code).toBe(1);
    expect(show.stdout).toBe('');
    expect(show.stderr).toBe(said);
    const restore = await restoreRunCli(table, RUN_ID);
    expect(restore.code).toBe(1);
    expect(restore.stdout).toBe('');
    expect(restore.stderr).toBe(`pc-hygiene: ${pageOneStored(table.tableName, RUN_ID)}${RESTORE_BY_ID}\n`);
    // Nothing restored from the page: the credential is still deleted, for a restore by id.
    expect((await getItem(table.client, table.tableName, 'a-1'))?.deletedAt).toBe(days(0));
    const byId = await runCli([
      'restore',
      'a-1',
      '--reason',
      'bad run',
      '--now',
      days(1),
      ...tableFlags(table),
    ]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain('restored a-1');

    const list = await runCli(['runs', 'list', ...tableFlags(table)]);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(
      'No run manifests: the run index lists no run (a run that deleted nothing keeps none; one that ended before ' +
        'recording its manifest is not listed, and its deletions carry hygieneDeletedByRun = its run id: ' +
        'pc-hygiene export shows them).\n',
    );
  });

  it('a run with nothing stored: a mistyped id, a run that deleted nothing, or one with no header (yet)', async () => {
    const show = await runCli(['runs', 'show', 'sweep-nope', ...tableFlags(table)]);

    expect(show.code).toBe(1);
    expect(show.stderr).toBe(
      `pc-hygiene: no manifest header for run sweep-nope in ${table.tableName}: the id may be mistyped (see ` +
        `pc-hygiene runs list), or the run deleted nothing, or it is ${NO_HEADER_YET}; its deletions, if any, carry ` +
        'hygieneDeletedByRun = sweep-nope (pc-hygiene export shows them)\n',
    );
  });

  it('a run still running (page 1 stored, its header to come) is not said to have ended', async () => {
    const ids = Array.from({ length: MANIFEST_PAGE_SIZE + 5 }, (_, i) => `s-${String(i).padStart(4, '0')}`);
    await putItems(table.client, table.tableName, ids.map(staleDue));
    const writer = new DynamoDbRunManifestWriter(table.client, table.tableName);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let headerAsked!: () => void;
    const asked = new Promise<void>((resolve) => {
      headerAsked = resolve;
    });
    // The run holds its header write back (a slow write, its last phase) until the test has looked.
    const manifest = {
      writePage: writer.writePage.bind(writer),
      writeHeader: async (header: RunManifestHeader) => {
        headerAsked();
        await gate;
        return writer.writeHeader(header);
      },
    };
    const config = parseConfig({ maxDeletePercent: 100, maxDeletesPerRun: 10_000 });
    const sweep = runSweep(
      { ...sweepDeps(table, 100), manifest },
      { config, now: NOW, runId: 'run-live', mode: 'enforce' },
    );
    await asked;

    const restore = await restoreRunCli(table, 'run-live');
    release();

    expect(restore.code).toBe(1);
    expect(restore.stderr).toBe(
      `pc-hygiene: ${pageOneStored(table.tableName, 'run-live')}${RESTORE_BY_ID}\n`,
    );
    expect((await sweep).status).toBe('complete');
    expect(await getItem(table.client, table.tableName, runHeaderId('run-live'))).toBeDefined();
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
