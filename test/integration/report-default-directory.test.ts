/**
 * `report` reads the owner directory a sweep of the table reads, by the one
 * rule of `sweep`, `plan` and `notify` (`directoryTableOf`): without
 * `--directory-table`, `PersonalClientOwners` at `--endpoint` — which does not
 * exist on the tests' DynamoDB Local, so it reads as no directory, and the
 * sweep orphans nothing. The report's "due for deletion" and `--list
 * orphaned-due` then name no orphan deletion either, as `sweep --dry-run`
 * plans none, and the report says which directory it judged by (docs/sweep.md,
 * the report). Against DynamoDB Local, the CLI run as an operator runs it.
 */
import { describe, expect, it } from 'vitest';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { PostureReport } from '../../lambdas/hygiene/posture';
import type { PlannedDeletion } from '../../lambdas/hygiene/sweep';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

/** Orphan-flagged 10 days before days(0), its grace over 3 days before. */
const orphanFlag = (id: string) =>
  credential(id, { [HYGIENE_ATTR.orphanedAt]: days(-10), [HYGIENE_ATTR.orphanDeleteAfter]: days(-3) });

const ITEMS = [orphanFlag('a-1'), orphanFlag('a-2'), credential('b-1'), credential('c-1')];

/** The environment with no directory named: the default decides. */
const NO_DIRECTORY_ENV = { PC_HYGIENE_DIRECTORY_TABLE: undefined } as unknown as Record<string, string>;

describe('report without --directory-table: the directory a sweep reads, by the same rule', () => {
  const table = useTestTable('report-default-dir', 'all', () => ITEMS);
  const flags = () => [...tableFlags(table), '--now', days(0)];

  it('counts and lists as due only the orphan deletions sweep --dry-run plans (none: no directory)', async () => {
    // --allow-mass-delete: the guard would only mark them blocked.
    const sweep = await runCli(
      ['sweep', ...flags(), '--dry-run', '--allow-mass-delete', '--format', 'json'],
      NO_DIRECTORY_ENV,
    );
    expect(sweep.code, sweep.stderr).toBe(0);
    const planned = (JSON.parse(sweep.stdout) as { plannedDeletions: PlannedDeletion[] }).plannedDeletions;
    const orphanDeletions = planned.filter((d) => d.rule === 'orphaned').map((d) => d.id);

    const json = await runCli(['report', ...flags(), '--format', 'json'], NO_DIRECTORY_ENV);
    const text = await runCli(['report', ...flags()], NO_DIRECTORY_ENV);
    const listed = await runCli(
      ['report', ...flags(), '--list', 'orphaned-due', '--format', 'json'],
      NO_DIRECTORY_ENV,
    );

    expect(orphanDeletions).toEqual([]);
    expect(json.code, json.stderr).toBe(0);
    const posture = JSON.parse(json.stdout) as PostureReport;
    expect(posture.orphaned).toEqual({ total: 2, dueForDeletion: orphanDeletions.length });
    expect(posture.directory?.status).toBe('no-directory');
    expect(text.stdout).toMatch(/^Owner directory: none loaded/m);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});
