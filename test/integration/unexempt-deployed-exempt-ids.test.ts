/**
 * `unexempt` of a credential the deployment's `exemptIds` lists, in process:
 * CloudFormation and Lambda mocked at the client boundary
 * (aws-sdk-client-mock), the table a real DynamoDB Local one (`--stack` with
 * `--endpoint`). It clears only the data exemption, so it says the
 * credential stays exempt through the deployed config until a redeploy —
 * not "already was not exempt".
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Command } from '@commander-js/extra-typings';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STACK_OUTPUT } from '../../cli/aws/deployment-lookup';
import { registerExemptCommands } from '../../cli/commands/exempt';
import { configToEnvironment } from '../../lambdas/handlers/environment';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { getItem } from '../support/items';
import { useTestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

/** A deployment of `tableName` whose config exempts `deployed-exempt`. */
function deploy(tableName: string): void {
  cfn.on(DescribeStacksCommand, { StackName: 'PersonalClientHygiene' }).resolves({
    Stacks: [
      {
        StackName: 'PersonalClientHygiene',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: [
          { OutputKey: STACK_OUTPUT.tableName, OutputValue: tableName },
          { OutputKey: STACK_OUTPUT.topicArn, OutputValue: 'arn:aws:sns:eu-west-1:123456789012:hygiene' },
          { OutputKey: STACK_OUTPUT.sweepFunctionName, OutputValue: 'Hygiene-Sweep-1' },
        ],
      },
    ],
  });
  const deployed = parseConfig({ mode: 'enforce', exemptIds: ['deployed-exempt', 'both-exempt'] });
  lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'Hygiene-Sweep-1' }).resolves({
    Environment: { Variables: configToEnvironment(deployed) },
  });
}

/** Runs `pc-hygiene ...args` in process; returns what it printed. */
async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command('pc-hygiene').exitOverride();
  registerExemptCommands(program);
  try {
    await program.parseAsync(['node', 'pc-hygiene', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out.join('');
}

describe('unexempt and the deployed exemptIds (mocked CloudFormation/Lambda, DynamoDB Local)', () => {
  const table = useTestTable('unexempt-deployed', 'each', () => [
    credential('deployed-exempt'),
    credential('both-exempt', { [HYGIENE_ATTR.exempt]: true }),
  ]);
  const flags = () => [
    '--stack',
    'PersonalClientHygiene',
    '--endpoint',
    table.endpoint,
    '--region',
    'eu-west-1',
  ];
  afterEach(() => {
    cfn.reset();
    lambda.reset();
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
