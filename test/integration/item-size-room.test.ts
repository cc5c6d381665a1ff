/**
 * Credentials near DynamoDB's 400 KB item limit, on DynamoDB Local
 * (docs/data-model.md, "Item size"; docs/sweep.md, "Write failures"):
 *
 * - one that leaves no room for the worker's own writes is refused by
 *   `import`, naming its size, and reported invalid by the sweep (never a
 *   failed write: eleven such used to fail their write on every run and
 *   abort every sweep past `maxWriteFailures` 10); one at the limit of the
 *   rule has its deletion written;
 * - one the rule lets through whose write DynamoDB still refuses for size (a
 *   credential reassigned with notices pending for its earlier owner: its new
 *   notice is stored whole) is reported too large to update, not failed:
 *   eleven of them do not abort the sweep, run after run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJsonLines } from '../../cli/commands/import';
import { sweepTransitionWriter } from '../../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { parseConfig } from '../../lambdas/hygiene/config';
import { itemSizeBytes, judgedItemBytes, MAX_ITEM_BYTES } from '../../lambdas/hygiene/item-size';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { getItem, putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';

const DAY = 86_400_000;
const config = parseConfig({ maxDeletePercent: 100, maxDeletesPerRun: 10_000 });

/** An expired credential of `bytes` as DynamoDB counts them, without the worker's attributes. */
function expiredOf(id: string, bytes: number): Record<string, unknown> {
  const base = credential(id, { expiresTime: days(-1), displayName: '' });
  return { ...base, displayName: 'n'.repeat(bytes - itemSizeBytes(base)) };
}

/**
 * An expired credential the size rule takes, exactly at its limit, whose deletion DynamoDB refuses: its history
 * and its outbox already past their room (so they count at their size), and notices pending for an earlier owner,
 * so the deletion's notice is stored whole (its names, 256 characters of 3 bytes each, in it) and outgrows the
 * room its bookkeeping leaves.
 */
function crowded(id: string): Record<string, unknown> {
  const base = credential(id, {
    userId: 'owner-now',
    expiresTime: days(-1),
    displayName: '名'.repeat(300),
    clientId: '号'.repeat(300),
    hygieneOutboxOwner: `owner-before-${'o'.repeat(2_000)}`,
    hygieneOutboxSince: days(-3),
    hygieneOutbox: Array.from({ length: 80 }, (_, i) => ({
      eventId: `expiry-warning:${days(30)}:${i}`,
      type: 'expiry-warning',
      runId: 'sweep-earlier',
      occurredAt: days(-3),
      stageDays: 30,
      expiresTime: days(30),
    })),
    hygieneHistory: Array.from({ length: 12 }, () => ({
      at: days(-10),
      action: 'exempt',
      reason: 'r'.repeat(900),
      by: 'ops',
    })),
    filler: '',
  });
  return { ...base, filler: 'f'.repeat(MAX_ITEM_BYTES - judgedItemBytes(base)) };
}

describe('credentials near the 400 KB item limit', () => {
  const table = useTestTable('item-size-room', 'each');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pc-item-size-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const sweep = (runId: string, now = NOW) =>
    runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: sweepTransitionWriter(table.client, table.tableName),
        checkpoints: new DynamoDbCheckpointStore(table.client, table.tableName),
      },
      { config, now, runId, mode: 'enforce' },
    );

  it('import refuses one that leaves no room for the worker, naming its size; the one at the limit is written', async () => {
    const file = join(dir, 'near-limit.jsonl');
    const lines = [expiredOf('at-limit', 385_975), expiredOf('over-limit', 409_336)];
    await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);

    const summary = await importJsonLines(table.client, { table: table.tableName, file });

    expect(summary.written).toBe(1);
    expect(summary.rejectedLines).toEqual([
      {
        line: 2,
        id: 'over-limit',
        problems: [
          expect.stringMatching(
            /^\(record\): 409,336 bytes as DynamoDB counts them .*, 432,928 with the room the worker's own writes may take .* over DynamoDB's 400 KB item limit \(409,600 bytes\); the largest attribute is displayName/,
          ),
        ],
      },
    ]);
  });

  it('the sweep still deletes an expired credential stored past the rule when its deletion fits; eleven whose deletion does not fit are reported too large, run after run', async () => {
    const over = Array.from({ length: 11 }, (_, i) => expiredOf(`over-${i}`, 409_336));
    await putItems(table.client, table.tableName, [
      ...over,
      expiredOf('roomless', 395_000),
      expiredOf('at-limit', 385_975),
    ]);

    for (const [runId, now] of [
      ['r1', NOW],
      ['r2', NOW + DAY],
    ] as const) {
      const summary = await sweep(runId, now);
      expect(summary.status).toBe('complete');
      expect(summary.failed.count).toBe(0);
      expect(summary.invalid.count).toBe(0);
      expect(summary.tooLarge?.count).toBe(11);
    }
    expect((await getItem(table.client, table.tableName, 'roomless'))?.hygieneDeletedByRun).toBe('r1');
    expect((await getItem(table.client, table.tableName, 'at-limit'))?.hygieneDeletedByRun).toBe('r1');
    expect((await getItem(table.client, table.tableName, 'over-3'))?.deletedAt).toBeUndefined();
  });

  it('eleven the rule takes but DynamoDB refuses to update are reported too large, run after run, not aborting', async () => {
    const items = Array.from({ length: 11 }, (_, i) => crowded(`crowded-${i}`));
    await putItems(table.client, table.tableName, [
      ...items,
      credential('small-1', { expiresTime: days(-1) }),
    ]);
    const before = await getItem(table.client, table.tableName, 'crowded-0');

    for (const [runId, now] of [
      ['r1', NOW],
      ['r2', NOW + DAY],
    ] as const) {
      const summary = await sweep(runId, now);
      expect(summary.status).toBe('complete');
      expect(summary.invalid.count).toBe(0);
      expect(summary.failed.count).toBe(0);
      expect(summary.tooLarge?.count).toBe(11);
      expect(summary.tooLarge?.records.map((r) => r.id).sort()).toEqual(
        items.map((i) => String(i.id)).sort(),
      );
      expect(summary.tooLarge?.records[0]?.error).toMatch(
        /^ValidationException: Item size to update has exceeded the maximum allowed size/,
      );
      const metrics = sweepMetricValues(summary);
      expect(metrics.find((m) => m.name === SWEEP_METRIC.tooLarge)?.value).toBe(11);
      expect(metrics.find((m) => m.name === SWEEP_METRIC.writeFailures)?.value).toBe(0);
    }
    expect((await getItem(table.client, table.tableName, 'small-1'))?.hygieneDeletedByRun).toBe('r1');
    expect(await getItem(table.client, table.tableName, 'crowded-0')).toEqual(before);
  });
});
