/**
 * Issue 14's operator path as a user runs it, against DynamoDB Local
 * (child processes): `--version`, `--endpoint-url`, `sweep --dry-run` naming
 * every deletion with the guard's verdict, `plan --table`'s guard line,
 * `notify --dry-run` consuming nothing (a following `notify` sends it all),
 * `report --list`, and `--config` in the CDK context value forms.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import type { PlannedDeletion } from '../../lambdas/hygiene/sweep';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { createTestDirectoryTable } from '../support/test-directory-table';
import { useTestTable } from '../support/test-table';
import { credential, days, smallFleet } from '../unit/support/credentials';
import { exportTable } from './support/sweep-deps';

const NOW_ISO = days(0);

function items(): Record<string, unknown>[] {
  return [
    ...smallFleet(),
    credential('e-stale-due', {
      lastUsedAt: days(-200),
      hygieneStaleFlaggedAt: days(-20),
      hygieneStaleDeleteAfter: days(-6),
    }),
  ];
}

const tempDir = useTempDir('operator-cli');

async function tempFile(name: string, content?: string): Promise<string> {
  const path = join(tempDir(), name);
  if (content !== undefined) await writeFile(path, content);
  return path;
}

/** The PublishBatch entries a JSON Lines sink file holds, in order. */
async function entriesIn(path: string): Promise<PublishEntry[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as PublishEntry);
}

describe('pc-hygiene --version', () => {
  it('prints the package version and exits 0', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('operator CLI against DynamoDB Local', () => {
  const table = useTestTable('operator-cli', 'each', items);
  const flags = () => tableFlags(table);

  it('sweep --dry-run --format json names every deletion with the guard verdict and writes nothing', async () => {
    const before = await exportTable(table);

    const result = await runCli(['sweep', ...flags(), '--now', NOW_ISO, '--dry-run', '--format', 'json']);

    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as {
      mode: string;
      deletions: RunSummary['deletions'];
      plannedDeletions: PlannedDeletion[];
    };
    expect(out.mode).toBe('audit');
    // The run summary's counts (`applied`: would be written, in a dry run) stay beside the list they count.
    expect(out.deletions).toMatchObject({ expired: 1, stale: 1, orphaned: 0, applied: 2, blockedByGuard: 0 });
    expect(out.plannedDeletions.map((d) => [d.id, d.rule, d.verdict]).sort()).toEqual([
      ['b-expired', 'expired', 'allowed'],
      ['e-stale-due', 'stale', 'allowed'],
    ]);
    expect(out.plannedDeletions.find((d) => d.id === 'e-stale-due')).toMatchObject({
      userId: expect.any(String),
      lastUsedAt: days(-200),
      deleteAfter: days(-6),
    });
    expect(await exportTable(table)).toEqual(before);
  });

  it('sweep --dry-run (table) lists the deletions BLOCKED when the guard trips; --endpoint-url is --endpoint', async () => {
    const config = await tempFile('guard.json', JSON.stringify({ maxDeletesPerRun: '1' }));
    const result = await runCli([
      'sweep',
      '--table',
      table.tableName,
      '--endpoint-url',
      table.endpoint,
      '--now',
      NOW_ISO,
      '--dry-run',
      '--config',
      config,
    ]);

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/Deletions planned: 2\. guard: TRIPPED, no deletion would be made/);
    expect(result.stdout).toMatch(/^b-expired\s+\S+\s+expired\s+BLOCKED by guard\s+/m);
    expect(result.stdout).toMatch(/^e-stale-due\s+\S+\s+stale\s+BLOCKED by guard\s+/m);
    await rm(config, { force: true });
  });

  it('plan --table shows the guard verdict in the summary', async () => {
    const passes = await runCli(['plan', ...flags(), '--now', NOW_ISO]);
    expect(passes.code).toBe(0);
    expect(passes.stdout).toMatch(
      /guard: passes \(2 planned of 24 active valid; limits 500 deletions, 10%\)/,
    );

    const config = await tempFile('plan-guard.json', JSON.stringify({ maxDeletePercent: 5 }));
    const json = await runCli(['plan', ...flags(), '--now', NOW_ISO, '--config', config, '--format', 'json']);
    const summary = (
      JSON.parse(json.stdout) as { summary: { guard: { tripped: boolean; reasons: string[] } } }
    ).summary;
    expect(summary.guard.tripped).toBe(true);
    expect(summary.guard.reasons[0]).toMatch(/above maxDeletePercent 5%/);
    await rm(config, { force: true });
  });

  it('notify --dry-run shows the digests, consumes nothing, and a following notify sends them all', async () => {
    const swept = await runCli(['sweep', ...flags(), '--now', NOW_ISO]);
    expect(swept.code).toBe(0);
    const before = await exportTable(table);

    const text = await runCli(['notify', ...flags(), '--now', NOW_ISO, '--dry-run']);
    const json = await runCli(['notify', ...flags(), '--now', NOW_ISO, '--dry-run', '--format', 'json']);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Notify dry run: no lease taken, nothing published or marked\./);
    expect(text.stdout).toContain('Subject: ');
    const preview = JSON.parse(json.stdout) as { dryRun: boolean; entries: PublishEntry[] };
    expect(preview.dryRun).toBe(true);
    expect(preview.entries.length).toBeGreaterThan(0);
    expect(await exportTable(table)).toEqual(before);

    const out = await tempFile('sent.jsonl');
    const sent = await runCli(['notify', ...flags(), '--now', NOW_ISO, '--sink', `jsonl:${out}`]);
    expect(sent.code).toBe(0);
    const entries = await entriesIn(out);
    const owners = (list: readonly PublishEntry[]) =>
      list.map((e) => `${e.MessageAttributes.userId?.StringValue}:${e.Subject}`).sort();
    expect(owners(entries)).toEqual(owners(preview.entries));
    await rm(out, { force: true });
  });

  it('notify --dry-run --sink jsonl:PATH appends the entries a drain would send and still consumes nothing', async () => {
    expect((await runCli(['sweep', ...flags(), '--now', NOW_ISO])).code).toBe(0);
    const before = await exportTable(table);
    const out = await tempFile('would-send.jsonl');
    const dryRunTo = (...format: string[]) =>
      runCli(['notify', ...flags(), '--now', NOW_ISO, '--dry-run', '--sink', `jsonl:${out}`, ...format]);

    const dry = await dryRunTo('--format', 'json');

    expect(dry.code, dry.stderr).toBe(0);
    const preview = JSON.parse(dry.stdout) as { written: string; entries: PublishEntry[] };
    expect(preview.written).toBe(`jsonl:${out}`);
    expect(preview.entries.length).toBeGreaterThan(0);
    expect(await entriesIn(out)).toEqual(preview.entries);
    expect(await exportTable(table)).toEqual(before);

    // the table output says where the entries went; a second run (another drain id) appends the same messages again
    const text = await dryRunTo();
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toContain(`Appended to ${out}.`);
    const subjects = (list: readonly PublishEntry[]) => list.map((e) => `${e.Id} ${e.Subject}`);
    expect(subjects(await entriesIn(out))).toEqual([
      ...subjects(preview.entries),
      ...subjects(preview.entries),
    ]);
    expect(await exportTable(table)).toEqual(before);
  });

  it('notify --dry-run --sink jsonl:PATH with nothing pending says so and creates no file', async () => {
    const out = await tempFile('nothing.jsonl');

    const text = await runCli([
      'notify',
      ...flags(),
      '--now',
      NOW_ISO,
      '--dry-run',
      '--sink',
      `jsonl:${out}`,
    ]);

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toContain(
      `Nothing to append to ${out} (no message: the file is not created).`,
    );
    await expect(readFile(out, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('notify --dry-run with an owner directory also renders the owner-unreachable report, and sends it after', async () => {
    const owners = await createTestDirectoryTable('operator-owners');
    try {
      const csv = await tempFile('owners.csv', 'userId,email,name,status\nuser-a,a@example.com,A,active\n');
      const config = await tempFile('relay.json', JSON.stringify({ ownerDelivery: 'relay' }));
      const dirFlags = ['--directory-table', owners.tableName, '--config', config];
      const imported = await runCli([
        'owners',
        'import',
        csv,
        '--as-of',
        days(-1),
        ...flags().slice(2),
        '--directory-table',
        owners.tableName,
      ]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(
        (await runCli(['sweep', ...flags(), '--now', NOW_ISO, '--directory-table', owners.tableName])).code,
      ).toBe(0);

      const dry = await runCli([
        'notify',
        ...flags(),
        ...dirFlags,
        '--now',
        NOW_ISO,
        '--dry-run',
        '--format',
        'json',
      ]);
      expect(dry.code, dry.stderr).toBe(0);
      const preview = JSON.parse(dry.stdout) as { reach: string; entries: PublishEntry[] };
      expect(preview.reach).toBe('verified');
      const reports = preview.entries.filter((e) => e.MessageAttributes.audience?.StringValue === 'admin');
      expect(reports).toHaveLength(1);
      expect(reports[0]?.MessageAttributes.eventTypes?.StringValue).toContain('owner-unreachable');

      const out = await tempFile('sent-reach.jsonl');
      const sent = await runCli([
        'notify',
        ...flags(),
        ...dirFlags,
        '--now',
        NOW_ISO,
        '--sink',
        `jsonl:${out}`,
      ]);
      expect(sent.code, sent.stderr).toBe(0);
      const entries = await entriesIn(out);
      const key = (e: PublishEntry) =>
        `${e.MessageAttributes.audience?.StringValue}:${e.MessageAttributes.userId?.StringValue}`;
      expect(entries.map(key).sort()).toEqual(preview.entries.map(key).sort());
      await rm(out, { force: true });
    } finally {
      await owners.drop();
    }
  });

  it('report --list CATEGORY lists the credentials behind a figure (table, json, csv)', async () => {
    const table1 = await runCli(['report', ...flags(), '--now', NOW_ISO, '--list', 'expired']);
    expect(table1.code).toBe(0);
    expect(table1.stdout).toMatch(/^b-expired\s/m);
    expect(table1.stdout).toMatch(/1 credential\(s\)\n$/);

    const json = await runCli([
      'report',
      ...flags(),
      '--now',
      NOW_ISO,
      '--list',
      'stale',
      '--format',
      'json',
    ]);
    // Streamed in scan order: no order is promised.
    expect((JSON.parse(json.stdout) as { id: string }[]).map((r) => r.id).sort()).toEqual([
      'd-stale',
      'e-stale-due',
    ]);

    const csv = await runCli([
      'report',
      ...flags(),
      '--now',
      NOW_ISO,
      '--list',
      'expiring-7d',
      '--format',
      'csv',
    ]);
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'id,owner,displayName,expiresTime,lastUsedAt,createdAt,deletedAt,problems',
    );
    expect(csv.stdout.split('\r\n')[1]).toMatch(/^c-expiring,/);

    const csvReport = await runCli(['report', ...flags(), '--format', 'csv']);
    expect(csvReport.code).toBe(2);
    expect(csvReport.stderr).toBe(
      'pc-hygiene: --format csv needs --list CATEGORY (the report itself is table or json)\n',
    );
  });

  it('report says when the owner list is cut', async () => {
    const result = await runCli(['report', ...flags(), '--now', NOW_ISO, '--top', '2']);
    expect(result.stdout).toMatch(/riskiest first: \(the first 2 of \d+; more with --top N\)/);
  });

  it('--config accepts the CDK context value forms ("30,7,1", "60")', async () => {
    const config = await tempFile(
      'flat.json',
      JSON.stringify({ expiryNoticeDays: '30,7,1', staleAfterDays: '60', mode: 'audit' }),
    );
    const result = await runCli([
      'sweep',
      ...flags(),
      '--now',
      NOW_ISO,
      '--config',
      config,
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'audit' });
    await rm(config, { force: true });
  });
});
