/**
 * A sweep that fails with an error of its own after it wrote (here the checkpoint's clear, throttled after the
 * SDK's retries, once the run had used the operator's approval and made its deletions) is still reported before it
 * fails (docs/sweep.md, "Write failures"; docs/deploy.md, "Runbook: Sweep errors"): the sweep Lambda records the
 * run metrics, logs the summary and publishes the admin run summary (status `aborted`, what was written), then
 * throws so `SweepErrors` fires; an operator's `pc-hygiene sweep --stack` prints the summary, publishes it and puts
 * the metrics, then exits 1. Against DynamoDB Local (the real scanner, writer, manifest and approval stores; the
 * CLI's deployment mocked at the client boundary, as test/integration/stack-cli.test.ts does).
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { approvalStatus, recordApproval } from '../../cli/aws/guard-approval';
import { listRuns } from '../../cli/aws/run-manifests';
import { registerSweepCommand } from '../../cli/commands/sweep';
import { EXIT_CODE } from '../../cli/exit-codes';
import { sweepTransitionWriter } from '../../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbGuardApprovals } from '../../lambdas/aws/guard-approval-store';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { parseConfig } from '../../lambdas/hygiene/config';
import { CHECKPOINT_ID } from '../../lambdas/hygiene/data-contract';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { SweepAbortedError } from '../../lambdas/hygiene/sweep';
import { importSweepHandler } from '../infra/sweep-handler-module';
import { mockDeployedStack } from '../support/deployed-stack';
import { guardTrippingFleet, sampleApproval } from '../support/guard-approval';
import { runInProcess } from '../support/in-process-cli';
import { putItems } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';
import { NOW } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';
import { exportTable } from './support/sweep-deps';

/** Whether the checkpoint's clear is refused now (off while the test sets the table up). */
const throttling = vi.hoisted(() => ({ clears: false, refused: 0 }));
vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  return hookDocumentClients(await importOriginal(), throttleCheckpointClears);
});

/** The one call of a middleware stack used here (its generic types are the client's). */
interface InitializeMiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}
type Next = (args: {
  input: { Key?: Record<string, unknown>; UpdateExpression?: string };
}) => Promise<unknown>;

/** The error DynamoDB gives a request still throttled after the SDK's retries. */
function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' });
}

/** Refuses, as DynamoDB's throttling would, the checkpoint's clear (the only `REMOVE`-only update of its item). */
function throttleCheckpointClears(client: DynamoDBDocumentClient): void {
  (client.middlewareStack as unknown as InitializeMiddlewareStack).add(
    (next: Next) => async (args: Parameters<Next>[0]) => {
      const { Key, UpdateExpression } = args.input;
      const clear = Key?.id === CHECKPOINT_ID && UpdateExpression?.startsWith('REMOVE') === true;
      if (throttling.clears && clear) {
        throttling.refused += 1;
        throw throttled();
      }
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'throttleCheckpointClears' },
  );
}

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-topic';
const EXPIRED = ['b-1', 'b-2', 'b-3'];
const ABORTED_BY =
  'the run failed after writing (its summary says what it wrote): ThrottlingException: Rate exceeded';

/** The ids the table says `runId` deleted, sorted. */
async function deletedBy(table: TestTable, runId: string): Promise<string[]> {
  const items = await exportTable(table);
  return items
    .filter((i) => i.hygieneDeletedByRun === runId)
    .map((i) => String(i.id))
    .sort();
}

describe('a sweep that fails after it wrote is reported (DynamoDB Local)', () => {
  let table: TestTable;
  beforeEach(async () => {
    table = await createTestTable(undefined, 'failure-after-writes');
    await putItems(table.client, table.tableName, guardTrippingFleet());
    // 3 expired of 10 trip the default 10 %: the approval covers them.
    await recordApproval(table.client, table.tableName, sampleApproval(NOW, { maxDeletes: 3 }));
    // A checkpoint from the top: the run resumes from it, reads the whole table and must clear it.
    await new DynamoDbCheckpointStore(table.client, table.tableName).save({ segments: 1, positions: [null] });
    throttling.clears = true;
  });
  afterEach(async () => {
    throttling.clears = false;
    throttling.refused = 0;
    vi.useRealTimers();
    vi.unstubAllEnvs();
    await table.drop();
  });

  it('the sweep Lambda records the metrics, logs and publishes the aborted summary, then fails', async () => {
    const { createSweepHandler } = await importSweepHandler();
    const published: RunSummary[] = [];
    const metrics = new Map<string, number>();
    const warnings: { message: string; fields: Record<string, unknown> }[] = [];
    const logger = {
      appendKeys: () => undefined,
      info: () => undefined,
      warn: (message: string, fields: Record<string, unknown>) => warnings.push({ message, fields }),
      error: () => undefined,
    } as unknown as Logger;
    const { client, tableName } = table;
    const handler = createSweepHandler({
      logger,
      metrics: {
        addMetric: (name: string, _unit: unknown, value: number) => metrics.set(name, value),
      } as unknown as Metrics,
      tracer: {} as Tracer,
      config: parseConfig({ mode: 'enforce', scanSegments: 1 }),
      scanner: new DynamoDbCredentialScanner(client, tableName),
      writer: sweepTransitionWriter(client, tableName),
      checkpoints: new DynamoDbCheckpointStore(client, tableName),
      manifest: new DynamoDbRunManifestWriter(client, tableName),
      approvals: new DynamoDbGuardApprovals(client, tableName),
      publishAdminSummary: async (summary) => {
        published.push(summary);
        return { published: true };
      },
      clock: () => NOW,
    });

    const error = await handler({}, { getRemainingTimeInMillis: () => 600_000 }).catch((e: unknown) => e);

    expect(throttling.refused).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(SweepAbortedError);
    expect((error as Error).message).toBe(ABORTED_BY);
    expect((error as Error).cause).toMatchObject({ name: 'ThrottlingException' });
    const runId = (error as SweepAbortedError).summary.runId;
    expect(await deletedBy(table, runId)).toEqual(EXPIRED);
    // The admins hear of every write: the deletions, and the approval the run used for them.
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      runId,
      status: 'aborted',
      deletions: { applied: 3 },
      guard: { tripped: true, overridden: true, approval: { status: 'used', id: 'approval-1' } },
      manifest: { entries: 3 },
    });
    expect(published[0]).not.toHaveProperty('checkpoint');
    expect(metrics.get(SWEEP_METRIC.aborted)).toBe(1);
    expect(metrics.get(SWEEP_METRIC.completed)).toBe(0);
    expect(metrics.get('AppliedDeleteExpired')).toBe(3);
    expect(warnings).toContainEqual({
      message: 'sweep run summary',
      fields: expect.objectContaining({ aborted: ABORTED_BY }),
    });
    // `pc-hygiene runs list` shows the run, aborted, with its deletions.
    expect(await listRuns(client, tableName)).toEqual([
      { runId, now: expect.any(String), status: 'aborted', deleted: 3, unconfirmed: 0 },
    ]);
    expect((await approvalStatus(client, tableName)).lastUsed).toMatchObject({ runId });
  });

  describe('pc-hygiene sweep --stack (mocked CloudFormation/Lambda/STS/CloudWatch/SNS)', () => {
    const cfn = mockClient(CloudFormationClient);
    const lambda = mockClient(LambdaClient);
    const sts = mockClient(STSClient);
    const cloudWatch = mockClient(CloudWatchClient);
    const sns = mockClient(SNSClient);
    afterEach(() => {
      for (const mock of [cfn, lambda, sts, cloudWatch, sns]) mock.reset();
    });

    it('prints, publishes and puts the metrics of the aborted run, then exits 1', async () => {
      mockDeployedStack(cfn, lambda, {
        stackName: 'PersonalClientHygiene',
        outputs: { tableName: table.tableName, topicArn: TOPIC, sweepFunctionName: 'Hygiene-Sweep-1' },
        config: { mode: 'enforce', scanSegments: 1 },
        environment: { POWERTOOLS_SERVICE_NAME: 'personal-client-hygiene' },
      });
      sts
        .on(GetCallerIdentityCommand)
        .resolves({ Arn: 'arn:aws:sts::123456789012:assumed-role/Operators/alice' });
      sns
        .on(PublishBatchCommand)
        .resolves({ Successful: [{ Id: 'run-summary', MessageId: 'm-1' }], Failed: [] });
      cloudWatch.on(PutMetricDataCommand).resolves({});
      deployedTablesAt(table.endpoint);
      vi.stubEnv('PC_HYGIENE_OPERATOR', 'alice');
      // An acting run against a stack decides at the wall clock: the test's clock is NOW.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(NOW);

      const run = await runInProcess(registerSweepCommand, [
        'sweep',
        '--stack',
        'PersonalClientHygiene',
        '--region',
        'eu-west-1',
        '--format',
        'json',
      ]);

      expect(throttling.refused).toBeGreaterThan(0);
      expect(run.error).toBeUndefined();
      expect(run.exitCode).toBe(EXIT_CODE.failure);
      const summary = JSON.parse(run.stdout) as RunSummary;
      expect(summary).toMatchObject({ status: 'aborted', deletions: { applied: 3 } });
      expect(await deletedBy(table, summary.runId)).toEqual(EXPIRED);
      expect(run.stderr).toContain(`pc-hygiene: sweep aborted: ${ABORTED_BY}\n`);
      const publish = sns.commandCalls(PublishBatchCommand).map((c) => c.args[0].input);
      expect(publish).toHaveLength(1);
      const entry = publish[0]?.PublishBatchRequestEntries?.[0];
      expect(entry?.MessageAttributes?.audience?.StringValue).toBe('admin');
      expect(entry?.Message).toContain(summary.runId);
      const metrics = cloudWatch
        .commandCalls(PutMetricDataCommand)
        .flatMap((c) => c.args[0].input.MetricData ?? []);
      expect(metrics.find((m) => m.MetricName === SWEEP_METRIC.aborted)).toMatchObject({ Value: 1 });
    });
  });
});
