/**
 * `pc-hygiene plan --table` whose guard trips, when reading the pending guard
 * approval is refused (AccessDenied: the caller may scan but not get the
 * item): the plan still ends with exit 0, its verdict as the guard gives it,
 * and says the approval was not read and why (docs/cli-plan.md). Against
 * DynamoDB Local, the command run in process so the refusal can be put into
 * the clients it builds.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordApproval } from '../../cli/aws/guard-approval';
import { registerPlanCommand } from '../../cli/commands/plan';
import type { PlanCounts } from '../../cli/format/plan-types';
import { GUARD_APPROVAL_ID } from '../../lambdas/hygiene/data-contract';
import { formatInstant } from '../../lambdas/hygiene/time';
import { runInProcess } from '../support/in-process-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

/** Whether reads of the approval item are refused now (off while the test sets the table up). */
const denial = vi.hoisted(() => ({ on: false, refused: 0 }));
vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  return hookDocumentClients(await importOriginal(), denyApprovalReads);
});

/** The one call of a middleware stack used here (its generic types are the client's). */
interface InitializeMiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}
type Next = (args: { input: { Key?: Record<string, unknown> } }) => Promise<unknown>;

/** Refuses, as IAM would, every request `client` sends for the approval item while `denial.on`. */
function denyApprovalReads(client: DynamoDBDocumentClient): void {
  (client.middlewareStack as unknown as InitializeMiddlewareStack).add(
    (next: Next) => async (args: Parameters<Next>[0]) => {
      if (denial.on && Object.values(args.input.Key ?? {}).includes(GUARD_APPROVAL_ID)) {
        denial.refused += 1;
        throw Object.assign(
          new Error('User: arn:aws:sts::123456789012:assumed-role/ops/bob is not authorized'),
          {
            name: 'AccessDeniedException',
            $fault: 'client',
          },
        );
      }
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'denyApprovalReads' },
  );
}

describe('plan --table: the pending approval cannot be read (AccessDenied)', () => {
  const table = useTestTable('plan-approval-denied', 'each', () => [
    ...['a-1', 'a-2', 'a-3'].map((id) => credential(id, { expiresTime: days(-1) })),
    credential('b-1'),
  ]);
  const tempDir = useTempDir('plan-approval-denied');
  beforeEach(() => {
    for (const name of [
      'PC_HYGIENE_STACK',
      'PC_HYGIENE_TABLE',
      'PC_HYGIENE_DIRECTORY_TABLE',
      'PC_HYGIENE_ENDPOINT',
    ]) {
      vi.stubEnv(name, undefined);
    }
  });
  afterEach(() => {
    denial.on = false;
    denial.refused = 0;
    vi.unstubAllEnvs();
  });

  it('says the approval was not read and why, holds the verdict as the guard gives it, and exits 0', async () => {
    const config = join(tempDir(), `${randomUUID().slice(0, 8)}.json`);
    await writeFile(config, JSON.stringify({ maxDeletesPerRun: 1 }));
    // A covering approval is pending: read, it would be used.
    const wall = Date.now();
    await recordApproval(table.client, table.tableName, {
      id: randomUUID(),
      by: 'ops-alice',
      reason: 'expiry backlog (CHG-42)',
      maxDeletes: 5,
      approvedAt: formatInstant(wall - 60_000),
      expiresAt: formatInstant(wall + 3_600_000),
    });
    const plan = (...format: string[]) =>
      runInProcess(
        registerPlanCommand,
        [
          'plan',
          '--table',
          table.tableName,
          '--endpoint',
          table.endpoint,
          '--now',
          days(0),
          '--config',
          config,
          ...format,
        ],
        { rethrow: true },
      );
    denial.on = true;

    const json = await plan('--format', 'json');
    const text = await plan();

    expect(denial.refused).toBe(2);
    expect(json.exitCode).toBe(0);
    expect(json.stderr).toBe('');
    const { summary } = JSON.parse(json.stdout) as { summary: PlanCounts };
    expect(summary.guard).toMatchObject({
      tripped: true,
      plannedDeletes: 3,
      overridden: false,
      deletionsAllowed: false,
    });
    expect(summary.guard?.approval).toBeUndefined();
    expect(summary.approvalCheck).toEqual({
      status: 'unreadable',
      error: 'AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ops/bob is not authorized',
    });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('  guard: TRIPPED, no deletion would be made without an approval (');
    expect(text.stdout).toContain(
      '  guard approval: not read: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ops/bob is not authorized\n',
    );
  });
});
