/**
 * `notify --stack NAME --sink jsonl:PATH` with `PC_HYGIENE_TOPIC_ARN` left in
 * the environment (docs/deploy.md, "Operating a deployment from the CLI"): a
 * JSON Lines sink never uses a topic, so the variable is not refused and the
 * drain runs — into the file, nothing to SNS — while the same variable next
 * to the SNS sink is still refused before anything reaches AWS.
 * CloudFormation, Lambda and SNS mocked at the client boundary
 * (aws-sdk-client-mock); the stack's table a real DynamoDB Local one, reached
 * as the stack's own (the SDK's `AWS_ENDPOINT_URL_DYNAMODB`:
 * `./cli/deployed-tables.ts`), with events left by a real sweep.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerNotifyCommand } from '../../cli/commands/notify';
import { UsageError } from '../../cli/usage-error';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { mockProdStack } from '../support/deployed-stack';
import { runInProcess } from '../support/in-process-cli';
import { putItems } from '../support/items';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';
import { sweepDeps } from './support/sweep-deps';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
const SESSION_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:local-session';

describe('notify --stack with PC_HYGIENE_TOPIC_ARN in the environment', () => {
  const table = useTestTable('notify-stack-jsonl', 'each');
  const directory = useTestDirectoryTable('notify-stack-jsonl-owners', 'each');
  const dir = useTempDir('notify-stack-jsonl');
  beforeEach(async () => {
    mockProdStack(cfn, lambda, {
      outputs: {
        tableName: table.tableName,
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:prod-topic',
        directoryTableName: directory.tableName,
      },
      config: { mode: 'enforce', maxDeletePercent: 100 },
    });
    for (const name of ['PC_HYGIENE_STACK', 'PC_HYGIENE_TABLE', 'PC_HYGIENE_ENDPOINT', 'PC_HYGIENE_SINK']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', undefined);
    vi.stubEnv('PC_HYGIENE_TOPIC_ARN', SESSION_TOPIC);
    deployedTablesAt(table.endpoint);
    // Two owners with one event each: an expiry warning and an expired credential deleted.
    await putItems(table.client, table.tableName, [
      credential('a-expiring', { expiresTime: days(5) }),
      credential('b-expired', { expiresTime: days(-1) }),
    ]);
    await runSweep(sweepDeps(table), {
      config: parseConfig({ mode: 'enforce', maxDeletePercent: 100 }),
      now: NOW,
      runId: 'run-notify-stack-jsonl',
      mode: 'enforce',
    });
  });
  afterEach(() => {
    for (const mock of [cfn, lambda, sns]) mock.reset();
    vi.unstubAllEnvs();
    vi.useRealTimers();
  });

  const stackFlags = () => ['--stack', 'Prod', '--region', 'eu-west-1'];

  it('runs with --sink jsonl:PATH: the digests go to the file, nothing to SNS', async () => {
    const out = join(dir(), 'digests.jsonl');
    // A drain against a stack runs at the wall clock (--now is refused there): the test's clock is NOW.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);

    const run = await runInProcess(
      registerNotifyCommand,
      ['notify', ...stackFlags(), '--sink', `jsonl:${out}`, '--format', 'json'],
      { rethrow: true },
    );

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      owners: 2,
      digests: 2,
      eventsPublished: 2,
      eventsFailed: 0,
    });
    const entries = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(entries.map((l) => JSON.parse(l).MessageAttributes.userId.StringValue).sort()).toEqual([
      'user-a',
      'user-b',
    ]);
    expect(sns.calls()).toHaveLength(0);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('is still refused with the SNS sink, naming the variable, before anything reaches AWS', async () => {
    const run = await runInProcess(registerNotifyCommand, ['notify', ...stackFlags(), '--now', days(0)]);

    expect(run.error).toBeInstanceOf(UsageError);
    expect((run.error as Error).message).toBe(
      `stack Prod (--stack) would be mixed with settings from the environment (PC_HYGIENE_TOPIC_ARN=${SESSION_TOPIC}): ` +
        `give --topic-arn ${SESSION_TOPIC} on the command line to override the stack's, or unset PC_HYGIENE_TOPIC_ARN to use the stack's`,
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });
});
