/**
 * The orphan rule end to end on DynamoDB Local, as an operator runs it
 * (docs/rules.md, "Orphaned credentials"; docs/deploy.md, "Owner directory"):
 * `owners import --as-of`, `sweep --now` flags the departed owner's
 * credentials, deletes none while the directory is stale, deletes them
 * (reason `orphaned`) past the grace once the directory is fresh again, and
 * `restore` undoes such a deletion.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { getItem } from '../support/items';
import { importOwnersCli, useOwnedTables } from '../support/reach-fixtures';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { credential, days } from '../unit/support/credentials';

// credential('a-1') is owned by user-a, 'b-1' by user-b, 'c-1' by user-c.
const OWNERS_CSV = 'userId,email,name,status\nuser-a,,Ann,departed\nuser-b,b@example.com,Bob,active\n';

describe('orphaned credentials (CLI, DynamoDB Local)', () => {
  const { table, owners } = useOwnedTables('orphans', [
    credential('a-1'),
    credential('a-2'),
    credential('b-1'),
    credential('c-1'),
  ]);
  const tempDir = useTempDir('orphans');
  let flags: string[];
  let csv: string;
  beforeAll(async () => {
    flags = ['--table', table.tableName, '--endpoint', table.endpoint, '--directory-table', owners.tableName];
    csv = join(tempDir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(csv, OWNERS_CSV);
  });

  const ownersImport = (asOf: string) => importOwnersCli(owners, csv, asOf);
  const sweep = async (now: string, ...extra: string[]) => {
    const result = await runCli(['sweep', ...flags, '--now', now, '--format', 'json', ...extra]);
    expect(result.stderr).toBe('');
    return { code: result.code, summary: JSON.parse(result.stdout) as RunSummary };
  };
  const item = (id: string) => getItem(table.client, table.tableName, id);

  it("flags the departed owner's credentials at once, and only theirs", async () => {
    expect((await ownersImport(days(0))).code).toBe(0);

    const { code, summary } = await sweep(days(0));

    expect(code).toBe(0);
    expect(summary.directory).toMatchObject({ status: 'used', asOf: days(0), owners: 2, departed: 1 });
    expect(summary.planned['flag-orphan']).toBe(2);
    for (const id of ['a-1', 'a-2']) {
      expect(await item(id)).toMatchObject({
        [HYGIENE_ATTR.orphanedAt]: days(0),
        [HYGIENE_ATTR.orphanDeleteAfter]: days(7),
      });
    }
    for (const id of ['b-1', 'c-1']) expect(await item(id)).not.toHaveProperty(HYGIENE_ATTR.orphanedAt);
  });

  it('deletes nothing past the grace while the directory is stale, and says why', async () => {
    const { summary } = await sweep(days(8));

    expect(summary.directory).toMatchObject({ status: 'stale', asOf: days(0) });
    expect(summary.deletions.orphaned).toBe(0);
    expect(await item('a-1')).not.toHaveProperty('deletedAt');
    expect(await item('a-1')).toHaveProperty(HYGIENE_ATTR.orphanedAt, days(0));
  });

  it('soft-deletes them as orphaned past the grace once the directory is fresh again', async () => {
    expect((await ownersImport(days(8))).code).toBe(0);

    // Two of four credentials is above the default guard share: the guard counts orphan deletions too.
    const guarded = await sweep(days(8));
    expect(guarded.code).toBe(3);
    expect(guarded.summary.deletions).toMatchObject({ orphaned: 2, applied: 0, blockedByGuard: 2 });

    const { code, summary } = await sweep(days(8), '--allow-mass-delete');

    expect(code).toBe(0);
    expect(summary.deletions).toMatchObject({ orphaned: 2, applied: 2 });
    expect(summary.events.perType['deleted-orphaned']).toBe(2);
    expect(await item('a-1')).toMatchObject({ deletedAt: days(8), [HYGIENE_ATTR.deletedReason]: 'orphaned' });
    expect(await item('b-1')).not.toHaveProperty('deletedAt');
  });

  it('restores an orphaned deletion, clearing the orphan flag and warning that it comes back', async () => {
    const result = await runCli([
      'restore',
      'a-1',
      ...tableFlags(table),
      '--reason',
      'handed over',
      '--by',
      'test',
      '--format',
      'json',
    ]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      deletedReason: 'orphaned',
      warning: expect.stringContaining('orphaned'),
    });
    const restored = await item('a-1');
    for (const gone of [
      'deletedAt',
      HYGIENE_ATTR.deletedReason,
      HYGIENE_ATTR.orphanedAt,
      HYGIENE_ATTR.orphanDeleteAfter,
    ]) {
      expect(restored).not.toHaveProperty(gone);
    }
  });
});
