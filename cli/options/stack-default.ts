/**
 * How an option's help says its default when a deployed stack supplies it
 * (`--config`: the deployed config; `--topic-arn`: the `TopicArn` output;
 * `--table` and `--directory-table`: the `TableName` and `DirectoryTableName`
 * outputs): the stack's value when a stack is looked up, and what stands when
 * none is — one phrase for every option and command, following the one rule
 * (`stackToLookUp`; docs/deploy.md, "Operating a deployment from the CLI"): a
 * stack is looked up for `--stack` (or `PC_HYGIENE_STACK`), even next to
 * `--table`, else the default stack unless the command names its target
 * directly — `--endpoint` or `--table` for a table command, `--endpoint` or
 * `--directory-table` for an owner directory command.
 * `plan` looks one up only when it is named: its records come from `--input`
 * or a table otherwise. The flag that names the target is itself no default:
 * its own fixed value stands only with `--endpoint` (`target flag`). `--stack`
 * says its own default by the same rule ({@link stackOptionDefault}).
 */

import { DEFAULT_STACK_NAME } from '../aws/stack-outputs';

/** Which flags make a command work without a stack: a table command's, an owner directory command's, or `plan`'s. */
export type StackRule = 'table' | 'directory' | 'named stack only';

/**
 * The rule an option's default follows: its command's {@link StackRule}, or `target flag` for the flag that names
 * a table the command acts on itself (a table command's `--table`, an owner directory command's
 * `--directory-table`, and `owners list`'s `--table`, the credentials table its `--with-unlisted` scans), whose
 * fixed value stands only with `--endpoint` (given, the flag is no default).
 */
export type DefaultRule = StackRule | 'target flag';

/**
 * The flags that name a target directly, so that no stack is looked up: the target flag only without `--stack`,
 * which `stackToLookUp` checks first (`--stack S --table T` looks S up; `--endpoint` next to a stack is refused).
 */
const NAMED_DIRECTLY: Readonly<Record<Exclude<DefaultRule, 'named stack only'>, string>> = {
  table: '--endpoint, or --table without --stack',
  directory: '--endpoint, or --directory-table without --stack',
  'target flag': '--endpoint',
};

/**
 * The `default: …` text of an option a stack supplies, for its description.
 * @param rule when the command looks a stack up, or `target flag` ({@link DefaultRule})
 * @param fromStack the value with a stack (e.g. "the stack's deployed config")
 * @param withoutStack the value without one (e.g. "the built-in defaults", "none")
 */
export function stackDefault(rule: DefaultRule, fromStack: string, withoutStack: string): string {
  return `default: ${stackDefaultValue(rule, fromStack, withoutStack)}`;
}

/**
 * {@link stackDefault} without its `default: `, for an option with a commander default
 * (`.default(value, text)`: commander writes `default: ` itself, before the env var).
 */
export function stackDefaultValue(rule: DefaultRule, fromStack: string, withoutStack: string): string {
  if (rule === 'named stack only') return `${fromStack} with --stack, else ${withoutStack}`;
  return `${fromStack}; ${withoutStack} with ${NAMED_DIRECTLY[rule]}`;
}

/**
 * What `--stack`'s help says of its own default, by the command's {@link StackRule}: the default stack unless the
 * command's target is named directly (the flags that do so, as `stackToLookUp` reads them), or none for `plan`,
 * which looks a stack up only when it is named.
 */
export function stackOptionDefault(rule: StackRule): string {
  if (rule === 'named stack only') return 'no default: a stack is looked up only when named';
  const target = rule === 'table' ? '--table' : '--directory-table';
  return `default: ${DEFAULT_STACK_NAME}, unless ${target} or --endpoint is given`;
}
