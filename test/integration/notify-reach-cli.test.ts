/**
 * `pc-hygiene notify` with an owner directory, as a user runs it: owners
 * imported with `pc-hygiene owners import --as-of`, `ownerDelivery: relay` in
 * a `--config` file, a table whose owners are partly active, partly absent,
 * partly departed, one without email — then `notify --sink jsonl:PATH`. Every
 * owner event is in the digest of a reachable owner or in the
 * owner-unreachable report with the right reason, never both missing.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { DigestDocument } from '../../lambdas/hygiene/digest';
import type { NotifierSummary } from '../../lambdas/hygiene/notifier';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { useOwnedTables } from '../support/reach-fixtures';
import { runCli } from '../support/run-cli';
import { deliveredDocument } from '../support/sns-delivery';

const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));
const base = { createdAt: iso(-300), lastUsedAt: iso(-1), expiresTime: iso(6) };

describe('pc-hygiene notify with an owner directory (route relay)', () => {
  const { table, owners } = useOwnedTables('notify-reach-cli', [
    { ...base, id: 'pc-a', userId: 'alice' },
    { ...base, id: 'pc-b', userId: 'bob' },
    { ...base, id: 'pc-d', userId: 'dave' },
    { ...base, id: 'pc-e', userId: 'erin' },
  ]);
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notify-reach-cli-'));
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config: parseConfig({ mode: 'enforce' }), now: NOW, runId: 'run-1', mode: 'enforce' },
    );
    await writeFile(
      join(dir, 'owners.csv'),
      'userId,email,name,status\nalice,alice@example.com,Alice Liddell,active\ndave,dave@example.com,Dave,departed\nerin,,Erin,active\n',
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ownerDelivery: 'relay' }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('puts each event in a reachable owner’s digest or in the report with its reason', async () => {
    const flags = ['--endpoint', table.endpoint, '--directory-table', owners.tableName];
    const imported = await runCli([
      'owners',
      'import',
      join(dir, 'owners.csv'),
      '--as-of',
      iso(-1),
      ...flags,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const sink = join(dir, 'out.jsonl');

    const notifyToSink = ['notify', '--table', table.tableName, '--sink', `jsonl:${sink}`];
    const notifyArgs = [...notifyToSink, '--config', join(dir, 'config.json')];
    const notify = await runCli([...notifyArgs, '--now', iso(0), '--format', 'json', ...flags]);

    expect(notify.code, notify.stderr).toBe(0);
    const summary = JSON.parse(notify.stdout) as NotifierSummary;
    expect(summary).toMatchObject({
      reach: 'verified',
      ownerDelivery: 'relay',
      unreachableOwners: 3,
      unreachableReasons: { 'not-in-directory': 1, departed: 1, 'no-email': 1 },
      reportParts: 1,
      eventsFailed: 0,
    });
    const entries = (await readFile(sink, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as PublishEntry);
    const documents = entries.map((e) =>
      deliveredDocument<DigestDocument | UnreachableReportDocument>(e.Message),
    );
    const digests = documents.filter((d): d is DigestDocument => d.audience === 'owner');
    expect(digests.map((d) => d.userId).sort()).toEqual(['alice', 'bob', 'dave', 'erin']);
    const [report, ...more] = documents.filter(
      (d): d is UnreachableReportDocument => d.schema === 'personal-client-hygiene/owner-unreachable',
    );
    expect(more).toEqual([]);
    expect(report?.owners.map((o) => [o.userId, o.reason]).sort()).toEqual([
      ['bob', 'not-in-directory'],
      ['dave', 'departed'],
      ['erin', 'no-email'],
    ]);
    for (const owner of report?.owners ?? []) {
      expect(owner.events).toEqual(digests.find((d) => d.userId === owner.userId)?.events);
    }
    const text = await runCli([...notifyArgs, ...flags]);
    expect(text.stdout).toContain('owner reach          verified on relay: 0 unreachable owners');
  });

  it('says reach is unverified when the directory table does not exist', async () => {
    const run = await runCli([
      'notify',
      '--table',
      table.tableName,
      '--sink',
      `jsonl:${join(dir, 'none.jsonl')}`,
      '--endpoint',
      table.endpoint,
      '--directory-table',
      'no-such-directory',
    ]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('owner reach          unverified');
  });
});
