/**
 * `report --list CATEGORY --directory-table NAME` reads the owner directory
 * only for a category the directory can change — `orphaned-due`, and
 * `flagged-stale-due`, as an orphan deletion wins over a stale one — and
 * judges those with it as a sweep would; any other category makes no request
 * to the directory table and lists what it lists without one (docs/sweep.md,
 * the report). Against DynamoDB Local, the command run in process so every
 * request its clients send is counted by table.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerReportCommand } from '../../cli/commands/report';
import { REPORT_LIST_CATEGORIES, type ReportListCategory } from '../../cli/use-cases/report-table';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { runInProcess } from '../support/in-process-cli';
import { importOwnersCli, useOwnedTables } from '../support/reach-fixtures';
import { useTempDir } from '../support/temp-dir';
import { credential, days, staleDue } from '../unit/support/credentials';

/** The tables each request a client built by the CLI sent named, in order. */
const requested = vi.hoisted(() => ({ tables: [] as string[] }));
vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  return hookDocumentClients(await importOriginal(), countRequests);
});

/** The one call of a middleware stack used here (its generic types are the client's). */
interface InitializeMiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}
type Next = (args: { input: { TableName?: unknown } }) => Promise<unknown>;

/** Records the table of every request `client` sends. */
function countRequests(client: DynamoDBDocumentClient): void {
  (client.middlewareStack as unknown as InitializeMiddlewareStack).add(
    (next: Next) => async (args: Parameters<Next>[0]) => {
      requested.tables.push(String(args.input.TableName));
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'countRequestsByTable' },
  );
}

/** The categories whose listing the owner directory can change. */
const DIRECTORY_JUDGED: readonly ReportListCategory[] = ['flagged-stale-due', 'orphaned-due'];

/** Orphan-flagged 10 days before days(0), its grace over 3 days before. */
const orphanFlags = {
  [HYGIENE_ATTR.orphanedAt]: days(-10),
  [HYGIENE_ATTR.orphanDeleteAfter]: days(-3),
};

// credential('x-…') is owned by user-x: user-a departed, user-b active, user-c not in the directory.
const ITEMS = [
  credential('a-1', orphanFlags),
  credential('b-1', orphanFlags),
  // Stale and orphan flags both due, its owner active: the directory makes it a stale deletion, not an orphan one.
  { ...staleDue('b-2'), ...orphanFlags },
  staleDue('c-1'),
  credential('d-1', { expiresTime: days(-1) }),
  credential('d-2', { lastUsedAt: days(-100) }),
];
const OWNERS_CSV = 'userId,email,name,status\nuser-a,,Ann,departed\nuser-b,b@example.com,Bob,active\n';

describe('report --list: the owner directory read only for the categories it can change', () => {
  const { table, owners } = useOwnedTables('report-list-dir-reads', ITEMS);
  const tempDir = useTempDir('report-list-dir-reads');
  beforeAll(async () => {
    const csv = join(tempDir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(csv, OWNERS_CSV);
    expect((await importOwnersCli(owners, csv, days(0))).code).toBe(0);
  });
  beforeEach(() => {
    for (const name of [
      'PC_HYGIENE_STACK',
      'PC_HYGIENE_TABLE',
      'PC_HYGIENE_DIRECTORY_TABLE',
      'PC_HYGIENE_ENDPOINT',
    ]) {
      vi.stubEnv(name, undefined);
    }
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /**
   * `report --list category` at days(1) (with the test's directory when `withDirectory`, else the default one):
   * the ids listed and the requests to the test's directory.
   */
  async function list(category: ReportListCategory, withDirectory: boolean) {
    const directory = withDirectory ? ['--directory-table', owners.tableName] : [];
    requested.tables.length = 0;
    const run = await runInProcess(
      registerReportCommand,
      [
        'report',
        '--table',
        table.tableName,
        '--endpoint',
        table.endpoint,
        ...directory,
        '--now',
        days(1),
        '--list',
        category,
        '--format',
        'json',
      ],
      { rethrow: true },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    return {
      ids: (JSON.parse(run.stdout) as { id: string }[]).map((row) => row.id).sort(),
      directoryRequests: requested.tables.filter((name) => name === owners.tableName).length,
      tableRequests: requested.tables.filter((name) => name === table.tableName).length,
    };
  }

  it('makes no request to the directory table for any other category, and lists what it lists without one', async () => {
    const others = REPORT_LIST_CATEGORIES.filter((category) => !DIRECTORY_JUDGED.includes(category));
    expect(others.length).toBe(REPORT_LIST_CATEGORIES.length - DIRECTORY_JUDGED.length);
    for (const category of others) {
      const named = await list(category, true);
      const none = await list(category, false);

      expect(named.directoryRequests, category).toBe(0);
      expect(named.tableRequests, category).toBeGreaterThan(0);
      expect(named.ids, category).toEqual(none.ids);
    }
  });

  it('reads the directory for orphaned-due and flagged-stale-due, and judges them with it as a sweep would', async () => {
    const orphanedDue = await list('orphaned-due', true);
    const staleDueListed = await list('flagged-stale-due', true);

    expect(orphanedDue.directoryRequests).toBeGreaterThan(0);
    expect(staleDueListed.directoryRequests).toBeGreaterThan(0);
    expect(orphanedDue.ids).toEqual(['a-1']);
    expect(staleDueListed.ids).toEqual(['b-2', 'c-1']);
    // Without --directory-table, the default one a sweep reads (PersonalClientOwners, absent here: no directory),
    // by which no orphan flag is due, as the sweep then orphans nothing; b-2's stale flag is due.
    expect((await list('orphaned-due', false)).ids).toEqual([]);
    expect((await list('flagged-stale-due', false)).ids).toEqual(['b-2', 'c-1']);
  });
});
