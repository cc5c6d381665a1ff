/**
 * `unexempt` of a credential the deployment's `exemptIds` lists, in process:
 * CloudFormation and Lambda mocked at the client boundary
 * (aws-sdk-client-mock), the table a real DynamoDB Local one, reached as the
 * stack's own table (the SDK's `AWS_ENDPOINT_URL_DYNAMODB`:
 * `./cli/deployed-tables.ts`). It clears only the data exemption, so it says the
 * credential stays exempt through the deployed config until a redeploy —
 * not "already was not exempt".
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerExemptCommands } from '../../cli/commands/exempt';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { mockDeployedStack } from '../support/deployed-stack';
import { runInProcess } from '../support/in-process-cli';
import { getItem } from '../support/items';
import { useTestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

/** A deployment of `tableName` whose config exempts `deployed-exempt`. */
function deploy(tableName: string): void {
  mockDeployedStack(cfn, lambda, {
    stackName: 'PersonalClientHygiene',
    outputs: {
      tableName,
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:hygiene',
      sweepFunctionName: 'Hygiene-Sweep-1',
    },
    config: { mode: 'enforce', exemptIds: ['deployed-exempt', 'both-exempt'] },
  });
}

/** Runs `pc-hygiene ...args` in process; returns what it printed. */
async function cli(args: string[]): Promise<string> {
  return (await runInProcess(registerExemptCommands, args, { rethrow: true })).stdout;
}

describe('unexempt and the deployed exemptIds (mocked CloudFormation/Lambda, DynamoDB Local)', () => {
  const table = useTestTable('unexempt-deployed', 'each', () => [
    credential('deployed-exempt'),
    credential('both-exempt', { [HYGIENE_ATTR.exempt]: true }),
  ]);
  const flags = () => ['--stack', 'PersonalClientHygiene', '--region', 'eu-west-1'];
  // No --table: the stack's TableName output names it, on DynamoDB Local as the SDK's DynamoDB endpoint.
  beforeEach(() => deployedTablesAt(table.endpoint));
  afterEach(() => {
    cfn.reset();
    lambda.reset();
    vi.unstubAllEnvs();
  });

  it('says a credential exempt only through exemptIds stays so until a redeploy, and writes nothing', async () => {
    deploy(table.tableName);
    const before = await getItem(table.client, table.tableName, 'deployed-exempt');

    const text = await cli(['unexempt', 'deployed-exempt', '--reason', 'retired', '--by', 'ops', ...flags()]);

    expect(text).toBe(
      "deployed-exempt is exempt through the exemptIds of stack PersonalClientHygiene's deployed config, " +
        'which only a redeploy changes: nothing written\n',
    );
    expect(await getItem(table.client, table.tableName, 'deployed-exempt')).toEqual(before);
    const json = await cli([
      'unexempt',
      'deployed-exempt',
      '--reason',
      'r',
      '--by',
      'ops',
      '--format',
      'json',
      ...flags(),
    ]);
    expect(JSON.parse(json)).toMatchObject({
      changed: false,
      exemptThroughDeployment: 'PersonalClientHygiene',
    });
  });

  it('clearing a data exemption of a credential exemptIds also lists says it stays exempt', async () => {
    deploy(table.tableName);

    const text = await cli(['unexempt', 'both-exempt', '--reason', 'retired', '--by', 'ops', ...flags()]);

    expect(text).toMatch(
      /^both-exempt is now not exempt \(by ops at .*: retired\); it stays exempt through the exemptIds of stack PersonalClientHygiene's deployed config, which only a redeploy changes\n$/,
    );
    expect(
      (await getItem(table.client, table.tableName, 'both-exempt'))?.[HYGIENE_ATTR.exempt],
    ).toBeUndefined();
  });
});
