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
 * a new line), the unassigned default-ignorable code points ({@link UNASSIGNED_IGNORABLE}), the blank letters
 * ({@link BLANK_LETTERS}: the Hangul fillers and the blank Braille pattern, which print as nothing, so a name of them reads
 * as no name at all while it hides the id), and the selectors ({@link SELECTORS}:
 * variation selectors and the combining grapheme joiner) where they select
 * nothing. Two exceptions keep most names written as they should be: a
 * joiner (U+200C ZWNJ, U+200D ZWJ) between two non-ASCII letters, marks or
 * emoji (a Persian word, an Indic conjunct, an emoji sequence such as 👩🏽‍💻)
 * is part of how the text is written and shows as such, and so is a selector
 * after a non-ASCII letter, mark or emoji (❤️, a CJK variant form) or in a
 * keycap emoji (1️⃣); anywhere else (after ASCII letters, at either end, a
 * selector after another) they are unsafe. That costs a few
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
 * Letters, marks and symbols that print as blank space or nothing yet are no space, format or control character,
 * so no class above holds them: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0: default-ignorable letters, the
 * compatibility filler U+3164 a well-known way to fake a blank name), the deprecated Khmer inherent vowels (U+17B4,
 * U+17B5: default-ignorable marks Unicode says not to use) and the blank Braille pattern U+2800. A name of them
 * alone would show as empty quotes in a subject and hide the id the empty name falls back to; flattened, such a name
 * is blank ("unknown") and the id shows. Old Hangul written with conjoining fillers loses them (shown as spaces), as
 * a joiner ending a word does (below).
 */
export const BLANK_LETTERS = String.raw`\u115f\u1160\u17b4\u17b5\u3164\uffa0\u2800`;

/**
 * The code points Unicode reserves as default-ignorable but has not assigned (U+2065, U+FFF0–U+FFF8, most of the
 * tag block's gaps, U+E01F0–U+E0FFF): a renderer draws them as nothing, so `bob` and `bob` U+2065 print alike. As
 * Unicode assigns one it becomes a format character or a selector, unsafe by its class.
 */
const UNASSIGNED_IGNORABLE = String.raw`[\p{Default_Ignorable_Code_Point}&&\p{Cn}]`;

/**
 * The default-ignorable marks that select how the character before them is drawn: the variation selectors
 * (U+FE00–U+FE0F, among them the emoji presentation selector U+FE0F; U+E0100–U+E01EF, ideographic variants), the
 * Mongolian free variation selectors (U+180B–U+180D, U+180F) and the combining grapheme joiner U+034F. After a
 * non-ASCII letter, mark or emoji ({@link JOINABLE}) they are part of how a name is written (❤️, a CJK variant form,
 * a Mongolian letter's form), and in a keycap emoji (`1` U+FE0F U+20E3) too; anywhere else (after an ASCII
 * character, at the start, after another selector) they are unsafe: there most draw nothing and only make two ids
 * differ that print alike (`bob` U+FE00 is not `bob`); the few standardized variants of an ASCII digit or a symbol
 * (a slashed zero, `0` U+FE00) lose their variant form, a spelling few names need.
 */
const SELECTORS = String.raw`\u034f\u180b-\u180d\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}`;

/**
 * A character of writing, which a joiner may sit between and a selector ({@link SELECTORS}) follow: a non-ASCII
 * letter or mark (a Persian letter, an Indic virama), an emoji, or an emoji skin tone; never a
 * {@link BLANK_LETTERS blank letter}, which writes nothing, nor a selector itself (a selector after a selector selects
 * nothing, and a joiner beside stray selectors joins nothing; a joiner may still follow a selector that selects, as
 * in 🏳️‍🌈: {@link unsafeCharacters}).
 */
const JOINABLE = String.raw`[[\p{L}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}]--\p{ASCII}--[${BLANK_LETTERS}]--[${SELECTORS}]]`;

/**
 * The unsafe characters (see the module header) but those in `kept`, as regular expression source (`v` mode), each
 * alternative its class first (the cheap test, as most text holds none), then its context: every one of the classes
 * but a joiner (a look back that it was not one); a joiner not between two {@link JOINABLE} characters, the one
 * before it perhaps followed by a selector that selects (❤️‍🔥); a selector not after a {@link JOINABLE} character
 * and not in a keycap emoji (an ASCII digit, `#` or `*`, then U+FE0E or U+FE0F, then U+20E3).
 * @param kept characters never matched, as class contents (`\n`), or none
 */
function unsafeCharacters(kept = ''): string {
  const joiner = String.raw`[\u200c\u200d]`;
  const joiners = `${joiner}(?<!${JOINABLE}${joiner})(?<!${JOINABLE}[${SELECTORS}]${joiner})|${joiner}(?!${JOINABLE})`;
  const keycap = String.raw`(?<=[0-9#*][\ufe0e\ufe0f])\u20e3`;
  const selectors = `[${SELECTORS}](?<!${JOINABLE}[${SELECTORS}])(?!${keycap})`;
  return String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}${BLANK_LETTERS}${UNASSIGNED_IGNORABLE}](?<![${kept}\u200c\u200d])|${joiners}|${selectors}`;
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
