/**
 * `--stack` (or `PC_HYGIENE_STACK`) never meets `--sns-endpoint`: the SNS
 * endpoint is for a topic on a local SNS server, a stack a deployment in AWS.
 * Together, `notify --stack Prod --sns-endpoint URL` used to drain the
 * deployment's real outbox into the local server and mark the digests sent:
 * the owners were never notified. Now the combination is a usage error before
 * anything reaches AWS, the table or either SNS (docs/deploy.md, "Operating a
 * deployment from the CLI"; `refuseStackWithEndpoint`). A deployment's topic
 * behind another SNS endpoint is reached with the SDK's `AWS_ENDPOINT_URL_SNS`
 * instead, which the CLI's SNS client honours (the last test).
 *
 * In process: CloudFormation and Lambda mocked at the client boundary
 * (aws-sdk-client-mock); the deployment's tables DynamoDB Local ones reached
 * as its own (`AWS_ENDPOINT_URL_DYNAMODB`: `./deployed-tables.ts`), with
 * events left by a real sweep; two local SNS servers
 * (`../fake-sns-server.ts`): the deployment's "real" SNS, reached through
 * `AWS_ENDPOINT_URL_SNS`, and a session's local one given as `--sns-endpoint`.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerNotifyCommand } from '../../../cli/commands/notify';
import { registerOwnersCommand } from '../../../cli/commands/owners';
import { UsageError } from '../../../cli/usage-error';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { parseConfig } from '../../../lambdas/hygiene/config';
import { OUTBOX_ATTR } from '../../../lambdas/hygiene/data-contract';
import { runSweep } from '../../../lambdas/hygiene/sweep';
import { mockProdStack } from '../../support/deployed-stack';
import { runInProcess } from '../../support/in-process-cli';
import { getItem, putItems } from '../../support/items';
import { useTestDirectoryTable } from '../../support/test-directory-table';
import { useTestTable } from '../../support/test-table';
import { credential, days, NOW } from '../../unit/support/credentials';
import { FakeSnsServer } from '../fake-sns-server';
import { upsertNewOwners } from '../support/sns-wire';
import { sweepDeps } from '../support/sweep-deps';
import { deployedTablesAt, deployedTopicAt } from './deployed-tables';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:prod-hygiene';
/** The credentials whose owners have one pending event each after the sweep. */
const WITH_EVENTS = ['a-expiring', 'b-expired'];

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

describe('a stack with --sns-endpoint', () => {
  const table = useTestTable('stack-with-sns-endpoint', 'each');
  const directory = useTestDirectoryTable('stack-with-sns-endpoint-owners', 'each');
  /** The deployment's SNS (its topic and the owners' subscriptions), behind `AWS_ENDPOINT_URL_SNS`. */
  let deployedSns: FakeSnsServer;
  /** A local SNS server of a session, given as `--sns-endpoint`. */
  let localSns: FakeSnsServer;
  const callsTo = (sns: FakeSnsServer) => [...sns.calls.values()].reduce((sum, n) => sum + n, 0);
  let callsBefore: { deployed: number; local: number };

  beforeAll(async () => {
    deployedSns = await FakeSnsServer.start();
    localSns = await FakeSnsServer.start();
  });
  afterAll(async () => {
    await deployedSns.stop();
    await localSns.stop();
  });
  beforeEach(async () => {
    mockProdStack(cfn, lambda, {
      outputs: { tableName: table.tableName, topicArn: TOPIC, directoryTableName: directory.tableName },
      config: { mode: 'enforce', maxDeletePercent: 100 },
    });
    for (const name of ['PC_HYGIENE_STACK', 'PC_HYGIENE_TABLE', 'PC_HYGIENE_TOPIC_ARN', 'PC_HYGIENE_SINK'])
      vi.stubEnv(name, undefined);
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', undefined);
    deployedTablesAt(table.endpoint);
    deployedTopicAt(deployedSns.endpoint);
    await putItems(table.client, table.tableName, [
      credential('a-expiring', { expiresTime: days(5) }),
      credential('b-expired', { expiresTime: days(-1) }),
    ]);
    await runSweep(sweepDeps(table), {
      config: parseConfig({ mode: 'enforce', maxDeletePercent: 100 }),
      now: NOW,
      runId: 'run-stack-with-sns-endpoint',
      mode: 'enforce',
    });
    // A drain against a stack runs at the wall clock (--now is refused there): the test's clock is NOW.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    callsBefore = { deployed: callsTo(deployedSns), local: callsTo(localSns) };
  });
  afterEach(() => {
    cfn.reset();
    lambda.reset();
    deployedSns.reset();
    localSns.reset();
    vi.unstubAllEnvs();
    vi.useRealTimers();
  });

  /** How many events each credential of {@link WITH_EVENTS} still holds pending in the outbox. */
  const pendingEvents = () =>
    Promise.all(
      WITH_EVENTS.map(async (id) => {
        const events = (await getItem(table.client, table.tableName, id))?.[OUTBOX_ATTR.events];
        return Array.isArray(events) ? events.length : 0;
      }),
    );

  it('notify --stack with --sns-endpoint: exit 2 naming both; nothing drained, looked up or sent anywhere', async () => {
    expect(await pendingEvents()).toEqual([1, 1]);

    const run = await runInProcess(registerNotifyCommand, [
      'notify',
      '--stack',
      'Prod',
      '--region',
      'eu-west-1',
      '--sns-endpoint',
      localSns.endpoint,
    ]);

    expect(run.error).toBeInstanceOf(UsageError);
    expect((run.error as Error).message).toBe(
      `--stack Prod with --sns-endpoint ${localSns.endpoint}: --sns-endpoint works on a topic named directly ` +
        '(e.g. on a local SNS server), never on a deployed stack. Drop --stack and give --endpoint ' +
        '(e.g. DynamoDB Local) to work on the topic at that endpoint, or drop --sns-endpoint to act on stack Prod',
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(await pendingEvents()).toEqual([1, 1]);
    expect(callsTo(localSns)).toBe(callsBefore.local);
    expect(callsTo(deployedSns)).toBe(callsBefore.deployed);
  });

  it('owners sync-subscriptions with PC_HYGIENE_STACK and --sns-endpoint: refused, the directory untouched', async () => {
    const owners = new DynamoOwnerDirectory(directory.client, directory.tableName);
    await upsertNewOwners(
      owners,
      [{ userId: 'user-a', email: 'a@example.com', status: 'active' as const }],
      '2026-12-01T00:00:00.000Z',
    );
    const before = await owners.listOwners();
    vi.stubEnv('PC_HYGIENE_STACK', 'Prod');

    const run = await runInProcess(registerOwnersCommand, [
      'owners',
      'sync-subscriptions',
      '--region',
      'eu-west-1',
      '--sns-endpoint',
      localSns.endpoint,
    ]);

    expect(run.error).toBeInstanceOf(UsageError);
    expect((run.error as Error).message).toBe(
      `PC_HYGIENE_STACK=Prod with --sns-endpoint ${localSns.endpoint}: --sns-endpoint works on a topic named ` +
        'directly (e.g. on a local SNS server), never on a deployed stack. Unset PC_HYGIENE_STACK and give ' +
        '--endpoint (e.g. DynamoDB Local) to work on the topic at that endpoint, or drop --sns-endpoint to act on ' +
        'stack Prod',
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(await owners.listOwners()).toEqual(before);
    expect(callsTo(localSns)).toBe(callsBefore.local);
    expect(callsTo(deployedSns)).toBe(callsBefore.deployed);
  });

  it('the way on: notify --stack reaches the deployed topic behind AWS_ENDPOINT_URL_SNS, and drains', async () => {
    const run = await runInProcess(
      registerNotifyCommand,
      ['notify', '--stack', 'Prod', '--region', 'eu-west-1', '--format', 'json'],
      { rethrow: true },
    );

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ digests: 2, eventsPublished: 2, eventsFailed: 0 });
    expect(deployedSns.accepted.map((m) => [m.topicArn, m.attributes.userId?.value]).sort()).toEqual([
      [TOPIC, 'user-a'],
      [TOPIC, 'user-b'],
    ]);
    expect(await pendingEvents()).toEqual([0, 0]);
    expect(callsTo(localSns)).toBe(callsBefore.local);
  });
});
