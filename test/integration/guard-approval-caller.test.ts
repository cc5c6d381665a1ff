/**
 * A guard approval records who really approved, not only the typed name:
 * against AWS (no --endpoint; STS mocked at the client boundary, the table a
 * DynamoDB Local one reached as if in AWS) `guard approve --by alice` keeps
 * the STS caller ARN beside `by`, and the tripped sweep that uses it reports
 * both (docs/sweep.md, "The blast-radius guard"). An approval stored before
 * the field still reads and is used; a damaged one is not; a local
 * `--endpoint` table records none and asks STS nothing.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { approvalStatus, recordApproval } from '../../cli/aws/guard-approval';
import { registerGuardCommand } from '../../cli/commands/guard';
import { DynamoDbGuardApprovals, GUARD_APPROVAL_KEY } from '../../lambdas/aws/guard-approval-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { GUARD_APPROVAL_ATTR } from '../../lambdas/hygiene/data-contract';
import type { GuardApproval } from '../../lambdas/hygiene/guard';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { formatInstant } from '../../lambdas/hygiene/time';
import { renderRunSummaryJson, renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { runInProcess } from '../support/in-process-cli';
import { putItems } from '../support/items';
import { redirect } from '../support/redirected-document-client';
import { tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { sweepDeps } from './support/sweep-deps';

// Every document client the CLI builds goes to `redirect.endpoint` (the table "in AWS" is DynamoDB Local).
vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) =>
  (await import('../support/redirected-document-client')).redirectedDocumentClientModule(importOriginal),
);

const CALLER = 'arn:aws:sts::123456789012:assumed-role/Operators/mallory';
const sts = mockClient(STSClient);

// 3 expired of 10 active credentials: over maxDeletePercent 10.
const config = parseConfig({ maxDeletePercent: 10, scanSegments: 2 });

describe('guard approval records the STS caller ARN (mocked STS, DynamoDB Local)', () => {
  const table = useTestTable('guard-approval-caller', 'each', () => [
    ...Array.from({ length: 7 }, (_, i) => credential(`a-${i}`)),
    ...['b-1', 'b-2', 'b-3'].map((id) => credential(id, { expiresTime: days(-1) })),
  ]);
  beforeEach(() => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER });
  });
  afterEach(() => {
    redirect.endpoint = undefined;
    sts.reset();
  });

  /** `guard approve` against the table as if in AWS: `--table NAME --region R`, no --endpoint. */
  async function approveInAws(...extra: string[]) {
    redirect.endpoint = table.endpoint;
    const flags = ['--table', table.tableName, '--region', 'eu-west-1'];
    const args = ['guard', 'approve', ...flags, '--max-deletes', '3', '--reason', 'migration', ...extra];
    return runInProcess(registerGuardCommand, args, { rethrow: true });
  }

  /** A tripped enforce sweep that tries the pending approval, at the wall clock. */
  function sweep(runId: string) {
    return runSweep(
      { ...sweepDeps(table), approvals: new DynamoDbGuardApprovals(table.client, table.tableName) },
      { config, now: NOW, runId, mode: 'enforce' },
    );
  }

  it('--by alice against AWS records by alice and the caller ARN; the sweep that uses it reports both', async () => {
    const run = await approveInAws('--by', 'alice', '--format', 'json');
    const recorded = JSON.parse(run.stdout).approval as GuardApproval;
    expect(recorded).toMatchObject({ by: 'alice', callerArn: CALLER });
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect((await approvalStatus(table.client, table.tableName)).pending).toEqual(recorded);

    const status = await runInProcess(
      registerGuardCommand,
      ['guard', 'status', '--table', table.tableName, '--region', 'eu-west-1'],
      { rethrow: true },
    );
    expect(status.stdout).toContain(`by alice (caller ${CALLER}) at `);

    const summary = await sweep('run-a');
    expect(summary.guard).toMatchObject({
      overridden: true,
      approval: { status: 'used', by: 'alice', callerArn: CALLER },
    });
    expect(summary.deletions.applied).toBe(3);
    expect(JSON.parse(renderRunSummaryJson(summary)).guard.approval.callerArn).toBe(CALLER);
    expect(renderRunSummaryText(summary)).toContain(
      `overridden by the approval of alice (caller ${CALLER}) (up to 3,`,
    );
    const used = await approvalStatus(table.client, table.tableName);
    expect(used.lastUsed?.approval).toEqual(recorded);
  });

  it('the text output of guard approve names the caller beside a typed name', async () => {
    const run = await approveInAws('--by', 'alice');
    expect(run.stdout).toMatch(
      new RegExp(`^guard approval recorded: up to 3 deletions, by alice \\(caller ${CALLER}\\) at `),
    );
  });

  it('without --by the caller ARN is the name, said once', async () => {
    vi.stubEnv('PC_HYGIENE_OPERATOR', '');
    try {
      const run = await approveInAws();
      expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
      expect((await approvalStatus(table.client, table.tableName)).pending).toMatchObject({
        by: CALLER,
        callerArn: CALLER,
      });
      expect(run.stdout).not.toContain('(caller ');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('STS unreachable: the approval is recorded without a caller ARN', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('no credentials'), { name: 'CredentialsProviderError' }));
    await approveInAws('--by', 'alice');
    const pending = (await approvalStatus(table.client, table.tableName)).pending;
    expect(pending?.by).toBe('alice');
    expect(pending).not.toHaveProperty('callerArn');
  });

  it('an approval stored before the field still reads and is used; its text names by alone', async () => {
    const old: GuardApproval = {
      id: 'approval-old',
      by: 'ops',
      reason: 'backlog',
      maxDeletes: 3,
      approvedAt: formatInstant(Date.now() - 60_000),
      expiresAt: formatInstant(Date.now() + 3_600_000),
    };
    await recordApproval(table.client, table.tableName, old);
    expect((await approvalStatus(table.client, table.tableName)).pending).toEqual(old);
    const summary = await sweep('run-old');
    expect(summary.guard.approval).toEqual({ ...old, status: 'used' });
    expect(renderRunSummaryText(summary)).toContain('overridden by the approval of ops (up to 3,');
  });

  it('a damaged callerArn makes the stored approval unreadable, as a damaged field of any other kind', async () => {
    await putItems(table.client, table.tableName, [
      {
        ...GUARD_APPROVAL_KEY,
        [GUARD_APPROVAL_ATTR.pending]: {
          id: 'approval-bad',
          by: 'alice',
          callerArn: 42,
          reason: 'backlog',
          maxDeletes: 3,
          approvedAt: formatInstant(Date.now() - 60_000),
          expiresAt: formatInstant(Date.now() + 3_600_000),
        },
      },
    ]);
    expect((await approvalStatus(table.client, table.tableName)).pending).toBeUndefined();
  });

  it('a local --endpoint table records no caller ARN and asks STS nothing', async () => {
    const args = ['guard', 'approve', ...tableFlags(table), '--max-deletes', '3', '--reason', 'local'];
    await runInProcess(registerGuardCommand, args, { rethrow: true });
    const pending = (await approvalStatus(table.client, table.tableName)).pending;
    expect(pending).toBeDefined();
    expect(pending).not.toHaveProperty('callerArn');
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
});
