/**
 * The one exception to the unsafe class (lambdas/hygiene/untrusted-text.ts):
 * a joiner (ZWNJ U+200C, ZWJ U+200D) between two non-ASCII letters, marks or
 * emoji is part of how a name is written (a Persian word, an Indic conjunct,
 * an emoji sequence) and shows as it is on a terminal and in an email;
 * anywhere else it is unsafe like every other format character: escaped on
 * a terminal, flattened in an email.
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
