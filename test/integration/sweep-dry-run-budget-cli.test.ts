/**
 * `pc-hygiene sweep --dry-run` (or a `--config` saying `"mode": "audit"`) stopped by `--time-budget` before the
 * end of the table: a dry run keeps no checkpoint, so it does not exit 4 ("incomplete: continues from its
 * checkpoint") but 1, and says that its plan covers only the part it read and that the next one starts from the
 * top again (docs/sweep.md, "Exit codes"; README.md, "CLI"). Against DynamoDB Local, as a user runs it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isReservedId } from '../../lambdas/hygiene/data-contract';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { days, smallFleet } from '../unit/support/credentials';
import { exportTable } from './support/sweep-deps';

const NOW_ISO = days(0);
const STOPPED =
  'pc-hygiene: dry run incomplete: the time budget stopped it before the end of the table, so it planned only the ' +
  'part it read; a dry run keeps no checkpoint, so the next one starts from the top again: raise --time-budget (or ' +
  'leave it out) to plan the whole table\n';

describe('a dry run stopped by its time budget (CLI, DynamoDB Local)', () => {
  const tempDir = useTempDir('dry-run-budget');
  const table = useTestTable('dry-run-budget', 'each', smallFleet);
  /**
   * `sweep` at NOW, four segments and a budget gone after the first page; `--allow-mass-delete` because the
   * first page to arrive varies, and one holding the expired credential among few others would trip the
   * percentage guard (exit 3, which a tripped guard gives before the budget is judged).
   */
  const sweep = (...extra: string[]) =>
    runCli([
      'sweep',
      ...tableFlags(table),
      '--now',
      NOW_ISO,
      '--segments',
      '4',
      '--time-budget',
      '0.001',
      '--allow-mass-delete',
      ...extra,
    ]);

  it('--dry-run exits 1, saying the next one starts from the top, and leaves no checkpoint', async () => {
    const before = await exportTable(table);

    const result = await sweep('--dry-run', '--format', 'json');

    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as RunSummary;
    expect(summary).toMatchObject({ mode: 'audit', status: 'incomplete' });
    expect(summary.scanned).toBeLessThan(before.length);
    expect(summary).not.toHaveProperty('checkpoint');
    expect(result.stderr).toBe(STOPPED);
    expect(await exportTable(table)).toEqual(before);
    expect(before.filter((i) => isReservedId(i.id))).toEqual([]);
  });

  it('a --config saying "mode": "audit" does the same', async () => {
    const config = join(tempDir(), 'audit.json');
    await writeFile(config, '{"mode": "audit"}');

    const result = await sweep('--config', config);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('mode audit (dry run: nothing written, nobody notified)');
    expect(result.stderr).toContain(STOPPED);
  });
});
