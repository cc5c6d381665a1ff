/**
 * Which characters of untrusted stored text (credential, client, owner and
 * event ids, display names, directory names, stored dates, error messages)
 * are unsafe to show a person as they are: defined once here, so a terminal
 * and an email can never disagree on what is dangerous.
 *
 * Unsafe are the C0, DEL and C1 controls (`\p{Cc}`: CR, LF, tab, ESC and so
 * the ANSI sequences that drive a terminal), the Unicode bidi controls
 * (`\p{Bidi_Control}`: U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069, which
 * reorder what is shown, "Trojan Source") and the line and paragraph
 * separators (`\p{Zl}`, `\p{Zp}`: U+2028, U+2029, which start a new line).
 *
 * How each is shown is the rendering's choice, over this one class:
 * `terminalText` (`lambdas/render/sanitize.ts`: the CLI's terminal output,
 * the run summary text, also the body of the sweep's admin report) shows each
 * as a visible escape, so two ids that differ by one of these never print
 * alike (characters outside this class print as they are: a zero-width
 * space, U+200B, or a look-alike letter can still make two ids look the
 * same; docs name only these classes); `plainName` /
 * `plainValue` (`digest.ts`: the owner digest's text and HTML email, the
 * `owner-unreachable` admin report) flatten them to spaces, so a name stays
 * readable on its line. Pure: no I/O.
 */

/** The one class, as regular expression source (Unicode mode). */
const UNSAFE_CHARACTER_CLASS = String.raw`[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}]`;

/**
 * Every character unsafe to show a person as it is (see the module header).
 *
 * Global (`gu`): meant for `replace`/`replaceAll`, which restart it from the
 * beginning each time. Do not call `test`/`exec` on it (a global expression
 * remembers `lastIndex` between calls).
 */
export const UNSAFE_CHARACTERS: RegExp = new RegExp(UNSAFE_CHARACTER_CLASS, 'gu');

/**
 * {@link UNSAFE_CHARACTERS} except `\n`, for multi-line text whose line
 * breaks are kept (CR, U+2028 and U+2029 stay unsafe). Global, as
 * {@link UNSAFE_CHARACTERS}.
 */
export const UNSAFE_CHARACTERS_EXCEPT_NEWLINE: RegExp = new RegExp(
  String.raw`(?!\n)${UNSAFE_CHARACTER_CLASS}`,
  'gu',
);
