/**
 * `pc-hygiene sweep` and `report` as a user runs them, against DynamoDB
 * Local: formats, modes, exit codes (0 complete, 2 usage, 3 guard tripped,
 * 4 incomplete) and the table state they leave.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_ID } from '../../lambdas/hygiene/data-contract';
import type { PostureReport } from '../../lambdas/hygiene/posture';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { days, smallFleet } from '../unit/support/credentials';
import { exportTable } from './support/sweep-deps';

const NOW_ISO = days(0);

function items(): Record<string, unknown>[] {
  return [...smallFleet(), { id: 'x-invalid', userId: 'user-x', expiresTime: 'soon' }];
}

describe('pc-hygiene sweep / report (CLI) against DynamoDB Local', () => {
  const tempDir = useTempDir('sweep-cli');
  const table = useTestTable('sweep-cli', 'each', items);
  const flags = () => tableFlags(table);
  /** `sweep` at NOW with config file `config`, plus `extra` flags. */
  const sweepWith = (config: string, ...extra: string[]) =>
    runCli(['sweep', ...flags(), '--now', NOW_ISO, '--config', config, ...extra]);

  it('sweeps (enforce by default), prints the JSON summary and exits 0', async () => {
    const result = await runCli(['sweep', ...flags(), '--now', NOW_ISO, '--format', 'json']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as RunSummary;
    expect(summary).toMatchObject({
      mode: 'enforce',
      status: 'complete',
      now: NOW_ISO,
      scanned: 24,
      invalid: { count: 1 },
      applied: { 'delete-expired': 1, 'notify-expiry': 1, 'flag-stale': 1 },
    });
    expect(summary.runId).toMatch(/^sweep-2026-06-01T12:00:00\.000Z-[0-9a-f]{6}$/);
    const after = await exportTable(table);
    expect(after.find((i) => i.id === 'b-expired')).toMatchObject({
      deletedAt: NOW_ISO,
      hygieneDeletedByRun: summary.runId,
    });
  });

  it('--dry-run writes nothing and prints a readable summary', async () => {
    const before = await exportTable(table);

    const result = await runCli(['sweep', ...flags(), '--now', NOW_ISO, '--dry-run']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('mode audit (dry run: nothing written, nobody notified)');
    expect(result.stdout).toMatch(/^delete-expired\s+1\s+1$/m);
    expect(await exportTable(table)).toEqual(before);
  });

  it('a config file with "mode": "audit" is a dry run too', async () => {
    const config = join(tempDir(), 'audit.json');
    await writeFile(config, JSON.stringify({ mode: 'audit' }));
    const before = await exportTable(table);

    const result = await sweepWith(config, '--format', 'json');

    // Said once on stderr, in notify's words (a script that relied on the file acting is told).
    expect(result.stderr).toBe(`pc-hygiene sweep: dry run: --config ${config} says "mode": "audit"\n`);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'audit' });
    expect(await exportTable(table)).toEqual(before);
  });

  it('says nothing of the file when --dry-run makes the dry run', async () => {
    const config = join(tempDir(), 'audit.json');
    await writeFile(config, JSON.stringify({ mode: 'audit' }));

    const result = await sweepWith(config, '--dry-run', '--format', 'json');

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'audit' });
  });

  it('a config file with a UTF-8 byte order mark is read as --config reads it: one strict parse', async () => {
    const config = join(tempDir(), 'bom-audit.json');
    await writeFile(config, `\uFEFF${JSON.stringify({ mode: 'audit' })}`);
    const before = await exportTable(table);

    const result = await sweepWith(config, '--format', 'json');

    expect(result.stderr).toBe(`pc-hygiene sweep: dry run: --config ${config} says "mode": "audit"\n`);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'audit' });
    expect(await exportTable(table)).toEqual(before);
  });

  it('exits 3 when the guard trips, and deletes with --allow-mass-delete', async () => {
    const config = join(tempDir(), 'guard.json');
    await writeFile(config, JSON.stringify({ maxDeletesPerRun: 0 }));

    const tripped = await sweepWith(config);

    expect(tripped.code).toBe(3);
    expect(tripped.stdout).toContain('GUARD TRIPPED: 1 deletions planned, NONE made.');
    expect((await exportTable(table)).find((i) => i.id === 'b-expired')).not.toHaveProperty('deletedAt');

    const overridden = await sweepWith(config, '--allow-mass-delete');

    expect(overridden.code).toBe(0);
    expect((await exportTable(table)).find((i) => i.id === 'b-expired')).toHaveProperty('deletedAt', NOW_ISO);
  });

  it("a tripped guard's advice is a guard approve and a sweep for the run's table, which pasted as shown delete", async () => {
    const config = join(tempDir(), 'guard.json');
    await writeFile(config, JSON.stringify({ maxDeletesPerRun: 0 }));

    const dryRun = await sweepWith(config, '--dry-run');
    const tripped = await sweepWith(config);

    expect(dryRun.code).toBe(3);
    // Already a dry run: the advice is to check what it planned, listed below, not to run one.
    expect(dryRun.stdout).toContain('Check the deletions this dry run planned (listed below);');
    expect(dryRun.stdout).not.toContain('sweep --dry-run');
    expect(tripped.code).toBe(3);
    // The check plans under the run's --now and --config too (sweep-guard-check-cli.test.ts runs it).
    expect(tripped.stdout).toContain(
      `Check the plan (pc-hygiene sweep --dry-run --endpoint ${table.endpoint} --table ${table.tableName} ` +
        `--now ${NOW_ISO} --config ${config});`,
    );
    const advice = /approve them: pc-hygiene (guard approve .*)$/m.exec(tripped.stdout)?.[1];
    expect(advice).toBe(
      `guard approve --max-deletes 1 --reason "..." --endpoint ${table.endpoint} --table ${table.tableName}`,
    );
    // Pasted (the reason filled in): it records the approval in the swept table, which the next sweep uses.
    const words = (advice ?? '').replace('"..."', 'checked').split(' ');
    const approved = await runCli(words);
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    // The banner's sweep right away, pasted as shown: the run's target and settings, so it uses the approval now.
    const act = /and sweep right away, which uses the approval: pc-hygiene (sweep .*)$/m.exec(
      tripped.stdout,
    )?.[1];
    expect(act).toBe(
      `sweep --endpoint ${table.endpoint} --table ${table.tableName} --now ${NOW_ISO} --config ${config}`,
    );
    const next = await runCli((act ?? '').split(' '));
    expect(next.code).toBe(0);
    expect((await exportTable(table)).find((i) => i.id === 'b-expired')).toHaveProperty('deletedAt', NOW_ISO);
  });

  it('after a --config saying "mode": "audit", the advice takes the mode out of the file before the sweep that acts', async () => {
    const config = join(tempDir(), 'audit-guard.json');
    await writeFile(config, JSON.stringify({ mode: 'audit', maxDeletesPerRun: 0 }));

    const tripped = await sweepWith(config, '--enforce');

    // A dry run however --enforce is given (the file's mode decides), whose guard trips.
    expect(tripped.code).toBe(3);
    expect(tripped.stdout).toContain('GUARD TRIPPED: 1 deletions planned, NONE would be made.');
    const line = (pattern: RegExp) => pattern.exec(tripped.stdout)?.[1] ?? '';
    const approve = line(/approve them: pc-hygiene (guard approve .*)$/m);
    // The sweep shown keeps the checked file, and is preceded by what makes it act.
    expect(tripped.stdout).toContain(
      `!! then take "mode": "audit" out of ${config} (with it, a sweep only plans; or give --config a copy without it)\n` +
        `!! and sweep right away, which uses the approval: pc-hygiene sweep --endpoint ${table.endpoint} ` +
        `--table ${table.tableName} --now ${NOW_ISO} --config ${config}\n`,
    );
    const act = line(/and sweep right away, which uses the approval: pc-hygiene (sweep .*)$/m);
    // Followed as said: approved, the mode taken out of the file, the sweep pasted: it acts and uses the approval.
    expect((await runCli(approve.replace('"..."', 'checked').split(' '))).code).toBe(0);
    await writeFile(config, JSON.stringify({ maxDeletesPerRun: 0 }));
    const next = await runCli(act.split(' '));
    expect(next.code).toBe(0);
    expect((await exportTable(table)).find((i) => i.id === 'b-expired')).toHaveProperty('deletedAt', NOW_ISO);
  });

  it('exits 4 when the time budget runs out, and the next sweep resumes and finishes', async () => {
    const first = await runCli([
      'sweep',
      ...flags(),
      '--now',
      NOW_ISO,
      '--segments',
      '4',
      '--time-budget',
      '0.001',
      // Which segment's page arrives first varies; a first page holding the expired credential
      // among few others would trip the percentage guard (exit 3) before the budget is judged.
      '--allow-mass-delete',
      '--format',
      'json',
    ]);

    expect(first.code).toBe(4);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'incomplete', checkpoint: { saved: true } });
    expect((await exportTable(table)).find((i) => i.id === CHECKPOINT_ID)).toBeDefined();

    const second = await runCli(['sweep', ...flags(), '--now', NOW_ISO, '--format', 'json']);

    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout) as RunSummary;
    expect(summary).toMatchObject({ status: 'complete', checkpoint: { resumed: true, cleared: true } });
    expect(JSON.parse(first.stdout).scanned + summary.scanned).toBe(24);
  });

  it('reports usage errors in one line with exit 2, touching nothing', async () => {
    const before = await exportTable(table);

    const badSegments = await runCli(['sweep', ...flags(), '--segments', '0']);
    const badNow = await runCli(['sweep', ...flags(), '--now', '2026-06-01']);

    expect(badSegments).toMatchObject({ code: 2, stdout: '' });
    expect(badSegments.stderr).toBe('pc-hygiene: --segments "0" must be an integer from 1 to 64\n');
    expect(badNow.code).toBe(2);
    expect(badNow.stderr).toMatch(/^pc-hygiene: --now "2026-06-01" is a date without a time\n$/);
    expect(await exportTable(table)).toEqual(before);
  });

  it('exits 1 with a readable message when the table does not exist', async () => {
    const result = await runCli(['sweep', '--table', 'no-such-table', '--endpoint', table.endpoint]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('table no-such-table not found');
  });

  it('report prints the posture as JSON and as a table', async () => {
    const json = await runCli(['report', ...flags(), '--now', NOW_ISO, '--format', 'json']);
    const text = await runCli(['report', ...flags(), '--now', NOW_ISO]);

    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout) as PostureReport).toMatchObject({
      total: 24,
      invalid: 1,
      active: 23,
      expiredNotDeleted: 1,
      expiringIn7Days: 1,
      stale: { total: 1 },
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Hygiene posture at 2026-06-01T12:00:00.000Z');
  });
});
