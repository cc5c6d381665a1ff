/**
 * Owners whose address Amazon SES cannot be asked to send to, through the
 * CLI on `relay`, against DynamoDB Local: imported with `owners import` (the
 * import accepts `bob@example.123`, `cyd@0x7f.1` — an IP address once the URL
 * host rules read it — and a ZWNJ after a non-ASCII letter), they are judged
 * by the relay sender's own rule (`isSesSendable`) in `notify --dry-run`,
 * `notify --sink`, `report --directory-table`, `relay`, the sweep's reach
 * forecast and `owners list --unreachable`: each is
 * `unsendable-address`, their events go to the admins' report, and the relay
 * skips them instead of failing into its DLQ.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { NotifierSummary } from '../../lambdas/hygiene/notifier';
import type { PostureReport } from '../../lambdas/hygiene/posture';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { importOwnersCli, useOwnedTables } from '../support/reach-fixtures';
import { directoryFlags, runCli, tableFlags } from '../support/run-cli';
import { deliveredDocument } from '../support/sns-delivery';
import { useTempDir } from '../support/temp-dir';

const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));
const base = { createdAt: iso(-300), lastUsedAt: iso(-1), expiresTime: iso(6) };
const UNSENDABLE = ['bob', 'cyd', 'dee'];

/** The owner-unreachable report's owners and reasons among `entries`. */
function reportedOwners(entries: readonly PublishEntry[]): [string, string][] {
  return entries
    .map((e) => deliveredDocument<UnreachableReportDocument>(e.Message))
    .filter((d) => d.schema === 'personal-client-hygiene/owner-unreachable')
    .flatMap((d) => d.owners.map((o): [string, string] => [o.userId, o.reason]))
    .sort();
}

describe('owners SES cannot email, on relay, through the CLI', () => {
  const { table, owners } = useOwnedTables('unsendable-cli', [
    ...['ada', ...UNSENDABLE].map((userId) => ({ ...base, id: `pc-${userId}`, userId })),
  ]);
  const tempDir = useTempDir('unsendable-cli');
  let dir: string;
  let config: string;

  beforeAll(async () => {
    dir = tempDir();
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config: parseConfig({ mode: 'enforce' }), now: NOW, runId: 'run-1', mode: 'enforce' },
    );
    const csv = join(dir, 'owners.csv');
    await writeFile(
      csv,
      [
        'userId,email,name,status',
        'ada,ada@example.com,Ada,active',
        'bob,bob@example.123,Bob,active',
        'cyd,cyd@0x7f.1,Cyd,active',
        'dee,dee@é\u200Cx.example,Dee,active',
      ].join('\n'),
    );
    const imported = await importOwnersCli(owners, csv, iso(-1));
    expect(imported.code, imported.stderr).toBe(0);
    config = join(dir, 'relay.json');
    await writeFile(config, JSON.stringify({ ownerDelivery: 'relay' }));
  });

  const expected = UNSENDABLE.map((userId) => [userId, 'unsendable-address']);

  it('report --directory-table counts them unsendable-address', async () => {
    const args = ['report', ...tableFlags(table), '--now', iso(0), '--config', config, '--format', 'json'];
    const run = await runCli([...args, '--directory-table', owners.tableName]);

    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as PostureReport;
    expect(report.reach).toMatchObject({ status: 'verified', route: 'relay', reachable: 1, unreachable: 3 });
    expect(report.reach?.byReason['unsendable-address']).toBe(3);
  });

  it('notify --dry-run would report them to the admins', async () => {
    const args = ['notify', '--table', table.tableName, '--config', config, '--now', iso(0), '--dry-run'];
    const run = await runCli([...args, '--format', 'json', ...directoryFlags(owners)]);

    expect(run.code, run.stderr).toBe(0);
    const preview = JSON.parse(run.stdout) as { entries: PublishEntry[] };
    expect(reportedOwners(preview.entries)).toEqual(expected);
  });

  it('notify reports them to the admins, and relay skips them, writing only the reachable owner’s email', async () => {
    const sink = join(dir, 'out.jsonl');
    const args = ['notify', '--table', table.tableName, '--sink', `jsonl:${sink}`, '--config', config];
    const notify = await runCli([...args, '--now', iso(0), '--format', 'json', ...directoryFlags(owners)]);

    expect(notify.code, notify.stderr).toBe(0);
    const summary = JSON.parse(notify.stdout) as NotifierSummary;
    expect(summary.unreachableReasons['unsendable-address']).toBe(3);

    const out = join(dir, 'emails');
    const relay = await runCli(['relay', '--input', sink, '--out', out, ...directoryFlags(owners)]);

    expect(relay.code, relay.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['ada.part-1.eml']);
    for (const userId of UNSENDABLE)
      expect(relay.stdout).toMatch(new RegExp(`${userId} {2}unsendable-address\\n`));
  });

  it('the sweep forecasts them unsendable-address among the owners who get events', async () => {
    // Five days on, the 1-day expiry notice is due for every credential: every owner gets an event.
    const args = ['sweep', ...tableFlags(table), '--now', iso(5), '--config', config, '--dry-run'];
    const run = await runCli([...args, '--format', 'json', '--directory-table', owners.tableName]);

    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { reach: { byReason: Record<string, number> } };
    expect(summary.reach.byReason['unsendable-address']).toBe(3);
  });

  it('owners list --unreachable --route relay lists them unsendable-address', async () => {
    const args = ['owners', 'list', '--unreachable', '--route', 'relay', '--format', 'json'];
    const run = await runCli([...args, ...directoryFlags(owners)]);

    expect(run.code, run.stderr).toBe(0);
    const { owners: listed } = JSON.parse(run.stdout) as { owners: { userId: string; reason: string }[] };
    expect(listed.map((o) => [o.userId, o.reason]).sort()).toEqual(expected);
  });
});
