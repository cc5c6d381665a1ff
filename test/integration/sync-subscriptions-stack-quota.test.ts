/**
 * `owners sync-subscriptions --stack` plans against the deployment's
 * filter-policy quota (the stack's `FilterPolicyQuota` output, as its
 * reconciler does), not SNS's default 200, unless `--filter-policy-quota` or
 * `PC_HYGIENE_FILTER_POLICY_QUOTA` gives one, and says on stderr which quota
 * it uses and where from (docs/deploy.md, "Owner subscriptions: the SNS
 * quota"). 201 active owners, none subscribed: under 200 the run stops at the
 * quota (exit 3), under 1000 it plans all 201. Dry runs, in process: the stack
 * mocked at the client boundary (aws-sdk-client-mock), the directory on
 * DynamoDB Local and the topic on the SNS-compatible local server, each
 * reached as the stack's own (`./cli/deployed-tables.ts`).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../cli/commands/owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { mockProdStack } from '../support/deployed-stack';
import { type InProcessRun, runInProcess } from '../support/in-process-cli';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { deployedTablesAt, deployedTopicAt } from './cli/deployed-tables';
import { FakeSnsServer } from './fake-sns-server';
import { upsertNewOwners } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:prod-hygiene';
/** One more owner than SNS's default quota holds. */
const OWNERS = 201;

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

/** Deploys stack `Prod` on `sns-email`, its `FilterPolicyQuota` output `quota` (none when undefined). */
function deployProd(directoryTable: string, quota: string | undefined): void {
  mockProdStack(cfn, lambda, {
    outputs: {
      topicArn: TOPIC,
      directoryTableName: directoryTable,
      ...(quota !== undefined && { filterPolicyQuota: quota }),
    },
    config: { mode: 'enforce', ownerDelivery: 'sns-email' },
  });
}

/** `pc-hygiene owners sync-subscriptions --dry-run --format json --stack Prod …args` in process. */
function syncDryRun(...args: string[]): Promise<InProcessRun> {
  return runInProcess(
    registerOwnersCommand,
    ['owners', 'sync-subscriptions', '--dry-run', '--format', 'json', '--stack', 'Prod', ...args],
    { rethrow: true },
  );
}

/** What a dry run's JSON summary says of the quota and the creations it plans. */
function planned(run: InProcessRun): { quota: number; creates: number; stopped: boolean } {
  const summary = JSON.parse(run.stdout) as {
    filterPolicies: { quota: number };
    operations: { kind: string }[];
    quotaStop?: unknown;
  };
  return {
    quota: summary.filterPolicies.quota,
    creates: summary.operations.filter((o) => o.kind === 'create').length,
    stopped: summary.quotaStop !== undefined,
  };
}

describe('owners sync-subscriptions --stack: the deployed filter-policy quota', () => {
  let table: TestDirectoryTable;
  let sns: FakeSnsServer;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(async () => {
    await sns.stop();
  });
  beforeEach(async () => {
    table = await createTestDirectoryTable('sync-stack-quota');
    await upsertNewOwners(
      new DynamoOwnerDirectory(table.client, table.tableName),
      Array.from({ length: OWNERS }, (_, i) => {
        const id = `owner-${String(i).padStart(3, '0')}`;
        return { userId: id, email: `${id}@example.com`, status: 'active' as const };
      }),
      '2026-12-01T00:00:00.000Z',
    );
    deployedTablesAt(table.endpoint);
    deployedTopicAt(sns.endpoint);
    vi.stubEnv('PC_HYGIENE_FILTER_POLICY_QUOTA', undefined);
  });
  afterEach(async () => {
    cfn.reset();
    lambda.reset();
    vi.unstubAllEnvs();
    sns.reset();
    await table.drop();
  });

  it('plans against the stack’s FilterPolicyQuota output: 1000 holds all 201 owners', async () => {
    deployProd(table.tableName, '1000');

    const run = await syncDryRun();

    expect(run.exitCode).toBe(0);
    expect(planned(run)).toEqual({ quota: 1000, creates: OWNERS, stopped: false });
    expect(run.stderr).toContain(
      "pc-hygiene: filter-policy quota 1000 (stack Prod's FilterPolicyQuota output)\n",
    );
  });

  it('--filter-policy-quota on the command line wins, and stderr names the deployed one', async () => {
    deployProd(table.tableName, '1000');

    const run = await syncDryRun('--filter-policy-quota', '200');

    expect(run.exitCode).toBe(3);
    expect(planned(run)).toMatchObject({ quota: 200, stopped: true });
    expect(run.stderr).toContain(
      "pc-hygiene: filter-policy quota 200 (--filter-policy-quota; stack Prod's reconciler plans against 1000)\n",
    );
  });

  it('PC_HYGIENE_FILTER_POLICY_QUOTA wins too', async () => {
    deployProd(table.tableName, '1000');
    vi.stubEnv('PC_HYGIENE_FILTER_POLICY_QUOTA', '200');

    const run = await syncDryRun();

    expect(run.exitCode).toBe(3);
    expect(planned(run)).toMatchObject({ quota: 200, stopped: true });
    expect(run.stderr).toContain(
      "pc-hygiene: filter-policy quota 200 (PC_HYGIENE_FILTER_POLICY_QUOTA; stack Prod's reconciler plans against 1000)\n",
    );
  });

  it('a stack without the output plans against SNS’s default, and says why', async () => {
    deployProd(table.tableName, undefined);

    const run = await syncDryRun();

    expect(run.exitCode).toBe(3);
    expect(planned(run)).toMatchObject({ quota: 200, stopped: true });
    expect(run.stderr).toContain(
      "pc-hygiene: filter-policy quota 200 (SNS's default; stack Prod has no FilterPolicyQuota output: it sets no filterPolicyQuota, or was deployed before the output existed)\n",
    );
  });
});
