/**
 * An acting `notify` whose digests the topic refuses (SNS `AuthorizationError`:
 * the stack's topic lets only the worker's roles and `operatorPrincipalArns`
 * publish, docs/deploy.md, "Operating a deployment from the CLI") says once —
 * not per owner — what to change, as an acting `sweep` does for its admin
 * summary (cli/aws/topic-refusal.ts): on the stack's topic, add the role to
 * `operatorPrincipalArns`; on a topic named with `--topic-arn`, that topic's
 * policy must allow it; either way, a listed role's own IAM policy must allow
 * the publish and the topic key's use. Exit 1 as before, nothing marked sent.
 * SNS refuses a publish its policy denies for the whole `PublishBatch` request
 * (`AuthorizationErrorException`, HTTP 403); an entry failed `AuthorizationError`
 * gets the same advice, also when it comes after more failures of other kinds
 * than the summary lists (`NOTIFIER_FAILURE_LIMIT`). CloudFormation, Lambda and SNS mocked at the client
 * boundary (aws-sdk-client-mock); the tables real DynamoDB Local ones reached
 * as a deployment's (`./cli/deployed-tables.ts`), with events left by a real sweep.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AuthorizationErrorException, PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerNotifyCommand } from '../../cli/commands/notify';
import { EXIT_CODE } from '../../cli/exit-codes';
import { parseConfig } from '../../lambdas/hygiene/config';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { type DeliveryFailure, NOTIFIER_FAILURE_LIMIT } from '../../lambdas/hygiene/notifier';
import type { CappedList } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { mockProdStack } from '../support/deployed-stack';
import { type InProcessRun, runInProcess } from '../support/in-process-cli';
import { putItems } from '../support/items';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { type TestTable, useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';
import { exportTable, sweepDeps } from './support/sweep-deps';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
const STACK_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:prod-topic';
const OTHER_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:team-topic';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/Operators/alice';
const STACK_ADVICE =
  "pc-hygiene notify: the topic accepts only the worker's roles and the stack's operatorPrincipalArns: add the role " +
  "you run as to operatorPrincipalArns and redeploy (if it is listed, the role's IAM policy must allow sns:Publish " +
  'on the topic and, if the topic is encrypted, kms:GenerateDataKey and kms:Decrypt on its key; for a topic the ' +
  'stack was given, add the role to that topic\'s own policy; docs/deploy.md, "Operating a deployment from the CLI")\n';
const NAMED_ADVICE =
  "pc-hygiene notify: the topic's policy must allow the role you run as sns:Publish on it, and the role's IAM " +
  'policy sns:Publish on the topic and, if the topic is encrypted, kms:GenerateDataKey and kms:Decrypt on its key ' +
  '(docs/deploy.md, "Operating a deployment from the CLI")\n';

/** SNS refusing the whole request, as it does for a publish the topic's policy denies. */
function refusedRequest(topic: string): AuthorizationErrorException {
  return new AuthorizationErrorException({
    message: `User: ${CALLER} is not authorized to perform: SNS:Publish on resource: ${topic} with an explicit deny`,
    $metadata: { httpStatusCode: 403 },
  });
}

/** How many times `text` occurs in `within`. */
function occurrences(within: string, text: string): number {
  return within.split(text).length - 1;
}

/**
 * Stack `Prod` deployed on `table` and `directory` (in enforce), no `PC_HYGIENE_*` variable left over, and a real
 * sweep's outbox events for `credentials`; the clock at NOW.
 */
async function deployWithPendingEvents(
  table: TestTable,
  directory: { readonly tableName: string },
  credentials: readonly Record<string, unknown>[],
): Promise<void> {
  mockProdStack(cfn, lambda, {
    outputs: { tableName: table.tableName, topicArn: STACK_TOPIC, directoryTableName: directory.tableName },
    config: { mode: 'enforce', maxDeletePercent: 100 },
  });
  for (const name of ['PC_HYGIENE_STACK', 'PC_HYGIENE_TABLE', 'PC_HYGIENE_DIRECTORY_TABLE']) {
    vi.stubEnv(name, undefined);
  }
  for (const name of ['PC_HYGIENE_TOPIC_ARN', 'PC_HYGIENE_SINK', 'PC_HYGIENE_ENDPOINT']) {
    vi.stubEnv(name, undefined);
  }
  deployedTablesAt(table.endpoint);
  await putItems(table.client, table.tableName, credentials);
  await runSweep(sweepDeps(table), {
    config: parseConfig({ mode: 'enforce', maxDeletePercent: 100 }),
    now: NOW,
    runId: 'run-notify-refused',
    mode: 'enforce',
  });
  // A drain in AWS runs at the wall clock (--now is refused there): the test's clock is NOW.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
}

/** Undoes {@link deployWithPendingEvents} and every mock's answers. */
/** An acting `notify` on the stubbed stack Prod in eu-west-1, with `extra` flags. */
function notifyOnStack(...extra: string[]): Promise<InProcessRun> {
  return runInProcess(registerNotifyCommand, [
    'notify',
    '--stack',
    'Prod',
    '--region',
    'eu-west-1',
    ...extra,
  ]);
}

/** SNS answers every `PublishBatch` with each entry failed as `failure()` says (called once an entry, in order). */
function failEveryEntry(failure: () => { Code: string; Message: string; SenderFault: boolean }): void {
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries?: { Id?: string }[] }) => ({
    Successful: [],
    Failed: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, ...failure() })),
  }));
}

function undeploy(): void {
  for (const mock of [cfn, lambda, sns]) mock.reset();
  vi.unstubAllEnvs();
  vi.useRealTimers();
}

describe('notify: a publish the topic refuses', () => {
  const table = useTestTable('notify-refused', 'each');
  const directory = useTestDirectoryTable('notify-refused-owners', 'each');
  beforeEach(async () => {
    // Three owners with one event each: two expiry warnings and an expired credential deleted.
    await deployWithPendingEvents(table, directory, [
      credential('a-expiring', { expiresTime: days(5) }),
      credential('b-expired', { expiresTime: days(-1) }),
      credential('c-expiring', { expiresTime: days(6) }),
    ]);
  });
  afterEach(undeploy);

  /** Every owner's event is still in the outbox: nothing was marked sent. */
  async function expectAllPending(): Promise<void> {
    const pending = (await exportTable(table)).filter((i) => Array.isArray(i[OUTBOX_ATTR.events]));
    expect(pending.map((i) => i.id)).toEqual(['a-expiring', 'b-expired', 'c-expiring']);
  }

  /**
   * The run failed as a refused drain does (exit 1), the refusal listed once for the three owners it failed, all
   * left pending.
   */
  async function expectRefusedDrain(run: InProcessRun, code: string): Promise<void> {
    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(EXIT_CODE.failure);
    expect(occurrences(run.stdout, `: ${code}: User: ${CALLER} is not authorized`)).toBe(1);
    const failed = run.stdout.split('\n').filter((line) => line.startsWith('  failed: '));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/ \(3 events\)$/);
    for (const owner of ['user-a', 'user-b', 'user-c']) expect(failed[0]).toContain(owner);
    expect(run.stderr).toContain('pc-hygiene notify: 3 event(s) not delivered and 0 store error(s)');
    await expectAllPending();
  }

  it("on the stack's topic: names operatorPrincipalArns once, exit 1, nothing marked sent", async () => {
    sns.on(PublishBatchCommand).rejects(refusedRequest(STACK_TOPIC));

    const run = await notifyOnStack();

    await expectRefusedDrain(run, 'AuthorizationErrorException');
    expect(occurrences(run.stderr, STACK_ADVICE)).toBe(1);
    expect(run.stderr).not.toContain(NAMED_ADVICE);
  });

  it('entries failed AuthorizationError in a batch SNS answered: the same advice, once', async () => {
    failEveryEntry(() => ({
      Code: 'AuthorizationError',
      Message: `User: ${CALLER} is not authorized to perform: SNS:Publish`,
      SenderFault: true,
    }));

    const run = await notifyOnStack();

    await expectRefusedDrain(run, 'AuthorizationError');
    expect(occurrences(run.stderr, STACK_ADVICE)).toBe(1);
  });

  it("a topic named with --topic-arn, no stack: that topic's policy must allow the role, once", async () => {
    sns.on(PublishBatchCommand).rejects(refusedRequest(OTHER_TOPIC));

    const run = await runInProcess(registerNotifyCommand, [
      'notify',
      '--table',
      table.tableName,
      '--directory-table',
      directory.tableName,
      '--topic-arn',
      OTHER_TOPIC,
      '--format',
      'json',
    ]);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(EXIT_CODE.failure);
    expect(JSON.parse(run.stdout)).toMatchObject({ eventsPublished: 0, eventsFailed: 3 });
    expect(occurrences(run.stderr, NAMED_ADVICE)).toBe(1);
    expect(run.stderr).not.toContain('operatorPrincipalArns');
    expect(cfn.calls()).toHaveLength(0);
    await expectAllPending();
  });

  it('a publish failed for another reason: no advice', async () => {
    sns
      .on(PublishBatchCommand)
      .rejects(Object.assign(new Error('SNS is down'), { name: 'InternalErrorException' }));

    const run = await notifyOnStack();

    expect(run.exitCode).toBe(EXIT_CODE.failure);
    expect(run.stderr).toContain('pc-hygiene notify: 3 event(s) not delivered');
    expect(run.stderr).not.toContain('operatorPrincipalArns');
    expect(run.stderr).not.toContain('sns:Publish');
    await expectAllPending();
  });
});

describe('notify: a refusal after more failures than the summary lists', () => {
  const OWNERS = NOTIFIER_FAILURE_LIMIT + 10;
  const OTHER_FAILURES = NOTIFIER_FAILURE_LIMIT + 5;
  const table = useTestTable('notify-refused-late', 'each');
  const directory = useTestDirectoryTable('notify-refused-late-owners', 'each');
  beforeEach(async () => {
    // One expiry warning for each of OWNERS owners (user-o00, user-o01, …).
    const owners = Array.from({ length: OWNERS }, (_, i) =>
      credential(`o${String(i).padStart(2, '0')}-expiring`, { expiresTime: days(5) }),
    );
    await deployWithPendingEvents(table, directory, owners);
  });
  afterEach(undeploy);

  it('says the advice once, though the listed failures hold no refusal', async () => {
    // The first OTHER_FAILURES entries SNS is given fail for another reason, every later one is refused.
    let entriesSeen = 0;
    failEveryEntry(() => {
      const refused = entriesSeen++ >= OTHER_FAILURES;
      return {
        Code: refused ? 'AuthorizationError' : 'InternalError',
        Message: refused ? `User: ${CALLER} is not authorized to perform: SNS:Publish` : 'SNS had a hiccup',
        SenderFault: refused,
      };
    });

    const run = await notifyOnStack('--format', 'json');

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(EXIT_CODE.failure);
    const summary = JSON.parse(run.stdout) as { eventsFailed: number; failures: CappedList<DeliveryFailure> };
    expect(summary.eventsFailed).toBe(OWNERS);
    // The case this test is about: the summary lists only other failures; the refusals are past its cap.
    expect(summary.failures.count).toBe(OWNERS);
    expect(summary.failures.records).toHaveLength(NOTIFIER_FAILURE_LIMIT);
    expect(summary.failures.records.map((f) => f.code)).toEqual(
      Array.from({ length: NOTIFIER_FAILURE_LIMIT }, () => 'InternalError'),
    );
    expect(entriesSeen).toBe(OWNERS);
    expect(occurrences(run.stderr, STACK_ADVICE)).toBe(1);
  });
});
