/**
 * `report --directory-table` judges orphan flags with the directory as the
 * sweep loads it (DynamoDB Local, as an operator runs them): with the same
 * directory, config and `--now`, its "due for deletion" and `--list
 * orphaned-due` are the orphan deletions `sweep --dry-run` plans — only the
 * owners the directory marks departed, and none once the snapshot is stale
 * or taken after `--now` — and it says the directory's state as the run
 * summary does (`AHEAD`, never "fresh", for a snapshot after `--now`), in
 * the text and as `directory` in the JSON.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { PostureReport } from '../../lambdas/hygiene/posture';
import type { PlannedDeletion } from '../../lambdas/hygiene/sweep';
import { importOwnersCli, useOwnedTables } from '../support/reach-fixtures';
import { runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { credential, days } from '../unit/support/credentials';

/** Orphan-flagged 10 days before days(0), its grace over 3 days before. */
const orphanFlag = (id: string) =>
  credential(id, { [HYGIENE_ATTR.orphanedAt]: days(-10), [HYGIENE_ATTR.orphanDeleteAfter]: days(-3) });

// credential('x-…') is owned by user-x: user-a departed, user-b active again (its flag is one the sweep clears).
const ITEMS = [orphanFlag('a-1'), orphanFlag('a-2'), orphanFlag('b-1'), credential('c-1')];
const OWNERS_CSV = 'userId,email,name,status\nuser-a,,Ann,departed\nuser-b,b@example.com,Bob,active\n';

describe('report --directory-table: orphan flags due as the sweep decides them', () => {
  const { table, owners } = useOwnedTables('report-dir-state', ITEMS);
  const tempDir = useTempDir('report-dir-state');
  const flags = () => [
    '--table',
    table.tableName,
    '--endpoint',
    table.endpoint,
    '--directory-table',
    owners.tableName,
  ];
  beforeAll(async () => {
    const csv = join(tempDir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(csv, OWNERS_CSV);
    expect((await importOwnersCli(owners, csv, days(0))).code).toBe(0);
  });

  /** The orphan deletions `sweep --dry-run` plans at `now`, the report's JSON and text, and `--list orphaned-due`. */
  async function atNow(now: string) {
    // --allow-mass-delete: 2 of 4 would trip the guard's 10 %, which only marks them blocked.
    const sweep = await runCli([
      'sweep',
      ...flags(),
      '--now',
      now,
      '--dry-run',
      '--allow-mass-delete',
      '--format',
      'json',
    ]);
    const json = await runCli(['report', ...flags(), '--now', now, '--format', 'json']);
    const text = await runCli(['report', ...flags(), '--now', now]);
    const list = await runCli([
      'report',
      ...flags(),
      '--now',
      now,
      '--list',
      'orphaned-due',
      '--format',
      'json',
    ]);
    for (const run of [sweep, json, text, list]) expect(run.code, run.stderr).toBe(0);
    const planned = (JSON.parse(sweep.stdout) as { plannedDeletions: PlannedDeletion[] }).plannedDeletions;
    return {
      swept: planned
        .filter((d) => d.rule === 'orphaned')
        .map((d) => d.id)
        .sort(),
      report: JSON.parse(json.stdout) as PostureReport,
      text: text.stdout,
      listed: (JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id).sort(),
    };
  }

  it('a fresh directory: due only where it marks the owner departed, as the sweep plans', async () => {
    const { swept, report, text, listed } = await atNow(days(1));

    expect(swept).toEqual(['a-1', 'a-2']);
    expect(report.orphaned).toEqual({ total: 3, dueForDeletion: swept.length });
    expect(listed).toEqual(swept);
    expect(report.directory).toEqual({
      status: 'used',
      asOf: days(0),
      owners: 2,
      departed: 1,
      maxAgeDays: 7,
    });
    expect(text).toContain(
      `\nOwner directory: as of ${days(0)}, 2 owner(s), 1 departed (orphan rule applied)\n`,
    );
  });

  it('a stale directory: none due, as the sweep deletes none, and the report says why', async () => {
    const { swept, report, text, listed } = await atNow(days(16));

    expect(swept).toEqual([]);
    expect(report.orphaned).toEqual({ total: 3, dueForDeletion: 0 });
    expect(listed).toEqual([]);
    expect(report.directory).toMatchObject({ status: 'stale', asOf: days(0) });
    expect(text).toMatch(/^flagged orphaned \(owner departed\) +3 .*\n {2}due for deletion +0 /m);
    expect(text).toContain(
      `\nOwner directory: STALE (as of ${days(0)}, older than directoryMaxAgeDays 7); nothing would be orphaned - re-import it (owners import --as-of)\n`,
    );
  });

  it('a snapshot taken after --now: AHEAD, as the run summary says it, never "fresh"', async () => {
    // Graces over (deleteAfter days(-3)), flags within the tolerance, the snapshot 3 days after now: only the
    // directory's ahead state keeps them from being due (used, it would make user-a's due; the premise, all three).
    const { swept, report, text } = await atNow(days(-3));

    expect(swept).toEqual([]);
    expect(report.orphaned).toEqual({ total: 3, dueForDeletion: 0 });
    expect(report.directory).toMatchObject({ status: 'ahead', asOf: days(0) });
    expect(text).toContain(
      `\nOwner directory: AHEAD (as of ${days(0)}, more than 2 days after the report's now: it may record departures not yet made at now); nothing would be orphaned\n`,
    );
    expect(text).not.toContain('fresh');
  });
});
