/**
 * Which table, topic and hygiene config a command acts on: a deployed stack
 * (`--stack NAME`, env `PC_HYGIENE_STACK`, default `PersonalClientHygiene`),
 * or a table named directly (`--table`, `--endpoint` for DynamoDB Local).
 *
 * The rule (docs/deploy.md, "Operating a deployment"): the stack is looked up
 * when `--stack` is given, or when neither `--table` nor `--endpoint` is; a
 * `--table`/`--topic-arn`/`--directory-table` given on the command line still
 * wins over the stack's output. An endpoint never does, and the environment
 * variables are session defaults for working without a stack: a target that
 * mixes a stack with either is refused before any action
 * (`refuseMixedTarget`, `mixed-target-refusal.ts`), so a run on DynamoDB Local
 * never takes a deployment's table name and config, and a `PC_HYGIENE_TABLE`
 * left from a local session never redirects a deployed stack's run. The config is
 * `--config FILE` when given, else the deployment's, else the built-in
 * defaults (`chooseConfig`, `deployment-config.ts`: the rule, shared with the
 * owner directory commands); acting on a deployment, the command says on
 * stderr which stack and which config it uses. Against a deployment in `audit` mode a writing command
 * refuses unless `--enforce` is given ({@link refuseAuditDeployment}).
 */

import { Option } from '@commander-js/extra-typings';
import { DEFAULT_TABLE_NAME } from '../../lambdas/aws/credential-table-definition';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { isStackName } from '../../lambdas/render/stack-name';
import type { Deployment, DeploymentClients } from '../aws/deployment-lookup';
import { DEFAULT_STACK_NAME } from '../aws/stack-outputs';
import { typedWord } from '../format/shell-word';
import { sayOnStderr } from '../stderr';
import { UsageError } from '../usage-error';
import { describeAwsSetupError, WITHOUT_A_STACK } from './aws-setup-errors';
import { chooseConfig } from './deployment-config';
import { endpointWord } from './endpoint-text';
import { loadConfigFile } from './load-config';

/** The flags {@link resolveTarget} reads (every table command has them: `addTableOptions`). */
export interface TargetFlags {
  readonly stack?: string;
  readonly table?: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly config?: string;
  /** `plan --input FILE`: the records come from a file, so no table and no stack is needed. */
  readonly input?: string;
}

/** A resolved target: where the table is, and with which config to decide. */
export interface Target {
  readonly table: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
  /** The deployment looked up (absent when working on a table directly). */
  readonly deployment?: Deployment;
  readonly config: HygieneConfig;
  /** Where {@link config} came from, as told on stderr. */
  readonly configSource: string;
}

/**
 * The stack to look up, or `undefined` when the command works on a table
 * directly (or on a file). A stack named next to an endpoint never gets here
 * from a command: `refuseStackWithEndpoint` (`mixed-target-refusal.ts`) refuses it first.
 */
export function stackToLookUp(flags: TargetFlags): string | undefined {
  if (flags.input !== undefined) return undefined;
  if (flags.stack !== undefined) return flags.stack;
  if (flags.table !== undefined || flags.endpoint !== undefined) return undefined;
  return DEFAULT_STACK_NAME;
}

/**
 * What a command would act on that is not a local table, as a refusal names
 * it: the stack to look up ({@link stackToLookUp}: named, `PC_HYGIENE_STACK`
 * or the default), or a table named without `--endpoint` (a table in AWS,
 * such as a deployment's, reached directly). `undefined` for a local table
 * (`--endpoint`/`PC_HYGIENE_ENDPOINT`, e.g. DynamoDB Local) or an input file.
 * The flags that are for local tables only (`sweep --allow-mass-delete`,
 * `--now` on a command that writes) are refused against it
 * (docs/deploy.md, "Operating a deployment from the CLI").
 */
export function awsTargetOf(flags: TargetFlags): string | undefined {
  const stack = stackToLookUp(flags);
  if (stack !== undefined) return `stack ${stack}`;
  if (flags.input !== undefined || flags.endpoint !== undefined) return undefined;
  return `table ${flags.table ?? DEFAULT_TABLE_NAME} in AWS (no --endpoint)`;
}

/**
 * A flag of a command the CLI tells the operator to type, as shell words:
 * `flag` and its value's {@link typedWord} (or `placeholder`, e.g. `NAME`,
 * when the value cannot be typed back from the screen); none when the value
 * is `undefined` (the flag was not given).
 */
export function flagWords(flag: string, value: string | undefined, placeholder: string): string[] {
  return value === undefined ? [] : [flag, typedWord(value, placeholder)];
}

/**
 * The flags that aim a command the CLI tells the operator to type (the
 * tripped guard's `sweep --dry-run` and `guard approve`) at the table `flags`
 * name, as shell words ({@link typedWord}): `--endpoint URL --table NAME` for
 * a local table; else `--stack NAME` when a stack is named (`--stack` or
 * `PC_HYGIENE_STACK`) and `--table NAME` when a table is; then
 * `--region`/`--profile` when given. Empty for the default stack, which the
 * command finds by itself ({@link stackToLookUp}). A value that cannot be
 * typed back from the screen is shown as its placeholder (`URL`, `NAME`, …),
 * and so is an endpoint that may hold a secret ({@link endpointWord}):
 * the advice is printed on stdout, which CI keeps in its logs. The table's
 * flag is `tableFlag`: `--directory-table` for an owner directory command
 * (a missing directory's `owners import … --create-table`).
 */
export function targetFlagsOf(
  flags: TargetFlags,
  tableFlag: '--table' | '--directory-table' = '--table',
): string {
  const local = flags.endpoint !== undefined;
  return [
    ...(flags.endpoint !== undefined ? ['--endpoint', endpointWord(flags.endpoint, 'URL')] : []),
    ...(local ? [] : flagWords('--stack', flags.stack, 'NAME')),
    ...flagWords(tableFlag, local ? (flags.table ?? DEFAULT_TABLE_NAME) : flags.table, 'NAME'),
    ...flagWords('--region', flags.region, 'REGION'),
    ...flagWords('--profile', flags.profile, 'PROFILE'),
  ].join(' ');
}

/**
 * Looks a stack up with readable errors (a missing region or credentials
 * names what to set, and that `--endpoint` or a table named directly needs
 * no stack; refused credentials name the profile to refresh; a denied
 * `cloudformation:DescribeStacks` or `lambda:GetFunctionConfiguration` keeps
 * AWS's text and points at the IAM the command needs; a Region whose endpoint
 * DNS does not know is asked about: `describeAwsSetupError`; a stack not
 * found names the Region searched; a bad name is a usage error).
 */
export async function lookUpStack(
  stackName: string,
  flags: TargetFlags,
  clients?: DeploymentClients,
): Promise<Deployment> {
  if (!isStackName(stackName)) {
    throw new UsageError(`--stack ${JSON.stringify(stackName)} is not a CloudFormation stack name`);
  }
  // Loaded on demand: the CloudFormation and Lambda clients cost every other run's start-up time.
  const { createDeploymentClients, lookUpDeployment } = await import('../aws/deployment-lookup');
  const own = clients ?? createDeploymentClients(flags);
  try {
    return await lookUpDeployment(stackName, own);
  } catch (error: unknown) {
    // Said once here, for table and owner directory commands alike: a stack is not the only way.
    const context = { otherwise: WITHOUT_A_STACK, profile: flags.profile };
    throw describeAwsSetupError(error, `looking up stack ${stackName}`, context) ?? error;
  } finally {
    if (clients === undefined) {
      own.cloudFormation.destroy();
      own.lambda.destroy();
    }
  }
}

/**
 * Resolves the target of a table command.
 * @param options.usesConfig the command decides with a hygiene config (says which one on stderr)
 * @param options.clients lookup clients (tests); default: built from `--region`/`--profile`
 * @param options.fileConfig `--config`'s file as the command already read it (else it is read here)
 * @throws {UsageError} on a bad `--config` or `--stack`
 * @throws {DeploymentLookupError} when the stack cannot be used
 */
export async function resolveTarget(
  flags: TargetFlags,
  options: {
    readonly usesConfig: boolean;
    readonly clients?: DeploymentClients;
    readonly say?: (line: string) => void;
    readonly fileConfig?: HygieneConfig;
  },
): Promise<Target> {
  // A bad --config is a usage error before anything reaches AWS.
  const fileConfig =
    options.fileConfig ?? (flags.config === undefined ? undefined : await loadConfigFile(flags.config));
  const stackName = stackToLookUp(flags);
  const deployment =
    stackName === undefined ? undefined : await lookUpStack(stackName, flags, options.clients);
  const { config, configSource } = chooseConfig(flags.config, fileConfig, deployment);
  const say = options.say ?? sayOnStderr;
  // Acting on a deployment: say where and with which config (a local table run stays quiet).
  if (deployment !== undefined) {
    say(`stack ${deployment.stackName}: table ${flags.table ?? deployment.tableName}`);
    if (options.usesConfig) say(`using ${configSource}`);
  }
  return {
    table: flags.table ?? deployment?.tableName ?? DEFAULT_TABLE_NAME,
    ...(flags.endpoint !== undefined && { endpoint: flags.endpoint }),
    ...(flags.region !== undefined && { region: flags.region }),
    ...(flags.profile !== undefined && { profile: flags.profile }),
    ...(deployment !== undefined && { deployment }),
    config,
    configSource,
  };
}

/**
 * A writing command was pointed at a deployment that runs in `audit` mode
 * without `--enforce`: a usage error (exit 2, nothing done).
 */
export class AuditDeploymentError extends UsageError {}

/**
 * Refuses to write to a deployment in `audit` mode unless the operator said
 * `--enforce` (exit 2, nothing done). Working on a table directly is not refused.
 * The message says what audit stops: the deployment's own sweeps; its notifier
 * still sends whatever is queued (docs/deploy.md, "Operating a deployment from
 * the CLI"), which `alternative` says where it matters (`sweep`, `notify`).
 * @param what the command, e.g. `sweep` (named in the message with how to proceed)
 * @param alternative what else the operator may do, e.g. `, or --dry-run to see what it would do`
 * @throws {AuditDeploymentError}
 */
export function refuseAuditDeployment(
  target: Target,
  enforce: boolean | undefined,
  what: string,
  alternative = '',
): void {
  const deployment = target.deployment;
  if (deployment === undefined || !runsInAudit(target) || enforce === true) return;
  throw new AuditDeploymentError(
    `stack ${deployment.stackName} runs in audit mode (its sweeps write nothing and queue no owner notice): ` +
      `${what} would write to it. ` +
      `Pass --enforce to write anyway${alternative}`,
  );
}

/** Whether `target` is a deployment that runs in `audit` mode (its deployed config, whatever `--config` says). */
function runsInAudit(target: Target): boolean {
  return target.deployment?.config.mode === 'audit';
}

/**
 * What a command the CLI tells the operator to type needs, after the target
 * flags ({@link targetFlagsOf}), to write to `target`: `--enforce` for a
 * deployment in audit mode ({@link refuseAuditDeployment} refuses it
 * without), else nothing — so the tripped guard's `guard approve` pastes as
 * shown, after an acting sweep (which had `--enforce`) or a dry run alike.
 */
export function enforceFlagFor(target: Target): string {
  return runsInAudit(target) ? '--enforce' : '';
}

/**
 * `--enforce`, the one way past {@link refuseAuditDeployment}: `action` says what
 * the command does to the deployed stack (`write to`, `send for`, `act on`).
 */
export function enforceOption(action = 'write to') {
  return new Option('--enforce', `${action} a deployed stack that runs in audit mode (refused without it)`);
}
