/**
 * Which table, topic and hygiene config a command acts on: a deployed stack
 * (`--stack NAME`, env `PC_HYGIENE_STACK`, default `PersonalClientHygiene`),
 * or a table named directly (`--table`, `--endpoint` for DynamoDB Local).
 *
 * The rule (docs/deploy.md, "Operating a deployment"): the stack is looked up
 * when `--stack` is given, or when neither `--table` nor `--endpoint` is; a
 * `--table`/`--topic-arn`/`--directory-table` given on the command line still
 * wins over the stack's output. An endpoint never does: a stack (`--stack` or
 * `PC_HYGIENE_STACK`) with an endpoint (`--endpoint` or `PC_HYGIENE_ENDPOINT`),
 * or any stack with `--sns-endpoint`, is refused
 * ({@link refuseStackWithEndpoint}), so a run on DynamoDB Local never takes a
 * deployment's table name and config, nor reports itself to the deployment's
 * admins, and a deployment's outbox is never drained into a local SNS server
 * (nor its directory reconciled against one). The other environment variables are session
 * defaults for working without a stack: with a stack they are refused
 * ({@link refuseEnvironmentOverStack}), so a `PC_HYGIENE_TABLE` left from a
 * local session never redirects a deployed stack's run. Both checks run
 * before any action ({@link refuseMixedTarget}). The config is
 * `--config FILE` when given, else the deployment's, else the built-in
 * defaults (`chooseConfig`, `deployment-config.ts`: the rule, shared with the
 * owner directory commands); acting on a deployment, the command says on
 * stderr which stack and which config it uses. Against a deployment in `audit` mode a writing command
 * refuses unless `--enforce` is given ({@link refuseAuditDeployment}).
 */

import { type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { DEFAULT_TABLE_NAME } from '../../lambdas/aws/credential-table-definition';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { isStackName } from '../../lambdas/render/stack-name';
import type { Deployment, DeploymentClients } from '../aws/deployment-lookup';
import { DEFAULT_STACK_NAME } from '../aws/stack-outputs';
import { shellWord } from '../format/shell-word';
import { sayOnStderr } from '../stderr';
import { UsageError } from '../usage-error';
import { describeAwsSetupError, WITHOUT_A_STACK } from './aws-setup-errors';
import { chooseConfig } from './deployment-config';
import { endpointPlaceholder } from './endpoint-text';
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
 * from a command: {@link refuseStackWithEndpoint} refuses it first.
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
 * The flags that aim a command the CLI tells the operator to type (the
 * tripped guard's `sweep --dry-run` and `guard approve`) at the table `flags`
 * name, as shell words ({@link shellWord}): `--endpoint URL --table NAME` for
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
  const word = (flag: string, value: string | undefined, placeholder: string) =>
    value === undefined ? [] : [flag, shellWord(value) ?? placeholder];
  const local = flags.endpoint !== undefined;
  return [
    ...(flags.endpoint !== undefined ? ['--endpoint', endpointWord(flags.endpoint, 'URL')] : []),
    ...(local ? [] : word('--stack', flags.stack, 'NAME')),
    ...word(tableFlag, local ? (flags.table ?? DEFAULT_TABLE_NAME) : flags.table, 'NAME'),
    ...word('--region', flags.region, 'REGION'),
    ...word('--profile', flags.profile, 'PROFILE'),
  ].join(' ');
}

/** What a message says in place of a value that cannot be typed back from the screen. */
const CONTROL_CHARACTERS = '(a value with control characters)';

/**
 * An endpoint as a message shows it: one shell word to type back, or in its
 * place `placeholder` when given, else what says why it is not shown: it may
 * hold a secret (user info `http://user:password@host`, a query or a fragment
 * where a token goes, or no URL to look into: `endpointPlaceholder`), or it
 * cannot be typed back (control characters).
 */
function endpointWord(endpoint: string, placeholder?: string): string {
  const hidden = endpointPlaceholder(endpoint);
  if (hidden !== undefined) return placeholder ?? hidden;
  return shellWord(endpoint) ?? placeholder ?? CONTROL_CHARACTERS;
}

/**
 * Looks a stack up with readable errors (a missing region or credentials
 * names what to set, and that `--endpoint` or a table named directly needs
 * no stack; a bad name is a usage error).
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
 * The flags naming where a command acts that a deployed stack decides, and
 * when their value would take the stack's run elsewhere: the parts it
 * supplies, whatever their value (the endpoints are AWS's own: an endpoint next
 * to a stack is refused from any source, {@link refuseStackWithEndpoint}); the table
 * whenever the command reads it ({@link readsTable}); the topic
 * whenever the command publishes to it (not `notify --sink jsonl:PATH`,
 * which never uses a topic); and `notify`'s `--sink` unless it is `sns` (a
 * session's `jsonl:` file would take a stack's digests, and mark them sent,
 * instead of its topic).
 */
const STACK_DECIDED_FLAGS: Readonly<
  Record<string, (value: unknown, command: CommandUnknownOpts) => boolean>
> = {
  table: (_value, command) => readsTable(command),
  directoryTable: () => true,
  topicArn: (_value, command) => publishesToTopic(command),
  sink: (value) => value !== 'sns',
};

/**
 * Whether the command reads its `--table`: every table command does; `owners
 * list` only with `--with-unlisted` (the credentials table it scans for owners
 * missing from the directory), so a session's `PC_HYGIENE_TABLE` does not
 * refuse a plain `owners list --stack NAME`.
 */
function readsTable(command: CommandUnknownOpts): boolean {
  const onRequest = command.options.some((o) => o.attributeName() === 'withUnlisted');
  return !onRequest || command.getOptionValue('withUnlisted') === true;
}

/**
 * Whether the command would publish to its topic: unless a `--sink jsonl:PATH`
 * is given on the command line, it does (`owners sync-subscriptions` has no
 * sink; `notify`'s default sink is `sns`; a sink from `PC_HYGIENE_SINK` is
 * refused itself, and without it the topic would be used).
 */
function publishesToTopic(command: CommandUnknownOpts): boolean {
  const sink = command.getOptionValue('sink');
  return !(
    command.getOptionValueSource('sink') === 'cli' &&
    typeof sink === 'string' &&
    sink.startsWith('jsonl:')
  );
}

/** How the operator named the stack, for a message: the flag, the env var, or the default. */
function stackNamedBy(command: CommandUnknownOpts): string {
  const source = command.getOptionValueSource('stack');
  if (source === 'cli') return '--stack';
  const envVar = command.options.find((o) => o.attributeName() === 'stack')?.envVar;
  return source === 'env' && envVar !== undefined ? envVar : 'the default stack';
}

/**
 * Refuses (a usage error, before anything reaches AWS) a target flag that
 * only its environment variable set (`PC_HYGIENE_TABLE`,
 * `PC_HYGIENE_DIRECTORY_TABLE`, `PC_HYGIENE_TOPIC_ARN`,
 * `PC_HYGIENE_SINK`; the topic's only when the command publishes to it, not
 * next to `notify --sink jsonl:PATH`)
 * when a stack is looked up: those variables are a session's defaults for
 * working without a stack, and silently mixing one into a deployed stack's
 * target (its account, its config) would act on the wrong table, directory
 * or topic. Only a flag given on the command line overrides the stack's
 * output (docs/deploy.md, "Operating a deployment from the CLI").
 * @param command the parsed command (its option values and their sources)
 * @param stackName the stack that will be looked up, or `undefined` (then nothing is refused)
 * @throws {UsageError} naming each variable, its value, the stack, and the two ways on
 */
export function refuseEnvironmentOverStack(command: CommandUnknownOpts, stackName: string | undefined): void {
  if (stackName === undefined) return;
  // In the order of STACK_DECIDED_FLAGS, whatever order the command declared them in.
  const fromEnvironment = Object.entries(STACK_DECIDED_FLAGS).flatMap(([key, redirects]) =>
    command.options.filter(
      (o) =>
        o.attributeName() === key &&
        o.envVar !== undefined &&
        command.getOptionValueSource(key) === 'env' &&
        redirects(command.getOptionValue(key), command),
    ),
  );
  if (fromEnvironment.length === 0) return;
  // A value that cannot be typed back from the screen (shellWord) is described, not shown as a word to type.
  const asTyped = (o: (typeof fromEnvironment)[number]) =>
    shellWord(String(command.getOptionValue(o.attributeName())));
  const setting = (o: (typeof fromEnvironment)[number]) => {
    const word = asTyped(o);
    return word === undefined ? `${o.envVar} (a value with control characters)` : `${o.envVar}=${word}`;
  };
  const settings = fromEnvironment.map(setting).join(', ');
  const flags = fromEnvironment.map((o) => `${o.long} ${asTyped(o) ?? '<value>'}`).join(' ');
  const variables = fromEnvironment.map((o) => o.envVar).join(' ');
  throw new UsageError(
    `stack ${stackName} (${stackNamedBy(command)}) would be mixed with settings from the environment (${settings}): ` +
      `give ${flags} on the command line to override the stack's, or unset ${variables} to use the stack's`,
  );
}

/** A value as a refusal shows it: one shell word to type back, or a description when it cannot be typed. */
function shown(value: unknown): string {
  return shellWord(String(value)) ?? CONTROL_CHARACTERS;
}

/**
 * An endpoint option that never meets a deployed stack, and what a refusal
 * says of it ({@link refuseStackWithEndpoint}).
 */
interface StacklessEndpoint {
  /** The option's attribute name. */
  readonly key: string;
  /** An alias option that sets the same value, and its flag as typed (`--endpoint-url`). */
  readonly alias?: { readonly key: string; readonly flag: string };
  /** What it works on, after "works on". */
  readonly worksOn: string;
  /** What the operator works on at that endpoint once the stack is gone. */
  readonly what: string;
  /** What else working without a stack needs, when dropping the stack alone would not do. */
  readonly withoutStack?: string;
}

/**
 * The endpoints a stack never meets, in the order they are checked: the
 * DynamoDB one (`--endpoint`, alias `--endpoint-url`, `PC_HYGIENE_ENDPOINT`),
 * and the SNS one (`--sns-endpoint`: `notify`, `owners sync-subscriptions`,
 * `owners unsubscribe`). Without a stack, the SNS one still needs local tables
 * (`--endpoint`): the default stack would be looked up instead.
 */
const STACKLESS_ENDPOINTS: readonly StacklessEndpoint[] = [
  {
    key: 'endpoint',
    alias: { key: 'endpointUrl', flag: '--endpoint-url' },
    worksOn: 'a table named directly (e.g. DynamoDB Local)',
    what: 'the table',
  },
  {
    key: 'snsEndpoint',
    worksOn: 'a topic named directly (e.g. on a local SNS server)',
    what: 'the topic',
    withoutStack: 'give --endpoint (e.g. DynamoDB Local)',
  },
];

/**
 * How the operator gave an endpoint, for a message: the flag as typed (its
 * alias, when that was typed), or the environment variable.
 */
function endpointNamedBy(
  command: CommandUnknownOpts,
  endpoint: StacklessEndpoint,
): { readonly flag: string; readonly fromEnv: boolean } {
  const envVar = command.options.find((o) => o.attributeName() === endpoint.key)?.envVar;
  if (command.getOptionValueSource(endpoint.key) === 'env' && envVar !== undefined)
    return { flag: envVar, fromEnv: true };
  const alias = endpoint.alias;
  const aliasValue = alias === undefined ? undefined : command.getOptionValue(alias.key);
  if (alias !== undefined && aliasValue !== undefined && aliasValue === command.getOptionValue(endpoint.key))
    return { flag: alias.flag, fromEnv: false };
  return { flag: endpointFlag(command, endpoint), fromEnv: false };
}

/**
 * How the operator named the stack, for a refusal: the setting as given, and
 * how to drop it (`undefined` for the default stack: nothing to drop).
 */
function stackSettingOf(
  command: CommandUnknownOpts,
  stack: string,
): { readonly setting: string; readonly drop?: string } {
  switch (command.getOptionValueSource('stack')) {
    case 'cli':
      return { setting: `--stack ${shown(stack)}`, drop: 'drop --stack' };
    case 'env':
      return { setting: `PC_HYGIENE_STACK=${shown(stack)}`, drop: 'unset PC_HYGIENE_STACK' };
    default:
      return { setting: `the default stack ${shown(stack)}` };
  }
}

/**
 * Refuses (a usage error, before anything reaches AWS) a stack next to an
 * endpoint, whichever way each came: the stack the command would look up
 * (`stack`: named with `--stack` or `PC_HYGIENE_STACK`, or the default
 * one); the endpoint {@link STACKLESS_ENDPOINTS} lists, given with its flag
 * (or alias) or environment variable. An endpoint is for a table or topic
 * named directly (DynamoDB Local, a local SNS server: `awsTargetOf` counts
 * `--endpoint` local). A command that looks no stack up is not refused:
 * `plan --input FILE` reads a file, so a `PC_HYGIENE_STACK` and a
 * `PC_HYGIENE_ENDPOINT` left in the shell do not matter to it
 * ({@link stackToLookUp}; docs/deploy.md, "Operating a deployment from the
 * CLI").
 *
 * - `--endpoint` next to a stack would give that local table the
 *   deployment's table name and config, and an acting `sweep` would publish
 *   the local run's admin summary and metrics to the deployment's real topic
 *   and dashboard (`cli/aws/operator-report.ts`). The default stack is never
 *   looked up next to it ({@link stackToLookUp}), so only a named one meets it.
 * - `--sns-endpoint` next to a stack would drain the deployment's real outbox
 *   into the local SNS server and mark the digests sent (`notify`: the owners
 *   never hear), or reconcile the real directory's recorded subscription
 *   states against the local server's subscriptions (`owners
 *   sync-subscriptions`, `owners unsubscribe`). The default stack is refused
 *   too: without `--endpoint` it is looked up.
 *
 * A deployment's table or topic behind another endpoint (a VPC interface or
 * FIPS one) is reached with the SDK's own `AWS_ENDPOINT_URL_DYNAMODB` or
 * `AWS_ENDPOINT_URL_SNS` instead: no flag, so the run stays one in AWS
 * (docs/deploy.md, "Operating a deployment from the CLI").
 * @param command the parsed command (its option values and their sources)
 * @param stack the stack the command would look up (`stackToLookUp`), or `undefined` (nothing is refused)
 * @throws {UsageError} naming both settings as given and the two ways on
 */
export function refuseStackWithEndpoint(command: CommandUnknownOpts, stack: string | undefined): void {
  if (stack === undefined) return;
  for (const endpoint of STACKLESS_ENDPOINTS) {
    const value = command.getOptionValue(endpoint.key);
    if (value === undefined) continue;
    const given = stackSettingOf(command, stack);
    const by = endpointNamedBy(command, endpoint);
    const word = endpointWord(String(value));
    const endpointSetting = by.fromEnv ? `${by.flag}=${word}` : `${by.flag} ${word}`;
    const dropEndpoint = by.fromEnv ? `unset ${by.flag}` : `drop ${by.flag}`;
    const withoutStack = [given.drop, endpoint.withoutStack]
      .filter((step) => step !== undefined)
      .join(' and ');
    throw new UsageError(
      `${given.setting} with ${endpointSetting}: ${endpointFlag(command, endpoint)} works on ${endpoint.worksOn}, ` +
        `never on a deployed stack. ${capitalized(withoutStack)} to work on ${endpoint.what} at that endpoint, ` +
        `or ${dropEndpoint} to act on stack ${shown(stack)}`,
    );
  }
}

/** The endpoint's own flag (`--endpoint`, `--sns-endpoint`), as the refusal explains it. */
function endpointFlag(command: CommandUnknownOpts, endpoint: StacklessEndpoint): string {
  return command.options.find((o) => o.attributeName() === endpoint.key)?.long ?? endpoint.key;
}

/** `text` with its first letter in capitals (a sentence's start). */
function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Refuses (a usage error, before anything reaches AWS) `--sns-endpoint`
 * without `--endpoint` when no stack is involved: tables in AWS named
 * directly (`--table`, `--directory-table`) with a local SNS server. `notify`
 * would mark a real outbox's digests sent into that server (the owners never
 * hear), and the `owners` commands would record its subscriptions in a real
 * directory. A local SNS server goes with local tables; a table in AWS with
 * its topic in AWS (behind another endpoint: `AWS_ENDPOINT_URL_SNS`).
 * @throws {UsageError} naming the setting and the two ways on
 */
function refuseSnsEndpointOverAwsTables(command: CommandUnknownOpts): void {
  const sns = command.getOptionValue('snsEndpoint');
  if (sns === undefined || command.getOptionValue('endpoint') !== undefined) return;
  throw new UsageError(
    `--sns-endpoint ${endpointWord(String(sns))} without --endpoint: a local SNS server goes with local tables, and these are ` +
      'tables in AWS (a drain would mark their digests sent into the local server; a reconcile would record its ' +
      'subscriptions in the real directory). Give --endpoint (e.g. DynamoDB Local), or drop --sns-endpoint ' +
      '(a topic in AWS behind another endpoint: set AWS_ENDPOINT_URL_SNS)',
  );
}

/**
 * The one check every command's target flags get before its action (the
 * table and owner directory commands alike): a stack never meets an
 * endpoint, DynamoDB's or SNS's ({@link refuseStackWithEndpoint}), a local
 * SNS server never meets tables in AWS ({@link refuseSnsEndpointOverAwsTables}),
 * and a stack looked up never takes a table, directory, topic or sink from
 * the environment ({@link refuseEnvironmentOverStack}).
 * @param stackName the stack the command would look up (`stackToLookUp`), or `undefined`
 * @throws {UsageError}
 */
export function refuseMixedTarget(command: CommandUnknownOpts, stackName: string | undefined): void {
  refuseStackWithEndpoint(command, stackName);
  refuseSnsEndpointOverAwsTables(command);
  refuseEnvironmentOverStack(command, stackName);
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
