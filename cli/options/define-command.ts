/**
 * The one way a command that works on stored data is defined (cli/main.ts,
 * "Conventions"): its name and description, then its own flags, then the
 * flags that say what it works on — the credentials table (`addTableOptions`)
 * or the owner directory (`addDirectoryOptions`) — last, so every `--help`
 * lists a command's own flags first and the target flags after them, in the
 * same order everywhere, their help saying the command's rule for a stack.
 */
import type { Command, InferCommandArguments, OptionValues } from '@commander-js/extra-typings';
import { addDirectoryOptions } from './directory-options';
import type { StackRule } from './stack-default';
import { addTableOptions } from './table-options';

/**
 * What a command works on, which is when it looks a stack up ({@link StackRule}): the credentials table, the owner
 * directory, or (`plan`) the credentials table with a stack only when one is named.
 */
export type CommandTarget = StackRule;

/** A command with its own flags (`Args`, `Opts`, `Globals`) and then the flags of `Target`. */
type Targeted<
  Target extends CommandTarget,
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
> = Target extends 'directory'
  ? ReturnType<typeof addDirectoryOptions<Args, Opts, Globals>>
  : ReturnType<typeof addTableOptions<Args, Opts, Globals>>;

/**
 * Defines `usage` (the name and its arguments, e.g. `import <file>`) under
 * `parent` with `description`, the flags `ownFlags` adds, then the flags of
 * `target`.
 * @returns the command, its option types inferred from every flag
 */
export function defineCommand<
  Target extends CommandTarget,
  Usage extends string,
  ParentArgs extends unknown[],
  ParentOpts extends OptionValues,
  ParentGlobals extends OptionValues,
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(
  parent: Command<ParentArgs, ParentOpts, ParentGlobals>,
  usage: Usage,
  description: string,
  target: Target,
  ownFlags: (
    command: Command<[...InferCommandArguments<Usage>], Record<never, never>, ParentOpts & ParentGlobals>,
  ) => Command<Args, Opts, Globals>,
): Targeted<Target, Args, Opts, Globals> {
  const command = ownFlags(parent.command(usage).description(description));
  // TypeScript cannot narrow `Target` from the comparison: the cast restates what the branch added.
  return (
    target === 'directory' ? addDirectoryOptions(command) : addTableOptions(command, target)
  ) as Targeted<Target, Args, Opts, Globals>;
}
