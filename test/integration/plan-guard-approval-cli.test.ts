/**
 * `pc-hygiene plan --table` whose guard trips looks at the pending `guard
 * approve` approval as the sweep would (docs/cli-plan.md): a covering one
 * would be used (the sweep would delete), an expired or too small one, or
 * none, leaves the deletions held — reported in the sweep summary's `guard`
 * shape, which the sweep that follows then reports the same. The plan only
 * reads: the approval stays pending. A malformed approval is said, not
 * thrown. The CLI in a child process against DynamoDB Local.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvalStatus, recordApproval } from '../../cli/aws/guard-approval';
import { APPROVAL_PREDICTION, type PlanCounts } from '../../cli/format/plan-types';
import { GUARD_APPROVAL_KEY } from '../../lambdas/aws/guard-approval-store';
import { GUARD_APPROVAL_ATTR } from '../../lambdas/hygiene/data-contract';
import type { GuardApproval } from '../../lambdas/hygiene/guard';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { formatInstant } from '../../lambdas/hygiene/time';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

const HOUR = 3_600_000;

/** 3 expired of 4 active credentials: over maxDeletesPerRun 1 (and the default 10%). */
function seeds(): Record<string, unknown>[] {
  return [...['a-1', 'a-2', 'a-3'].map((id) => credential(id, { expiresTime: days(-1) })), credential('b-1')];
}

/** An approval of ops-alice, judged against the wall clock (as a sweep judges it): `expiresIn` from now. */
function approval(maxDeletes: number, expiresIn: number): GuardApproval {
  const wall = Date.now();
  return {
    id: randomUUID(),
    by: 'ops-alice',
    reason: 'expiry backlog (CHG-42)',
    maxDeletes,
    approvedAt: formatInstant(wall - 2 * HOUR),
    expiresAt: formatInstant(wall + expiresIn),
  };
}

describe('plan --table: a tripped guard and the pending guard approval (CLI, DynamoDB Local)', () => {
  const table = useTestTable('plan-guard-approval', 'each', seeds);
  const tempDir = useTempDir('plan-guard-approval');
  let config: string;
  beforeAll(async () => {
    config = join(tempDir(), 'hygiene.json');
    await writeFile(config, JSON.stringify({ maxDeletesPerRun: 1 }));
  });

  const flags = () => [...tableFlags(table), '--now', days(0), '--config', config];
  const planJson = async (): Promise<PlanCounts> => {
    const run = await runCli(['plan', ...flags(), '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { summary: PlanCounts }).summary;
  };
  const planText = async (): Promise<string> => {
    const run = await runCli(['plan', ...flags()]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return run.stdout;
  };
  /** What the sweep that follows the plan reports of its guard (it acts: no `mode` in the config). */
  const sweepGuard = async (): Promise<RunSummary['guard']> => {
    const run = await runCli(['sweep', ...flags(), '--format', 'json']);
    return (JSON.parse(run.stdout) as RunSummary).guard;
  };
  const pendingId = async () => (await approvalStatus(table.client, table.tableName)).pending?.id;
  /** Records `pending` and plans: the plan's summary, its deletions held with the approval's `status`. */
  const planHeldBy = async (
    pending: GuardApproval,
    status: 'expired' | 'not-enough',
  ): Promise<PlanCounts> => {
    await recordApproval(table.client, table.tableName, pending);
    const summary = await planJson();
    expect(summary.guard).toMatchObject({
      tripped: true,
      overridden: false,
      deletionsAllowed: false,
      approval: { ...pending, status },
    });
    return summary;
  };

  it('(a) a covering approval would be used: the sweep would delete; the plan leaves it pending', async () => {
    const pending = approval(5, HOUR);
    await recordApproval(table.client, table.tableName, pending);

    const summary = await planJson();
    expect(summary.guard).toMatchObject({
      tripped: true,
      plannedDeletes: 3,
      overridden: true,
      deletionsAllowed: true,
      approval: { ...pending, status: 'used' },
    });
    expect(summary.approvalCheck).toMatchObject({ status: 'read', note: APPROVAL_PREDICTION });
    const text = await planText();
    expect(text).toContain('  guard: TRIPPED, but the pending approval would allow the deletions (');
    expect(text).toContain(
      `  guard approval: the pending approval of ops-alice (up to 5, expires ${pending.expiresAt}; ` +
        'expiry backlog (CHG-42)) would be used: the next sweep that acts would delete (judged at ',
    );
    expect(text).toContain(APPROVAL_PREDICTION);
    expect(await pendingId()).toBe(pending.id);

    // The sweep that follows does what the plan said, and reports it in the same shape.
    expect(await sweepGuard()).toEqual(summary.guard);
    expect(await pendingId()).toBeUndefined();
  });

  it('(b) an expired approval: deletions held', async () => {
    const pending = approval(5, -HOUR);

    const summary = await planHeldBy(pending, 'expired');
    const text = await planText();
    expect(text).toContain('  guard: TRIPPED, no deletion would be made (');
    expect(text).toContain(
      `  guard approval: the pending approval of ops-alice (up to 5) is expired (at ${pending.expiresAt}): deletions held (judged at `,
    );
    expect(await sweepGuard()).toEqual(summary.guard);
  });

  it('(c) an approval too small for the planned deletions: deletions held', async () => {
    const pending = approval(2, HOUR);

    const summary = await planHeldBy(pending, 'not-enough');
    const text = await planText();
    expect(text).toContain(
      `  guard approval: the pending approval of ops-alice (up to 2, expires ${pending.expiresAt}) is too small for 3 planned deletions: deletions held (judged at `,
    );
    expect(await sweepGuard()).toEqual(summary.guard);
    expect(await pendingId()).toBe(pending.id);
  });

  it('(d) no approval pending: deletions held, said', async () => {
    const summary = await planJson();
    expect(summary.guard).toMatchObject({ tripped: true, overridden: false, deletionsAllowed: false });
    expect(summary.guard?.approval).toBeUndefined();
    expect(summary.approvalCheck).toMatchObject({ status: 'read', note: APPROVAL_PREDICTION });
    const text = await planText();
    expect(text).toContain('  guard: TRIPPED, no deletion would be made (');
    expect(text).toContain('  guard approval: none pending: deletions held (judged at ');
    expect(await sweepGuard()).toEqual(summary.guard);
  });

  it('says a malformed approval was not read, and why; the plan stands', async () => {
    const { reason: _dropped, ...malformed } = approval(5, HOUR);
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...GUARD_APPROVAL_KEY, [GUARD_APPROVAL_ATTR.pending]: malformed },
      }),
    );

    const summary = await planJson();
    expect(summary.guard).toMatchObject({ tripped: true, overridden: false, deletionsAllowed: false });
    expect(summary.guard?.approval).toBeUndefined();
    expect(summary.approvalCheck).toEqual({
      status: 'unreadable',
      error: expect.stringMatching(/^the pending approval is malformed/),
    });
    const text = await planText();
    expect(text).toContain('  guard: TRIPPED, no deletion would be made without an approval (');
    expect(text).toContain('  guard approval: not read: the pending approval is malformed (');
  });

  it('reads no approval when the guard passes', async () => {
    await recordApproval(table.client, table.tableName, approval(5, HOUR));
    const passes = join(tempDir(), `${randomUUID().slice(0, 8)}.json`);
    await writeFile(passes, JSON.stringify({ maxDeletesPerRun: 10, maxDeletePercent: 100 }));

    const run = await runCli([
      'plan',
      ...tableFlags(table),
      '--now',
      days(0),
      '--config',
      passes,
      '--format',
      'json',
    ]);

    expect(run.code).toBe(0);
    const { summary } = JSON.parse(run.stdout) as { summary: PlanCounts };
    expect(summary.guard).toMatchObject({ tripped: false, plannedDeletes: 3, deletionsAllowed: true });
    expect(summary.guard?.approval).toBeUndefined();
    expect(summary.approvalCheck).toBeUndefined();
  });
});
