/**
 * `owners import`'s freshness write whose response was lost, against
 * DynamoDB Local: the write is a compare-and-swap on the freshness the import
 * read, so the SDK's retry of a write that already applied fails on the
 * import's own snapshot. The import still reports it recorded (exit 0), not
 * `superseded` ("another import recorded its snapshot meanwhile":
 * lambdas/aws/owner-directory-store.ts, `recordFreshness`; docs/deploy.md,
 * "Two imports at once"). Its controls: another import that really recorded
 * its snapshot, before the write applied (its first attempt refused) or after
 * it (before the retry) — also a re-run of this very export, whose
 * `importedAt` differs — still makes the import report `superseded` (exit 1)
 * and keeps the other's freshness.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../cli/commands/owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DIRECTORY_FRESHNESS_ID } from '../../lambdas/hygiene/data-contract';
import { ownerExportDigest } from '../../lambdas/hygiene/owner-export-digest';
import { runInProcess } from '../support/in-process-cli';
import { directoryFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { armLostResponse, type LostResponsePlan } from './support/lost-response-between';

vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  const { hookArmedClient } = await import('./support/lost-response-between');
  return hookDocumentClients(await importOriginal(), hookArmedClient);
});

const AS_OF = '2026-11-30T06:00:00.000Z';
/** The other import's snapshot instant (an export older than this one's). */
const OTHER_AS_OF = '2026-11-28T06:00:00.000Z';
const OWNERS = [
  { userId: 'ann', email: 'ann@example.com', name: 'Ann', status: 'active' as const },
  { userId: 'bob', email: 'bob@example.com', name: 'Bob', status: 'active' as const },
];

/** The freshness write: a `PutItem` of the freshness item (its item as sent, marshalled or not). */
const isFreshnessWrite = (input: Readonly<Record<string, unknown>>) =>
  'Item' in input && JSON.stringify(input.Item ?? null).includes(JSON.stringify(DIRECTORY_FRESHNESS_ID));

describe('owners import: a freshness write whose response was lost (DynamoDB Local)', () => {
  const table = useTestDirectoryTable('owners-freshness-lost', 'each');
  const dir = useTempDir('owners-freshness-lost');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);

  /** Imports the two owners as of {@link AS_OF}, its freshness write's first attempt treated as `plan` says. */
  async function importWith(plan: Omit<LostResponsePlan, 'matches'>) {
    const file = join(dir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(
      file,
      `userId,email,name,status\n${OWNERS.map((o) => `${o.userId},${o.email},${o.name},${o.status}`).join('\n')}\n`,
    );
    const counts = armLostResponse({ ...plan, matches: isFreshnessWrite });
    const run = await runInProcess(registerOwnersCommand, [
      'owners',
      'import',
      file,
      ...directoryFlags(table),
      '--as-of',
      AS_OF,
    ]);
    expect(counts()?.lost).toBe(1);
    return run;
  }

  /** Another import records `snapshot` over the freshness it reads then (on the table's own client). */
  const anotherImportRecords =
    (snapshot = { asOf: OTHER_AS_OF, owners: 2, contentDigest: 'sha256:other-export' }) =>
    async () => {
      const read = await directory().freshness();
      const held = await directory().recordFreshness(snapshot, '2026-12-06T00:00:00.000Z', {
        replacing: read,
      });
      expect(held).toBe(true);
    };
  const otherImportRecords = anotherImportRecords();

  it('reports its snapshot recorded when the retry meets its own freshness', async () => {
    const run = await importWith({});

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(await directory().freshness()).toMatchObject({
      asOf: AS_OF,
      owners: 2,
      contentDigest: ownerExportDigest(OWNERS),
    });
  });

  it('control: another import recorded its snapshot after the write applied: superseded, its freshness kept', async () => {
    const run = await importWith({ between: otherImportRecords });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(
      `but another import recorded its snapshot (as of ${OTHER_AS_OF}) while this one ran, so this one's (as of ${AS_OF}) was not recorded`,
    );
    expect(await directory().freshness()).toMatchObject({
      asOf: OTHER_AS_OF,
      contentDigest: 'sha256:other-export',
    });
  });

  it('control: a re-run of this export recorded the same snapshot after the write applied (its importedAt differs): superseded', async () => {
    const sameSnapshot = { asOf: AS_OF, owners: 2, contentDigest: ownerExportDigest(OWNERS) };
    const run = await importWith({ between: anotherImportRecords(sameSnapshot) });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(
      `but another import recorded a snapshot as of the same instant (${AS_OF}) while this one ran`,
    );
    expect(await directory().freshness()).toMatchObject({
      ...sameSnapshot,
      importedAt: '2026-12-06T00:00:00.000Z',
    });
  });

  it('control: another import recorded its snapshot before the write applied: superseded, its freshness kept', async () => {
    const run = await importWith({ throttled: true, between: otherImportRecords });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(
      `but another import recorded its snapshot (as of ${OTHER_AS_OF}) while this one ran`,
    );
    expect(await directory().freshness()).toMatchObject({
      asOf: OTHER_AS_OF,
      contentDigest: 'sha256:other-export',
    });
  });
});
