/**
 * `pc-hygiene restore --run RUN_ID` as a user runs it (child process),
 * against DynamoDB Local, on manifests a real sweep wrote
 * (docs/data-model.md, "Run manifests"; docs/deploy.md, "Restore runbook"):
 * a page whose write failed (the header lists it) is reported as such and
 * passed over, the later pages are still restored (and `runs show` lists
 * them); a page lost since the run (the header does not list it) is reported
 * as lost; the per-credential warnings of `restore ID` are printed, and
 * the JSON names each refusal's check; a stored id cannot forge a line of the
 * report.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { HYGIENE_ATTR, runPageId } from '../../lambdas/hygiene/data-contract';
import { MANIFEST_PAGE_SIZE } from '../../lambdas/hygiene/run-manifest';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days, staleDue } from '../unit/support/credentials';
import { restoreRunCli } from './support/restore-run-cli';
import { exportTable, sweepWithManifest } from './support/sweep-deps';

describe('restore --run (CLI, DynamoDB Local)', { timeout: 240_000 }, () => {
  const table = useTestTable('restore-run-cli', 'each');
  /** Runs an enforce sweep with a manifest; `failPage` makes that page's write fail (`manifest.failed`). */
  const sweep = (runId: string, items: Record<string, unknown>[], failPage?: number) =>
    sweepWithManifest(table, runId, items, failPage);
  const restoreRun = (runId: string, ...extra: string[]) => restoreRunCli(table, runId, ...extra);
  const deletedIds = async () =>
    (await exportTable(table)).filter((i) => i.deletedAt !== undefined).map((i) => String(i.id));

  it('a page whose write failed is reported and passed over; the pages after it are restored; exit 1', async () => {
    const ids = Array.from(
      { length: 2 * MANIFEST_PAGE_SIZE + 37 },
      (_, i) => `e-${String(i).padStart(4, '0')}`,
    );
    const summary = await sweep('run-gap', [...ids.map(staleDue), credential('a-healthy')], 2);
    expect(summary.deletions.applied).toBe(ids.length);
    expect(summary.manifest).toMatchObject({ pages: 3, failed: expect.anything() });

    const run = await restoreRun('run-gap');

    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    const restored = lines.filter((l) => l.startsWith('restored ')).map((l) => l.split(' ')[1]);
    // Pages 1 and 3: every deletion but the 200 of page 2, whose entries are lost.
    expect(restored).toHaveLength(ids.length - MANIFEST_PAGE_SIZE);
    const stillDeleted = await deletedIds();
    expect(stillDeleted).toHaveLength(MANIFEST_PAGE_SIZE);
    expect([...restored, ...stillDeleted].sort()).toEqual(ids);
    expect(lines).toContain(
      'missing page 2 (write-failed): run run-gap: manifest page 2 of 3 not recorded: its write failed during the run; ' +
        `its deletions carry ${HYGIENE_ATTR.deletedByRun} = run-gap (pc-hygiene export shows them; docs/deploy.md, "Restore runbook"): ` +
        'they were not restored; restore them by id',
    );
    expect(lines.at(-1)).toBe(
      `run run-gap: ${ids.length - MANIFEST_PAGE_SIZE} restored, 0 skipped, 0 refused, 1 manifest page missing`,
    );
    expect(run.stderr).toBe('');
  });

  it('runs show lists the readable pages, names the missing one and exits 1', async () => {
    const ids = Array.from({ length: MANIFEST_PAGE_SIZE + 3 }, (_, i) => `s-${String(i).padStart(4, '0')}`);
    await sweep('run-shown', ids.map(staleDue), 1);

    const json = await runCli(['runs', 'show', 'run-shown', ...tableFlags(table), '--format', 'json']);
    const table1 = await runCli(['runs', 'show', 'run-shown', ...tableFlags(table)]);

    expect(json.code).toBe(1);
    const shown = JSON.parse(json.stdout) as {
      header: { failedPages: number[]; failedPageCount: number };
      entries: { id: string }[];
      missingPages: { page: number; cause: string; error: string }[];
    };
    // Page 1 (the first 200 deletions recorded) was never written; page 2 still lists the other 3.
    expect(shown.entries).toHaveLength(3);
    expect(shown.entries.every((e) => ids.includes(e.id))).toBe(true);
    expect(shown.header).toMatchObject({ failedPages: [1], failedPageCount: 1 });
    const error =
      'run run-shown: manifest page 1 of 2 not recorded: its write failed during the run; ' +
      `its deletions carry ${HYGIENE_ATTR.deletedByRun} = run-shown (pc-hygiene export shows them; docs/deploy.md, "Restore runbook")`;
    expect(shown.missingPages).toEqual([{ page: 1, cause: 'write-failed', error }]);
    expect(json.stderr).toBe(`pc-hygiene: ${error}\n`);
    expect(table1.code).toBe(1);
    for (const entry of shown.entries) expect(table1.stdout).toContain(entry.id);
    expect(table1.stderr).toContain('manifest page 1 of 2 not recorded: its write failed during the run');
  });

  it('a page lost since the run (not listed as failed) is named as lost by runs show and restore --run; exit 1', async () => {
    const ids = Array.from({ length: MANIFEST_PAGE_SIZE + 3 }, (_, i) => `l-${String(i).padStart(4, '0')}`);
    const summary = await sweep('run-lost', ids.map(staleDue));
    expect(summary.manifest).toEqual({ pages: 2, entries: ids.length });
    await table.client.send(
      new DeleteCommand({ TableName: table.tableName, Key: { id: runPageId('run-lost', 2) } }),
    );

    const show = await runCli(['runs', 'show', 'run-lost', ...tableFlags(table), '--format', 'json']);
    const run = await restoreRun('run-lost', '--format', 'json');

    const lost =
      'run run-lost: manifest page 2 of 2 missing, although its write did not fail in the run: lost or deleted since; ' +
      `its deletions carry ${HYGIENE_ATTR.deletedByRun} = run-lost (pc-hygiene export shows them; docs/deploy.md, "Restore runbook")`;
    expect(show.code).toBe(1);
    const shown = JSON.parse(show.stdout) as { entries: unknown[]; missingPages: unknown[] };
    expect(shown.entries).toHaveLength(MANIFEST_PAGE_SIZE);
    expect(shown.missingPages).toEqual([{ page: 2, cause: 'lost', error: lost }]);
    expect(show.stderr).toBe(`pc-hygiene: ${lost}\n`);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { restored: unknown[]; missingPages: unknown[] };
    expect(result.restored).toHaveLength(MANIFEST_PAGE_SIZE);
    expect(result.missingPages).toEqual([
      { page: 2, cause: 'lost', error: `${lost}: they were not restored; restore them by id` },
    ]);
    expect(await deletedIds()).toHaveLength(3);
  });

  it('prints the per-credential warnings restore ID prints (forced past expiry), on stderr', async () => {
    await sweep('run-expired', [
      credential('a-healthy'),
      credential('b-one', { expiresTime: days(-1) }),
      credential('b-two', { expiresTime: days(-2) }),
    ]);

    const run = await restoreRun('run-expired', '--force');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('run run-expired: 2 restored, 0 skipped, 0 refused');
    expect(run.stderr.split('\n')).toEqual([
      `pc-hygiene restore: warning: credential b-one expired at ${days(-1)} (1 day ago): the next sweep would delete it again unless it is renewed (a later expiresTime) or exempted (${HYGIENE_ATTR.exempt} = true)`,
      `pc-hygiene restore: warning: credential b-two expired at ${days(-2)} (2 days ago): the next sweep would delete it again unless it is renewed (a later expiresTime) or exempted (${HYGIENE_ATTR.exempt} = true)`,
      '',
    ]);
    expect(await deletedIds()).toEqual([]);
  });

  it('says why a credential was refused or skipped as restore ID does: no class name, instants in UTC', async () => {
    // 2026-05-31T12:00:00.000Z, a day before NOW, stored with an offset.
    const offset = '2026-05-31T07:00:00-05:00';
    await sweep('run-why', [
      credential('a-healthy'),
      credential('b-offset', { expiresTime: offset }),
      credential('b-zulu', { expiresTime: days(-2) }),
    ]);
    const restoreOne = (id: string, ...extra: string[]) =>
      runCli([
        'restore',
        id,
        '--reason',
        'r',
        '--by',
        'ops',
        '--now',
        days(0),
        ...tableFlags(table),
        ...extra,
      ]);
    expect((await restoreOne('b-zulu', '--force')).code).toBe(0);

    const single = await restoreOne('b-offset');
    const run = await restoreRun('run-why', '--dry-run');

    const expired =
      `credential b-offset expired at ${days(-1)}, stored as ${offset} (1 day ago): the next sweep would delete it ` +
      `again unless it is renewed (a later expiresTime) or exempted (${HYGIENE_ATTR.exempt} = true); pass --force to restore it anyway`;
    expect(single.code).toBe(1);
    expect(single.stderr).toBe(`pc-hygiene: ${expired}\n`);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      `skipped b-zulu: credential b-zulu is not deleted (no deletedAt): restored at ${days(0)} by ops (reason r): nothing to restore`,
      `refused b-offset: ${expired}`,
      'run run-why: 0 would restore, 1 skipped, 1 refused (dry run: nothing written)',
      '',
    ]);
  });

  it('--format json names the check that refused or skipped each credential (check), for scripts', async () => {
    await sweep('run-json', [
      credential('a-healthy'),
      credential('b-expired', { expiresTime: days(-1) }),
      credential('b-restored', { expiresTime: days(-2) }),
    ]);
    const restoreOne = (id: string) =>
      runCli([
        'restore',
        id,
        '--reason',
        'r',
        '--by',
        'ops',
        '--now',
        days(0),
        '--force',
        ...tableFlags(table),
      ]);
    expect((await restoreOne('b-restored')).code).toBe(0);

    const run = await restoreRun('run-json', '--dry-run', '--format', 'json');

    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { skipped: unknown[]; refused: unknown[] };
    expect(result.skipped).toEqual([
      {
        id: 'b-restored',
        rule: 'expired',
        error: `credential b-restored is not deleted (no deletedAt): restored at ${days(0)} by ops (reason r): nothing to restore`,
        check: 'not-deleted',
      },
    ]);
    expect(result.refused).toEqual([
      {
        id: 'b-expired',
        rule: 'expired',
        error: expect.stringMatching(/^credential b-expired expired at /),
        check: 'expired',
      },
    ]);
  });

  it('a stored id with a line break cannot forge a line of the report', async () => {
    const forged = 'b-forged\nrun run-forge: 0 restored, 0 skipped, 0 refused';
    await sweep('run-forge', [
      credential('a-healthy'),
      credential('b-plain', { expiresTime: days(-1) }),
      credential(forged, { expiresTime: days(-1) }),
    ]);

    const run = await restoreRun('run-forge', '--force');

    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^restored b-forged\\x0arun run-forge: 0 restored, 0 skipped, 0 refused \(deleted /,
      ),
      expect.stringMatching(/^restored b-plain \(deleted /),
      'run run-forge: 2 restored, 0 skipped, 0 refused',
      '',
    ]);
    // The warnings name the id too: one line each.
    const warnings = run.stderr.trimEnd().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^pc-hygiene restore: warning: credential b-forged\\x0arun run-forge: /);
  });
});
