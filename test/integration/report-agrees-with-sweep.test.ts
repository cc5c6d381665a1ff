/**
 * The posture report and a sweep agree on what is due (DynamoDB Local, as an
 * operator runs them): `report`'s "due for deletion" and expired figures,
 * `report --list flagged-stale-due|orphaned-due|expired`, and `sweep
 * --dry-run`'s planned deletions name the same credentials — flags the sweep
 * clears (exempt, used since, no longer stale, flagged in the future) and
 * exempt expired credentials are not due. `report --list pending-notices`
 * names an invalid record's outbox too (the drain sends it).
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

const NOW_ISO = days(0);

/** Flagged stale 20 days ago, grace over 6 days ago, unused for 120 days. */
const staleFlag = (id: string, extra: Record<string, unknown> = {}) =>
  credential(id, {
    lastUsedAt: days(-120),
    [HYGIENE_ATTR.staleFlaggedAt]: days(-20),
    [HYGIENE_ATTR.staleDeleteAfter]: days(-6),
    ...extra,
  });

/** Flagged orphaned 10 days ago, grace over 3 days ago. */
const orphanFlag = (id: string, extra: Record<string, unknown> = {}) =>
  credential(id, {
    [HYGIENE_ATTR.orphanedAt]: days(-10),
    [HYGIENE_ATTR.orphanDeleteAfter]: days(-3),
    ...extra,
  });

// credential('x-…') is owned by user-x; the directory marks user-d departed.
const ITEMS = [
  credential('a-healthy'),
  staleFlag('b-due'),
  staleFlag('b-exempt', { hygieneExempt: true }),
  staleFlag('b-used', { lastUsedAt: days(-5) }),
  staleFlag('b-no-longer-stale', { lastUsedAt: days(-60), [HYGIENE_ATTR.staleFlaggedAt]: days(-59) }),
  staleFlag('b-future', {
    [HYGIENE_ATTR.staleFlaggedAt]: days(5),
    [HYGIENE_ATTR.staleDeleteAfter]: days(19),
  }),
  staleFlag('c-expired', { expiresTime: days(-1) }),
  credential('c-expired-exempt', { expiresTime: days(-1), hygieneExempt: true }),
  orphanFlag('d-due'),
  orphanFlag('d-exempt', { hygieneExempt: true }),
  orphanFlag('d-future', { [HYGIENE_ATTR.orphanedAt]: days(3), [HYGIENE_ATTR.orphanDeleteAfter]: days(10) }),
  {
    ...credential('e-invalid', { expiresTime: '2026-12-01' }),
    hygieneOutbox: [{ eventId: 'e1', type: 'expiry-warning', userId: 'user-e' }],
    hygieneOutboxOwner: 'user-e',
    hygieneOutboxSince: days(-1),
  },
];

const OWNERS_CSV = 'userId,email,name,status\nuser-d,,Dee,departed\nuser-a,a@example.com,Ann,active\n';

describe('report and sweep --dry-run agree on what is due', () => {
  const { table, owners } = useOwnedTables('report-agrees', ITEMS);
  const tempDir = useTempDir('report-agrees');
  // Both read the same owner directory: with the same config, directory and now, they agree.
  const target = () => [
    '--table',
    table.tableName,
    '--endpoint',
    table.endpoint,
    '--directory-table',
    owners.tableName,
    '--now',
    NOW_ISO,
  ];
  beforeAll(async () => {
    const csv = join(tempDir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(csv, OWNERS_CSV);
    expect((await importOwnersCli(owners, csv, NOW_ISO)).code).toBe(0);
  });

  const listed = async (category: string) => {
    const run = await runCli(['report', ...target(), '--list', category, '--format', 'json']);
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { id: string; problems?: string[] }[]).sort((a, b) =>
      a.id.localeCompare(b.id),
    );
  };

  it('counts and lists as due exactly what the sweep would delete, per rule', async () => {
    const sweep = await runCli([
      'sweep',
      ...target(),
      '--dry-run',
      '--allow-mass-delete', // 3 of 10: the guard's 10 % would only mark them blocked
      '--format',
      'json',
    ]);
    expect(sweep.code).toBe(0);
    const planned = (JSON.parse(sweep.stdout) as { plannedDeletions: PlannedDeletion[] }).plannedDeletions;
    const byRule = (rule: string) =>
      planned
        .filter((d) => d.rule === rule)
        .map((d) => d.id)
        .sort();
    const report = await runCli(['report', ...target(), '--format', 'json']);
    expect(report.code).toBe(0);
    const posture = JSON.parse(report.stdout) as PostureReport;

    expect(byRule('stale')).toEqual(['b-due']);
    expect(byRule('orphaned')).toEqual(['d-due']);
    expect(byRule('expired')).toEqual(['c-expired']);
    expect(posture.flagged).toEqual({ total: 6, dueForDeletion: byRule('stale').length });
    expect(posture.orphaned).toEqual({ total: 3, dueForDeletion: byRule('orphaned').length });
    expect(posture.expiredNotDeleted).toBe(byRule('expired').length);
    expect((await listed('flagged-stale-due')).map((r) => r.id)).toEqual(byRule('stale'));
    expect((await listed('orphaned-due')).map((r) => r.id)).toEqual(byRule('orphaned'));
    expect((await listed('expired')).map((r) => r.id)).toEqual(byRule('expired'));
    expect((await listed('exempt')).map((r) => r.id)).toEqual(['b-exempt', 'c-expired-exempt', 'd-exempt']);
  });

  it('counts and lists an invalid record with an outbox among the pending notices', async () => {
    const report = await runCli(['report', ...target(), '--format', 'json']);
    expect((JSON.parse(report.stdout) as PostureReport).pendingNotices).toBe(1);

    const pending = await listed('pending-notices');

    expect(pending).toEqual([
      expect.objectContaining({ id: 'e-invalid', problems: [expect.stringMatching(/^expiresTime: /)] }),
    ]);
  });
});
