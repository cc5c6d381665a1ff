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
import { terminalText } from '../../lambdas/render/sanitize';

/** Characters that need no quoting in any POSIX shell word (the set of Python's `shlex.quote`). */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

/**
 * `text` as one POSIX shell word that types it back exactly: as is when
 * plain, else single-quoted (`'` written `'\''`; the empty string `''`).
 * @returns `undefined` when it cannot be typed faithfully from the screen:
 *   {@link terminalText} would print it changed
 */
export function shellWord(text: string): string | undefined {
  if (terminalText(text) !== text) return undefined;
  return PLAIN_WORD.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
