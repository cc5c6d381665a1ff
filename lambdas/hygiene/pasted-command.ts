/**
 * The one rule of a command line a message tells someone to paste: the admins' `owner-unreachable` report (its
 * restore and `pc-hygiene owners …` commands: docs/notifications.md, "The report message") and the CLI's advice
 * (`exempt`'s restore command, `owners sync-subscriptions`' resubscribe) build theirs here, so that each works pasted
 * as printed. Why one module: a placeholder written bare (`<userId>`) is read by a shell as a redirection; an id that
 * starts with `-` is read by the CLI as an option; flags the message cannot give, written into the command, would be
 * pasted as words — three ways a printed command breaks, each fixed once here. Pure: no I/O.
 */
import { posixShellWord } from './shell-word';

/**
 * `name` as a placeholder inside a command line: `"<name>"`, one shell word that stands for itself (bare, a shell
 * reads `<name` as input and `>` as output redirection), as the restore command's `"<why>"`.
 */
export function placeholderWord(name: string): string {
  return `"<${name}>"`;
}

/**
 * Several values of `name` inside a command line: `"<name>"...`, each value its own word once filled in (one quoted
 * `"<name...>"` would be pasted as one argument holding them all).
 */
export function placeholderWords(name: string): string {
  return `${placeholderWord(name)}...`;
}

/** The id that stands for an owner in a command no one owner's line gives (advice shared by owners, an untagged email). */
export const USER_ID_PLACEHOLDER = placeholderWord('userId');

/** What a command lacks when the deployment is not known: its flag, which also names its topic. */
const DEPLOYMENT_FLAG = "the deployment's --stack NAME";

/**
 * `command` aimed by `targetFlags`: the flags after it; nothing for none (`''`); not known (`undefined`): said after
 * it, in parentheses (`(add the deployment's --stack NAME)`), so a paste of the command alone never carries the words
 * and never reads as aimed at the default stack (docs/notifications.md, "The report message"). `missingFlag`, a flag
 * the command needs that `targetFlags` do not give (`the topic's --topic-arn ARN`), is said the same way. An
 * `operand` (a shell word) comes last, after `--`, which ends the options: what the CLI then reads as an id, whatever
 * it starts with ({@link commandNaming}); the words then say to add the flag before the `--`.
 */
export function aimedCommand(
  command: string,
  targetFlags: string | undefined,
  operand?: string,
  missingFlag?: string,
): string {
  const flags = targetFlags === undefined || targetFlags === '' ? '' : ` ${targetFlags}`;
  const end = operand === undefined ? '' : ` -- ${operand}`;
  const missing = targetFlags === undefined ? DEPLOYMENT_FLAG : missingFlag;
  const note =
    missing === undefined ? '' : ` (add ${missing}${operand === undefined ? '' : ' before the --'})`;
  return `${command}${flags}${end}${note}`;
}

/**
 * `command` naming a credential or an owner by `id` (`undefined`: the {@link USER_ID_PLACEHOLDER}), then `options`
 * (e.g. ` --reason "<why>"`, or `''`), aimed by `targetFlags` ({@link aimedCommand}): the one rule of every printed
 * command that names an id. `id` is the text the command must receive (the report flattens a stored id first), as
 * one shell word by `word` (default {@link posixShellWord}: pasted, it stays one argument; the CLI's `typedWord`
 * shows a placeholder for an id the terminal would print changed), right after the command; but an id that starts
 * with `-` (allowed: docs/data-model.md, "Seed fields"; docs/rules.md, "Invalid records"), which the CLI would read
 * as an option and refuse, comes last, after `--` (`pc-hygiene restore --reason "<why>" --stack NAME -- -abc`).
 */
export function commandNaming(
  command: string,
  id: string | undefined,
  options: string,
  targetFlags: string | undefined,
  word: (id: string) => string = posixShellWord,
): string {
  const named = id === undefined ? USER_ID_PLACEHOLDER : word(id);
  return id?.startsWith('-')
    ? aimedCommand(`${command}${options}`, targetFlags, named)
    : aimedCommand(`${command} ${named}${options}`, targetFlags);
}
