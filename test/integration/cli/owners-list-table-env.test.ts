/**
 * `owners list --with-unlisted` takes the credentials table from a
 * `PC_HYGIENE_TABLE` set in the shell, as every table command does
 * (docs/deploy.md, "Owner directory"), rather than scanning `PersonalClients`;
 * the variable alone implies no Scan (only `--table` typed does), a missing
 * table is named as the variable named it (so the error's hint, which offers
 * `PC_HYGIENE_TABLE`, holds), and next to a stack it is refused when it would
 * be read (`--with-unlisted`) and harmless when not. In process: the tables
 * are DynamoDB Local's; a stack is mocked at the client boundary
 * (aws-sdk-client-mock) with its tables reached as a deployment's
 * (./deployed-tables.ts).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../../cli/commands/owners';
import { TableAccessError } from '../../../cli/options/table-options';
import { UsageError } from '../../../cli/usage-error';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { mockProdStack } from '../../support/deployed-stack';
import { type InProcessRun, runInProcess } from '../../support/in-process-cli';
import { directoryFlags } from '../../support/run-cli';
import { useTestDirectoryTable } from '../../support/test-directory-table';
import { useTestTable } from '../../support/test-table';
import { credential } from '../../unit/support/credentials';
import { upsertNewOwners } from '../support/sns-wire';
import { deployedTablesAt } from './deployed-tables';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

/** Runs `pc-hygiene owners list ...args` in process, judging reach on `relay`. */
function ownersList(args: string[]): Promise<InProcessRun> {
  return runInProcess(registerOwnersCommand, [
    'owners',
    'list',
    ...args,
    '--route',
    'relay',
    '--format',
    'json',
  ]);
}

/** The listed owners' ids and reasons, from the JSON output. */
function listed(run: InProcessRun): [string, string | undefined][] {
  expect(run.error).toBeUndefined();
  const owners = (JSON.parse(run.stdout) as { owners: { userId: string; reason?: string }[] }).owners;
  return owners.map((o) => [o.userId, o.reason]);
}

describe('owners list and PC_HYGIENE_TABLE', () => {
  const directory = useTestDirectoryTable('owners-list-env-dir', 'each');
  // ann is in the directory; zed is not.
  const credentials = useTestTable('owners-list-env-creds', 'each', () => [
    { ...credential('x-1'), userId: 'ann' },
    { ...credential('x-2'), userId: 'zed' },
  ]);

  beforeEach(async () => {
    await upsertNewOwners(
      new DynamoOwnerDirectory(directory.client, directory.tableName),
      [{ userId: 'ann', email: 'ann@example.com', status: 'active' as const }],
      '2026-12-01T00:00:00.000Z',
    );
    for (const name of ['PC_HYGIENE_STACK', 'PC_HYGIENE_ENDPOINT', 'PC_HYGIENE_DIRECTORY_TABLE']) {
      vi.stubEnv(name, undefined);
    }
  });
  afterEach(() => {
    cfn.reset();
    lambda.reset();
    vi.unstubAllEnvs();
  });

  it('--with-unlisted --endpoint scans the table PC_HYGIENE_TABLE names', async () => {
    vi.stubEnv('PC_HYGIENE_TABLE', credentials.tableName);

    const run = await ownersList([...directoryFlags(directory), '--with-unlisted']);

    expect(listed(run)).toEqual([
      ['ann', undefined],
      ['zed', 'not-in-directory'],
    ]);
  });

  it('PC_HYGIENE_TABLE alone scans nothing: only --with-unlisted, or --table typed, asks for it', async () => {
    vi.stubEnv('PC_HYGIENE_TABLE', 'No-Such-Credentials');

    expect(listed(await ownersList(directoryFlags(directory)))).toEqual([['ann', undefined]]);
  });

  it('a missing table is the one PC_HYGIENE_TABLE names', async () => {
    vi.stubEnv('PC_HYGIENE_TABLE', 'No-Such-Credentials');

    const run = await ownersList([...directoryFlags(directory), '--with-unlisted']);

    expect(run.error).toBeInstanceOf(TableAccessError);
    expect((run.error as Error).message).toMatch(/^table No-Such-Credentials not found at /);
  });

  describe('next to a stack', () => {
    beforeEach(() => {
      mockProdStack(cfn, lambda, {
        outputs: {
          tableName: credentials.tableName,
          topicArn: 'arn:aws:sns:eu-west-1:123456789012:prod',
          directoryTableName: directory.tableName,
        },
        config: { mode: 'enforce', ownerDelivery: 'relay' },
      });
      deployedTablesAt(directory.endpoint);
      vi.stubEnv('PC_HYGIENE_TABLE', 'Local-Session-Table');
    });
    const stack = ['--stack', 'Prod', '--region', 'eu-west-1'];

    it('is refused with --with-unlisted, before the stack is looked up', async () => {
      const run = await ownersList([...stack, '--with-unlisted']);

      expect(run.error).toBeInstanceOf(UsageError);
      expect((run.error as Error).message).toMatch(
        /^stack Prod \(--stack\) would be mixed with settings from the environment \(PC_HYGIENE_TABLE=Local-Session-Table\)/,
      );
      expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    });

    it('does not matter without it: the directory is listed, no table scanned', async () => {
      expect(listed(await ownersList(stack))).toEqual([['ann', undefined]]);
    });
  });
});
