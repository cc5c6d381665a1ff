/**
 * `pc-hygiene report` counts and lists the pending notices the notifier sends
 * next, soft-deleted credentials' included (their deletion notices sit on the
 * deleted item): the figure and `--list pending-notices` agree (DynamoDB Local).
 */
import { describe, expect, it } from 'vitest';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

const NOW_ISO = days(0);
const outbox = (type: string) => ({
  hygieneOutbox: [{ eventId: `${type}:1`, type, runId: 'run-0', occurredAt: days(-1) }],
  hygieneOutboxOwner: 'user-a',
  hygieneOutboxSince: days(-1),
});

describe('report: pending notices', () => {
  const table = useTestTable('report-pending', 'all', () => [
    credential('a-warned', { userId: 'user-a', expiresTime: days(5), ...outbox('expiry-warning') }),
    credential('b-deleted', {
      userId: 'user-a',
      expiresTime: days(-2),
      deletedAt: days(-1),
      hygieneDeletedReason: 'expired',
      hygieneDeletedByRun: 'run-0',
      ...outbox('deleted-expired'),
    }),
    credential('c-quiet', { userId: 'user-c' }),
  ]);

  it('counts and lists every credential with notices pending, soft-deleted ones included', async () => {
    const report = await runCli(['report', ...tableFlags(table), '--now', NOW_ISO, '--format', 'json']);
    const listed = await runCli([
      'report',
      ...tableFlags(table),
      '--now',
      NOW_ISO,
      '--list',
      'pending-notices',
      '--format',
      'json',
    ]);

    expect(report.code).toBe(0);
    expect((JSON.parse(report.stdout) as { pendingNotices: number }).pendingNotices).toBe(2);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((r) => r.id).sort()).toEqual([
      'a-warned',
      'b-deleted',
    ]);
  });
});
