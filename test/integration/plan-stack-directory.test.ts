/**
 * `plan --stack` reads the deployment's owner directory, as `sweep --stack`
 * does (its `DirectoryTableName` output; docs/cli-plan.md), so the orphan
 * deletions a sweep of the stack would make count towards the guard's verdict.
 * In process, CloudFormation and Lambda mocked (aws-sdk-client-mock), the
 * stack's tables DynamoDB Local ones reached through `AWS_ENDPOINT_URL_DYNAMODB`.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPlanCommand } from '../../cli/commands/plan';
import type { PlanCounts } from '../../cli/format/plan-types';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { mockDeployedStack } from '../support/deployed-stack';
import { runInProcess } from '../support/in-process-cli';
import { importOwnersCli, useOwnedTables } from '../support/reach-fixtures';
import { useTempDir } from '../support/temp-dir';
import { credential, days } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

/** Orphan-flagged 8 days ago, past the 7-day grace. */
const orphanedPastGrace = (id: string) =>
  credential(id, { [HYGIENE_ATTR.orphanedAt]: days(-8), [HYGIENE_ATTR.orphanDeleteAfter]: days(-1) });

describe('plan --stack and the stack owner directory (mocked CloudFormation/Lambda, DynamoDB Local)', () => {
  const { table, owners } = useOwnedTables('plan-stack', [
    orphanedPastGrace('a-1'),
    orphanedPastGrace('a-2'),
    credential('b-1'),
    credential('c-1'),
  ]);
  const tempDir = useTempDir('plan-stack');
  beforeAll(async () => {
    const csv = join(tempDir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(csv, 'userId,email,name,status\nuser-a,,Ann,departed\nuser-b,b@example.com,Bob,active\n');
    expect((await importOwnersCli(owners, csv, days(0))).code).toBe(0);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    cfn.reset();
    lambda.reset();
  });

  it("plans the orphan deletions with the stack's DirectoryTableName output, and its guard trips on them", async () => {
    mockDeployedStack(cfn, lambda, {
      stackName: 'PersonalClientHygiene',
      outputs: {
        tableName: table.tableName,
        directoryTableName: owners.tableName,
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:hygiene-topic',
        sweepFunctionName: 'Hygiene-Sweep-1',
      },
      config: { mode: 'enforce' },
    });
    deployedTablesAt(table.endpoint);
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', undefined);

    const run = await runInProcess(
      registerPlanCommand,
      ['plan', '--stack', 'PersonalClientHygiene', '--now', days(0), '--format', 'json'],
      { rethrow: true },
    );

    expect(run.exitCode).toBe(0);
    const { summary } = JSON.parse(run.stdout) as { summary: PlanCounts };
    expect(summary.directory).toMatchObject({ status: 'used', table: owners.tableName, departed: 1 });
    expect(summary.actions['delete-orphaned']).toBe(2);
    expect(summary.guard).toMatchObject({ tripped: true, plannedDeletes: 2, activeValid: 4 });
  });
});
