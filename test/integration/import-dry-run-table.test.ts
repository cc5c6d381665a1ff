/**
 * `import --dry-run` checks its table as the import does, against DynamoDB
 * Local (docs/data-model.md, "Import and export"): the finding was that a dry
 * run into the owner directory, or into a table that does not exist, said
 * `would import N record(s)` while the import itself refused both (exit 1).
 * Now the dry run is refused with the import's own error and exit code, and
 * only a credentials table gets `would import`, which says what a dry run
 * does not check (the ids already in the table). Nothing is created or written.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { useTestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';

const RECORDS = [credential('dry-1'), credential('dry-2'), credential('dry-3')];

describe('import --dry-run and the table it names', () => {
  const credentials = useTestTable('import-dry-run');
  const directory = useTestDirectoryTable('import-dry-run-owners');
  const dir = useTempDir('pc-import-dry-run');
  let file: string;
  beforeAll(async () => {
    file = join(dir(), 'records.jsonl');
    await writeFile(file, RECORDS.map((record) => `${JSON.stringify(record)}\n`).join(''));
  });

  /** `--table NAME --endpoint URL` for a table of the run's DynamoDB Local, whatever its kind. */
  const flagsOf = (tableName: string) => tableFlags({ tableName, endpoint: credentials.endpoint });

  /** The items a table holds. */
  async function itemsOf(tableName: string): Promise<unknown[]> {
    const out = await credentials.client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true }),
    );
    return out.Items ?? [];
  }

  it.each([
    ['the owner directory', () => directory.tableName, 'is not a credentials table (its key is not `id`)'],
    ['a table that does not exist', () => `${credentials.tableName}-missing`, 'not found'],
  ])(
    'into %s: refused as the import is, the same error, exit 1, nothing written',
    async (_, table, error) => {
      const flags = flagsOf(table());

      const real = await runCli(['import', file, ...flags]);
      const dryRun = await runCli(['import', file, ...flags, '--dry-run']);

      expect(real.code).toBe(1);
      expect(real.stderr).toContain(error);
      expect(dryRun.code).toBe(real.code);
      expect(dryRun.stderr).toBe(real.stderr);
      expect(dryRun.stdout).toBe('');
    },
  );

  it('into the owner directory with --create-table: refused too (the import would refuse it)', async () => {
    const run = await runCli([
      'import',
      file,
      ...flagsOf(directory.tableName),
      '--create-table',
      '--dry-run',
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not a credentials table (its key is not `id`)');
    expect(run.stdout).toBe('');
    expect(await itemsOf(directory.tableName)).toEqual([]);
  });

  it('into a credentials table: would import, saying the ids already there were not checked (exit 0)', async () => {
    const run = await runCli(['import', file, ...tableFlags(credentials), '--dry-run']);

    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      `would import 3 record(s) into ${credentials.tableName} (ids already in the table not checked)\n`,
    );
    expect(run.code).toBe(0);
    expect(await itemsOf(credentials.tableName)).toEqual([]);
  });

  it('into a missing table with --create-table: would import, and creates nothing', async () => {
    const missing = `${credentials.tableName}-to-create`;

    const run = await runCli(['import', file, ...flagsOf(missing), '--create-table', '--dry-run']);

    expect(run.stdout).toBe(`would import 3 record(s) into ${missing} (table would be created)\n`);
    expect(run.code).toBe(0);
    await expect(
      credentials.client.send(new DescribeTableCommand({ TableName: missing })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
