/**
 * The one sanitiser for text that came from stored records (ids, owner ids,
 * names, problems, error messages) on its way to a person: a terminal, an
 * email body, or a spreadsheet opening a CSV export.
 *
 * - {@link terminalText}: control characters cannot drive the terminal (ANSI
 *   escape sequences that recolour, move the cursor, retitle the window or
 *   hide text; C0/C1 controls; Unicode bidi overrides that reorder what is
 *   shown, "Trojan Source"; line separators). Each is shown as a visible
 *   escape (`\x1b`, `\u202e`), so what is printed is what is stored and two
 *   different ids never print alike; newlines survive only in multi-line text.
 * - {@link spreadsheetSafe}: a cell a spreadsheet would run as a formula
 *   (leading `=`, `+`, `-`, `@`, tab or CR, and their full-width and small
 *   forms `＝＋－＠` / `﹦﹢﹣﹫`, which spreadsheets also accept) is
 *   prefixed with `'`.
 *
 * Pure; shared by the CLI and the Lambdas' renderings (`lambdas/render/`).
 */

/** C0, DEL and C1 controls (`Cc`), the bidi marks/embeddings/overrides/isolates, line and paragraph separators. */
const CONTROL = /[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}]/gu;
/** The same without `\n`, for multi-line text. */
const CONTROL_BUT_NEWLINE = /(?!\n)[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}]/gu;

function visibleEscape(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text safe to print on a terminal: every control character (see the module
 * header) replaced by a visible escape. With `multiline`, `\n` is kept.
 */
export function terminalText(text: string, options: { readonly multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? CONTROL_BUT_NEWLINE : CONTROL, visibleEscape);
}

/** Leaders that make a spreadsheet read a cell as a formula: ASCII, full-width and small forms. */
const FORMULA_LEADER = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b]/u;

/** A cell value a spreadsheet will show as text: formula leaders are prefixed with `'`. */
export function spreadsheetSafe(text: string): string {
  return FORMULA_LEADER.test(text) ? `'${text}` : text;
}
