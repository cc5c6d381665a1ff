/**
 * `owners list --with-unlisted` against a deployment finds the credentials
 * table from the stack's `TableName` output, as the directory comes from its
 * `DirectoryTableName`, so an operator need not type the generated name
 * (docs/deploy.md, "Owner directory"); `--table` still wins; without either
 * flag the credentials table is never scanned (a Scan costs money). In
 * process: CloudFormation and Lambda mocked at the client boundary
 * (aws-sdk-client-mock), both tables DynamoDB Local ones reached as the
 * stack's own (the SDK's `AWS_ENDPOINT_URL_DYNAMODB`, ./deployed-tables.ts).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../../cli/commands/owners';
import { TableAccessError } from '../../../cli/options/table-options';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { mockProdStack } from '../../support/deployed-stack';
import { type InProcessRun, runInProcess } from '../../support/in-process-cli';
import { directoryFlags } from '../../support/run-cli';
import { useTestDirectoryTable } from '../../support/test-directory-table';
import { useTestTable } from '../../support/test-table';
import { credential, days } from '../../unit/support/credentials';
import { upsertNewOwners } from '../support/sns-wire';
import { deployedTablesAt } from './deployed-tables';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

/** Runs `pc-hygiene owners list ...args` in process. */
function ownersList(args: string[]): Promise<InProcessRun> {
  return runInProcess(registerOwnersCommand, ['owners', 'list', ...args]);
}

/** The listed owners' ids and reasons, from the JSON output. */
function listed(run: InProcessRun): [string, string | undefined][] {
  expect(run.error).toBeUndefined();
  const owners = (JSON.parse(run.stdout) as { owners: { userId: string; reason?: string }[] }).owners;
  return owners.map((o) => [o.userId, o.reason]);
}

describe('owners list and the credentials table of a stack', () => {
  const directory = useTestDirectoryTable('owners-unlisted-dir', 'each');
  // ann is in the directory; zed is not; yan's only credential is soft-deleted (not listed).
  const credentials = useTestTable('owners-unlisted-creds', 'each', () => [
    { ...credential('x-1'), userId: 'ann' },
    { ...credential('x-2'), userId: 'zed' },
    { ...credential('x-3'), userId: 'yan', deletedAt: days(-1) },
  ]);
  const other = useTestTable('owners-unlisted-other', 'each', () => [
    { ...credential('y-1'), userId: 'uma' },
  ]);

  /** Stack `Prod` over the test's directory and `tableName` as its credentials table. */
  function deployProd(tableName: string): void {
    mockProdStack(cfn, lambda, {
      outputs: {
        tableName,
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:prod',
        directoryTableName: directory.tableName,
      },
      config: { mode: 'enforce', ownerDelivery: 'relay' },
    });
  }

  beforeEach(async () => {
    await upsertNewOwners(
      new DynamoOwnerDirectory(directory.client, directory.tableName),
      [{ userId: 'ann', email: 'ann@example.com', status: 'active' as const }],
      '2026-12-01T00:00:00.000Z',
    );
    deployedTablesAt(directory.endpoint);
    for (const name of ['PC_HYGIENE_STACK', 'PC_HYGIENE_DIRECTORY_TABLE']) vi.stubEnv(name, undefined);
  });
  afterEach(() => {
    cfn.reset();
    lambda.reset();
    vi.unstubAllEnvs();
  });

  const stack = ['--stack', 'Prod', '--region', 'eu-west-1', '--format', 'json'];

  it("--with-unlisted scans the stack's TableName output, and says so", async () => {
    deployProd(credentials.tableName);

    const run = await ownersList([...stack, '--with-unlisted']);

    expect(listed(run)).toEqual([
      ['ann', undefined],
      ['zed', 'not-in-directory'],
    ]);
    expect(run.stderr).toContain(
      `pc-hygiene: stack Prod: credentials table ${credentials.tableName} (owners not in the directory)\n`,
    );
  });

  it('without --with-unlisted or --table the credentials table is not scanned', async () => {
    // A stack whose TableName output names no table: a Scan would fail.
    deployProd('Prod-Table-Missing');

    const run = await ownersList(stack);

    expect(listed(run)).toEqual([['ann', undefined]]);
    expect(run.stderr).not.toContain('credentials table');
  });

  it('--table wins over the stack output (with or without --with-unlisted)', async () => {
    deployProd(credentials.tableName);

    for (const flags of [[], ['--with-unlisted']]) {
      const run = await ownersList([...stack, ...flags, '--table', other.tableName]);

      expect(listed(run)).toEqual([
        ['ann', undefined],
        ['uma', 'not-in-directory'],
      ]);
      expect(run.stderr).not.toContain('credentials table');
    }
  });

  it('a credentials table that is not there is named as such, not as the directory', async () => {
    deployProd('Prod-Table-Missing');

    const fromStack = await ownersList([...stack, '--with-unlisted']);
    expect(fromStack.error).toBeInstanceOf(TableAccessError);
    expect((fromStack.error as Error).message).toMatch(/^table Prod-Table-Missing not found in eu-west-1 /);

    // Without a stack too: a --table typo on a local directory.
    vi.unstubAllEnvs();
    const local = await ownersList([
      ...directoryFlags(directory),
      '--table',
      'Typo-Table',
      '--format',
      'json',
    ]);
    expect(local.error).toBeInstanceOf(TableAccessError);
    expect((local.error as Error).message).toBe(
      `table Typo-Table not found at ${directory.endpoint} (create it with: ` +
        `pc-hygiene import FILE.jsonl --create-table --endpoint ${directory.endpoint} --table Typo-Table)`,
    );
  });
});
