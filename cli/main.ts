/**
 * `pc-hygiene`: the operator CLI over the same hygiene core as the Lambdas.
 *
 * Conventions for every command (follow them when adding one):
 * - Layout: `cli/commands/<name>.ts` defines one command (a command group
 *   may use a folder, `cli/commands/<group>/<sub>.ts`) and exports
 *   `register<Name>Command(program)`, listed in `cli/commands/registry.ts`. Work that several
 *   commands share lives in `cli/use-cases/`; flag definitions and parsers
 *   in `cli/options/`; adapters only the CLI uses in `cli/aws/`; local-run,
 *   demo and test infrastructure in `cli/local/`; plan output formatters in
 *   `cli/format/`; stream/terminal helpers (`progress`, `stream-writer`,
 *   `jsonl`, `digest-preview`, `usage-error`) at the top of `cli/`.
 * - Stored text (ids, owners, names, problems) reaches a terminal only
 *   through `terminalText` and a CSV cell only through `csvCell`
 *   (`lambdas/render/sanitize.ts`, over the one class of unsafe characters
 *   in `lambdas/hygiene/untrusted-text.ts`).
 * - Settings live once, on the program here: commander copies them to every
 *   subcommand (and sub-subcommand) created with `.command()`. Do not repeat
 *   `configureOutput`/`showHelpAfterError`/`exitOverride` in a command.
 * - Types come from `@commander-js/extra-typings` (import `Command`/`Option`
 *   from it, never from `commander`): option types are inferred from the
 *   definitions. Build the command in `define<Name>Command(program)` with
 *   `defineCommand` (`cli/options/define-command.ts`: name, description, its
 *   own flags, then the table or owner-directory flags) and name its options
 *   `OptionsOf<ReturnType<typeof define<Name>Command>>`
 *   (`cli/options/options-of.ts`) instead of a hand-kept interface.
 * - Integer flags: `.argParser(integerIn('--flag', min, max))` (the one
 *   rule: decimal digits in range, `cli/options/numbers.ts`); durations:
 *   `secondsUpTo`; enumerations: `.choices()`; `--format`: `formatOption()`
 *   with a vocabulary from `cli/options/formats.ts`. Defaults are given
 *   parsed (numbers, not strings).
 * - Errors: throw `UsageError` for bad input (exit 2, one line
 *   `pc-hygiene: …`, nothing done; commander's own, an unknown flag or
 *   command (or `help` of one, or a word after `help NAME`), are one line
 *   too (an unknown `--output` pointing to `--format`: `pointOutputToFormat`), a command group's
 *   ending with a pointer to its `--help`: `pointToHelpOnErrors` below),
 *   any other error exits 1 with its message;
 *   a command may set `process.exitCode` for outcomes (e.g. `sweep` 3/4),
 *   always a code of the one table `EXIT_CODE` (`cli/exit-codes.ts`).
 * - Output closed early by its reader (`| head`) is not an error, and any
 *   other write error on stdout or stderr is one line and exit 1: the rule is
 *   installed once below (`guardOutputs`, `cli/stream-writer.ts`), so a
 *   command writes with `process.stdout.write` and still exits with its
 *   outcome's code; a command that streams a listing writes it with
 *   `writeStreamedListing` (`cli/streamed-listing.ts`), which stops quietly
 *   at a closed output and throws any other write error.
 */
import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { describeError } from '../lambdas/hygiene/errors';
import { terminalText } from '../lambdas/render/sanitize';
import { COMMAND_REGISTRATIONS } from './commands/registry';
import { EXIT_CODE } from './exit-codes';
import { exitCodeWithOutputFailure, guardOutputs } from './stream-writer';
import { UsageError } from './usage-error';
import { CLI_VERSION } from './version';

/**
 * A commander error message as one line, without its `error: ` prefix: the
 * `(Did you mean …?)` suggestion commander puts on a line of its own joins
 * it, and the text echoed from the command line is made safe to print.
 */
function oneLine(message: string): string {
  return terminalText(
    message
      .replace(/^error: /, '')
      .trim()
      .replace(/\s*\n\s*/g, ' '),
  );
}

/**
 * Makes the errors of `command` and of every command group under it (a
 * command with subcommands: an unknown command, an unknown option before
 * one, and `help NAME` for an unknown NAME or with a word after a command's
 * NAME: {@link addHelpCommand}) end with
 * a pointer to the group's help (`; see pc-hygiene owners --help`), instead
 * of commander's whole help after the message. Called
 * after the registrations: commander copies the output settings when a
 * subcommand is created, so the commands under a group keep the inherited
 * one-line errors without the pointer. A group run without a subcommand still
 * prints its help (on stderr, a usage error: commander's `help({ error: true })`).
 */
function pointToHelpOnErrors(command: CommandUnknownOpts, path: string = command.name()): void {
  if (command.commands.length === 0) return;
  command.configureOutput({
    outputError: (message, write) => write(`pc-hygiene: ${oneLine(message)}; see ${path} --help\n`),
  });
  for (const sub of command.commands) pointToHelpOnErrors(sub, `${path} ${sub.name()}`);
  addHelpCommand(command);
}

/** The `help` commands {@link addHelpCommand} made: a word after one's name is its argument, not a subcommand. */
const HELP_COMMANDS = new WeakSet<CommandUnknownOpts>();

/**
 * Gives a command group (the program too) a `help [command]` command in the
 * place of commander's own, listed the same and last: it prints the named
 * command's help, or the group's without a name (stdout, exit 0). A group
 * named with a word after it answers as its own `help` does (`help owners
 * import`: as `owners help import`); a word after `help`'s own name is the
 * name it takes, not a subcommand (`help help plan`: help's own help, as
 * `help help`). Any other word after the name is a usage
 * error, one line naming it with the pointer to the group's help (exit 2),
 * where commander's own ignored it; flags after the name, and every word
 * after a flag (it may be the flag's value), are not looked at, as
 * commander's own (`help plan --format json`: plan's help). An unknown name is
 * answered as the name typed alone is: the group parses it, so commander's
 * unknown-command error, one line with its suggestion and the pointer to the
 * group's help (exit 2), where commander's own `help` printed the group's
 * whole help (its `helpCommand()` and `addHelpCommand()` only rename or
 * describe that command, which never runs an action: a group's own `help`
 * command replaces it).
 */
function addHelpCommand(group: CommandUnknownOpts): void {
  const helpCommand = group
    .command('help')
    .argument('[command]')
    .description('display help for command')
    // Flags after the name are not looked at (`help plan --help`, `help sweep --dry-run`: plan's, sweep's help).
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (name: string | undefined, _options, help: CommandUnknownOpts) => {
      if (name === undefined) group.help();
      const named = group.commands.find((sub) => sub.name() === name || sub.aliases().includes(name));
      if (named === undefined) await group.parseAsync([name], { from: 'user' });
      else await printHelpOf(named, wordsBeforeFlags(help.args.slice(1)));
    });
  HELP_COMMANDS.add(helpCommand);
}

/**
 * Prints `command`'s help when no word follows its name, and a help
 * command's own help whatever follows (`help help plan`: the words are the
 * name `help` takes, so what `help plan` runs is help); a group's help
 * command answers the words after a group's name; after any other command's
 * name a word is a usage error of its group (`help plan bogus`).
 */
async function printHelpOf(command: CommandUnknownOpts, words: readonly string[]): Promise<void> {
  if (words.length === 0 || HELP_COMMANDS.has(command)) command.help();
  if (command.commands.length > 0) {
    await command.parseAsync(['help', ...words], { from: 'user' });
    return;
  }
  const path = commandPath(command);
  (command.parent ?? command).error(
    `unexpected word '${words[0]}' after 'help ${path}': ${path} has no subcommands`,
    { exitCode: EXIT_CODE.usage, code: 'pc-hygiene.unexpectedWord' },
  );
}

/** A command's name with its groups' (`owners import`), without the program's. */
function commandPath(command: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let at: CommandUnknownOpts | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/**
 * The words of `args` before its first flag (an argument of two characters or
 * more starting with `-`, as commander tells them): a word after a flag may
 * be its value.
 */
function wordsBeforeFlags(args: readonly string[]): readonly string[] {
  const flag = args.findIndex((arg) => arg.length > 1 && arg.startsWith('-'));
  return flag === -1 ? args : args.slice(0, flag);
}

/** Commander's error for `--output` (or `--output=VALUE`) on a command without it, and no suggestion after it. */
const UNKNOWN_OUTPUT = /^(error: unknown option '--output(?:=[^']*)?')\s*$/;

/**
 * Points `--output` to `--format` on every command under `command` that has
 * `--format` and no `--output`: `--output json` is an AWS CLI habit (the
 * format there), and only `export` has `--output`, naming a file. Commander's
 * unknown-option error (still exit 2) then ends `: for the output format use
 * --format`. Called after {@link pointToHelpOnErrors}: it wraps the error
 * output each command has by then.
 */
function pointOutputToFormat(command: CommandUnknownOpts): void {
  for (const sub of command.commands) pointOutputToFormat(sub);
  const has = (flag: string) => command.options.some((option) => option.long === flag);
  if (!has('--format') || has('--output')) return;
  const { outputError } = command.configureOutput();
  if (outputError === undefined) return;
  command.configureOutput({
    outputError: (message, write) =>
      outputError(message.replace(UNKNOWN_OUTPUT, '$1: for the output format use --format\n'), write),
  });
}

// `pc-hygiene … | head`: the reader closing stdout (or stderr) early does not crash any command.
// Any other write error on them is reported once here and fails the run (exitCodeWithOutputFailure: exit 1).
const outputs = guardOutputs([process.stdout, process.stderr], (error) =>
  process.stderr.write(`pc-hygiene: ${terminalText(error.message)}\n`),
);
// At exit, not after the parse: Node emits a write's error on a later tick than the write.
process.on('exit', () => {
  if (outputs.failure !== undefined)
    process.exitCode = exitCodeWithOutputFailure(Number(process.exitCode ?? 0));
});

const program = new Command('pc-hygiene')
  .description('Keep personal API client credentials clean: plan, sweep, notify, restore, report.')
  // `--version` prints the package version and exits 0 (as `aws --version` does).
  .version(CLI_VERSION, '--version', 'print the pc-hygiene version')
  // Inherited by every command registered below: errors are thrown to the catch at the end,
  // and a command's usage error is one line (the error, without the help text after it).
  .exitOverride()
  .showHelpAfterError(false)
  .configureOutput({ outputError: (message, write) => write(`pc-hygiene: ${oneLine(message)}\n`) });

// Command registrations: every command module, in `--help` order (cli/commands/registry.ts).
for (const register of COMMAND_REGISTRATIONS) register(program);

// A mistyped command is a usage error of one line, as a mistyped flag is, pointing to the help that lists them.
pointToHelpOnErrors(program);
// `--output json` where the command has no `--output` (an AWS CLI habit): the error points to `--format`.
pointOutputToFormat(program);

try {
  await program.parseAsync(process.argv);
} catch (error: unknown) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other commander error is a usage error.
    process.exitCode = error.exitCode === 0 ? EXIT_CODE.complete : EXIT_CODE.usage;
  } else if (error instanceof UsageError) {
    process.stderr.write(`pc-hygiene: ${terminalText(error.message)}\n`);
    process.exitCode = EXIT_CODE.usage;
  } else {
    // An output's write error, thrown by a listing's StreamWriter, was reported when it happened (`guardOutputs`).
    if (error !== outputs.failure) {
      process.stderr.write(`pc-hygiene: ${terminalText(describeError(error).message)}\n`);
    }
    process.exitCode = EXIT_CODE.failure;
  }
}
