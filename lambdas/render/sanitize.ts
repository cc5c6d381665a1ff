/**
 * Text from stored records (ids, owner ids, names, problems, error messages)
 * made safe for a terminal or a spreadsheet.
 *
 * Which characters are unsafe is defined once, in the domain
 * (`lambdas/hygiene/untrusted-text.ts`); how they are shown depends on where
 * the text goes, so there are two renderings over that one class:
 *
 * - {@link terminalText} (here): for the CLI's terminal output and the text
 *   renderings in `lambdas/render/` (run summary, posture); the run summary
 *   text is also the body of the sweep's admin report, so that email shows
 *   the same escapes. Control characters cannot drive the terminal (ANSI
 *   escape sequences that recolour, move the cursor, retitle the window or
 *   hide text; C0/C1 controls; Unicode bidi controls that reorder what is
 *   shown, "Trojan Source"; invisible format characters such as a
 *   zero-width space; line separators). Each is shown as a visible escape
 *   (`\x1b`, `\u202e`, `\u{e0001}` above U+FFFF), so what is printed is what is stored and two
 *   different ids never print alike; newlines survive only in multi-line text.
 * - `plainName` / `plainValue` (`lambdas/hygiene/digest/plain-text.ts`, not here): for
 *   the owner digest's text, its HTML email and the `owner-unreachable` admin
 *   report, the same characters are flattened to spaces, so a name stays
 *   readable on its line.
 *
 * And, for a spreadsheet opening a CSV export, {@link spreadsheetSafe}: a cell
 * a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or CR,
 * and their full-width and small forms `＝＋－＠` / `﹦﹢﹣﹫`, which
 * spreadsheets also accept) is prefixed with `'`.
 *
 * Pure.
 */
import { UNSAFE_CHARACTERS, UNSAFE_CHARACTERS_EXCEPT_NEWLINE } from '../hygiene/untrusted-text';

function visibleEscape(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  // Braced as in JavaScript: `\ue0001` would read as U+E000 then "1".
  return `\\u{${code.toString(16)}}`;
}

/**
 * Text safe to print on a terminal: every unsafe character (`UNSAFE_CHARACTERS`
 * of `lambdas/hygiene/untrusted-text.ts`) replaced by a visible escape. With
 * `multiline`, `\n` is kept.
 */
export function terminalText(text: string, options: { readonly multiline?: boolean } = {}): string {
  return text.replace(
    options.multiline ? UNSAFE_CHARACTERS_EXCEPT_NEWLINE : UNSAFE_CHARACTERS,
    visibleEscape,
  );
}

/**
 * Lines for a terminal, each made safe on its own ({@link terminalText}) and
 * ended with `\n`: stored text inside a line can neither drive the terminal
 * nor start a line of its own (a forged summary or "Last used" line).
 */
export function terminalLines(lines: readonly string[]): string {
  return lines.map((line) => `${terminalText(line)}\n`).join('');
}

/** Leaders that make a spreadsheet read a cell as a formula: ASCII, full-width and small forms. */
const FORMULA_LEADER = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b]/u;

/** A cell value a spreadsheet will show as text: formula leaders are prefixed with `'`. */
export function spreadsheetSafe(text: string): string {
  return FORMULA_LEADER.test(text) ? `'${text}` : text;
}
