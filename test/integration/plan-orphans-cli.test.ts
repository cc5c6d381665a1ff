/**
 * `pc-hygiene plan --table` applies the orphan rule as a sweep of the same
 * table would (docs/cli-plan.md): it reads the owner directory the sweep
 * reads (`--directory-table`), loaded the sweep's way, so its orphan
 * deletions count towards the guard's verdict and it trips where
 * `sweep --dry-run` trips; a missing or stale directory orphans nothing and
 * the summary says so; a file is planned without a directory, and says that.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanCounts } from '../../cli/format/plan-types';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { importOwnersCli, useOwnedTables } from '../support/reach-fixtures';
import { runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { credential, days } from '../unit/support/credentials';

// credential('a-1') is owned by user-a (departed), 'b-1' by user-b, 'c-1' by user-c (not in the directory).
const OWNERS_CSV = 'userId,email,name,status\nuser-a,,Ann,departed\nuser-b,b@example.com,Bob,active\n';

describe('plan --table and the orphan rule (CLI, DynamoDB Local)', () => {
  const { table, owners } = useOwnedTables('plan-orphans', [
    credential('a-1'),
    credential('a-2'),
    credential('b-1'),
    credential('c-1'),
  ]);
  const tempDir = useTempDir('plan-orphans');
  let tableFlags: string[];
  let csv: string;
  beforeAll(async () => {
    tableFlags = ['--table', table.tableName, '--endpoint', table.endpoint];
    csv = join(tempDir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(csv, OWNERS_CSV);
  });

  const withDirectory = () => [...tableFlags, '--directory-table', owners.tableName];
  const planJson = async (now: string, ...flags: string[]) => {
    const result = await runCli(['plan', ...flags, '--now', now, '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return (JSON.parse(result.stdout) as { summary: PlanCounts }).summary;
  };

  it("flags the departed owner's credentials, as the sweep does", async () => {
    expect((await importOwnersCli(owners, csv, days(0))).code).toBe(0);

    const summary = await planJson(days(0), ...withDirectory());

    expect(summary.actions['flag-orphan']).toBe(2);
    expect(summary.directory).toMatchObject({
      status: 'used',
      table: owners.tableName,
      asOf: days(0),
      owners: 2,
      departed: 1,
    });
    // The sweep flags them: the next plans see the flags.
    const sweep = await runCli(['sweep', ...withDirectory(), '--now', days(0), '--format', 'json']);
    expect(sweep.code).toBe(0);
    expect((JSON.parse(sweep.stdout) as RunSummary).planned['flag-orphan']).toBe(2);
  });

  it('counts the orphan deletions past the grace: its guard trips where sweep --dry-run trips', async () => {
    expect((await importOwnersCli(owners, csv, days(8))).code).toBe(0);

    const dryRun = await runCli(['sweep', ...withDirectory(), '--now', days(8), '--dry-run']);
    expect(dryRun.code).toBe(3);
    expect(dryRun.stdout).toContain('GUARD TRIPPED');

    const summary = await planJson(days(8), ...withDirectory());
    expect(summary.actions['delete-orphaned']).toBe(2);
    expect(summary.deletions).toBe(2);
    expect(summary.guard).toMatchObject({ tripped: true, plannedDeletes: 2, activeValid: 4 });

    const text = await runCli(['plan', ...withDirectory(), '--now', days(8)]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {4}delete-orphaned +2$/m);
    expect(text.stdout).toContain(
      `  Owner directory ${owners.tableName}: as of ${days(8)}, 2 owner(s), 1 departed (orphan rule applied)\n`,
    );
    expect(text.stdout).toContain('guard: TRIPPED, no deletion would be made');
  });

  it('orphans nothing from a stale directory, and says why, as the sweep does', async () => {
    const summary = await planJson(days(40), ...withDirectory());

    expect(summary.directory).toMatchObject({ status: 'stale', asOf: days(8) });
    expect(summary.actions['delete-orphaned']).toBe(0);
    const text = await runCli(['plan', ...withDirectory(), '--now', days(40)]);
    expect(text.stdout).toContain(
      `Owner directory ${owners.tableName}: STALE (as of ${days(8)}, older than directoryMaxAgeDays ${DEFAULT_CONFIG.directoryMaxAgeDays}); nothing would be orphaned`,
    );
  });

  it('reads no directory where the sweep finds none (the default name is missing): nothing orphaned, said', async () => {
    const summary = await planJson(days(8), ...tableFlags);

    expect(summary.directory).toEqual({
      status: 'no-directory',
      table: 'PersonalClientOwners',
      departed: 0,
      maxAgeDays: DEFAULT_CONFIG.directoryMaxAgeDays,
    });
    expect(summary.actions['delete-orphaned']).toBe(0);
    expect(summary.guard).toMatchObject({ tripped: false, plannedDeletes: 0 });
  });

  it('plans a file without a directory, says orphan actions are not counted, and refuses --directory-table', async () => {
    const file = join(tempDir(), 'records.jsonl');
    await writeFile(file, `${JSON.stringify(credential('a-9'))}\n`);

    const summary = await planJson(days(8), '--input', file);
    expect(summary.directory).toEqual({ status: 'not-read' });
    const text = await runCli(['plan', '--input', file, '--now', days(8)]);
    expect(text.stdout).toContain(
      'Owner directory: not read (a file is planned without one); flag-orphan and delete-orphaned are not counted',
    );

    const refused = await runCli(['plan', '--input', file, '--directory-table', owners.tableName]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('--directory-table is for a table (--table or --stack)');
  });
});
