/**
 * What the CLI may do to a local table but not to a deployment, in process
 * (CloudFormation, Lambda, STS, CloudWatch and SNS mocked at the client
 * boundary with aws-sdk-client-mock, the table a real DynamoDB Local one):
 * `sweep --allow-mass-delete` is refused with a stack (a deployment's
 * override is `guard approve`), `--now` is refused on a command that would
 * write to a deployment (sweep, restore, restore --run, exempt, unexempt, notify),
 * both before anything reaches AWS; a local table keeps both, and only there
 * does a tripped guard's advice offer `--allow-mass-delete`. And an acting
 * sweep whose admin run summary SNS refuses exits 1, naming
 * `operatorPrincipalArns` (docs/deploy.md, "Operating a deployment from the CLI"),
 * and its `--format json` says so in `adminSummary` (docs/sweep.md, "Operator runs (`--stack`)").
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Command } from '@commander-js/extra-typings';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerExemptCommands } from '../../cli/commands/exempt';
import { registerNotifyCommand } from '../../cli/commands/notify';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { registerSweepCommand } from '../../cli/commands/sweep';
import { EXIT_CODE } from '../../cli/exit-codes';
import { UsageError } from '../../cli/usage-error';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR, RESTORE_ATTR } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { mockDeployedStack } from '../support/deployed-stack';
import { type InProcessRun, runInProcess } from '../support/in-process-cli';
import { putItems } from '../support/items';
import { tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW, staleDue } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';
import { exportTable, sweepDeps } from './support/sweep-deps';

const NOW_ISO = days(0);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-topic';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/Operators/alice';
const RUN = 'run-earlier';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
const cloudWatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

/** Stack `PersonalClientHygiene` in enforce mode over `tableName`; SNS, STS and CloudWatch accept. */
function deploy(tableName: string): void {
  mockDeployedStack(cfn, lambda, {
    stackName: 'PersonalClientHygiene',
    outputs: { tableName, topicArn: TOPIC, sweepFunctionName: 'Hygiene-Sweep-1' },
    config: { mode: 'enforce', maxDeletePercent: 100 },
    environment: { POWERTOOLS_SERVICE_NAME: 'personal-client-hygiene' },
  });
  sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER });
  sns.on(PublishBatchCommand).resolves({ Successful: [{ Id: 'run-summary', MessageId: 'm-1' }], Failed: [] });
  cloudWatch.on(PutMetricDataCommand).resolves({});
}

function cli(register: (program: Command) => void, args: string[]): Promise<InProcessRun> {
  return runInProcess(register, args);
}

/** Asserts a usage error (exit 2) whose message matches `message`, and that no stack was looked up. */
function expectRefusedBeforeAws(run: InProcessRun, message: RegExp): void {
  expect(run.error).toBeInstanceOf(UsageError);
  expect((run.error as Error).message).toMatch(message);
  expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
}

describe('local-only flags against a deployment (mocked AWS, DynamoDB Local)', () => {
  const dir = useTempDir('stack-local-only');
  // Ten healthy credentials and two expired ones (2 of 12: over the default guard's 10 %), and one a run deleted.
  const table = useTestTable('stack-local-only', 'each', () => [
    ...Array.from({ length: 10 }, (_, i) => credential(`a-${i}`)),
    credential('b-expired-1', { expiresTime: days(-1) }),
    credential('b-expired-2', { expiresTime: days(-1) }),
  ]);
  let stack: string[];
  beforeEach(async () => {
    // An earlier enforce run deleted e-due (a manifest to restore from).
    await putItems(table.client, table.tableName, [staleDue('e-due')]);
    await runSweep(
      { ...sweepDeps(table), manifest: new DynamoDbRunManifestWriter(table.client, table.tableName) },
      {
        config: parseConfig({ maxDeletePercent: 100, exemptIds: ['b-expired-1', 'b-expired-2'] }),
        now: NOW,
        runId: RUN,
        mode: 'enforce',
      },
    );
    // No --table: the stack's TableName output names it, on DynamoDB Local as the SDK's DynamoDB endpoint.
    deployedTablesAt(table.endpoint);
    stack = ['--stack', 'PersonalClientHygiene', '--region', 'eu-west-1'];
  });
  afterEach(() => {
    for (const mock of [cfn, lambda, sts, cloudWatch, sns]) mock.reset();
    vi.unstubAllEnvs();
  });

  it('sweep --allow-mass-delete with a stack: exit 2 naming guard approve, nothing looked up or written', async () => {
    deploy(table.tableName);
    const before = await exportTable(table);

    // The dry run and guard approve it names carry the run's target: the stack named (none for the default one),
    // the region; the approval also an --enforce given (an audit-mode deployment refuses an approval without it).
    for (const [args, target, enforce] of [
      [['sweep', ...stack, '--allow-mass-delete'], ' --stack PersonalClientHygiene --region eu-west-1', ''],
      [
        ['sweep', ...stack, '--allow-mass-delete', '--dry-run'],
        ' --stack PersonalClientHygiene --region eu-west-1',
        '',
      ],
      [
        ['sweep', ...stack, '--allow-mass-delete', '--enforce'],
        ' --stack PersonalClientHygiene --region eu-west-1',
        ' --enforce',
      ],
      // The default stack (no --stack, --table or --endpoint) is a deployment too.
      [['sweep', '--allow-mass-delete', '--region', 'eu-west-1'], ' --region eu-west-1', ''],
    ] as const) {
      const run = await cli(registerSweepCommand, [...args]);
      expectRefusedBeforeAws(
        run,
        /^--allow-mass-delete is for local tables: against stack PersonalClientHygiene .*pc-hygiene guard approve --max-deletes N --reason TEXT/,
      );
      expect((run.error as Error).message).toContain(
        `Check the plan (pc-hygiene sweep --dry-run${target}), record an approval with pc-hygiene guard approve ` +
          `--max-deletes N --reason TEXT [--expires-in 24h]${target}${enforce}, then sweep without the flag`,
      );
    }
    // A table named without --endpoint is a table in AWS (the deployed one, reached directly): refused the same way.
    const direct = await cli(registerSweepCommand, [
      'sweep',
      '--table',
      table.tableName,
      '--region',
      'eu-west-1',
      '--allow-mass-delete',
    ]);
    expectRefusedBeforeAws(
      direct,
      new RegExp(
        `^--allow-mass-delete is for local tables: against table ${table.tableName} in AWS \\(no --endpoint\\)`,
      ),
    );
    expect((direct.error as Error).message).toContain(
      `[--expires-in 24h] --table ${table.tableName} --region eu-west-1, then`,
    );
    expect(await exportTable(table)).toEqual(before);
  });

  it('sweep --allow-mass-delete under a --config saying audit: the refusal says to take the mode out too', async () => {
    deploy(table.tableName);
    const file = join(dir(), 'audit.json');
    await writeFile(file, JSON.stringify({ mode: 'audit' }));

    const run = await cli(registerSweepCommand, ['sweep', ...stack, '--config', file, '--allow-mass-delete']);
    expectRefusedBeforeAws(run, /^--allow-mass-delete is for local tables/);
    // With the mode in the file, the sweep the refusal sends the operator to would only plan.
    expect((run.error as Error).message).toContain(
      `then sweep without the flag and with "mode": "audit" taken out of ${file} (docs/deploy.md`,
    );
  });

  it('a local table keeps --allow-mass-delete (and --now): the guard trips without it, the deletions are made with it', async () => {
    const local = ['sweep', ...tableFlags(table), '--now', NOW_ISO, '--format', 'json'];

    const held = await cli(registerSweepCommand, local);
    expect(held.error).toBeUndefined();
    expect(held.exitCode).toBe(EXIT_CODE.guardTripped);

    const overridden = await cli(registerSweepCommand, [...local, '--allow-mass-delete']);
    expect(overridden.error).toBeUndefined();
    expect(overridden.exitCode).toBe(EXIT_CODE.complete);
    const after = await exportTable(table);
    for (const id of ['b-expired-1', 'b-expired-2'])
      expect(after.find((i) => i.id === id)).toHaveProperty('deletedAt', NOW_ISO);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it("a tripped guard's advice offers --allow-mass-delete on a local table, not on a stack's", async () => {
    const offer = 'a sweep with --allow-mass-delete also does it';
    const local = await cli(registerSweepCommand, [
      'sweep',
      ...tableFlags(table),
      '--now',
      NOW_ISO,
      '--dry-run',
    ]);
    expect(local.exitCode).toBe(EXIT_CODE.guardTripped);
    expect(local.stdout).toContain(`!! (on this local table, ${offer}, for that run).`);

    // The same table as a deployment's, whose guard (the default 10 %) trips too: only guard approve is offered.
    mockDeployedStack(cfn, lambda, {
      stackName: 'PersonalClientHygiene',
      outputs: { tableName: table.tableName, topicArn: TOPIC, sweepFunctionName: 'Hygiene-Sweep-1' },
      config: { mode: 'enforce' },
    });
    const deployed = await cli(registerSweepCommand, ['sweep', ...stack, '--now', NOW_ISO, '--dry-run']);
    expect(deployed.error).toBeUndefined();
    expect(deployed.exitCode).toBe(EXIT_CODE.guardTripped);
    expect(deployed.stdout).toContain(
      'pc-hygiene guard approve --max-deletes 2 --reason "..." --stack PersonalClientHygiene',
    );
    expect(deployed.stdout).not.toContain('--allow-mass-delete');
  });

  it('--now on a command that would write to a stack: exit 2, nothing looked up or written', async () => {
    deploy(table.tableName);
    const before = await exportTable(table);
    const now = ['--now', NOW_ISO];
    const why = ['--reason', 'owner still needs it', '--by', 'ops'];

    const runs: [(program: Command) => void, string[], RegExp][] = [
      [registerSweepCommand, ['sweep', ...stack, ...now, '--enforce'], /sweep would write .*add --dry-run/],
      [registerRestoreCommand, ['restore', 'e-due', ...stack, ...why, ...now], /restore would write/],
      [
        registerRestoreCommand,
        ['restore', '--run', RUN, ...stack, ...why, ...now],
        /restore --run would write/,
      ],
      [registerExemptCommands, ['exempt', 'a-1', ...stack, ...why, ...now], /exempt would write/],
      [registerExemptCommands, ['unexempt', 'a-1', ...stack, ...why, ...now], /unexempt would write/],
      [
        registerNotifyCommand,
        ['notify', ...stack, ...now, '--enforce'],
        /notify would write .*add --dry-run/,
      ],
    ];
    // The same commands on a table named without --endpoint (in AWS, reached directly).
    const direct = ['--table', table.tableName, '--region', 'eu-west-1'];
    runs.push(
      [registerSweepCommand, ['sweep', ...direct, ...now], /sweep would write to table .* in AWS/],
      [
        registerRestoreCommand,
        ['restore', 'e-due', ...direct, ...why, ...now],
        /restore would write to table/,
      ],
      [registerExemptCommands, ['exempt', 'a-1', ...direct, ...why, ...now], /exempt would write to table/],
      [
        registerNotifyCommand,
        ['notify', ...direct, ...now, '--sink', 'jsonl:/dev/null'],
        /notify would write/,
      ],
    );
    for (const [register, args, what] of runs) {
      const run = await cli(register, args);
      expectRefusedBeforeAws(run, /^--now is for local tables and dry runs: /);
      expect((run.error as Error).message).toMatch(what);
    }
    expect(await exportTable(table)).toEqual(before);
  });

  it('a dry run against the stack keeps --now', async () => {
    deploy(table.tableName);
    const why = ['--reason', 'check', '--by', 'ops', '--now', NOW_ISO, '--dry-run'];

    const restore = await cli(registerRestoreCommand, ['restore', 'e-due', ...stack, ...why]);
    expect(restore.error).toBeUndefined();
    expect(restore.stdout).toMatch(/^would restore e-due/);
    const sweep = await cli(registerSweepCommand, ['sweep', ...stack, '--now', NOW_ISO, '--dry-run']);
    expect(sweep.error).toBeUndefined();
    const notify = await cli(registerNotifyCommand, ['notify', ...stack, '--now', NOW_ISO, '--dry-run']);
    expect(notify.error).toBeUndefined();
    expect(notify.stdout).toMatch(/^Notify dry run: no lease taken, nothing published or marked\./);
  });

  it('a local table keeps --now for restore and exempt: it is the instant recorded', async () => {
    const at = days(1);
    const why = ['--reason', 'owner still needs it', '--by', 'ops', '--now', at];

    const restore = await cli(registerRestoreCommand, ['restore', 'e-due', ...tableFlags(table), ...why]);
    expect(restore.error).toBeUndefined();
    const exempt = await cli(registerExemptCommands, ['exempt', 'a-1', ...tableFlags(table), ...why]);
    expect(exempt.error).toBeUndefined();

    const after = await exportTable(table);
    expect(after.find((i) => i.id === 'e-due')).not.toHaveProperty('deletedAt');
    expect(after.find((i) => i.id === 'e-due')).toHaveProperty(RESTORE_ATTR.restoredAt, at);
    expect(after.find((i) => i.id === 'a-1')).toHaveProperty(HYGIENE_ATTR.exempt, true);
  });
});

describe('an operator sweep whose admin run summary is not published (mocked AWS, DynamoDB Local)', () => {
  const table = useTestTable('stack-unpublished', 'each', () => [
    ...Array.from({ length: 10 }, (_, i) => credential(`a-${i}`)),
    credential('b-expired', { expiresTime: days(-1) }),
  ]);
  let stack: string[];
  beforeEach(() => {
    // An acting run against a stack decides at the wall clock (--now is refused): the test's clock is NOW.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    deployedTablesAt(table.endpoint);
    stack = ['--stack', 'PersonalClientHygiene', '--region', 'eu-west-1'];
    deploy(table.tableName);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    for (const mock of [cfn, lambda, sts, cloudWatch, sns]) mock.reset();
  });

  it('SNS refuses the publish (AuthorizationErrorException): deletions made, exit 1, operatorPrincipalArns named', async () => {
    const later = NOW + 2 * 3_600_000;
    sns.on(PublishBatchCommand).callsFake(() => {
      // A long run: the summary is published (and refused) two hours after the run started.
      vi.setSystemTime(later);
      throw Object.assign(
        new Error(`User: ${CALLER} is not authorized to perform: SNS:Publish on resource: ${TOPIC}`),
        { name: 'AuthorizationErrorException' },
      );
    });

    const run = await cli(registerSweepCommand, ['sweep', ...stack]);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(EXIT_CODE.failure);
    expect((await exportTable(table)).find((i) => i.id === 'b-expired')).toHaveProperty('deletedAt', NOW_ISO);
    expect(run.stderr).toContain(
      `pc-hygiene sweep: admin run summary NOT published to ${TOPIC} (AuthorizationErrorException: User: ${CALLER} is not authorized`,
    );
    expect(run.stderr).toMatch(
      /the run's writes are made \(run \S+: 1 credential\(s\) deleted\) but the admins were NOT told/,
    );
    expect(run.stderr).toContain(
      `add the role you run as (${CALLER}) to operatorPrincipalArns and redeploy (if it is listed, the role's IAM policy must allow sns:Publish on the topic and, if the topic is encrypted, kms:GenerateDataKey and kms:Decrypt on its key; for a topic the stack was given, add the role to that topic's own policy; docs/deploy.md, "Operating a deployment from the CLI")`,
    );
    expect(run.stderr).toContain(
      `${SWEEP_METRIC.adminSummaryFailed} = 1 was sent (its alarm notifies the alarm topic, unless another summary not published within the hour has it in alarm already, or the stack has no alarms)`,
    );
    // The metric the alarm watches says 1, stamped when it was sent (the alarm looks at the last hour), not at the run's start.
    const data = cloudWatch
      .commandCalls(PutMetricDataCommand)
      .flatMap((c) => c.args[0].input.MetricData ?? []);
    const failed = data.find((d) => d.MetricName === SWEEP_METRIC.adminSummaryFailed);
    expect(failed?.Value).toBe(1);
    expect(failed?.Timestamp?.getTime()).toBe(later);
  });

  it('SNS and CloudWatch both refuse: exit 1, and it says the alarm cannot fire', async () => {
    sns.on(PublishBatchCommand).rejects(Object.assign(new Error('down'), { name: 'InternalErrorException' }));
    cloudWatch.on(PutMetricDataCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    const run = await cli(registerSweepCommand, ['sweep', ...stack]);

    expect(run.exitCode).toBe(EXIT_CODE.failure);
    expect(run.stderr).not.toContain('operatorPrincipalArns');
    expect(run.stderr).toContain(
      `the run metrics were not sent either, so no ${SWEEP_METRIC.adminSummaryFailed} alarm fires`,
    );
    expect(run.stderr).toContain('pc-hygiene sweep: run metrics NOT sent: AccessDenied: denied\n');
  });

  it('published: exit 0', async () => {
    const run = await cli(registerSweepCommand, ['sweep', ...stack]);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(EXIT_CODE.complete);
    expect(run.stderr).toContain(`admin run summary published to ${TOPIC} (operator run by ${CALLER})`);
    expect((await exportTable(table)).find((i) => i.id === 'b-expired')).toHaveProperty('deletedAt', NOW_ISO);
  });

  it('--format json says whether the admins were told (adminSummary), refused or published; a local run has none', async () => {
    sns
      .on(PublishBatchCommand)
      .rejectsOnce(
        Object.assign(new Error(`User: ${CALLER} is not authorized`), {
          name: 'AuthorizationErrorException',
        }),
      )
      .resolves({ Successful: [{ Id: 'run-summary', MessageId: 'm-2' }], Failed: [] });
    const refused = await cli(registerSweepCommand, ['sweep', ...stack, '--format', 'json']);
    expect(refused.exitCode).toBe(EXIT_CODE.failure);
    const refusedJson = JSON.parse(refused.stdout) as {
      deletions: { applied: number };
      adminSummary: unknown;
    };
    expect(refusedJson.deletions.applied).toBe(1);
    expect(refusedJson.adminSummary).toEqual({
      published: false,
      topicArn: TOPIC,
      error: `AuthorizationErrorException: User: ${CALLER} is not authorized`,
    });
    // The stderr line stays (exit 1 outranked by 3 or 4: docs/sweep.md).
    expect(refused.stderr).toContain(`admin run summary NOT published to ${TOPIC}`);

    await putItems(table.client, table.tableName, [credential('c-expired', { expiresTime: days(-1) })]);
    const published = await cli(registerSweepCommand, ['sweep', ...stack, '--format', 'json']);
    expect(published.exitCode).toBe(EXIT_CODE.complete);
    expect((JSON.parse(published.stdout) as { adminSummary: unknown }).adminSummary).toEqual({
      published: true,
      topicArn: TOPIC,
    });

    const local = await cli(registerSweepCommand, ['sweep', ...tableFlags(table), '--format', 'json']);
    expect(JSON.parse(local.stdout)).not.toHaveProperty('adminSummary');
  });
});
