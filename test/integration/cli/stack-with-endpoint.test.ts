/**
 * `--stack` (or `PC_HYGIENE_STACK`) never meets `--endpoint` (or
 * `PC_HYGIENE_ENDPOINT`): an endpoint is a table named directly (DynamoDB
 * Local), a stack a deployment in AWS, and the two together used to look the
 * stack up, run on the local table under the deployment's table name and
 * config, and publish the local run's admin summary to the deployment's real
 * topic (docs/deploy.md, "Operating a deployment from the CLI"). Now the
 * combination is a usage error before anything reaches AWS or the table. In
 * process: CloudFormation, Lambda, STS, CloudWatch and SNS mocked at the
 * client boundary (aws-sdk-client-mock), the table a DynamoDB Local one.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerSweepCommand } from '../../../cli/commands/sweep';
import { UsageError } from '../../../cli/usage-error';
import { mockProdStack } from '../../support/deployed-stack';
import { runInProcess } from '../../support/in-process-cli';
import { useTestTable } from '../../support/test-table';
import { credential, days } from '../../unit/support/credentials';
import { exportTable } from '../support/sweep-deps';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:prod-hygiene';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
const cloudWatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

describe('sweep with a stack and a local endpoint', () => {
  // A local table that the deployment's TableName output happens to name: the worst case, the run would go through.
  const table = useTestTable('stack-with-endpoint', 'each', () => [
    credential('a-healthy'),
    credential('b-expired', { expiresTime: days(-400) }),
  ]);

  beforeEach(() => {
    mockProdStack(cfn, lambda, {
      outputs: { tableName: table.tableName, topicArn: TOPIC },
      config: { mode: 'enforce', maxDeletePercent: 100 },
    });
    sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:sts::123456789012:assumed-role/Ops/alice' });
    sns
      .on(PublishBatchCommand)
      .resolves({ Successful: [{ Id: 'run-summary', MessageId: 'm-1' }], Failed: [] });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    cloudWatch.on(PutMetricDataCommand).resolves({});
    for (const name of ['PC_HYGIENE_STACK', 'PC_HYGIENE_TABLE', 'PC_HYGIENE_ENDPOINT'])
      vi.stubEnv(name, undefined);
  });
  afterEach(() => {
    for (const mock of [cfn, lambda, sts, cloudWatch, sns]) mock.reset();
    vi.unstubAllEnvs();
  });

  /** Nothing reached AWS: no stack looked up, no report published, no metric put. */
  function expectNothingSentToAws(): void {
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  }

  it('--stack with --endpoint: exit 2 naming both, no stack looked up, nothing published or written', async () => {
    const before = await exportTable(table);

    const run = await runInProcess(registerSweepCommand, [
      'sweep',
      '--stack',
      'Prod',
      '--endpoint',
      table.endpoint,
      '--region',
      'eu-west-1',
    ]);

    expect(run.error).toBeInstanceOf(UsageError);
    expect((run.error as Error).message).toBe(
      `--stack Prod with --endpoint ${table.endpoint}: --endpoint works on a table named directly ` +
        '(e.g. DynamoDB Local), never on a deployed stack. Drop --stack to work on the table at that endpoint, ' +
        'or drop --endpoint to act on stack Prod',
    );
    expectNothingSentToAws();
    expect(await exportTable(table)).toEqual(before);
  });

  it('PC_HYGIENE_STACK with --endpoint-url: refused the same way, naming the variable and the alias', async () => {
    vi.stubEnv('PC_HYGIENE_STACK', 'Prod');
    const before = await exportTable(table);

    const run = await runInProcess(registerSweepCommand, [
      'sweep',
      '--endpoint-url',
      table.endpoint,
      '--region',
      'eu-west-1',
    ]);

    expect(run.error).toBeInstanceOf(UsageError);
    expect((run.error as Error).message).toBe(
      `PC_HYGIENE_STACK=Prod with --endpoint-url ${table.endpoint}: --endpoint works on a table named directly ` +
        '(e.g. DynamoDB Local), never on a deployed stack. Unset PC_HYGIENE_STACK to work on the table at that ' +
        'endpoint, or drop --endpoint-url to act on stack Prod',
    );
    expectNothingSentToAws();
    expect(await exportTable(table)).toEqual(before);
  });
});
