/**
 * The owner directory commands against a deployed stack decide with the
 * deployed config unless `--config` is given, as every table command does
 * (docs/deploy.md, "Operating a deployment from the CLI"): on a deployment
 * with `ownerDelivery: relay`, `owners list` judges reach on `relay` and
 * `owners sync-subscriptions` subscribes no owner by email (it removes the
 * owner email subscriptions instead); `owners import --sync` guards with the
 * deployed `maxDeletePercent`. In process: CloudFormation and Lambda mocked
 * at the client boundary (aws-sdk-client-mock), the directory a DynamoDB
 * Local table reached as the stack's own (the SDK's
 * `AWS_ENDPOINT_URL_DYNAMODB`: `./cli/deployed-tables.ts`), the topic on the
 * SNS-compatible local server, reached as the stack's own too (the SDK's
 * `AWS_ENDPOINT_URL_SNS`: `--sns-endpoint` with a stack is refused).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../cli/commands/owners';
import { registerRelayCommand } from '../../cli/commands/relay';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { HygieneConfigInput } from '../../lambdas/hygiene/config';
import { mockProdStack } from '../support/deployed-stack';
import { type InProcessRun, runInProcess } from '../support/in-process-cli';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { deployedTablesAt, deployedTopicAt } from './cli/deployed-tables';
import { FakeSnsServer } from './fake-sns-server';
import { upsertNewOwners } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:prod-hygiene';
const WRITE_ACTIONS = ['Subscribe', 'SetSubscriptionAttributes', 'Unsubscribe'];

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

/** Deploys stack `Prod` with `config` and `directoryTable` as its owner directory. */
function deployProd(directoryTable: string, config: HygieneConfigInput): void {
  mockProdStack(cfn, lambda, { outputs: { topicArn: TOPIC, directoryTableName: directoryTable }, config });
}

/** Runs `pc-hygiene owners ...args` in process; returns what it wrote and the exit code it set. */
function owners(args: string[]): Promise<InProcessRun> {
  return runInProcess(registerOwnersCommand, ['owners', ...args], { rethrow: true });
}

describe('owners commands with --stack use the deployed config', () => {
  let table: TestDirectoryTable;
  let sns: FakeSnsServer;
  let dir: string;
  let stackFlags: string[];

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
    dir = await mkdtemp(join(tmpdir(), 'owners-stack-'));
  });
  afterAll(async () => {
    await sns.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    table = await createTestDirectoryTable('owners-stack');
    await upsertNewOwners(
      new DynamoOwnerDirectory(table.client, table.tableName),
      [
        { userId: 'ada', email: 'ada@example.com', status: 'active' as const },
        { userId: 'bob', email: 'bob@example.com', status: 'active' as const },
        { userId: 'cy', email: 'cy@example.com', status: 'departed' as const },
      ],
      '2026-12-01T00:00:00.000Z',
    );
    // No --directory-table: the stack's output names it, on DynamoDB Local as the SDK's DynamoDB endpoint.
    deployedTablesAt(table.endpoint);
    deployedTopicAt(sns.endpoint);
    stackFlags = ['--stack', 'Prod', '--region', 'eu-west-1'];
  });
  afterEach(async () => {
    cfn.reset();
    lambda.reset();
    vi.unstubAllEnvs();
    sns.reset();
    await table.drop();
  });

  it('owners list --unreachable judges reach on the deployed relay route, and says so', async () => {
    deployProd(table.tableName, { mode: 'enforce', ownerDelivery: 'relay' });

    const run = await owners(['list', '--unreachable', '--format', 'json', ...stackFlags]);

    // On relay, an active owner with an email is reached without any SNS subscription.
    expect(JSON.parse(run.stdout)).toEqual({
      route: 'relay',
      owners: [expect.objectContaining({ userId: 'cy', reachable: false, reason: 'departed' })],
    });
    expect(run.stderr).toContain(`pc-hygiene: stack Prod: owner directory ${table.tableName}\n`);
    expect(run.stderr).toContain('pc-hygiene: using the deployed config of stack Prod (mode enforce)\n');
  });

  it('owners list --config FILE wins over the deployed config, and says which', async () => {
    deployProd(table.tableName, { mode: 'enforce', ownerDelivery: 'relay' });
    const config = join(dir, 'sns-email.json');
    await writeFile(config, JSON.stringify({ ownerDelivery: 'sns-email' }));

    const run = await owners([
      'list',
      '--unreachable',
      '--format',
      'json',
      '--config',
      config,
      ...stackFlags,
    ]);

    const listed = JSON.parse(run.stdout) as { route: string; owners: { userId: string }[] };
    expect(listed.route).toBe('sns-email');
    expect(listed.owners.map((o) => o.userId)).toEqual(['ada', 'bob', 'cy']);
    // The file replaces the deployed config whole: what it changes is said before anything acts.
    expect(run.stderr).toContain(
      `pc-hygiene: using config file ${config} (it replaces the deployed config of stack Prod, differing in mode, ownerDelivery)\n`,
    );
  });

  it('owners sync-subscriptions on a relay deployment subscribes no owner by email (the stack topic, the deployed route)', async () => {
    deployProd(table.tableName, { mode: 'enforce', ownerDelivery: 'relay' });
    const subscribesBefore = sns.callCount('Subscribe');
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'ada@example.com',
      filterPolicy: { userId: ['ada'], audience: ['owner'] },
    });
    sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'sec@example.com',
      filterPolicy: { audience: ['admin'] },
    });

    const run = await owners(['sync-subscriptions', '--format', 'json', ...stackFlags]);

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ route: 'relay', created: 0, removed: 1 });
    // No confirmation request emailed to any owner; the relay deployment keeps only the admin subscriber.
    expect(sns.callCount('Subscribe')).toBe(subscribesBefore);
    expect(sns.subscriptionsOf(TOPIC).map((s) => s.endpoint)).toEqual(['sec@example.com']);
    expect(run.stderr).toContain('pc-hygiene: using the deployed config of stack Prod (mode enforce)\n');
  });

  it('owners sync-subscriptions says once whose policy must let it subscribe when the topic refuses (exit 1)', async () => {
    deployProd(table.tableName, { mode: 'enforce', ownerDelivery: 'sns-email' });
    sns.denied.add('Subscribe'); // as the stack topic's Subscribe Deny refuses a role not in operatorPrincipalArns

    const run = await owners(['sync-subscriptions', '--format', 'json', ...stackFlags]);

    expect(run.exitCode).toBe(1);
    const summary = JSON.parse(run.stdout) as { created: number; failed: { operation: { kind: string } }[] };
    expect(summary.created).toBe(0);
    expect(summary.failed.map((f) => f.operation.kind)).toEqual(['create', 'create']);
    const advice =
      "pc-hygiene: owners sync-subscriptions: the topic lets only its reconciler, the stack's operatorPrincipalArns " +
      'and the role CloudFormation deploys with subscribe: add the role you run as to operatorPrincipalArns and ' +
      "redeploy (if it is listed, the role's IAM policy must allow sns:Subscribe on the topic; for a topic the stack " +
      'was given, add the role to that topic\'s own policy; docs/deploy.md, "Operating a deployment from the CLI")\n';
    expect(run.stderr.split(advice)).toHaveLength(2); // once, not per owner
  });

  it('owners sync-subscriptions on an sns-email deployment plans the owner subscriptions (dry run)', async () => {
    deployProd(table.tableName, { mode: 'enforce', ownerDelivery: 'sns-email' });
    const writes = () => WRITE_ACTIONS.map((action) => sns.callCount(action));
    const writesBefore = writes();

    const run = await owners(['sync-subscriptions', '--dry-run', '--format', 'json', ...stackFlags]);

    const summary = JSON.parse(run.stdout) as {
      route: string;
      operations: { kind: string; userId: string }[];
    };
    expect(summary.route).toBe('sns-email');
    expect(summary.operations.map((o) => `${o.kind} ${o.userId}`)).toEqual(['create ada', 'create bob']);
    expect(writes()).toEqual(writesBefore);
  });

  it('owners import --sync guards with the deployed maxDeletePercent', async () => {
    deployProd(table.tableName, { mode: 'enforce', maxDeletePercent: 60 });
    const file = join(dir, 'only-ada.csv');
    await writeFile(file, 'userId,email,name,status\nada,ada@example.com,,active\n');

    // bob missing from the file: 1 of 2 active owners (50%), within the deployed 60% (the default 10% refuses).
    const run = await owners(['import', file, '--sync', '--as-of', '2026-12-02T00:00:00Z', ...stackFlags]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('1 marked departed');
    const directory = new DynamoOwnerDirectory(table.client, table.tableName);
    expect([...(await directory.departedUserIds())].sort()).toEqual(['bob', 'cy']);
    expect(run.stderr).toContain('pc-hygiene: using the deployed config of stack Prod (mode enforce)\n');
  });

  it('relay --stack takes the sender from the deployed config (senderIdentity)', async () => {
    deployProd(table.tableName, {
      mode: 'enforce',
      ownerDelivery: 'relay',
      senderIdentity: 'Prod Hygiene <hygiene@prod.example>',
    });
    const input = join(dir, 'no-digests.jsonl');
    await writeFile(input, '');

    const run = await runInProcess(
      registerRelayCommand,
      ['relay', '--input', input, '--out', join(dir, 'eml'), '--format', 'json', ...stackFlags],
      { rethrow: true },
    );

    expect(JSON.parse(run.stdout)).toMatchObject({
      from: 'Prod Hygiene <hygiene@prod.example>',
      placeholderSender: false,
    });
    expect(run.stderr).toContain('pc-hygiene: using the deployed config of stack Prod (mode enforce)\n');
  });
});
