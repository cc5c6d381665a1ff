/**
 * The stack-aware `sweep` end to end, in process: CloudFormation, Lambda,
 * STS, CloudWatch and SNS mocked at the client boundary (aws-sdk-client-mock),
 * the table a real DynamoDB Local one (reached as the stack's own, through
 * the SDK's `AWS_ENDPOINT_URL_DYNAMODB`: `--stack` with `--endpoint` is
 * refused, test/integration/cli/stack-with-endpoint.test.ts). The
 * deployed config decides (its `exemptIds`), an audit-mode deployment is
 * refused without `--enforce`, an acting run publishes the admin summary
 * marked as the operator's and puts the run metrics, and a tripped guard's
 * advice pastes as shown — its acting sweep after a dry run under `--config`
 * with that config, which replaces the deployed one in AWS too (after a file
 * saying `"mode": "audit"`, once that mode is taken out of it, as it says).
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerGuardCommand } from '../../cli/commands/guard';
import { registerSweepCommand } from '../../cli/commands/sweep';
import { AuditDeploymentError } from '../../cli/options/deployment-target';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { mockDeployedStack } from '../support/deployed-stack';
import { type InProcessRun, runInProcess } from '../support/in-process-cli';
import { putItems } from '../support/items';
import { tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { createTestTable, type TestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';
import { exportTable } from './support/sweep-deps';

const NOW_ISO = days(0);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-topic';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/Operators/alice';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
const cloudWatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

function deploy(tableName: string, mode: 'audit' | 'enforce', config: Record<string, unknown> = {}): void {
  mockDeployedStack(cfn, lambda, {
    stackName: 'PersonalClientHygiene',
    outputs: { tableName, topicArn: TOPIC, sweepFunctionName: 'Hygiene-Sweep-1' },
    config: { mode, exemptIds: ['b-exempt-expired'], maxDeletePercent: 100, ...config },
    environment: { POWERTOOLS_SERVICE_NAME: 'personal-client-hygiene' },
  });
  sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER });
  sns.on(PublishBatchCommand).resolves({ Successful: [{ Id: 'run-summary', MessageId: 'm-1' }], Failed: [] });
  cloudWatch.on(PutMetricDataCommand).resolves({});
}

/** Runs `pc-hygiene sweep ...args` in process; returns what it wrote. */
function sweep(args: string[]): Promise<InProcessRun> {
  return runInProcess(registerSweepCommand, ['sweep', ...args]);
}

describe('sweep --stack (mocked CloudFormation/Lambda/STS/CloudWatch/SNS, DynamoDB Local)', () => {
  const tempDir = useTempDir('stack-cli');
  let table: TestTable;
  let flags: string[];
  beforeEach(async () => {
    table = await createTestTable(undefined, 'stack-cli');
    await putItems(table.client, table.tableName, [
      ...Array.from({ length: 10 }, (_, i) => credential(`a-${i}`)),
      credential('b-expired', { expiresTime: days(-1) }),
      credential('b-exempt-expired', { expiresTime: days(-1) }),
    ]);
    // No --table: the stack's TableName output names it, on DynamoDB Local as the SDK's DynamoDB endpoint.
    deployedTablesAt(table.endpoint);
    flags = ['--stack', 'PersonalClientHygiene', '--region', 'eu-west-1'];
  });
  afterEach(async () => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    for (const mock of [cfn, lambda, sts, cloudWatch, sns]) mock.reset();
    await table.drop();
  });

  it('refuses to act on an audit-mode deployment without --enforce, and says which config it uses', async () => {
    deploy(table.tableName, 'audit');
    const before = await exportTable(table);

    // No --now: an acting run against a stack refuses it (stack-cli-local-only-flags.test.ts).
    const run = await sweep(flags);

    expect(run.error).toBeInstanceOf(AuditDeploymentError);
    expect((run.error as Error).message).toMatch(
      /^stack PersonalClientHygiene runs in audit mode \(its sweeps write nothing and queue no owner notice\): sweep would write to it\. Pass --enforce/,
    );
    expect((run.error as Error).message).toContain(
      "Pass --enforce to write anyway (an acting sweep queues owner notices, which the deployment's notifier sends " +
        'within notifierSchedule), or --dry-run',
    );
    expect(run.stderr).toContain(`pc-hygiene: stack PersonalClientHygiene: table ${table.tableName}\n`);
    expect(run.stderr).toContain(
      'pc-hygiene: using the deployed config of stack PersonalClientHygiene (mode audit)\n',
    );
    expect(await exportTable(table)).toEqual(before);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
  });

  it('--dry-run against the audit deployment lists what it would delete with the deployed config', async () => {
    deploy(table.tableName, 'audit');
    const run = await sweep([...flags, '--now', NOW_ISO, '--dry-run', '--format', 'json']);

    expect(run.error).toBeUndefined();
    const out = JSON.parse(run.stdout) as { exempt: number; plannedDeletions: { id: string }[] };
    // The deployed exemptIds keep b-exempt-expired out of the deletions.
    expect(out.plannedDeletions.map((d) => d.id)).toEqual(['b-expired']);
    expect(out.exempt).toBe(1);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('with --enforce it acts with the deployed config, publishes the operator summary and puts the metrics', async () => {
    deploy(table.tableName, 'audit');
    // An acting run against a stack decides at the wall clock (--now is refused): the test's clock is NOW.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);

    const run = await sweep([...flags, '--enforce', '--format', 'json']);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ mode: 'enforce', applied: { 'delete-expired': 1 } });
    const after = await exportTable(table);
    expect(after.find((i) => i.id === 'b-expired')).toHaveProperty('deletedAt', NOW_ISO);
    expect(after.find((i) => i.id === 'b-exempt-expired')).not.toHaveProperty('deletedAt');

    const publish = sns.commandCalls(PublishBatchCommand).map((c) => c.args[0].input);
    expect(publish).toHaveLength(1);
    expect(publish[0]?.TopicArn).toBe(TOPIC);
    const entry = publish[0]?.PublishBatchRequestEntries?.[0];
    expect(entry?.Subject).toMatch(/^\[operator\] Hygiene sweep: 1 deleted/);
    expect(entry?.MessageAttributes?.audience?.StringValue).toBe('admin');
    expect(entry?.MessageAttributes?.origin?.StringValue).toBe('operator');
    expect(entry?.Message).toContain(CALLER);
    expect(run.stderr).toContain(`admin run summary published to ${TOPIC} (operator run by ${CALLER})`);

    const metrics = cloudWatch
      .commandCalls(PutMetricDataCommand)
      .flatMap((c) => c.args[0].input.MetricData ?? []);
    expect(metrics.find((m) => m.MetricName === 'AppliedDeleteExpired')).toMatchObject({
      Value: 1,
      Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
    });
    expect(metrics.find((m) => m.MetricName === SWEEP_METRIC.scanned)?.Value).toBe(12);
  });

  it("a tripped guard's advice on an audit-mode deployment is ready to paste: its target, and --enforce for the approval", async () => {
    deploy(table.tableName, 'audit', { maxDeletesPerRun: 0 });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);

    const acting = await sweep([...flags, '--enforce']);
    const dryRun = await sweep([...flags, '--dry-run']);

    const target = '--stack PersonalClientHygiene --region eu-west-1';
    expect(acting.exitCode).toBe(3);
    expect(acting.stdout).toContain(`Check the plan (pc-hygiene sweep --dry-run ${target});`);
    expect(dryRun.exitCode).toBe(3);
    expect(dryRun.stdout).toContain('Check the deletions this dry run planned (listed below);');
    // The deployment refuses an approval without --enforce, after an acting run (which had it) and a dry run alike.
    const advice = (run: InProcessRun) =>
      /approve them: pc-hygiene (guard approve .*)$/m.exec(run.stdout)?.[1];
    const expected = `guard approve --max-deletes 1 --reason "..." ${target} --enforce`;
    expect(advice(acting)).toBe(expected);
    expect(advice(dryRun)).toBe(expected);
    // Pasted (the reason filled in), it records the approval.
    const words = expected.replace('"..."', 'checked').split(' ');
    const approved = await runInProcess(registerGuardCommand, words);
    expect(approved.error).toBeUndefined();
    expect(approved.stdout).toMatch(/^guard approval recorded: /);
  });

  it('after a dry run under --config, the sweep right away plans under that config too, not the deployed one', async () => {
    // Deployed: nothing exempt, at most one deletion a run (the two expired trip it). The file: one exempt, none allowed.
    deploy(table.tableName, 'enforce', { exemptIds: [], maxDeletesPerRun: 1 });
    const config = join(tempDir(), 'checked.json');
    await writeFile(
      config,
      JSON.stringify({ exemptIds: ['b-exempt-expired'], maxDeletesPerRun: 0, maxDeletePercent: 100 }),
    );
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);

    const dryRun = await sweep([...flags, '--now', NOW_ISO, '--config', config, '--dry-run']);

    expect(dryRun.exitCode).toBe(3);
    const line = (pattern: RegExp) => pattern.exec(dryRun.stdout)?.[1] ?? '';
    const approve = line(/approve them: pc-hygiene (guard approve .*)$/m);
    const act = line(/and sweep right away, which uses the approval: pc-hygiene (sweep .*)$/m);
    // The checked config, never --now (an acting sweep in AWS refuses it).
    expect(act).toBe(`sweep --stack PersonalClientHygiene --region eu-west-1 --config ${config}`);
    // Pasted as shown: the approval of the checked plan's one deletion is used by that plan, the exempt one kept.
    expect(
      (await runInProcess(registerGuardCommand, approve.replace('"..."', 'checked').split(' '))).error,
    ).toBeUndefined();
    const acted = await sweep(act.split(' ').slice(1));
    expect(acted.error).toBeUndefined();
    const items = await exportTable(table);
    expect(items.find((i) => i.id === 'b-expired')).toHaveProperty('deletedAt');
    expect(items.find((i) => i.id === 'b-exempt-expired')).not.toHaveProperty('deletedAt');
  });

  it('after a --config saying "mode": "audit", the advice takes the mode out of it before the sweep, in AWS too', async () => {
    // An audit-mode deployment, the operator's copy of its config: the file's mode makes every sweep with it a dry run.
    deploy(table.tableName, 'audit', { exemptIds: [], maxDeletesPerRun: 1 });
    const config = join(tempDir(), 'deployed-copy.json');
    const checked = { exemptIds: ['b-exempt-expired'], maxDeletesPerRun: 0, maxDeletePercent: 100 };
    await writeFile(config, JSON.stringify({ mode: 'audit', ...checked }));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);

    const dryRun = await sweep([...flags, '--config', config, '--enforce']);

    expect(dryRun.exitCode).toBe(3);
    const line = (pattern: RegExp) => pattern.exec(dryRun.stdout)?.[1] ?? '';
    const act = line(/and sweep right away, which uses the approval: pc-hygiene (sweep .*)$/m);
    expect(dryRun.stdout).toContain(
      `!! then take "mode": "audit" out of ${config} (with it, a sweep only plans; or give --config a copy without it)\n` +
        `!! and sweep right away, which uses the approval: pc-hygiene ${act}\n`,
    );
    expect(act).toBe(`sweep --stack PersonalClientHygiene --region eu-west-1 --config ${config} --enforce`);
    // Followed as said: approved, the mode taken out, the sweep pasted: it acts on the checked plan.
    const approve = line(/approve them: pc-hygiene (guard approve .*)$/m).replace('"..."', 'checked');
    expect((await runInProcess(registerGuardCommand, approve.split(' '))).error).toBeUndefined();
    await writeFile(config, JSON.stringify(checked));
    const acted = await sweep(act.split(' ').slice(1));
    expect(acted.error).toBeUndefined();
    expect(acted.exitCode).toBe(0);
    const items = await exportTable(table);
    expect(items.find((i) => i.id === 'b-expired')).toHaveProperty('deletedAt');
    expect(items.find((i) => i.id === 'b-exempt-expired')).not.toHaveProperty('deletedAt');
  });

  it('--endpoint without --stack looks nothing up (DynamoDB Local without a stack)', async () => {
    const run = await sweep([...tableFlags(table), '--now', NOW_ISO, '--dry-run', '--format', 'json']);
    expect(run.error).toBeUndefined();
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(run.stderr).toBe('');
  });
});
