/**
 * `restore --table NAME --config FILE` on a table in AWS named without a stack
 * (no `--endpoint`: the table a real DynamoDB Local one reached as AWS's,
 * `./cli/deployed-tables.ts`), the file listing an expired credential in
 * `exemptIds`. No deployment is looked up, yet a deployment's scheduled sweep
 * reads its deployed `exemptIds`, never the file: restored past its expiry on
 * the file's word, the credential would be deleted again at the next run and
 * its owner told twice. So the file's list does not exempt there: the restore
 * is refused without `--force`, saying why and to name the stack, and `--force`
 * restores it with that said in its warning (docs/rules.md, "Exempt
 * credentials"). A local `--endpoint` table keeps counting the file's list:
 * `restore-exempt-ids.test.ts`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExpiredRestoreError } from '../../cli/aws/restore';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { hygieneDeletion } from '../support/hygiene-deletion';
import { runInProcess } from '../support/in-process-cli';
import { getItem } from '../support/items';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';
import { sweepWithManifest } from './support/sweep-deps';

/** Instants relative to the wall clock: a restore that writes to AWS takes no `--now`. */
const ago = (d: number) => formatInstant(Date.now() - d * DAY_MS);

describe('restore --table in AWS (no stack) with --config FILE listing an expired credential in exemptIds', () => {
  const table = useTestTable('restore-table-config-exempt', 'each', () => [
    credential('y-expired', {
      expiresTime: ago(3),
      updatedAt: ago(2),
      ...hygieneDeletion(ago(2), 'expired', 'run-1'),
    }),
  ]);
  const dir = useTempDir('restore-table-config-exempt');
  afterEach(() => vi.unstubAllEnvs());

  /** The flags aiming at the table as a table in AWS, with a `--config` file listing `ids` in exemptIds. */
  const awsTableWithFile = async (ids: string[]) => {
    deployedTablesAt(table.endpoint);
    const file = join(dir(), 'local.json');
    await writeFile(file, JSON.stringify({ exemptIds: ids }));
    const flags = ['--table', table.tableName, '--region', 'eu-west-1', '--config', file];
    const notHere =
      `config file ${file} lists it in exemptIds, which does not count on a table ${table.tableName} in AWS ` +
      "(no --endpoint) without --stack: a deployment's scheduled sweep reads its deployed exemptIds, " +
      'not this file; name the stack with --stack';
    return { file, flags, notHere };
  };
  const restore = (id: string, flags: string[]) =>
    runInProcess(registerRestoreCommand, [
      'restore',
      id,
      '--reason',
      'still needed',
      '--by',
      'ops',
      ...flags,
    ]);

  it('refuses it past its expiry without --force, saying the file does not count and to name the stack', async () => {
    const { file, flags, notHere } = await awsTableWithFile(['y-expired', 'z-other']);

    const run = await restore('y-expired', flags);

    expect(run.error).toBeInstanceOf(ExpiredRestoreError);
    expect((run.error as Error).message).toContain(`${notHere}; pass --force to restore it anyway`);
    expect(run.stderr).toContain(
      `pc-hygiene: the 2 id(s) config file ${file} lists in exemptIds are not exempt on a table ` +
        `${table.tableName} in AWS (no --endpoint) without --stack`,
    );
    expect(await getItem(table.client, table.tableName, 'y-expired')).toHaveProperty('deletedAt');
  });

  it('restores it with --force, the warning saying why it is not exempt', async () => {
    const { flags, notHere } = await awsTableWithFile(['y-expired']);

    const run = await restore('y-expired', [...flags, '--force']);

    expect(run.error).toBeUndefined();
    expect(run.stderr).toContain('pc-hygiene restore: warning: credential y-expired expired at ');
    expect(run.stderr).toContain(notHere);
    expect(await getItem(table.client, table.tableName, 'y-expired')).not.toHaveProperty('deletedAt');
  });

  it('restore --run refuses it too', async () => {
    const { flags } = await awsTableWithFile(['r-expired']);
    await sweepWithManifest(table, 'run-2', [credential('r-expired', { expiresTime: days(-1) })]);

    const run = await runInProcess(registerRestoreCommand, [
      ...['restore', '--run', 'run-2', '--reason', 'bad run', '--by', 'ops', '--format', 'json', ...flags],
    ]);

    const result = JSON.parse(run.stdout) as {
      restored: unknown[];
      refused: { id: string; check: string }[];
    };
    expect(result.restored).toEqual([]);
    expect(result.refused).toMatchObject([{ id: 'r-expired', check: 'expired' }]);
  });
});
