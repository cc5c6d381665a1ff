/**
 * Deletions whose write failed but may have taken effect are in the run
 * manifest, marked unconfirmed (docs/sweep.md, "Write failures";
 * docs/data-model.md, "Run manifests"): the rule (`may-have-applied.ts`)
 * cannot tell a deletion throttled on every attempt (nothing applied) from
 * one whose responses were lost after it applied, so both are recorded with
 * `mayHaveApplied: true`, counted in the header's `deleted.unconfirmed`, not
 * in `total`: `runs list` and `runs show` do not report a run that deleted
 * nothing as deleting, and `restore --run` skips what did not apply and
 * restores what did.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRunHeader } from '../../cli/aws/run-manifests';
import { restoreRun } from '../../cli/use-cases/restore-run';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { ManifestEntry } from '../../lambdas/hygiene/run-manifest';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { getItem, putItems } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { runEntries } from '../support/run-entries';
import { createTestTable, type TestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { applyThenLoseEveryResponse, injectThrottling } from './support/throttling';

const WALL = Date.parse('2026-12-01T10:00:00.000Z');
const NO_GUARD = parseConfig({ maxDeletePercent: 100, maxDeletesPerRun: 100 });
const UNCONFIRMED = '(write failed; may not have applied: check the item)';

describe('unconfirmed deletions in the run manifest', () => {
  let table: TestTable;
  /** The sweep's transition writes go through it, with the faults each case injects. */
  let lossy: DynamoDBDocumentClient;
  beforeEach(async () => {
    table = await createTestTable(undefined, 'unconfirmed-deletions');
    lossy = createDocumentClient({ endpoint: table.endpoint });
  });
  afterEach(async () => {
    lossy.destroy();
    await table.drop();
  });

  /** An enforce sweep at `NOW`, its transitions through `lossy`, its manifest over the clean client. */
  const sweep = (runId: string) =>
    runSweep(
      {
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(lossy, table.tableName),
        manifest: new DynamoDbRunManifestWriter(table.client, table.tableName),
        clock: () => WALL,
      },
      { config: NO_GUARD, now: NOW, runId, mode: 'enforce' },
    );

  const entriesOf = async (runId: string) => {
    const header = await readRunHeader(table.client, table.tableName, runId);
    const entries: ManifestEntry[] = [];
    for await (const entry of runEntries(table.client, table.tableName, header)) entries.push(entry);
    return { header, entries: entries.sort((a, b) => a.id.localeCompare(b.id)) };
  };

  const restore = (runId: string) =>
    restoreRun(table.client, table.tableName, {
      runId,
      reason: 'test',
      by: 'tester',
      now: WALL,
      force: true,
    });

  it('every attempt throttled: nothing deleted, the entries marked, counted unconfirmed, not deleted', async () => {
    await putItems(table.client, table.tableName, [
      credential('b-1', { expiresTime: days(-1) }),
      credential('b-2', { expiresTime: days(-1) }),
    ]);
    const throttled = injectThrottling(lossy, 'dynamodb', 1, () => 0);

    const summary = await sweep('run-t');

    expect(throttled.attempts).toBeGreaterThan(2);
    expect(summary.deletions.applied).toBe(0);
    expect(summary.failed.count).toBe(2);
    for (const id of ['b-1', 'b-2'])
      expect((await getItem(table.client, table.tableName, id))?.deletedAt).toBeUndefined();
    const { header, entries } = await entriesOf('run-t');
    expect(header.deleted).toEqual({ expired: 0, stale: 0, orphaned: 0, total: 0, unconfirmed: 2 });
    expect(entries.map((e) => [e.id, e.mayHaveApplied])).toEqual([
      ['b-1', true],
      ['b-2', true],
    ]);

    const listed = await runCli(['runs', 'list', ...tableFlags(table)]);
    expect(listed.stdout.split('\n')).toEqual([
      expect.stringMatching(/^RUN ID +NOW +STATUS +DELETED +UNCONFIRMED$/),
      expect.stringMatching(/^run-t +\S+ +complete +0 +2$/),
      '',
    ]);
    const listedJson = await runCli(['runs', 'list', ...tableFlags(table), '--format', 'json']);
    expect(JSON.parse(listedJson.stdout)).toEqual([
      { runId: 'run-t', now: header.now, status: 'complete', deleted: 0, unconfirmed: 2 },
    ]);

    const shown = await runCli(['runs', 'show', 'run-t', ...tableFlags(table)]);
    expect(shown.stdout).toContain(
      'Deleted 0: 0 expired, 0 stale, 0 orphaned; 2 unconfirmed (write failed; may not have applied: check the items); guard ok',
    );
    const rows = shown.stdout.split('\n').filter((line) => line.startsWith('b-'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.endsWith(UNCONFIRMED)).toBe(true);
    const csv = await runCli(['runs', 'show', 'run-t', ...tableFlags(table), '--format', 'csv']);
    const csvRows = csv.stdout.trim().split('\r\n');
    expect(csvRows[0]).toMatch(/,DISPLAY NAME,UNCONFIRMED$/);
    expect(csvRows.slice(1).every((row) => row.endsWith(',true'))).toBe(true);
    const json = await runCli(['runs', 'show', 'run-t', ...tableFlags(table), '--format', 'json']);
    const document = JSON.parse(json.stdout) as { entries: ManifestEntry[] };
    expect(document.entries.map((e) => e.mayHaveApplied)).toEqual([true, true]);

    // Not deleted: skipped, and said why.
    const restored = await restore('run-t');
    expect(restored.restored).toEqual([]);
    expect(restored.skipped).toEqual(
      ['b-1', 'b-2'].map((id) => ({
        id,
        rule: 'expired',
        check: 'not-deleted',
        error: `credential ${id} is not deleted (no deletedAt): nothing to restore (restored already, or a failed write that did not apply: the manifest marks this deletion unconfirmed)`,
      })),
    );
  });

  it('a deletion that applied but whose every response was lost: marked too (the rule cannot tell), restored by --run', async () => {
    await putItems(table.client, table.tableName, [
      credential('b-expired', { expiresTime: days(-1) }),
      credential('c-expired', { expiresTime: days(-1) }),
    ]);
    const updatesB = (input: Readonly<Record<string, unknown>>) =>
      'UpdateExpression' in input && JSON.stringify(input.Key).includes('"b-expired"');
    const lost = applyThenLoseEveryResponse(lossy, updatesB);

    const summary = await sweep('run-lost');

    expect(lost.injected).toBeGreaterThan(1);
    expect(summary.deletions.applied).toBe(1);
    expect((await getItem(table.client, table.tableName, 'b-expired'))?.deletedAt).toBeDefined();
    const { header, entries } = await entriesOf('run-lost');
    expect(header.deleted).toEqual({ expired: 1, stale: 0, orphaned: 0, total: 1, unconfirmed: 1 });
    expect(entries.map((e) => [e.id, e.mayHaveApplied])).toEqual([
      ['b-expired', true],
      ['c-expired', undefined],
    ]);
    const restored = await restore('run-lost');
    expect(restored.restored.map((r) => r.id)).toEqual(['b-expired', 'c-expired']);
    expect(restored.skipped).toEqual([]);
  });
});
