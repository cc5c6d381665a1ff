/**
 * A run whose deleted credentials have ids and owners as long as DynamoDB's
 * key limit allows (2 KB each) and long client ids: 200 such manifest entries
 * would pass DynamoDB's 400 KB item limit, so the recorder closes its pages
 * early by size (`MANIFEST_PAGE_BYTES`, docs/data-model.md, "Run manifests").
 * Every page is written (DynamoDB Local enforces the limit), and
 * `restore --run` undoes every deletion. DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { restoreRun } from '../../cli/use-cases/restore-run';
import { MAX_KEY_BYTES } from '../../lambdas/hygiene/credential';
import { MANIFEST_PAGE_SIZE } from '../../lambdas/hygiene/run-manifest';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { exportTable, sweepWithManifest } from './support/sweep-deps';

/** A key of exactly {@link MAX_KEY_BYTES} ASCII bytes, numbered. */
const longKey = (prefix: string, i: number) => {
  const head = `${prefix}-${String(i).padStart(4, '0')}-`;
  return head + 'x'.repeat(MAX_KEY_BYTES - head.length);
};

describe('a run of credentials with the longest ids (DynamoDB Local)', { timeout: 240_000 }, () => {
  const table = useTestTable('manifest-page-size', 'each');

  it('writes every manifest page, and restore --run restores every deletion', async () => {
    const ids = Array.from({ length: MANIFEST_PAGE_SIZE }, (_, i) => longKey('e', i));
    const items = ids.map((id, i) =>
      credential(id, { userId: longKey('u', i), expiresTime: days(-1), clientId: `c${'x'.repeat(2100)}` }),
    );

    const summary = await sweepWithManifest(table, 'run-big', items);

    expect(summary.deletions.applied).toBe(ids.length);
    expect(summary.manifest?.failed).toBeUndefined();
    expect(summary.manifest?.pages).toBeGreaterThan(1);
    const result = await restoreRun(table.client, table.tableName, {
      runId: 'run-big',
      reason: 'bad run',
      by: 'ops',
      now: NOW + 86_400_000,
      force: true,
    });
    expect(result.missingPages).toEqual([]);
    expect(result.restored.map((r) => r.id).sort()).toEqual([...ids].sort());
    const stillDeleted = (await exportTable(table)).filter((i) => i.deletedAt !== undefined);
    expect(stillDeleted).toEqual([]);
  });
});
