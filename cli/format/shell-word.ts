/**
 * A value as one word of a command the CLI tells the operator to type
 * (`pc-hygiene owners unsubscribe -- <ids>`, `--table NAME` instead of an
 * environment variable).
 *
 * Why one function: advice that quotes a value its own way (JSON's double
 * quotes let `$` and backquotes expand) would run a different command than
 * the one shown, or none. The quoting is POSIX's single quotes, the only one
 * in which every character but `'` itself stands for itself; and a value the
 * terminal sanitiser would print differently (a control character shown as
 * its escape) is refused, since the word typed back from the screen would
 * name another value. Pure.
 */
import { commandNaming, placeholderWord } from '../../lambdas/hygiene/pasted-command';
import { posixShellWord } from '../../lambdas/hygiene/shell-word';
import { terminalText } from '../../lambdas/render/sanitize';

/** What a message says in place of a value that cannot be typed back from the screen ({@link shellWord} refuses it). */
export const VALUE_WITH_CONTROL_CHARACTERS = '(a value with control characters)';

/**
 * `text` as one POSIX shell word that types it back exactly
 * (`posixShellWord`, lambdas/hygiene/shell-word.ts: as is when plain, else
 * single-quoted; the empty string `''`).
 * @returns `undefined` when it cannot be typed faithfully from the screen:
 *   {@link terminalText} would print it changed
 */
export function shellWord(text: string): string | undefined {
  if (terminalText(text) !== text) return undefined;
  return posixShellWord(text);
}

/**
 * `text` as a message shows it for the operator to type back: its {@link shellWord}, or in its place `placeholder`
 * (`NAME`, `URL`, …) when it cannot be typed faithfully, by default {@link VALUE_WITH_CONTROL_CHARACTERS}.
 */
export function typedWord(text: string, placeholder: string = VALUE_WITH_CONTROL_CHARACTERS): string {
  return shellWord(text) ?? placeholder;
}

/** What a printed `runs show` names in place of a run id that cannot be typed back from the screen. */
const RUN_ID_PLACEHOLDER = placeholderWord('runId');

/**
 * What a printed `runs show` says after it when a run id cannot be typed back from the screen ({@link runsShowCommand}):
 * the placeholder in its place is to be replaced by the id, which the JSON of `export --include-reserved` shows with
 * every unsafe character escaped (a credential's `hygieneDeletedByRun`, the run index and headers, which are reserved
 * items), aimed by `targetFlags` as the command is. Worded for one run or several (one printed command may stand for
 * several such runs).
 */
export function hiddenRunIdWhy(targetFlags: string): string {
  const aim = targetFlags === '' ? '' : ` ${targetFlags}`;
  return `a run id that holds characters a terminal cannot show: pc-hygiene export --include-reserved${aim} shows it`;
}

/**
 * `pc-hygiene runs show <run-id>` for a run id read from the table (a credential's `hygieneDeletedByRun`, the run
 * index), as a message prints it to be pasted, by the one rule of a printed command naming an id (`commandNaming`,
 * lambdas/hygiene/pasted-command.ts): one shell word, after `--` when it starts with `-`. A stored id is anyone's
 * text: pasted bare, `run 1` would be two arguments and `$(…)` a command. An id the terminal would print changed
 * ({@link shellWord} refuses it: `r\x1b[31m`) is the placeholder `"<runId>"` in its place, and why after the command
 * ({@link hiddenRunIdWhy}), as the admins' report shows an id it cannot show (`storedIdCommand`,
 * lambdas/hygiene/unreachable-report/owner-commands.ts): a bare word such as `RUN_ID` would read as a run's id, and
 * pasted fail as one no table holds. `targetFlags` aim it where the command that prints it read its table
 * (`targetFlagsOf`, cli/options/deployment-target.ts; `''` for the default stack): the run is that table's, and
 * `runs show` reads the default stack's without them. Whether the CLI takes the id as a run id at all is the
 * caller's check (`runsShowCommandFor`, cli/options/run-id.ts).
 */
export function runsShowCommand(runId: string, targetFlags: string): string {
  const word = shellWord(runId);
  // Still after `--` when it starts with `-`: the id typed in its place needs it.
  const command = commandNaming(
    'pc-hygiene runs show',
    runId,
    '',
    targetFlags,
    () => word ?? RUN_ID_PLACEHOLDER,
  );
  return word === undefined ? `${command} (${hiddenRunIdWhy(targetFlags)})` : command;
}
