/**
 * The one exception to the unsafe class (lambdas/hygiene/untrusted-text.ts):
 * a joiner (ZWNJ U+200C, ZWJ U+200D) between two non-ASCII letters, marks or
 * emoji is part of how a name is written (a Persian word, an Indic conjunct,
 * an emoji sequence) and shows as it is on a terminal and in an email;
 * anywhere else it is unsafe like every other format character: escaped on
 * a terminal, flattened in an email. Likewise a selector (a variation
 * selector, the combining grapheme joiner) after a non-ASCII letter, mark or
 * emoji, or in a keycap emoji, and nowhere else.
 */
import { describe, expect, it } from 'vitest';
import { flattenName } from '../../lambdas/hygiene/digest';
import { terminalText } from '../../lambdas/render/sanitize';

describe('joiners', () => {
  it.each([
    ['a Persian word (ZWNJ between two letters)', 'می\u200cخواهم'],
    ['an Indic conjunct (ZWJ after a virama)', 'क्\u200dष'],
    ['an emoji sequence (ZWJ after a skin tone)', 'CI 👩🏽\u200d💻 deploy'],
    ['an emoji sequence (ZWJ after the emoji presentation selector)', '❤\ufe0f\u200d🔥'],
    ['a family emoji (ZWJ between emoji)', '👨\u200d👩\u200d👧'],
  ])('inside writing show as they are: %s', (_case, text) => {
    expect(terminalText(text)).toBe(text);
    expect(flattenName(text)).toBe(text);
  });

  it.each([
    ['between ASCII letters', 'a\u200db', 'a\\u200db', 'a b'],
    ['ZWNJ between ASCII letters', 'a\u200cb', 'a\\u200cb', 'a b'],
    ['after an emoji, before an ASCII letter', '👩\u200db', '👩\\u200db', '👩 b'],
    ['after an ASCII letter, before a Persian one', 'a\u200cخ', 'a\\u200cخ', 'a خ'],
    ['at the start', '\u200dمی', '\\u200dمی', 'می'],
    ['at the end', 'می\u200c', 'می\\u200c', 'می'],
    ['two in a row', 'ی\u200d\u200dخ', 'ی\\u200d\\u200dخ', 'ی خ'],
  ])('anywhere else are unsafe: %s', (_case, text, escaped, flattened) => {
    expect(terminalText(text)).toBe(escaped);
    expect(flattenName(text)).toBe(flattened);
  });
});

describe('selectors', () => {
  it.each([
    ['the emoji presentation selector after an emoji', 'deploy ❤\ufe0f'],
    ['a keycap emoji (after an ASCII digit, before the keycap)', 'step 1\ufe0f\u20e3'],
    ['an ideographic variation selector after a CJK ideograph', '葛\u{e0100}城'],
    ['a Mongolian free variation selector after a Mongolian letter', 'ᠠ\u180b'],
    ['the combining grapheme joiner after a Hebrew mark', 'בְּ\u034f'],
    ['a text-style keycap (U+FE0E before the keycap)', '#\ufe0e\u20e3'],
    ['a joiner after a selector that selects (the rainbow flag)', '🏳\ufe0f\u200d🌈'],
    ['selectors on both sides of a joiner, each after an emoji', '👁\ufe0f\u200d🗨\ufe0f'],
  ])('that select the form of the character before show as they are: %s', (_case, text) => {
    expect(terminalText(text)).toBe(text);
    expect(flattenName(text)).toBe(text);
  });

  it.each([
    ['after an ASCII letter: an id that prints as bob', 'bob\ufe00', 'bob\\ufe00', 'bob'],
    ['the emoji presentation selector after an ASCII letter', 'bob\ufe0f', 'bob\\ufe0f', 'bob'],
    ['the combining grapheme joiner between ASCII letters', 'b\u034fob', 'b\\u034fob', 'b ob'],
    ['a supplementary variation selector after ASCII', 'bob\u{e0100}', 'bob\\u{e0100}', 'bob'],
    ['at the start', '\ufe00bob', '\\ufe00bob', 'bob'],
    ['a second selector after one', '葛\u{e0100}\u{e0101}', '葛\u{e0100}\\u{e0101}', '葛\u{e0100}'],
    ['after a blank letter', '\u3164\ufe0f', '\\u3164\\ufe0f', undefined],
    ['before a keycap, after an ASCII letter', 'bob\ufe00\u20e3', 'bob\\ufe00\u20e3', 'bob \u20e3'],
    [
      'a joiner between two stray selectors, which joins nothing',
      '\ufe0f\u200d\ufe0f',
      '\\ufe0f\\u200d\\ufe0f',
      undefined,
    ],
    [
      'a joiner between two combining grapheme joiners',
      '\u034f\u200d\u034f',
      '\\u034f\\u200d\\u034f',
      undefined,
    ],
  ])('anywhere else are unsafe: %s', (_case, text, escaped, flattened) => {
    expect(terminalText(text)).toBe(escaped);
    expect(flattenName(text)).toBe(flattened);
  });
});
