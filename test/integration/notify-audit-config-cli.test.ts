/**
 * `pc-hygiene notify --config FILE` with `"mode": "audit"` in the file is a
 * dry run, as it is for `sweep` (docs/configuration.md, `mode`): nothing is
 * claimed, published or marked sent, `--enforce` does not make it act (it
 * only lets an acting run write to a deployment in audit mode), and a file
 * without `"mode"` acts (the schema's default `audit` is not the file's). A
 * dry run the file makes says so on stderr (such a run used to drain); one
 * `--dry-run` makes does not.
 * Against DynamoDB Local, after a real sweep queued the events.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { type TestTable, useTestTable } from '../support/test-table';

const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));

/** Three credentials of two owners: alice's expires soon, another of hers expired, bob's is stale. */
function items(): Record<string, unknown>[] {
  const base = {
    createdAt: iso(-300),
    lastUsedAt: iso(-1),
    scopedRoles: ['r'],
    allowSourceCidr: ['10.0.0.0/8'],
  };
  return [
    { ...base, id: 'pc-1', userId: 'alice', expiresTime: iso(6) },
    { ...base, id: 'pc-2', userId: 'alice', expiresTime: iso(-2) },
    { ...base, id: 'pc-3', userId: 'bob', lastUsedAt: iso(-100), expiresTime: iso(300) },
  ];
}

/** Sweeps `table` once in enforce mode: 3 items with an event each pending in the outbox (alice 2, bob 1). */
async function queueEvents(table: TestTable): Promise<void> {
  await runSweep(
    {
      clock: Date.now,
      scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
      writer: new DynamoDbTransitionWriter(table.client, table.tableName),
    },
    { config: parseConfig({ maxDeletePercent: 100 }), now: NOW, runId: 'run-audit-config', mode: 'enforce' },
  );
}

describe('pc-hygiene notify --config with "mode": "audit" (CLI, DynamoDB Local)', { timeout: 60_000 }, () => {
  const tempDir = useTempDir('notify-audit-config');
  const table = useTestTable('notify-audit-config', 'each', items);
  /** Writes `config` as a `--config` file and returns its path. */
  const configFile = async (name: string, config: Record<string, unknown>) => {
    const path = join(tempDir(), name);
    await writeFile(path, JSON.stringify(config));
    return path;
  };
  /** `notify` on the test table into a JSON Lines file, JSON output, plus `extra`. */
  const notify = (sink: string, ...extra: string[]) =>
    runCli(['notify', ...tableFlags(table), '--sink', `jsonl:${sink}`, '--format', 'json', ...extra]);

  it.each([
    ['alone', []],
    ['with --enforce', ['--enforce']],
  ])('is a dry run %s: nothing published or marked, a later drain sends every event', async (_, extra) => {
    await queueEvents(table);
    const audit = await configFile('audit.json', { mode: 'audit' });
    const previewed = join(tempDir(), `preview-${extra.length}.jsonl`);
    const drained = join(tempDir(), `drain-${extra.length}.jsonl`);

    const dry = await notify(previewed, '--config', audit, ...extra);
    const drain = await notify(drained);

    expect(dry.stderr).toBe(`pc-hygiene notify: dry run: --config ${audit} says "mode": "audit"\n`);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, pendingItems: 3, owners: 2 });
    expect(drain.code).toBe(0);
    expect(JSON.parse(drain.stdout)).toMatchObject({ digests: 2, eventsPublished: 3 });
    // The dry run appended what a drain would send (as --dry-run does), and the drain sent the same digests.
    const lines = async (path: string) => (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(await lines(previewed)).toHaveLength(2);
    expect(await lines(drained)).toHaveLength(2);
  });

  it('says nothing of the file when --dry-run makes the dry run', async () => {
    await queueEvents(table);
    const audit = await configFile('audit.json', { mode: 'audit' });

    const dry = await notify(join(tempDir(), 'preview-flag.jsonl'), '--config', audit, '--dry-run');

    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, pendingItems: 3 });
  });

  it.each([
    ['"mode": "enforce"', { mode: 'enforce' }],
    ['no "mode" (the built-in audit is not the file\'s)', { staleAfterDays: 90 }],
  ])('acts with a config file that says %s', async (_, config) => {
    await queueEvents(table);
    const file = await configFile('acting.json', config);
    const out = join(tempDir(), `acting-${Object.keys(config)[0]}.jsonl`);

    const acted = await notify(out, '--config', file);
    const again = await notify(out, '--config', file);

    expect(acted.code).toBe(0);
    expect(JSON.parse(acted.stdout)).toMatchObject({ digests: 2, eventsPublished: 3 });
    expect(JSON.parse(again.stdout)).toMatchObject({ pendingItems: 0, eventsPublished: 0 });
  });
});
