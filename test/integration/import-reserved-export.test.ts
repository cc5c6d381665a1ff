/**
 * `import` of an `export --include-reserved` file (docs/data-model.md,
 * "Reserved ids": import "rejects a line whose id is reserved"): every one of
 * the worker's own items the export holds — a run manifest and the run index
 * a sweep wrote, the guard approval `guard approve` recorded — is rejected
 * because its id is reserved, not for the credential fields it lacks
 * (`userId: is missing`), and every credential is written. Against DynamoDB
 * Local, the CLI run as an operator runs it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../cli/commands/import';
import { RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { createTestTable, useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

const RESERVED_PROBLEM = `id: ids starting with ${RESERVED_ID_PREFIX} are reserved for the worker's own items`;

describe('import of an export made with --include-reserved', () => {
  const table = useTestTable('import-reserved', 'all', () => [
    credential('a-1'),
    credential('b-expired', { expiresTime: days(-1) }),
  ]);
  const tempDir = useTempDir('import-reserved');

  it("rejects each of the worker's items as reserved, and writes every credential", async () => {
    // A run that deletes writes its manifest and the run index; guard approve writes the approval item.
    const sweep = await runCli(['sweep', ...tableFlags(table), '--now', days(0), '--allow-mass-delete']);
    expect(sweep.code, sweep.stderr).toBe(0);
    const approve = ['guard', 'approve', '--max-deletes', '5', '--reason', 'test', ...tableFlags(table)];
    expect((await runCli(approve)).code).toBe(0);
    const file = join(tempDir(), 'all.jsonl');
    const exported = await runCli(['export', ...tableFlags(table), '--include-reserved', '--output', file]);
    expect(exported.code, exported.stderr).toBe(0);

    const target = await createTestTable(undefined, 'import-reserved-target');
    try {
      const run = await runCli(['import', file, ...tableFlags(target), '--format', 'json']);

      expect(run.code).toBe(1);
      const summary = JSON.parse(run.stdout) as ImportSummary;
      expect(summary.written).toBe(2);
      const reserved = summary.rejectedLines;
      expect(reserved.length).toBeGreaterThanOrEqual(3);
      for (const line of reserved) {
        expect(line.id?.startsWith(RESERVED_ID_PREFIX), JSON.stringify(line)).toBe(true);
        expect(line.problems, line.id ?? '').toEqual([RESERVED_PROBLEM]);
      }
    } finally {
      await target.drop();
    }
  });
});
