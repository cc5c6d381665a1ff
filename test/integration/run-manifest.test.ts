/**
 * The run manifest of a large enforce run against DynamoDB Local: every
 * deletion recorded once, in pages of MANIFEST_PAGE_SIZE, a header with the
 * counts, the run in the index; an audit run and a run that deletes nothing
 * leave none. The reserved items never reach the sweep or the report.
 */
import { describe, expect, it } from 'vitest';
import { listRuns, readRunHeader } from '../../cli/aws/run-manifests';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { isReservedId, RUN_MANIFEST_ATTR, runPageId } from '../../lambdas/hygiene/data-contract';
import { MANIFEST_PAGE_SIZE } from '../../lambdas/hygiene/run-manifest';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { getItem } from '../support/items';
import { runEntries } from '../support/run-entries';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { exportTable, sweepDeps } from './support/sweep-deps';

const EXPIRED = 2 * MANIFEST_PAGE_SIZE + 37;
const config = parseConfig({ maxDeletePercent: 100, maxDeletesPerRun: 10_000, writeConcurrency: 8 });

describe('run manifest (DynamoDB Local)', () => {
  const table = useTestTable('run-manifest', 'all', () => [
    ...Array.from({ length: EXPIRED }, (_, i) =>
      credential(`b-${String(i).padStart(4, '0')}`, { expiresTime: days(-3) }),
    ),
    ...Array.from({ length: 20 }, (_, i) => credential(`a-${i}`)),
  ]);
  const sweep = (runId: string, mode: 'enforce' | 'audit' = 'enforce') =>
    runSweep(
      { ...sweepDeps(table, 100), manifest: new DynamoDbRunManifestWriter(table.client, table.tableName) },
      { config, now: NOW, runId, mode },
    );

  it('an audit run keeps no manifest', async () => {
    const summary = await sweep('run-audit', 'audit');
    expect(summary.deletions.applied).toBe(EXPIRED);
    expect(summary.manifest).toBeUndefined();
    expect(await listRuns(table.client, table.tableName)).toEqual([]);
  });

  it('a large run records every deletion once, in full pages and a last partial one', async () => {
    const summary = await sweep('run-big');
    expect(summary.deletions.applied).toBe(EXPIRED);
    expect(summary.manifest).toEqual({ pages: 3, entries: EXPIRED });

    const header = await readRunHeader(table.client, table.tableName, 'run-big');
    expect(header).toMatchObject({
      runId: 'run-big',
      status: 'complete',
      pages: 3,
      deleted: { expired: EXPIRED, stale: 0, orphaned: 0, total: EXPIRED },
    });
    const page1 = await getItem(table.client, table.tableName, runPageId('run-big', 1));
    expect(page1?.[RUN_MANIFEST_ATTR.entries]).toHaveLength(MANIFEST_PAGE_SIZE);
    const ids: string[] = [];
    for await (const entry of runEntries(table.client, table.tableName, header)) {
      expect(entry).toMatchObject({ rule: 'expired', expiresTime: days(-3), userId: 'user-b' });
      ids.push(entry.id);
    }
    expect(ids).toHaveLength(EXPIRED);
    expect(new Set(ids).size).toBe(EXPIRED);
    expect(await listRuns(table.client, table.tableName)).toEqual([
      { runId: 'run-big', now: header.now, status: 'complete', deleted: EXPIRED, unconfirmed: 0 },
    ]);
  });

  it('a run that deletes nothing keeps none, and the reserved items are never scanned as credentials', async () => {
    const summary = await sweep('run-idle');
    expect(summary.deletions.applied).toBe(0);
    expect(summary.manifest).toEqual({ pages: 0, entries: 0 });
    expect(summary.invalid.count).toBe(0);
    expect(summary.scanned).toBe(EXPIRED + 20);
    expect((await listRuns(table.client, table.tableName)).map((r) => r.runId)).toEqual(['run-big']);
    const reserved = (await exportTable(table)).filter((i) => isReservedId(i.id)).map((i) => String(i.id));
    expect(reserved).toHaveLength(5); // the index, the header and three pages
  });
});
