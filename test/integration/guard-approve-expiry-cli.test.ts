/**
 * `guard approve --expires-in` as a user meets it: `--help` shows its default
 * as it is typed (`24h`), not in milliseconds, and an approval recorded
 * without the flag still expires 24 hours after it was made (docs/sweep.md,
 * "The blast-radius guard"), which `approve` and `status` both say as "in 1
 * day". The CLI in a child process against DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import type { GuardApproval } from '../../lambdas/hygiene/guard';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';

describe('guard approve --expires-in', () => {
  const table = useTestTable('guard-approve-expiry', 'each');

  it('--help shows the default as a duration (24h)', async () => {
    const help = await runCli(['guard', 'approve', '--help']);

    expect(help.code).toBe(0);
    const option = help.stdout.slice(help.stdout.indexOf('--expires-in'));
    expect(option).toMatch(/^--expires-in <duration>[^-]*\(default: 24h\)/);
    expect(help.stdout).not.toContain('86400000');
  });

  it('without the flag, the approval expires 24 hours after it was recorded', async () => {
    const run = await runCli([
      'guard',
      'approve',
      '--max-deletes',
      '2',
      '--reason',
      'default expiry',
      '--by',
      'ops-alice',
      '--format',
      'json',
      ...tableFlags(table),
    ]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { approval } = JSON.parse(run.stdout) as { approval: GuardApproval };
    expect(Date.parse(approval.expiresAt) - Date.parse(approval.approvedAt)).toBe(24 * 3_600_000);
  });

  it('approve and status right after say the same remaining time ("in 1 day", not "in 24 hours")', async () => {
    const approve = await runCli([
      'guard',
      'approve',
      '--max-deletes',
      '2',
      '--reason',
      'one wording',
      '--by',
      'ops-alice',
      ...tableFlags(table),
    ]);
    const status = await runCli(['guard', 'status', ...tableFlags(table)]);

    expect(approve.code).toBe(0);
    expect(status.code).toBe(0);
    expect(approve.stdout).toContain(', expires in 1 day (');
    expect(status.stdout).toContain(', expires in 1 day (');
  });
});
