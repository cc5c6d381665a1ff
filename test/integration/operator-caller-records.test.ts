/**
 * Every record an operator's command leaves says who really acted, not only
 * the typed name (docs/data-model.md, "History" and "Run manifests"): against
 * AWS (no --endpoint; STS mocked at the client boundary, the table a DynamoDB
 * Local one reached as if in AWS) `restore` and `exempt`/`unexempt` keep the
 * STS caller ARN beside `by` in the history entry, `restore` names
 * `PC_HYGIENE_OPERATOR` when no `--by` is given (as every other operator
 * command does), and an operator's sweep that uses a guard approval keeps
 * both callers in its run manifest's header, which `runs show` prints. A
 * local `--endpoint` table records no ARN and asks STS nothing.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerExemptCommands } from '../../cli/commands/exempt';
import { registerGuardCommand } from '../../cli/commands/guard';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { registerRunsCommand } from '../../cli/commands/runs';
import { registerSweepCommand } from '../../cli/commands/sweep';
import { HISTORY_ATTR } from '../../lambdas/hygiene/data-contract';
import type { HistoryEntry } from '../../lambdas/hygiene/history';
import { formatInstant } from '../../lambdas/hygiene/time';
import { hygieneDeletion } from '../support/hygiene-deletion';
import { runInProcess } from '../support/in-process-cli';
import { redirect } from '../support/redirected-document-client';
import { tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

// Every document client the CLI builds goes to `redirect.endpoint` (the table "in AWS" is DynamoDB Local).
vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) =>
  (await import('../support/redirected-document-client')).redirectedDocumentClientModule(importOriginal),
);

const CALLER = 'arn:aws:sts::123456789012:assumed-role/Operators/mallory';
const sts = mockClient(STSClient);
const DELETED = formatInstant(Date.now() - 86_400_000);

describe('operator records keep the STS caller ARN (mocked STS, DynamoDB Local)', () => {
  const table = useTestTable('operator-caller-records', 'each', () => [
    ...Array.from({ length: 7 }, (_, i) => credential(`a-${i}`, { expiresTime: days(400) })),
    // Expired by the wall clock (the sweep in AWS runs at it): 3 of 10 active trips maxDeletePercent 10.
    ...['b-1', 'b-2', 'b-3'].map((id) =>
      credential(id, { expiresTime: formatInstant(Date.now() - 3_600_000) }),
    ),
    credential('gone', { expiresTime: days(400), ...hygieneDeletion(DELETED, 'stale', 'run-1') }),
  ]);
  beforeEach(() => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER });
    vi.stubEnv('PC_HYGIENE_OPERATOR', '');
  });
  afterEach(() => {
    redirect.endpoint = undefined;
    sts.reset();
    vi.unstubAllEnvs();
  });

  /** `pc-hygiene ...args` against the table as if in AWS: `--table NAME --region R`, no --endpoint. */
  function inAws(register: Parameters<typeof runInProcess>[0], ...args: string[]) {
    redirect.endpoint = table.endpoint;
    return runInProcess(register, [...args, '--table', table.tableName, '--region', 'eu-west-1'], {
      rethrow: true,
    });
  }

  async function history(id: string): Promise<HistoryEntry[]> {
    const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: { id } }));
    return (Item?.[HISTORY_ATTR] ?? []) as HistoryEntry[];
  }

  it('restore --by alice keeps the caller ARN beside the name, in the history and the output', async () => {
    const run = await inAws(
      registerRestoreCommand,
      'restore',
      'gone',
      '--reason',
      'still needed',
      '--by',
      'alice',
    );
    expect(run.stdout).toContain(`by alice (caller ${CALLER}): still needed`);
    // After the deletion's own entry (test/support/hygiene-deletion.ts).
    expect(await history('gone')).toEqual([
      expect.objectContaining({ action: 'delete-stale' }),
      expect.objectContaining({ action: 'restore', by: 'alice', callerArn: CALLER, reason: 'still needed' }),
    ]);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('restore without --by names PC_HYGIENE_OPERATOR, as the other operator commands do', async () => {
    vi.stubEnv('PC_HYGIENE_OPERATOR', 'ci-job-42');
    const run = await inAws(
      registerRestoreCommand,
      'restore',
      'gone',
      '--reason',
      'ticket 7',
      '--format',
      'json',
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ restoredBy: 'ci-job-42', callerArn: CALLER });
    expect(await history('gone')).toEqual([
      expect.objectContaining({ action: 'delete-stale' }),
      expect.objectContaining({ action: 'restore', by: 'ci-job-42', callerArn: CALLER }),
    ]);
  });

  it('exempt and unexempt keep the caller ARN in each history entry', async () => {
    const exempt = await inAws(
      registerExemptCommands,
      'exempt',
      'a-1',
      '--reason',
      'break-glass',
      '--by',
      'bob',
    );
    expect(exempt.stdout).toContain(`by bob (caller ${CALLER}) at `);
    await inAws(registerExemptCommands, 'unexempt', 'a-1', '--reason', 'done');
    expect(await history('a-1')).toEqual([
      expect.objectContaining({ action: 'exempt', by: 'bob', callerArn: CALLER }),
      expect.objectContaining({ action: 'unexempt', by: CALLER, callerArn: CALLER }),
    ]);
  });

  it("an operator's sweep that uses an approval keeps both callers in its manifest header", async () => {
    await inAws(
      registerGuardCommand,
      'guard',
      'approve',
      '--max-deletes',
      '3',
      '--reason',
      'backlog',
      '--by',
      'alice',
    );
    // The default maxDeletePercent (10) trips on 3 of 10.
    const sweep = await inAws(registerSweepCommand, 'sweep', '--format', 'json');
    const summary = JSON.parse(sweep.stdout) as { runId: string; guard: { overridden: boolean } };
    expect(summary.guard.overridden).toBe(true);
    const show = await inAws(registerRunsCommand, 'runs', 'show', summary.runId, '--format', 'json');
    expect(JSON.parse(show.stdout).header).toMatchObject({
      by: CALLER,
      callerArn: CALLER,
      guard: { approvedBy: 'alice', approverCallerArn: CALLER },
    });
    const text = await inAws(registerRunsCommand, 'runs', 'show', summary.runId);
    expect(text.stdout).toContain(`overridden (approval by alice (caller ${CALLER}))`);

    // Undoing the run keeps the caller ARN in every restored credential's entry too.
    const undo = ['restore', '--run', summary.runId, '--reason', 'undo', '--by', 'carol', '--force'];
    await inAws(registerRestoreCommand, ...undo);
    for (const id of ['b-1', 'b-2', 'b-3']) {
      expect((await history(id)).at(-1)).toMatchObject({ action: 'restore', by: 'carol', callerArn: CALLER });
    }
  });

  it('a local --endpoint table records no caller ARN and asks STS nothing', async () => {
    const args = ['restore', 'gone', '--reason', 'local', '--by', 'alice', ...tableFlags(table)];
    await runInProcess(registerRestoreCommand, args, { rethrow: true });
    const entry = (await history('gone')).at(-1);
    expect(entry).toMatchObject({ action: 'restore', by: 'alice' });
    expect(entry).not.toHaveProperty('callerArn');
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
});
