/**
 * Which characters of untrusted stored text (credential, client, owner and
 * event ids, display names, directory names, stored dates, error messages)
 * are unsafe to show a person as they are: defined once here, so a terminal
 * and an email can never disagree on what is dangerous.
 *
 * Unsafe are the C0, DEL and C1 controls (`\p{Cc}`: CR, LF, tab, ESC and so
 * the ANSI sequences that drive a terminal), the Unicode format characters
 * (`\p{Cf}`: the bidi controls U+061C, U+200E/F, U+202A–U+202E,
 * U+2066–U+2069, which reorder what is shown, "Trojan Source"; and the
 * invisible ones, such as the zero-width space U+200B, the joiners U+200C and
 * U+200D, the word joiner U+2060, the BOM U+FEFF, the soft hyphen U+00AD and
 * the tag characters, which make two different ids print alike) and the line
 * and paragraph separators (`\p{Zl}`, `\p{Zp}`: U+2028, U+2029, which start
 * a new line), and the blank letters ({@link BLANK_LETTERS}: the Hangul fillers
 * and the blank Braille pattern, letters and symbols that print as nothing, so a
 * name of them reads as no name at all while it hides the id). One exception keeps most names written as they should be: a
 * joiner (U+200C ZWNJ, U+200D ZWJ) between two non-ASCII letters, marks or
 * emoji (a Persian word, an Indic conjunct, an emoji sequence such as 👩🏽‍💻)
 * is part of how the text is written and shows as such; anywhere else
 * (between ASCII letters, at either end) it is unsafe. That costs a few
 * spellings their look: a joiner ending a word (legacy Malayalam chillu
 * letters, `ന്` + ZWJ) is escaped or flattened, and so are the tag
 * characters of a subdivision flag (🏴 England shows as a black flag). Characters outside these classes
 * print as they are: a look-alike letter (a Cyrillic `а` for a Latin `a`), or
 * a joiner between two letters of a script it does not change, can still
 * make two ids look the same.
 *
 * How each is shown is the rendering's choice, over this one class:
 * `terminalText` (`lambdas/render/sanitize.ts`: the CLI's terminal output,
 * the run summary text, also the body of the sweep's admin report) shows each
 * as a visible escape (`\u200b`), so two ids that differ by one of these never
 * print alike; `plainName` / `plainValue` (`digest/plain-text.ts`: the owner digest's
 * text and HTML email, the `owner-unreachable` admin report) flatten them to
 * spaces, so a name stays readable on its line. Display only: stored, compared
 * and exported text (JSON, CSV) is never changed by this class. Pure: no I/O.
 */

/**
 * A character a joiner may sit between as part of how text is written: a
 * non-ASCII letter or mark (a Persian letter, an Indic virama, the emoji
 * presentation selector U+FE0F), an emoji, or an emoji skin tone.
 */
const JOINABLE = String.raw`[[\p{L}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}]--\p{ASCII}]`;

/**
 * Letters and symbols that print as blank space yet are no space, format or control character, so no class above
 * holds them: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0: default-ignorable letters, the compatibility
 * filler U+3164 a well-known way to fake a blank name) and the blank Braille pattern U+2800. A name of them alone
 * would show as empty quotes in a subject and hide the id the empty name falls back to; flattened, such a name is
 * blank ("unknown") and the id shows. Old Hangul written with conjoining fillers loses them (shown as spaces), as a
 * joiner ending a word does (below).
 */
const BLANK_LETTERS = String.raw`\u115f\u1160\u3164\uffa0\u2800`;

/**
 * The unsafe characters (see the module header) but those in `kept`, as
 * regular expression source (`v` mode): every one of the classes but a
 * joiner (the class, then a look back that it was not one: the cheap test
 * first, as most text holds none), and a joiner not between two
 * {@link JOINABLE} characters.
 * @param kept characters never matched, as class contents (`\n`), or none
 */
function unsafeCharacters(kept = ''): string {
  return String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}${BLANK_LETTERS}](?<![${kept}\u200c\u200d])|(?<!${JOINABLE})[\u200c\u200d]|[\u200c\u200d](?!${JOINABLE})`;
}

/**
 * Every character unsafe to show a person as it is (see the module header).
 *
 * Global (`gv`): meant for `replace`/`replaceAll`, which restart it from the
 * beginning each time. Do not call `test`/`exec` on it (a global expression
 * remembers `lastIndex` between calls).
 */
export const UNSAFE_CHARACTERS: RegExp = new RegExp(unsafeCharacters(), 'gv');

/**
 * {@link UNSAFE_CHARACTERS} except `\n`, for multi-line text whose line
 * breaks are kept (CR, U+2028 and U+2029 stay unsafe). Global, as
 * {@link UNSAFE_CHARACTERS}.
 */
export const UNSAFE_CHARACTERS_EXCEPT_NEWLINE: RegExp = new RegExp(unsafeCharacters(String.raw`\n`), 'gv');

/**
 * Untrusted text flattened onto one line: each {@link UNSAFE_CHARACTERS}
 * character a space, whitespace runs one space, trimmed (`''` when nothing is
 * left). The one flattening rule: a name in the digest's text and HTML
 * (`plainName`, `digest/plain-text.ts`) and in the relay's Unicode subject
 * (`subjectText`, `message.ts`), so neither can carry a line break or a bidi
 * control from a stored name (docs/notifications.md, "The message").
 */
export function flattenedText(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
}
