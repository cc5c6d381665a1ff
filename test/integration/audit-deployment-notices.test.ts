/**
 * What an audit deployment tells owners (docs/deploy.md, "Operating a
 * deployment from the CLI", "Audit mode"): its own sweeps queue nothing, but
 * an operator's `sweep --enforce` on it acts as an enforce run does and
 * queues owner notices, and the deployment's notifier — which has no mode —
 * sends them on its schedule. `notify` without `--enforce` is refused, and
 * its message says so rather than that the deployment notifies no owner.
 * CloudFormation, Lambda, STS, CloudWatch and SNS mocked at the client
 * boundary (aws-sdk-client-mock); the stack's table a real DynamoDB Local one
 * (`./cli/deployed-tables.ts`).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ListSubscriptionsByTopicCommand, PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerNotifyCommand } from '../../cli/commands/notify';
import { registerSweepCommand } from '../../cli/commands/sweep';
import { AuditDeploymentError } from '../../cli/options/deployment-target';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { mockProdStack } from '../support/deployed-stack';
import { runInProcess } from '../support/in-process-cli';
import { putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
const cloudWatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:prod-topic';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/Operators/alice';

/** The owner digests published (not the admin run summary), by the `userId` each is addressed to. */
function ownerDigestsPublished(): string[] {
  return sns
    .commandCalls(PublishBatchCommand)
    .flatMap((c) => c.args[0].input.PublishBatchRequestEntries ?? [])
    .filter((e) => e.MessageAttributes?.audience?.StringValue === 'owner')
    .map((e) => e.MessageAttributes?.userId?.StringValue ?? '')
    .sort();
}

describe('an audit deployment after an operator’s sweep --enforce', () => {
  const table = useTestTable('audit-deployment-notices', 'each');
  const stackFlags = ['--stack', 'Prod', '--region', 'eu-west-1'];

  beforeEach(async () => {
    mockProdStack(cfn, lambda, {
      outputs: { tableName: table.tableName, topicArn: TOPIC },
      config: { mode: 'audit', maxDeletePercent: 100 },
    });
    sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER });
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
      Successful: input.PublishBatchRequestEntries.map((e, i) => ({ Id: e.Id, MessageId: `m-${i}` })),
      Failed: [],
    }));
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });
    cloudWatch.on(PutMetricDataCommand).resolves({});
    for (const name of ['PC_HYGIENE_STACK', 'PC_HYGIENE_TABLE', 'PC_HYGIENE_ENDPOINT', 'PC_HYGIENE_SINK']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', undefined);
    vi.stubEnv('PC_HYGIENE_TOPIC_ARN', undefined);
    deployedTablesAt(table.endpoint);
    // Two owners with one notice each: an expiry warning and an expired credential deleted.
    await putItems(table.client, table.tableName, [
      credential('a-expiring', { expiresTime: days(5) }),
      credential('b-expired', { expiresTime: days(-1) }),
    ]);
    // An acting run against a stack decides at the wall clock (--now is refused): the test's clock is NOW.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const swept = await runInProcess(registerSweepCommand, [
      'sweep',
      ...stackFlags,
      '--enforce',
      '--format',
      'json',
    ]);
    expect(swept.error).toBeUndefined();
    expect(JSON.parse(swept.stdout)).toMatchObject({
      mode: 'enforce',
      events: { queued: true, total: 2, owners: 2 },
    });
    expect(ownerDigestsPublished()).toEqual([]);
  });
  afterEach(() => {
    for (const mock of [cfn, lambda, sts, cloudWatch, sns]) mock.reset();
    vi.unstubAllEnvs();
    vi.useRealTimers();
  });

  it('refuses notify without --enforce, saying the deployment’s notifier sends what is queued', async () => {
    const run = await runInProcess(registerNotifyCommand, ['notify', ...stackFlags]);

    expect(run.error).toBeInstanceOf(AuditDeploymentError);
    expect((run.error as Error).message).toBe(
      'stack Prod runs in audit mode (its sweeps write nothing and queue no owner notice): notify would write to it. ' +
        "Pass --enforce to write anyway (it sends the owners what is queued now: what an operator's sweep --enforce " +
        "queued, or a run before the switch to audit; the deployment's notifier sends the same within notifierSchedule)",
    );
    expect(ownerDigestsPublished()).toEqual([]);
  });

  it('the notifier Lambda deployed in audit (HYGIENE_mode=audit) sends the owners what the sweep queued', async () => {
    const environment = {
      [HANDLER_ENV.tableName]: table.tableName,
      [HANDLER_ENV.topicArn]: TOPIC,
      [HANDLER_ENV.dynamoDbEndpoint]: table.endpoint,
      HYGIENE_mode: 'audit',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    const { notifierHandler } = await import('../../lambdas/handlers/notifier');

    const summary = await notifierHandler({}, { getRemainingTimeInMillis: () => 300_000 });

    expect(summary).toMatchObject({ eventsPublished: 2, eventsFailed: 0 });
    expect(ownerDigestsPublished()).toEqual(['user-a', 'user-b']);
  });
});
