/**
 * Finds a deployed worker from its CloudFormation stack (`--stack NAME`): the
 * stack's outputs name the table, the topic and the sweep function (and the
 * reconciler's filter-policy quota, when raised), and the
 * sweep function's environment holds the **deployed hygiene config** (the
 * `HYGIENE_<key>` variables), read back through the same schema as the
 * Lambda's cold start (`configFromEnvironment`), so the CLI decides exactly
 * as the deployment does (docs/deploy.md, "Operating a deployment").
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type Output,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { configFromEnvironment, HANDLER_ENV } from '../../lambdas/handlers/environment';
import { DEFAULT_METRICS_NAMESPACE } from '../../lambdas/handlers/metric-names';
import { ConfigError, type HygieneConfig } from '../../lambdas/hygiene/config';
import { describeError } from '../../lambdas/hygiene/errors';
import {
  InvalidFilterPolicyQuotaError,
  parseFilterPolicyQuota,
} from '../../lambdas/hygiene/subscription-quota';
import { STACK_OUTPUT } from './stack-outputs';

export { DEFAULT_STACK_NAME, STACK_OUTPUT } from './stack-outputs';

/** The Powertools variables the sweep function's metrics are named by (namespace, `service` dimension). */
const METRICS_ENV = {
  namespace: 'POWERTOOLS_METRICS_NAMESPACE',
  service: 'POWERTOOLS_SERVICE_NAME',
} as const;

/** What the CLI needs to know of a deployment. */
export interface Deployment {
  readonly stackName: string;
  /** The AWS Region the stack was found in (its CloudFormation client's), when the client resolves one. */
  readonly region?: string;
  /** The credentials table (output `TableName`). */
  readonly tableName: string;
  /** The owner directory table, when the deployment has one. */
  readonly directoryTableName?: string;
  /** The notification topic (output `TopicArn`). */
  readonly topicArn: string;
  /** The sweep function (output `SweepFunctionName`), whose environment holds the config. */
  readonly sweepFunctionName: string;
  /** The hygiene config the deployed sweep runs with (its `mode` included). */
  readonly config: HygieneConfig;
  /**
   * The filter-policy quota the deployed reconciler plans against (output `FilterPolicyQuota`), when the deployment
   * sets `filterPolicyQuota`; absent: SNS's default (`DEFAULT_FILTER_POLICY_QUOTA`).
   */
  readonly filterPolicyQuota?: number;
  /** Where the deployed sweep's metrics go: the CLI's own sweep emits the same ones there. */
  readonly metrics: { readonly namespace: string; readonly service?: string };
}

/** The stack cannot be found or does not describe a usable deployment: exit 1 with this message. */
export class DeploymentLookupError extends Error {
  override readonly name = 'DeploymentLookupError';
}

/** The clients the lookup calls (tests pass clients mocked with `aws-sdk-client-mock`). */
export interface DeploymentClients {
  readonly cloudFormation: CloudFormationClient;
  readonly lambda: LambdaClient;
}

/** Builds the lookup's clients for a region and profile (both default to the SDK's resolution). */
export function createDeploymentClients(options: {
  readonly region?: string;
  readonly profile?: string;
}): DeploymentClients {
  const config = {
    ...(options.region !== undefined && { region: options.region }),
    ...(options.profile !== undefined && { profile: options.profile }),
  };
  return { cloudFormation: new CloudFormationClient(config), lambda: new LambdaClient(config) };
}

function outputValue(outputs: readonly Output[], key: string): string | undefined {
  const value = outputs.find((o) => o.OutputKey === key)?.OutputValue;
  return value === undefined || value === '' ? undefined : value;
}

function requiredOutput(stackName: string, outputs: readonly Output[], key: string): string {
  const value = outputValue(outputs, key);
  if (value === undefined) {
    throw new DeploymentLookupError(
      `stack ${stackName} has no output ${key}: is it a PersonalClient hygiene stack? (redeploy it, or name the resources with --table/--topic-arn)`,
    );
  }
  return value;
}

/**
 * The stack's outputs; a missing stack is a {@link DeploymentLookupError} naming the Region it was looked for in (a
 * stack is found in its own Region only: another default Region in the shell is the usual cause) and what to do.
 */
async function stackOutputs(stackName: string, client: CloudFormationClient): Promise<readonly Output[]> {
  let stack: Stack | undefined;
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = Stacks?.[0];
  } catch (error: unknown) {
    const { code, message } = describeError(error);
    if (!(code === 'ValidationError' && /does not exist/i.test(message))) throw error;
  }
  if (stack !== undefined) return stack.Outputs ?? [];
  const region = await clientRegion(client);
  throw new DeploymentLookupError(
    `stack ${stackName} not found${region === undefined ? '' : ` in ${region}`}: name the deployed stack with ` +
      '--stack NAME or PC_HYGIENE_STACK (and its region with --region/AWS_REGION), or give --table/--endpoint to ' +
      'work on a table without a stack',
  );
}

/** The Region a client sends to, or `undefined` when it resolves none. */
function clientRegion(client: CloudFormationClient): Promise<string | undefined> {
  return client.config.region().catch(() => undefined);
}

/** The sweep function's environment variables. */
async function functionEnvironment(
  functionName: string,
  client: LambdaClient,
): Promise<Readonly<Record<string, string>>> {
  const configuration = await client.send(
    new GetFunctionConfigurationCommand({ FunctionName: functionName }),
  );
  return configuration.Environment?.Variables ?? {};
}

/**
 * The stack's `FilterPolicyQuota` output, read as the reconciler reads its variable (`parseFilterPolicyQuota`), or
 * `undefined` when the stack has none (the deployment sets no `filterPolicyQuota`, or predates the output).
 */
function filterPolicyQuotaOutput(stackName: string, outputs: readonly Output[]): number | undefined {
  const text = outputValue(outputs, STACK_OUTPUT.filterPolicyQuota);
  if (text === undefined) return undefined;
  try {
    return parseFilterPolicyQuota(text, `output ${STACK_OUTPUT.filterPolicyQuota}`);
  } catch (error: unknown) {
    if (error instanceof InvalidFilterPolicyQuotaError) {
      throw new DeploymentLookupError(`stack ${stackName}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Looks a deployment up: `DescribeStacks` for the outputs, then
 * `GetFunctionConfiguration` of the sweep function for the deployed config.
 * @throws {DeploymentLookupError} when the stack is missing, lacks an output, or its config or quota is invalid
 */
export async function lookUpDeployment(stackName: string, clients: DeploymentClients): Promise<Deployment> {
  const outputs = await stackOutputs(stackName, clients.cloudFormation);
  const tableName = requiredOutput(stackName, outputs, STACK_OUTPUT.tableName);
  const topicArn = requiredOutput(stackName, outputs, STACK_OUTPUT.topicArn);
  const sweepFunctionName = requiredOutput(stackName, outputs, STACK_OUTPUT.sweepFunctionName);
  const filterPolicyQuota = filterPolicyQuotaOutput(stackName, outputs);
  const env = await functionEnvironment(sweepFunctionName, clients.lambda);
  let config: HygieneConfig;
  try {
    config = configFromEnvironment(env);
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      throw new DeploymentLookupError(`stack ${stackName}: the deployed ${error.message}`);
    }
    throw error;
  }
  const directoryTableName =
    outputValue(outputs, STACK_OUTPUT.directoryTableName) ?? env[HANDLER_ENV.directoryTableName];
  const service = env[METRICS_ENV.service];
  const region = await clientRegion(clients.cloudFormation);
  return {
    stackName,
    ...(region !== undefined && { region }),
    tableName,
    ...(directoryTableName !== undefined && directoryTableName !== '' && { directoryTableName }),
    topicArn,
    sweepFunctionName,
    config,
    ...(filterPolicyQuota !== undefined && { filterPolicyQuota }),
    metrics: {
      namespace: env[METRICS_ENV.namespace] ?? DEFAULT_METRICS_NAMESPACE,
      ...(service !== undefined && { service }),
    },
  };
}
