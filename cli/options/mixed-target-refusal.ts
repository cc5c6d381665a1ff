/**
 * Why: a command's target is either a deployed stack or a table (and topic)
 * named directly, never a mix of the two (docs/deploy.md, "Operating a
 * deployment from the CLI"). A stack next to an endpoint (`--endpoint`,
 * `PC_HYGIENE_ENDPOINT`, `--sns-endpoint`) would run on a local table under
 * the deployment's table name and config, report the local run to the
 * deployment's admins, or drain a real outbox into a local SNS server; a
 * local SNS server next to tables in AWS would mark real digests sent into
 * it; and a session's `PC_HYGIENE_TABLE` (or directory, topic, sink) left in
 * the shell would redirect a deployed stack's run. {@link refuseMixedTarget}
 * refuses all three with a usage error before any action, for the table and
 * owner directory commands alike; which stack a command looks up is
 * `deployment-target.ts`'s job (`stackToLookUp`), kept apart from the
 * refusals of what must not come with it.
 */

import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { shellWord, typedWord, VALUE_WITH_CONTROL_CHARACTERS } from '../format/shell-word';
import { UsageError } from '../usage-error';
import { endpointWord } from './endpoint-text';

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
    return word === undefined ? `${o.envVar} ${VALUE_WITH_CONTROL_CHARACTERS}` : `${o.envVar}=${word}`;
  };
  const settings = fromEnvironment.map(setting).join(', ');
  const flags = fromEnvironment.map((o) => `${o.long} ${asTyped(o) ?? '<value>'}`).join(' ');
  const variables = fromEnvironment.map((o) => o.envVar).join(' ');
  throw new UsageError(
    `stack ${stackName} (${stackNamedBy(command)}) would be mixed with settings from the environment (${settings}): ` +
      `give ${flags} on the command line to override the stack's, or unset ${variables} to use the stack's`,
  );
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
      return { setting: `--stack ${typedWord(stack)}`, drop: 'drop --stack' };
    case 'env':
      return { setting: `PC_HYGIENE_STACK=${typedWord(stack)}`, drop: 'unset PC_HYGIENE_STACK' };
    default:
      return { setting: `the default stack ${typedWord(stack)}` };
  }
}

/**
 * Refuses (a usage error, before anything reaches AWS) a stack next to an
 * endpoint, whichever way each came: the stack the command would look up
 * (`stack`: named with `--stack` or `PC_HYGIENE_STACK`, or the default
 * one); the endpoint {@link STACKLESS_ENDPOINTS} lists, given with its flag
 * (or alias) or environment variable. An endpoint is for a table or topic
 * named directly (DynamoDB Local, a local SNS server: `awsTargetOf` in `deployment-target.ts` counts
 * `--endpoint` local). A command that looks no stack up is not refused:
 * `plan --input FILE` reads a file, so a `PC_HYGIENE_STACK` and a
 * `PC_HYGIENE_ENDPOINT` left in the shell do not matter to it
 * (`stackToLookUp`, `deployment-target.ts`; docs/deploy.md, "Operating a deployment from the
 * CLI").
 *
 * - `--endpoint` next to a stack would give that local table the
 *   deployment's table name and config, and an acting `sweep` would publish
 *   the local run's admin summary and metrics to the deployment's real topic
 *   and dashboard (`cli/aws/operator-report.ts`). The default stack is never
 *   looked up next to it (`stackToLookUp`), so only a named one meets it.
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
        `or ${dropEndpoint} to act on stack ${typedWord(stack)}`,
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
