/**
 * The one way a command that works on stored data is defined (cli/main.ts,
 * "Conventions"): its name and description, then its own flags, then the
 * flags that say what it works on — the credentials table (`addTableOptions`)
 * or the owner directory (`addDirectoryOptions`) — last, so every `--help`
 * lists a command's own flags first and the target flags after them, in the
 * same order everywhere.
 */
import type { Command, InferCommandArguments, OptionValues } from '@commander-js/extra-typings';
import { addDirectoryOptions } from './directory-options';
import { addTableOptions } from './table-options';

/** What a command works on: the credentials table or the owner directory. */
export type CommandTarget = 'table' | 'directory';

/** A command with its own flags (`Args`, `Opts`, `Globals`) and then the flags of `Target`. */
type Targeted<
  Target extends CommandTarget,
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
> = Target extends 'table'
  ? ReturnType<typeof addTableOptions<Args, Opts, Globals>>
  : ReturnType<typeof addDirectoryOptions<Args, Opts, Globals>>;

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
  return (target === 'table' ? addTableOptions(command) : addDirectoryOptions(command)) as Targeted<
    Target,
    Args,
    Opts,
    Globals
  >;
}
