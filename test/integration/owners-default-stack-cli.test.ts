/**
 * The owner directory commands find the deployed directory by the table
 * commands' rule (docs/deploy.md, "Operating a deployment from the CLI"):
 * with neither `--directory-table` nor `--endpoint` they look the default
 * stack up and use its `DirectoryTableName` output, so `owners import
 * people.csv` loads the directory the deployment reads, not a
 * `PersonalClientOwners` table nothing reads; a directory named directly
 * (`--directory-table`, `--endpoint`) looks nothing up. In process:
 * CloudFormation and Lambda mocked at the client boundary
 * (aws-sdk-client-mock); the "deployed" directory is a DynamoDB Local table,
 * reached through the SDK's own `AWS_ENDPOINT_URL_DYNAMODB` (not a CLI flag,
 * so the command still sees an AWS target).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../cli/commands/owners';
import { registerRelayCommand } from '../../cli/commands/relay';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { mockDeployedStack } from '../support/deployed-stack';
import { type InProcessRun, runInProcess } from '../support/in-process-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const tempDir = useTempDir('owners-default-stack');
const table = useTestDirectoryTable('owners-default-stack', 'each');

/** Runs `pc-hygiene ...args` (owners and relay registered) in process. */
function cli(args: string[]): Promise<InProcessRun> {
  return runInProcess((program) => {
    registerOwnersCommand(program);
    registerRelayCommand(program);
  }, args);
}

/** The stacks the commands asked CloudFormation about. */
const stacksLookedUp = () => cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName);

beforeEach(() => {
  // The default stack, its owner directory the test's table.
  mockDeployedStack(cfn, lambda, {
    stackName: 'PersonalClientHygiene',
    outputs: {
      tableName: 'Hygiene-Table-1',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:hygiene-topic',
      sweepFunctionName: 'Hygiene-Sweep-1',
      directoryTableName: table.tableName,
    },
    config: { mode: 'enforce' },
  });
  for (const name of ['PC_HYGIENE_STACK', 'PC_HYGIENE_DIRECTORY_TABLE', 'PC_HYGIENE_ENDPOINT']) {
    vi.stubEnv(name, undefined);
  }
  // "AWS" DynamoDB is the test's DynamoDB Local; no CLI flag says so.
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', table.endpoint);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_PROFILE', undefined);
});
afterEach(() => {
  cfn.reset();
  lambda.reset();
  vi.unstubAllEnvs();
});

/** A one-owner CSV export. */
async function peopleCsv(): Promise<string> {
  const path = join(tempDir(), 'people.csv');
  await writeFile(path, 'userId,email,name,status\nada,ada@example.com,Ada,active\n');
  return path;
}

describe('owner directory commands with neither --directory-table nor --endpoint', () => {
  it("owners import loads the default stack's directory, and says which", async () => {
    const run = await cli(['owners', 'import', await peopleCsv(), '--as-of', '2026-12-01T00:00:00Z']);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(0);
    expect(stacksLookedUp()).toEqual(['PersonalClientHygiene']);
    expect(run.stderr).toContain(
      `pc-hygiene: stack PersonalClientHygiene: owner directory ${table.tableName}\n`,
    );
    const directory = new DynamoOwnerDirectory(table.client, table.tableName);
    expect((await directory.getMany(['ada'])).get('ada')).toMatchObject({ email: 'ada@example.com' });
    expect(await directory.freshness()).toMatchObject({ asOf: '2026-12-01T00:00:00.000Z', owners: 1 });
  });

  it("relay reads the default stack's directory and decides with its deployed config", async () => {
    const input = join(tempDir(), 'none.jsonl');
    await writeFile(input, '');

    const run = await cli(['relay', '--input', input, '--out', join(tempDir(), 'eml'), '--format', 'json']);

    expect(run.error).toBeUndefined();
    expect(stacksLookedUp()).toEqual(['PersonalClientHygiene']);
    expect(run.stderr).toContain(
      'pc-hygiene: using the deployed config of stack PersonalClientHygiene (mode enforce)\n',
    );
  });
});

describe('an owner directory named directly looks no stack up', () => {
  it('--directory-table on the command line', async () => {
    const run = await cli(['owners', 'list', '--directory-table', table.tableName, '--format', 'json']);

    expect(run.error).toBeUndefined();
    expect(stacksLookedUp()).toEqual([]);
    expect(run.stderr).toBe('');
  });

  it('--directory-table by its env var (PC_HYGIENE_DIRECTORY_TABLE)', async () => {
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', table.tableName);

    const run = await cli(['owners', 'list', '--format', 'json']);

    expect(run.error).toBeUndefined();
    expect(stacksLookedUp()).toEqual([]);
  });

  it('--endpoint (its default directory table, PersonalClientOwners, is used as named)', async () => {
    const run = await cli(['owners', 'list', '--endpoint', table.endpoint, '--format', 'json']);

    expect(stacksLookedUp()).toEqual([]);
    // Nothing on this DynamoDB Local is called PersonalClientOwners: the error names that table, not a stack,
    // and the command to create it aimed at this endpoint (without it, the command would reach the default stack).
    expect((run.error as Error).message).toBe(
      'owner directory table PersonalClientOwners not found (create and load it with: pc-hygiene owners import ' +
        `FILE --create-table --endpoint ${table.endpoint} --directory-table PersonalClientOwners)`,
    );
  });
});
