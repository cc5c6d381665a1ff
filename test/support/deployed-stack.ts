/**
 * A deployed stack as the stack-aware CLI sees it (docs/deploy.md,
 * "Operating a deployment from the CLI"), mocked at the client boundary with
 * aws-sdk-client-mock: `DescribeStacks` answers the stack's outputs and the
 * sweep function's `GetFunctionConfiguration` answers an environment that
 * carries the deployed config, written as the stack writes it
 * (`configToEnvironment`).
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { STACK_OUTPUT } from '../../cli/aws/deployment-lookup';
import { configToEnvironment } from '../../lambdas/handlers/environment';
import { type HygieneConfigInput, parseConfig } from '../../lambdas/hygiene/config';

/** The stack's output values by `STACK_OUTPUT` key; the sweep function's name is the one always needed. */
export type StackOutputs = Partial<Record<keyof typeof STACK_OUTPUT, string>> & {
  readonly sweepFunctionName: string;
};

/** A deployment to answer for. */
export interface DeployedStack {
  readonly stackName: string;
  /** Listed in `STACK_OUTPUT` order; a key left out is an output the stack lacks. */
  readonly outputs: StackOutputs;
  /** The deployed config (parsed here, so a bad one fails the test at once). */
  readonly config: HygieneConfigInput;
  /** Other variables of the sweep function; the config's variables are written over them. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Answer whatever stack and function name is asked. By default only
   * `stackName` and the `sweepFunctionName` output are answered, so a
   * command that asks for another stack gets nothing.
   */
  readonly anyName?: boolean;
}

/** Makes `cloudFormation` and `lambda` answer for `stack` as a deployed PersonalClient hygiene stack. */
export function mockDeployedStack(
  cloudFormation: AwsClientStub<CloudFormationClient>,
  lambda: AwsClientStub<LambdaClient>,
  stack: DeployedStack,
): void {
  const { stackName, outputs } = stack;
  cloudFormation.on(DescribeStacksCommand, stack.anyName ? undefined : { StackName: stackName }).resolves({
    Stacks: [
      {
        StackName: stackName,
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: stackOutputs(outputs),
      },
    ],
  });
  const functionName = stack.anyName ? undefined : { FunctionName: outputs.sweepFunctionName };
  lambda.on(GetFunctionConfigurationCommand, functionName).resolves({
    Environment: { Variables: { ...stack.environment, ...configToEnvironment(parseConfig(stack.config)) } },
  });
}

/** `outputs` as `DescribeStacks` lists them. */
function stackOutputs(outputs: StackOutputs): { OutputKey: string; OutputValue: string }[] {
  return (Object.keys(STACK_OUTPUT) as (keyof typeof STACK_OUTPUT)[]).flatMap((key) => {
    const value = outputs[key];
    return value === undefined ? [] : [{ OutputKey: STACK_OUTPUT[key], OutputValue: value }];
  });
}

/** A stack `Prod`: `outputs` over its table `Prod-Table-1` and sweep function `Prod-Sweep-1`. */
export interface ProdStack extends Omit<DeployedStack, 'stackName' | 'outputs'> {
  /** Outputs added to (or replacing) the table and sweep function ones: its topic, its directory. */
  readonly outputs: Partial<StackOutputs>;
}

/** Makes `cloudFormation` and `lambda` answer for stack `Prod` ({@link ProdStack}), as {@link mockDeployedStack}. */
export function mockProdStack(
  cloudFormation: AwsClientStub<CloudFormationClient>,
  lambda: AwsClientStub<LambdaClient>,
  stack: ProdStack,
): void {
  mockDeployedStack(cloudFormation, lambda, {
    ...stack,
    stackName: 'Prod',
    outputs: { tableName: 'Prod-Table-1', sweepFunctionName: 'Prod-Sweep-1', ...stack.outputs },
  });
}
