/**
 * The stack-aware CLI's lookups at the client boundary (aws-sdk-client-mock):
 * `DescribeStacks` outputs and the sweep function's environment make the
 * target (table, topic, directory, deployed config through the shared
 * schema), the audit-mode refusal, the region/credentials messages, and the
 * operator report (STS caller, admin summary marked operator, PutMetricData
 * with the shared metric names).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Command } from '@commander-js/extra-typings';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeploymentLookupError, lookUpDeployment } from '../../cli/aws/deployment-lookup';
import { reportOperatorSweep } from '../../cli/aws/operator-report';
import { describeAwsSetupError } from '../../cli/options/aws-setup-errors';
import {
  AuditDeploymentError,
  refuseAuditDeployment,
  resolveTarget,
  stackToLookUp,
} from '../../cli/options/deployment-target';
import { addDirectoryOptions, requireDirectoryTable } from '../../cli/options/directory-options';
import { describeTableError } from '../../cli/options/table-options';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { ACTION_METRICS, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { DEFAULT_CONFIG, parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { mockDeployedStack, type StackOutputs } from '../support/deployed-stack';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { credential, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
const cloudWatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

afterEach(() => {
  for (const mock of [cfn, lambda, sts, cloudWatch, sns]) mock.reset();
});

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-topic';
const DEPLOYED = parseConfig({ mode: 'audit', staleAfterDays: 60, exemptIds: ['keep-me'] });

/** A real summary of an enforce run over `count` healthy credentials. */
function enforceSummary(count: number): Promise<RunSummary> {
  const table = new MemoryTable(Array.from({ length: count }, (_, i) => credential(`c-${i}`)));
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    { config: DEFAULT_CONFIG, now: NOW, runId: 'sweep-operator', mode: 'enforce' },
  );
}

function clients() {
  return {
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
    lambda: new LambdaClient({ region: 'eu-west-1' }),
  };
}

/** The default stack deployed with {@link DEPLOYED}, plus `extraOutputs` (any stack name answers the same). */
function stackAnswers(extraOutputs: Partial<StackOutputs> = {}): void {
  mockDeployedStack(cfn, lambda, {
    stackName: 'PersonalClientHygiene',
    outputs: {
      tableName: 'Hygiene-Table-ABC',
      topicArn: TOPIC,
      sweepFunctionName: 'Hygiene-Sweep-XYZ',
      ...extraOutputs,
    },
    config: DEPLOYED,
    environment: {
      TABLE_NAME: 'Hygiene-Table-ABC',
      TOPIC_ARN: TOPIC,
      DIRECTORY_TABLE_NAME: 'Hygiene-Owners-1',
      POWERTOOLS_METRICS_NAMESPACE: 'PersonalClientHygiene',
      POWERTOOLS_SERVICE_NAME: 'personal-client-hygiene',
    },
    anyName: true,
  });
}

describe('lookUpDeployment', () => {
  it('reads the outputs, then the sweep function environment through the shared schema', async () => {
    stackAnswers();

    const deployment = await lookUpDeployment('PersonalClientHygiene', clients());

    expect(cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'PersonalClientHygiene' },
    ]);
    expect(lambda.commandCalls(GetFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([
      { FunctionName: 'Hygiene-Sweep-XYZ' },
    ]);
    expect(deployment).toEqual({
      stackName: 'PersonalClientHygiene',
      // The Region the stack was found in (its CloudFormation client's): the admins' report names it.
      region: 'eu-west-1',
      tableName: 'Hygiene-Table-ABC',
      directoryTableName: 'Hygiene-Owners-1',
      topicArn: TOPIC,
      sweepFunctionName: 'Hygiene-Sweep-XYZ',
      config: DEPLOYED,
      metrics: { namespace: 'PersonalClientHygiene', service: 'personal-client-hygiene' },
    });
  });

  it('prefers a DirectoryTableName output over the function environment', async () => {
    stackAnswers({ directoryTableName: 'From-Output' });
    const deployment = await lookUpDeployment('PersonalClientHygiene', clients());
    expect(deployment.directoryTableName).toBe('From-Output');
  });

  it('a missing stack names --stack, PC_HYGIENE_STACK and the no-stack alternative', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
    const error = await lookUpDeployment('Nope', clients()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentLookupError);
    expect((error as Error).message).toBe(
      'stack Nope not found in eu-west-1: name the deployed stack with --stack NAME or PC_HYGIENE_STACK (and its region with --region/AWS_REGION), or give --table/--endpoint to work on a table without a stack',
    );
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('a stack without the outputs is not taken for a hygiene stack', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        { StackName: 'Other', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0), Outputs: [] },
      ],
    });
    await expect(lookUpDeployment('Other', clients())).rejects.toThrow(
      /^stack Other has no output TableName: is it a PersonalClient hygiene stack\?/,
    );
  });

  it('an invalid deployed config is named as such, key and value included', async () => {
    stackAnswers();
    lambda.on(GetFunctionConfigurationCommand).resolves({
      Environment: { Variables: { HYGIENE_staleAfterDays: 'ninety' } },
    });
    await expect(lookUpDeployment('PersonalClientHygiene', clients())).rejects.toThrow(
      /^stack PersonalClientHygiene: the deployed Invalid Lambda environment .*staleAfterDays = "ninety"/,
    );
  });
});

describe('resolveTarget', () => {
  it('looks the default stack up only when neither --table nor --endpoint is given', () => {
    expect(stackToLookUp({})).toBe('PersonalClientHygiene');
    expect(stackToLookUp({ table: 'T1' })).toBeUndefined();
    expect(stackToLookUp({ endpoint: 'http://127.0.0.1:8000' })).toBeUndefined();
    expect(stackToLookUp({ endpoint: 'http://127.0.0.1:8000', stack: 'Mine' })).toBe('Mine');
  });

  it('uses the deployed table and config, and says so', async () => {
    stackAnswers();
    const said: string[] = [];

    const target = await resolveTarget(
      {},
      { usesConfig: true, clients: clients(), say: (l) => said.push(l) },
    );

    expect(target).toMatchObject({ table: 'Hygiene-Table-ABC', config: DEPLOYED });
    expect(said).toEqual([
      'stack PersonalClientHygiene: table Hygiene-Table-ABC',
      'using the deployed config of stack PersonalClientHygiene (mode audit)',
    ]);
  });

  it('an explicit --table wins over the output; without a stack nothing is looked up or said', async () => {
    const said: string[] = [];
    const target = await resolveTarget(
      { table: 'Mine', endpoint: 'http://127.0.0.1:1' },
      { usesConfig: true, clients: clients(), say: (l) => said.push(l) },
    );
    expect(target).toMatchObject({ table: 'Mine', config: DEFAULT_CONFIG });
    expect(target.deployment).toBeUndefined();
    expect(said).toEqual([]);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('refuses to write to an audit deployment without --enforce (exit 2), allows it with', async () => {
    stackAnswers();
    const target = await resolveTarget({}, { usesConfig: false, clients: clients(), say: () => {} });

    expect(() => refuseAuditDeployment(target, undefined, 'sweep', ', or --dry-run')).toThrow(
      AuditDeploymentError,
    );
    expect(() => refuseAuditDeployment(target, undefined, 'sweep', ', or --dry-run')).toThrow(
      'stack PersonalClientHygiene runs in audit mode (its sweeps write nothing and queue no owner notice): sweep would write to it. Pass --enforce to write anyway, or --dry-run',
    );
    expect(() => refuseAuditDeployment(target, true, 'sweep')).not.toThrow();
    expect(() =>
      refuseAuditDeployment({ ...target, deployment: undefined }, undefined, 'sweep'),
    ).not.toThrow();
  });
});

describe('owner directory commands with --stack', () => {
  /** The options an `owners`-like command receives after parsing `args`. */
  async function parsed(args: string[]): Promise<Record<string, unknown>> {
    let received: Record<string, unknown> = {};
    const command = addDirectoryOptions(new Command('list').exitOverride()).action((options) => {
      received = options;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await command.parseAsync(['node', 'list', ...args]);
    } finally {
      stderr.mockRestore();
    }
    return received;
  }

  it("uses the stack's owner directory unless --directory-table is given; a directory named directly looks nothing up", async () => {
    stackAnswers({ directoryTableName: 'Hygiene-Owners-Out' });

    expect((await parsed(['--stack', 'PersonalClientHygiene', '--region', 'eu-west-1'])).directoryTable).toBe(
      'Hygiene-Owners-Out',
    );
    expect(
      (
        await parsed([
          '--stack',
          'PersonalClientHygiene',
          '--region',
          'eu-west-1',
          '--directory-table',
          'Mine',
        ])
      ).directoryTable,
    ).toBe('Mine');
    cfn.resetHistory();
    expect((await parsed(['--directory-table', 'Mine'])).directoryTable).toBe('Mine');
    expect((await parsed(['--endpoint', 'http://127.0.0.1:1'])).directoryTable).toBe('PersonalClientOwners');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('looks the default stack up when neither --directory-table nor --endpoint is given (as the table commands do)', async () => {
    stackAnswers({ directoryTableName: 'Hygiene-Owners-Out' });

    expect((await parsed(['--region', 'eu-west-1'])).directoryTable).toBe('Hygiene-Owners-Out');
    expect(cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName)).toEqual([
      'PersonalClientHygiene',
    ]);
  });
});

describe('AWS setup and table-not-found messages', () => {
  it('a missing region or credentials names the flag and the environment variable', () => {
    expect(describeAwsSetupError(new Error('Region is missing'), 'table T')?.message).toBe(
      'no AWS region for table T: set --region REGION or AWS_REGION (or a region in your AWS profile)',
    );
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(describeAwsSetupError(noCredentials, 'table T')?.message).toMatch(
      /^no AWS credentials for table T: set --profile NAME or AWS_PROFILE/,
    );
    expect(describeAwsSetupError(new Error('something else'), 'table T')).toBeUndefined();
  });

  it('a missing owner directory against AWS names --stack and --directory-table; creating it only locally', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb
      .on(DescribeTableCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    try {
      await expect(
        requireDirectoryTable(createDocumentClient({ region: 'eu-west-1' }), {
          directoryTable: 'Owners-X',
          region: 'eu-west-1',
        }),
      ).rejects.toThrow(
        'owner directory table Owners-X not found (name the deployed one with --stack NAME (its DirectoryTableName output) or --directory-table NAME (or PC_HYGIENE_DIRECTORY_TABLE))',
      );
      await expect(
        requireDirectoryTable(createDocumentClient({ endpoint: 'http://127.0.0.1:1' }), {
          directoryTable: 'Owners-X',
          endpoint: 'http://127.0.0.1:1',
        }),
      ).rejects.toThrow(
        'owner directory table Owners-X not found (create and load it with: ' +
          'pc-hygiene owners import FILE --create-table --endpoint http://127.0.0.1:1 --directory-table Owners-X)',
      );
    } finally {
      ddb.restore();
    }
  });

  it('a missing table against AWS names the stack output and the env vars; --create-table only for a local endpoint', () => {
    const notFound = new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    expect((describeTableError(notFound, { table: 'T1', region: 'eu-west-1' }) as Error).message).toBe(
      "table T1 not found in eu-west-1 (name the deployed table with --stack NAME (or PC_HYGIENE_STACK; the stack's TableName output) or --table NAME (or PC_HYGIENE_TABLE), and its region with --region)",
    );
    expect(
      (describeTableError(notFound, { table: 'T1', endpoint: 'http://127.0.0.1:8000' }) as Error).message,
    ).toBe(
      'table T1 not found at http://127.0.0.1:8000 (create it with: ' +
        'pc-hygiene import FILE.jsonl --create-table --endpoint http://127.0.0.1:8000 --table T1)',
    );
  });
});

describe('reportOperatorSweep', () => {
  /** The STS, CloudWatch and SNS clients an operator report uses (the mocks answer them). */
  const reportClients = () => ({
    sts: new STSClient({ region: 'eu-west-1' }),
    cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }),
    sns: new SNSClient({ region: 'eu-west-1' }),
  });

  it('publishes the admin summary marked as an operator run and puts the sweep metrics', async () => {
    stackAnswers();
    const deployment = await lookUpDeployment('PersonalClientHygiene', clients());
    sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:sts::123456789012:assumed-role/Ops/alice' });
    sns
      .on(PublishBatchCommand)
      .resolves({ Successful: [{ Id: 'run-summary', MessageId: 'm1' }], Failed: [] });
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const summary = await enforceSummary(7);

    const outcome = await reportOperatorSweep(deployment, summary, reportClients(), 'pc-hygiene 9.9.9');

    expect(outcome).toEqual({
      origin: {
        kind: 'operator',
        by: 'arn:aws:sts::123456789012:assumed-role/Ops/alice',
        tool: 'pc-hygiene 9.9.9',
      },
      published: true,
    });
    const [publish] = sns.commandCalls(PublishBatchCommand).map((c) => c.args[0].input);
    expect(publish?.TopicArn).toBe(TOPIC);
    const entry = publish?.PublishBatchRequestEntries?.[0];
    expect(entry?.Subject).toMatch(/^\[operator\] Hygiene sweep: /);
    expect(entry?.MessageAttributes).toMatchObject({
      audience: { DataType: 'String', StringValue: 'admin' },
      origin: { DataType: 'String', StringValue: 'operator' },
    });
    expect(deliveredTo(entry?.Message ?? '{}', 'email')).toMatch(
      // Under the run's verdict (the first line): docs/notifications.md, "Operator runs".
      /^Sweep sweep-operator: [^\n]*\n {2}Operator run \(not the schedule\) by arn:aws:sts::123456789012:assumed-role\/Ops\/alice with pc-hygiene 9\.9\.9\./,
    );
    expect(deliveredDocument(entry?.Message ?? '{}')).toMatchObject({
      audience: 'admin',
      origin: { kind: 'operator', by: 'arn:aws:sts::123456789012:assumed-role/Ops/alice' },
    });

    const puts = cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.Namespace).toBe('PersonalClientHygiene');
    const data = puts[0]?.MetricData ?? [];
    const names = data.map((d) => d.MetricName);
    for (const { planned, applied } of ACTION_METRICS)
      expect(names).toEqual(expect.arrayContaining([planned, applied]));
    expect(data.find((d) => d.MetricName === SWEEP_METRIC.scanned)).toMatchObject({
      Value: 7,
      Unit: 'Count',
      Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
    });
    expect(data.find((d) => d.MetricName === SWEEP_METRIC.adminSummaryFailed)?.Value).toBe(0);
    // The heartbeat belongs to the scheduled sweep: an operator run does not feed it.
    expect(names).not.toContain(SWEEP_METRIC.completed);
  });

  it("aims a tripped guard's commands at the deployment's stack", async () => {
    stackAnswers();
    const deployment = await lookUpDeployment('HygieneProd', clients());
    sns
      .on(PublishBatchCommand)
      .resolves({ Successful: [{ Id: 'run-summary', MessageId: 'm1' }], Failed: [] });
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const summary = await enforceSummary(1);
    const tripped: RunSummary = {
      ...summary,
      guard: { ...summary.guard, tripped: true, overridden: false, plannedDeletes: 40, reasons: ['40 > 10'] },
    };

    await reportOperatorSweep(deployment, tripped, reportClients(), 'pc-hygiene 9.9.9', 'arn:aws:sts::1:x');

    const entry = sns.commandCalls(PublishBatchCommand)[0]?.args[0].input.PublishBatchRequestEntries?.[0];
    const text = deliveredTo(entry?.Message ?? '{}', 'email');
    // In the Region the stack was found in (its topic's).
    expect(text).toContain('pc-hygiene sweep --dry-run --stack HygieneProd --region eu-west-1');
    expect(text).toContain(
      'pc-hygiene guard approve --max-deletes 40 --reason "..." --stack HygieneProd --region eu-west-1',
    );
    expect(text).not.toContain("deployment's --stack NAME");
  });

  it('names the caller ARN the command already has, asking STS nothing', async () => {
    stackAnswers();
    const deployment = await lookUpDeployment('PersonalClientHygiene', clients());
    sns
      .on(PublishBatchCommand)
      .resolves({ Successful: [{ Id: 'run-summary', MessageId: 'm1' }], Failed: [] });
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const known = 'arn:aws:sts::123456789012:assumed-role/Ops/bob';

    const outcome = await reportOperatorSweep(
      deployment,
      await enforceSummary(1),
      reportClients(),
      'pc-hygiene 9.9.9',
      known,
    );

    expect(outcome.origin.by).toBe(known);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('a failed publish and failed metrics are reported, never thrown; an unknown caller is said', async () => {
    stackAnswers();
    const deployment = await lookUpDeployment('PersonalClientHygiene', clients());
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    sns.on(PublishBatchCommand).rejects(Object.assign(new Error('down'), { name: 'InternalError' }));
    cloudWatch.on(PutMetricDataCommand).rejects(Object.assign(new Error('nope'), { name: 'AccessDenied' }));

    const outcome = await reportOperatorSweep(
      deployment,
      await enforceSummary(1),
      reportClients(),
      'pc-hygiene 9.9.9',
    );

    expect(outcome.origin.by).toBe('an unknown caller (GetCallerIdentity failed: AccessDenied: denied)');
    expect(outcome.published).toBe(false);
    expect(outcome.metricsFailure).toBe('AccessDenied: nope');
    const data = cloudWatch.commandCalls(PutMetricDataCommand)[0]?.args[0].input.MetricData ?? [];
    expect(data.find((d) => d.MetricName === SWEEP_METRIC.adminSummaryFailed)?.Value).toBe(1);
  });
});
