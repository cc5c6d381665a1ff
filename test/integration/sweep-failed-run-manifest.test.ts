/**
 * A run that fails after making deletions still records them in its manifest
 * (docs/data-model.md, "Run manifests"), with status `aborted`, then fails
 * (its error named by the aborted run's error it ends with, when it had
 * written; as it is, when it had not): `runs show` and `restore --run` must see every
 * deletion a run made, also one the run could not finish. Against DynamoDB
 * Local: the real scanner, writer, checkpoint store and manifest writer.
 */
import { describe, expect, it } from 'vitest';
import { listRuns, readRunHeader } from '../../cli/aws/run-manifests';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { isReservedId } from '../../lambdas/hygiene/data-contract';
import type { LoadedCheckpoint } from '../../lambdas/hygiene/ports';
import { runSweep, SweepAbortedError, type SweepDeps } from '../../lambdas/hygiene/sweep';
import { runEntries } from '../support/run-entries';
import { type TestTable, useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { failingAfter, ScanFailedError } from '../unit/support/failing-scanner';
import { exportTable, sweepDeps } from './support/sweep-deps';

const EXPIRED = 24;
const config = parseConfig({ scanSegments: 1, writeConcurrency: 4, maxDeletePercent: 100 });

/** The credentials the table says `runId` deleted, by id. */
async function deletedBy(table: TestTable, runId: string): Promise<string[]> {
  const items = await exportTable(table);
  return items
    .filter((i) => !isReservedId(i.id) && i.hygieneDeletedByRun === runId)
    .map((i) => String(i.id))
    .sort();
}

/** The ids the manifest of `runId` lists, sorted. */
async function manifestIds(table: TestTable, runId: string): Promise<string[]> {
  const header = await readRunHeader(table.client, table.tableName, runId);
  const ids: string[] = [];
  for await (const entry of runEntries(table.client, table.tableName, header)) ids.push(entry.id);
  return ids.sort();
}

describe('the manifest of a run that fails (DynamoDB Local)', () => {
  const table = useTestTable('failed-run-manifest', 'each', () =>
    Array.from({ length: EXPIRED }, (_, i) =>
      credential(`b-${String(i).padStart(2, '0')}`, { expiresTime: days(-3) }),
    ),
  );
  const deps = (overrides: Partial<SweepDeps> = {}): SweepDeps => ({
    ...sweepDeps(table, 4),
    manifest: new DynamoDbRunManifestWriter(table.client, table.tableName),
    ...overrides,
  });

  it('records the deletions an overriding run made before its scan failed, as aborted', async () => {
    const base = sweepDeps(table, 4);
    const run = runSweep(deps({ scanner: failingAfter(base.scanner, 3) }), {
      config: { ...config, maxDeletesPerRun: 0 },
      now: NOW,
      runId: 'run-mass',
      mode: 'enforce',
      allowMassDelete: true,
    });

    // It had deleted: it ends aborted, its error naming the scan's (docs/sweep.md, "Write failures").
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SweepAbortedError);
    expect((error as SweepAbortedError).cause).toBeInstanceOf(ScanFailedError);
    const deleted = await deletedBy(table, 'run-mass');
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.length).toBeLessThan(EXPIRED);
    expect(await readRunHeader(table.client, table.tableName, 'run-mass')).toMatchObject({
      runId: 'run-mass',
      status: 'aborted',
      deleted: { expired: deleted.length, total: deleted.length },
      guard: { tripped: true, overridden: true },
    });
    expect(await manifestIds(table, 'run-mass')).toEqual(deleted);
    expect(await listRuns(table.client, table.tableName)).toEqual([
      { runId: 'run-mass', now: days(0), status: 'aborted', deleted: deleted.length, unconfirmed: 0 },
    ]);
  });

  it('records the deletions made before the checkpoint could not be saved, as aborted', async () => {
    const base = sweepDeps(table, 4);
    let pages = 0;
    const checkpoints = {
      load: () => base.checkpoints.load(),
      clear: (loaded: LoadedCheckpoint) => base.checkpoints.clear(loaded),
      save: async () => {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
          name: 'ProvisionedThroughputExceededException',
        });
      },
    };
    const run = runSweep(
      deps({
        checkpoints,
        // Time for two pages, then under the margin (but over half of it: the deletions are still made).
        remainingMs: () => (pages < 2 ? 600_000 : 20_000),
        onProgress: (p) => {
          pages = p.pages;
        },
      }),
      { config, now: NOW, runId: 'run-budget', mode: 'enforce', deadlineMarginMs: 30_000 },
    );

    await expect(run).rejects.toThrow('Rate of requests exceeds the allowed throughput');
    const deleted = await deletedBy(table, 'run-budget');
    expect(deleted).toHaveLength(8); // two pages of four
    expect(await readRunHeader(table.client, table.tableName, 'run-budget')).toMatchObject({
      status: 'aborted',
      deleted: { total: 8 },
      guard: { tripped: false, overridden: false },
    });
    expect(await manifestIds(table, 'run-budget')).toEqual(deleted);
  });

  it('keeps no manifest when the run fails before making any deletion', async () => {
    const base = sweepDeps(table, 4);
    const run = runSweep(deps({ scanner: failingAfter(base.scanner, 3) }), {
      config,
      now: NOW,
      runId: 'run-buffered',
      mode: 'enforce',
    });

    await expect(run).rejects.toBeInstanceOf(ScanFailedError);
    expect(await deletedBy(table, 'run-buffered')).toEqual([]);
    expect(await listRuns(table.client, table.tableName)).toEqual([]);
    expect((await exportTable(table)).filter((i) => isReservedId(i.id))).toEqual([]);
  });
});
