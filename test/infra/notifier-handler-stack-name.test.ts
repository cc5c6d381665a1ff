/**
 * The notifier Lambda module reads its stack's name from `STACK_NAME` (and the
 * Region from `AWS_REGION`) at cold start, and the owner-unreachable report a
 * drain publishes aims its restore commands at that deployment (`--stack NAME
 * --region REGION`); without `STACK_NAME` it says to add the deployment's
 * `--stack NAME` (docs/notifications.md, "The report message"). The deployed
 * dependencies, built at import, against DynamoDB Local (the outbox and the
 * owner directory) and the SNS stub, as the sweep's
 * (sweep-handler-stack-name.test.ts). The stack sets the variable on the
 * notifier function: sweep-stack-name.test.ts; the report's text with and
 * without flags: test/unit/unreachable-report-urgency.test.ts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOwnerDirectoryTable } from '../../cli/aws/create-owner-directory-table';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../cli/local/local-dynamodb';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import { putItems } from '../support/items';
import { deliveredTo } from '../support/sns-delivery';
import { useTempDir } from '../support/temp-dir';
import { createLocalTable, createTestTable, type TestTable } from '../support/test-table';
import { importNotifierHandler } from './handler-tools';
import { type SnsStub, startSnsStub } from './sns-stub';

/** The restore line of a deleted credential in the report, up to its target. */
const RESTORE = 'To restore it if the owner still needs it: pc-hygiene restore pc-bob --reason "<why>"';

describe('the notifier Lambda aims the owner-unreachable report’s restore commands at its stack', () => {
  let dynamo: DynamoDbLocal;
  let sns: SnsStub;
  const tables: TestTable[] = [];
  const saved = { ...process.env };
  const workDir = useTempDir('notifier-stack-name');

  beforeAll(async () => {
    [dynamo, sns] = await Promise.all([startDynamoDbLocal(), startSnsStub()]);
  });

  afterAll(async () => {
    process.env = saved;
    for (const table of tables) await table.drop();
    await sns?.stop();
    await dynamo?.stop();
  });

  /**
   * A credentials table whose outbox holds one deletion notice, pc-bob's (deleted as expired by a sweep), and an
   * owner directory, imported today, that does not list bob: the drain reports him to the admins. Returns the
   * environment the notifier function gets for them.
   */
  async function deploymentWithAnUnreachableDeletion(label: string): Promise<Record<string, string>> {
    const now = Date.now();
    const day = (n: number) => formatInstant(addDays(now, n));
    const table = await createTestTable(dynamo.endpoint, label);
    const owners = await createLocalTable(createOwnerDirectoryTable, `${label}-owners`, dynamo.endpoint);
    tables.push(table, owners);
    await putItems(table.client, table.tableName, [
      { id: 'pc-bob', userId: 'bob', createdAt: day(-300), lastUsedAt: day(-1), expiresTime: day(-1) },
    ]);
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      {
        config: parseConfig({ mode: 'enforce', maxDeletePercent: 100 }),
        now,
        runId: 'run-1',
        mode: 'enforce',
      },
    );
    const file = join(workDir(), `${label}.csv`);
    await writeFile(file, 'userId,email,name,status\nalice,alice@example.com,Alice,active\n');
    const imported = await importOwnerFile(owners.client, {
      table: owners.tableName,
      file,
      asOf: day(0),
      now: day(0),
      maxDeletePercent: 10,
    });
    if (imported.outcome !== 'imported') throw new Error(`owners import: ${JSON.stringify(imported)}`);
    return {
      [HANDLER_ENV.tableName]: table.tableName,
      [HANDLER_ENV.directoryTableName]: owners.tableName,
      [HANDLER_ENV.dynamoDbEndpoint]: dynamo.endpoint,
      [HANDLER_ENV.snsEndpoint]: sns.endpoint,
      // relay: reach is judged on the directory alone (no topic listing).
      HYGIENE_ownerDelivery: 'relay',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      // The drain's log lines are not what this test reads.
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
  }

  /** A cold start of the notifier module with `env`, one drain, and the report it published (email text). */
  async function drainedReport(env: Record<string, string>): Promise<string> {
    vi.resetModules();
    const { notifierHandler } = await importNotifierHandler(env);
    const published = sns.messages.length;

    const summary = await notifierHandler({}, { getRemainingTimeInMillis: () => 300_000 });

    expect(summary).toMatchObject({ unreachableOwners: 1, reportParts: 1 });
    const reports = sns.messages
      .slice(published)
      .map((m) => deliveredTo(m.message, 'email'))
      .filter((text) => text.includes(RESTORE));
    expect(reports).toHaveLength(1);
    return reports[0]!;
  }

  it('with STACK_NAME and AWS_REGION: the restore command ends --stack NAME --region REGION', async () => {
    const env = await deploymentWithAnUnreachableDeletion('notifier-stack-name');

    const report = await drainedReport({
      ...env,
      [HANDLER_ENV.stackName]: 'HygieneProd',
      AWS_REGION: 'eu-west-1',
    });

    expect(report).toContain(`${RESTORE} --stack HygieneProd --region eu-west-1\n`);
    expect(report).not.toContain('--stack NAME');
  });

  it('without STACK_NAME: the restore command says to add the deployment’s --stack NAME', async () => {
    const env = await deploymentWithAnUnreachableDeletion('notifier-no-stack-name');
    delete process.env[HANDLER_ENV.stackName];

    const report = await drainedReport(env);

    expect(report).toContain(`${RESTORE} (add the deployment's --stack NAME)\n`);
    expect(report).not.toMatch(/--stack (?!NAME)/);
  });
});
