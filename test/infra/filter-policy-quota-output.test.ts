/**
 * The raised filter-policy quota (`filterPolicyQuota`) reaches the CLI: the
 * stack declares it as the output `FilterPolicyQuota`, the very value the
 * reconciler function gets (`SNS_FILTER_POLICY_QUOTA`), and the deployment
 * lookup reads it back from the synthesized outputs, so `owners
 * sync-subscriptions --stack` plans against it (docs/deploy.md, "Owner
 * subscriptions: the SNS quota"). Without the setting the stack declares no
 * such output and the reconciler gets no variable: both stay at SNS's default.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { lookUpDeployment, STACK_OUTPUT } from '../../cli/aws/deployment-lookup';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { environmentOf, synthApp } from './synth';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

afterEach(() => {
  cfn.reset();
  lambda.reset();
});

/**
 * The template's outputs as `DescribeStacks` would list them once deployed: a literal value as it is, a value
 * CloudFormation resolves (a `Ref`, a `Fn::GetAtt`) as a stand-in named after its output.
 */
function deployedOutputs(template: Template): { OutputKey: string; OutputValue: string }[] {
  return Object.entries(template.findOutputs('*')).map(([id, output]) => ({
    OutputKey: id,
    OutputValue: typeof output.Value === 'string' ? output.Value : `deployed-${id}`,
  }));
}

/** Looks up the synthesized stack as the CLI would once it is deployed (the sweep's config left to its defaults). */
function lookUp(template: Template) {
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'PersonalClientHygiene',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: deployedOutputs(template),
      },
    ],
  });
  lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: { Variables: {} } });
  const clients = {
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
    lambda: new LambdaClient({ region: 'eu-west-1' }),
  };
  return lookUpDeployment('PersonalClientHygiene', clients);
}

describe('the filter-policy quota, from the deployment settings to the CLI', () => {
  it('is declared as the FilterPolicyQuota output, as the reconciler gets it, and the lookup reads it', async () => {
    const { template, stack } = synthApp({ filterPolicyQuota: '1000' });

    expect(template.findOutputs(STACK_OUTPUT.filterPolicyQuota)[STACK_OUTPUT.filterPolicyQuota]?.Value).toBe(
      '1000',
    );
    expect(environmentOf(template, stack, stack.hygiene.reconcilerFunction)).toMatchObject({
      [HANDLER_ENV.filterPolicyQuota]: '1000',
    });
    expect((await lookUp(template)).filterPolicyQuota).toBe(1000);
  });

  it('is declared nowhere without filterPolicyQuota: the lookup finds none (SNS’s default stands)', async () => {
    const { template, stack } = synthApp();

    expect(template.findOutputs(STACK_OUTPUT.filterPolicyQuota)).toEqual({});
    expect(environmentOf(template, stack, stack.hygiene.reconcilerFunction)).not.toHaveProperty(
      HANDLER_ENV.filterPolicyQuota,
    );
    expect(await lookUp(template)).not.toHaveProperty('filterPolicyQuota');
  });
});
