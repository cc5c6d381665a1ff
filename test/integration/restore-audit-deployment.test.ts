/**
 * `restore` against a deployment in audit mode, in process: CloudFormation
 * and Lambda mocked at the client boundary (aws-sdk-client-mock), the table
 * a real DynamoDB Local one, reached as the stack's own table (the SDK's
 * `AWS_ENDPOINT_URL_DYNAMODB`: `./cli/deployed-tables.ts`). The restore
 * runbook (docs/deploy.md) sets `mode=audit`, then dry-runs `restore --run`:
 * a dry run writes nothing and runs; a restore that writes is refused
 * without `--enforce`.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { AuditDeploymentError } from '../../cli/options/deployment-target';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { mockDeployedStack } from '../support/deployed-stack';
import { type InProcessRun, runInProcess } from '../support/in-process-cli';
import { putItems } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';
import { exportTable, sweepDeps } from './support/sweep-deps';

const NOW_ISO = days(0);
const RUN = 'run-bad-config';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

function deploy(tableName: string, mode: 'audit' | 'enforce'): void {
  mockDeployedStack(cfn, lambda, {
    stackName: 'PersonalClientHygiene',
    outputs: {
      tableName,
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:hygiene-topic',
      sweepFunctionName: 'Hygiene-Sweep-1',
    },
    config: { mode },
  });
}

/** Runs `pc-hygiene restore ...args` in process; returns what it wrote, the exit code it set and the error it ended with. */
function restore(args: string[]): Promise<InProcessRun> {
  return runInProcess(registerRestoreCommand, ['restore', ...args]);
}

describe('restore --stack of an audit-mode deployment (mocked CloudFormation/Lambda, DynamoDB Local)', () => {
  let table: TestTable;
  let flags: string[];
  beforeEach(async () => {
    table = await createTestTable(undefined, 'restore-audit');
    await putItems(table.client, table.tableName, [
      credential('a-healthy'),
      credential('e-due', {
        lastUsedAt: days(-120),
        hygieneStaleFlaggedAt: days(-20),
        hygieneStaleDeleteAfter: days(-6),
      }),
    ]);
    // The bad run, while the deployment was still in enforce mode.
    const summary = await runSweep(
      { ...sweepDeps(table), manifest: new DynamoDbRunManifestWriter(table.client, table.tableName) },
      { config: parseConfig({ maxDeletePercent: 100 }), now: NOW, runId: RUN, mode: 'enforce' },
    );
    expect(summary.deletions.applied).toBe(1);
    // No --table: the stack's TableName output names it, on DynamoDB Local as the SDK's DynamoDB endpoint.
    deployedTablesAt(table.endpoint);
    flags = ['--stack', 'PersonalClientHygiene', '--region', 'eu-west-1'];
    flags.push('--reason', 'bad config (TICKET-2)');
    deploy(table.tableName, 'audit');
  });
  afterEach(async () => {
    cfn.reset();
    lambda.reset();
    vi.unstubAllEnvs();
    await table.drop();
  });

  it('restore --run --dry-run runs (the runbook step) and writes nothing', async () => {
    const before = await exportTable(table);

    // A dry run keeps --now (a restore that writes to a deployment refuses it).
    const run = await restore(['--run', RUN, '--dry-run', '--now', NOW_ISO, ...flags]);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      /^would restore e-due \(deleted .* as stale; its unsent deletion notice would be withdrawn\)\n/,
    );
    expect(run.stdout).toContain(
      `run ${RUN}: 1 would restore, 0 skipped, 0 refused (dry run: nothing written)`,
    );
    expect(run.stderr).toContain(`pc-hygiene: stack PersonalClientHygiene: table ${table.tableName}\n`);
    expect(await exportTable(table)).toEqual(before);
  });

  it('restore ID --dry-run runs and writes nothing', async () => {
    const before = await exportTable(table);

    const run = await restore(['e-due', '--dry-run', '--now', NOW_ISO, ...flags]);

    expect(run.error).toBeUndefined();
    expect(run.stdout).toMatch(
      /^would restore e-due \(deleted .* as stale by run run-bad-config; its unsent deletion notice would be withdrawn\)/,
    );
    expect(await exportTable(table)).toEqual(before);
  });

  it('a restore that writes is refused without --enforce, naming --dry-run; with --enforce it restores', async () => {
    const before = await exportTable(table);
    for (const args of [['--run', RUN], ['e-due']]) {
      const run = await restore([...args, ...flags]);
      expect(run.error).toBeInstanceOf(AuditDeploymentError);
      expect((run.error as Error).message).toBe(
        `stack PersonalClientHygiene runs in audit mode (its sweeps write nothing and queue no owner notice): ${args[0] === '--run' ? 'restore --run' : 'restore'} would write to it. ` +
          'Pass --enforce to write anyway, or --dry-run to check only',
      );
    }
    expect(await exportTable(table)).toEqual(before);

    const enforced = await restore(['--run', RUN, '--enforce', ...flags]);
    expect(enforced.error).toBeUndefined();
    expect(enforced.stdout).toContain(`run ${RUN}: 1 restored, 0 skipped, 0 refused`);
    expect((await exportTable(table)).find((i) => i.id === 'e-due')).not.toHaveProperty('deletedAt');
  });
});
