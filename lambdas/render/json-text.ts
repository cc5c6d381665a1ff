/**
 * JSON text that cannot drive a terminal, without changing a single value.
 *
 * `JSON.stringify` escapes the C0 controls (ESC included) but writes DEL, the
 * C1 controls, the Unicode format characters (`\p{Cf}`: the bidi overrides
 * such as U+202E, "Trojan Source", zero-width characters, the BOM) and the
 * line and paragraph separators raw, so stored text printed as JSON on a
 * terminal could still drive or reorder it. {@link jsonText} writes each of
 * them as a `\uXXXX` escape instead (two, a surrogate pair, above U+FFFF): a
 * JSON reader gets exactly the same strings back, so the output stays
 * lossless, unlike the terminal's visible escapes (`terminalText`).
 *
 * The escaped class covers every unsafe character of
 * `lambdas/hygiene/untrusted-text.ts` (`UNSAFE_CHARACTERS`) that `JSON.stringify`
 * leaves raw — the blank letters and the variation selectors that select nothing
 * included, so an id that prints like another (`bob` U+FE00) reads apart in JSON
 * too, as the CLI's advice promises — and every format character besides (the
 * bidi controls are all `\p{Cf}`), a joiner inside an emoji too. Pure.
 */
import { UNSAFE_CHARACTERS_EXCEPT_NEWLINE } from '../hygiene/untrusted-text';

/**
 * What `JSON.stringify` leaves raw and a terminal must not get: DEL, C1, `\p{Cf}`, U+2028, U+2029, then the rest of
 * the unsafe set (`UNSAFE_CHARACTERS_EXCEPT_NEWLINE`: blank letters, stray selectors, unassigned ignorables), each in
 * its context as the terminal's escapes judge it; a raw newline is the indentation's, never a string's
 * (`JSON.stringify` escapes those). Global: used through `replace` only.
 */
const RAW_UNSAFE = new RegExp(
  String.raw`[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]|${UNSAFE_CHARACTERS_EXCEPT_NEWLINE.source}`,
  'gv',
);

/** `\uXXXX` for each UTF-16 code unit of `char` (one, or a surrogate pair). */
function unicodeEscape(char: string): string {
  let escaped = '';
  for (let i = 0; i < char.length; i++) escaped += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

/**
 * Escapes the characters of {@link RAW_UNSAFE} in JSON text. Lossless: those
 * characters occur only inside string literals (JSON's own syntax is ASCII),
 * and `JSON.stringify` never puts a raw one right after an escaping `\`.
 * @param json text `JSON.stringify` produced
 */
export function escapeJsonText(json: string): string {
  return json.replace(RAW_UNSAFE, unicodeEscape);
}

/**
 * `JSON.stringify(value, null, indent)` with the characters a terminal must
 * not get raw written as `\uXXXX` escapes ({@link escapeJsonText}): the one way
 * the CLI's JSON output shows stored text.
 * @param indent as `JSON.stringify`'s `space` (none: one line)
 */
export function jsonText(value: unknown, indent?: number): string {
  return escapeJsonText(JSON.stringify(value, null, indent));
}
