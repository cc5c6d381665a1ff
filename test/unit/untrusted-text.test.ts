/**
 * The one definition of the characters unsafe to show a person
 * (lambdas/hygiene/untrusted-text.ts), checked over every code point: it is
 * exactly the spelled-out set (controls, format characters, line and
 * paragraph separators), the terminal and the email renderings both act on
 * all of it and on nothing else, and the plain-ASCII fast path never skips
 * one. Joiners inside writing: test/unit/untrusted-text-joiners.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { digestSubject, flattenName, plainName, plainValue } from '../../lambdas/hygiene/digest';
import { isPlainAscii } from '../../lambdas/hygiene/message';
import { UNSAFE_CHARACTERS, UNSAFE_CHARACTERS_EXCEPT_NEWLINE } from '../../lambdas/hygiene/untrusted-text';
import { terminalText } from '../../lambdas/render/sanitize';
import { SAMPLE_NOW, sampleEvent } from '../support/sample-digest';

/**
 * The set spelled out by hand: controls, the format characters of Unicode 17
 * (soft hyphen, the Arabic number signs and marks, the Syriac and Mongolian
 * format characters, the zero-width space, joiners and marks, the bidi
 * embeddings, overrides and isolates, the word joiner and invisible
 * operators, the deprecated format characters, the BOM, the interlinear
 * annotation characters, the Kaithi, Egyptian, shorthand and musical format
 * characters, the tag characters) and the line and paragraph separators. A
 * Unicode update that changes `Cf`, `Zl` or `Zp` fails here, for review. Then the blank letters: the Hangul
 * fillers, the deprecated Khmer inherent vowels and the blank Braille pattern; and the selectors (the combining
 * grapheme joiner, the Mongolian and the other variation selectors), each unsafe alone (it follows nothing); and
 * the default-ignorable code points Unicode has not assigned (U+2065, U+FFF0–U+FFF8, the tag block's gaps, …).
 */
const SPELLED_OUT =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: it tests one code point at a time, never a sequence.
  /^[\p{Cc}\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\u{110bd}\u{110cd}\u{13430}-\u{1343f}\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0001}\u{e0020}-\u{e007f}\u2028\u2029\u115f\u1160\u17b4\u17b5\u3164\uffa0\u2800\u034f\u180b-\u180d\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}\u2065\ufff0-\ufff8\u{e0000}\u{e0002}-\u{e001f}\u{e0080}-\u{e00ff}\u{e01f0}-\u{e0fff}]$/u;

const MAX_CODE_POINT = 0x10ffff;

/** Whether the whole of `text` is one match of `pattern` (a global pattern, used through `replace` only). */
function isOneMatch(pattern: RegExp, text: string): boolean {
  return text.replace(pattern, '') === '' && text !== '';
}

/** Every code point 0..0x10FFFF (lone surrogates included), with its string. */
function* everyCodePoint(): Generator<{ code: number; char: string }> {
  for (let code = 0; code <= MAX_CODE_POINT; code++) yield { code, char: String.fromCodePoint(code) };
}

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

describe('UNSAFE_CHARACTERS', () => {
  it('is exactly the spelled-out set, over all code points 0..0x10FFFF', () => {
    const differ: string[] = [];
    let count = 0;
    for (const { code, char } of everyCodePoint()) {
      const unsafe = isOneMatch(UNSAFE_CHARACTERS, char);
      if (unsafe) count++;
      if (unsafe !== SPELLED_OUT.test(char)) differ.push(hex(code));
    }
    expect(differ).toEqual([]);
    // 65 controls (0x00–0x1F, 0x7F–0x9F), 170 format characters, U+2028, U+2029, 7 blank letters, 261 selectors,
    // 3,769 unassigned default-ignorable code points.
    expect(count).toBe(65 + 170 + 2 + 7 + 261 + 3769);
  });

  it('without newline differs only at U+000A', () => {
    const differ: string[] = [];
    for (const { code, char } of everyCodePoint()) {
      if (isOneMatch(UNSAFE_CHARACTERS, char) !== isOneMatch(UNSAFE_CHARACTERS_EXCEPT_NEWLINE, char))
        differ.push(hex(code));
    }
    expect(differ).toEqual(['U+000A']);
  });

  it('replaces every occurrence, call after call (global, no state left behind)', () => {
    expect('a\x1bb\u202ec\nd'.replace(UNSAFE_CHARACTERS, '.')).toBe('a.b.c.d');
    expect('a\x1bb\u202ec\nd'.replace(UNSAFE_CHARACTERS, '.')).toBe('a.b.c.d');
    expect('a\rb\nc\u2028d'.replace(UNSAFE_CHARACTERS_EXCEPT_NEWLINE, '.')).toBe('a.b\nc.d');
    expect('🔑 Zoë'.replace(UNSAFE_CHARACTERS, '.')).toBe('🔑 Zoë');
  });
});

describe('both renderings act on the one class', () => {
  it('a terminal escapes, an email flattens, exactly the unsafe characters', () => {
    const mismatched: string[] = [];
    for (const { code, char } of everyCodePoint()) {
      const unsafe = isOneMatch(UNSAFE_CHARACTERS, char);
      const text = `a${char}b`;
      if ((terminalText(text) !== text) !== unsafe) mismatched.push(`terminal ${hex(code)}`);
      // Flattening also collapses safe whitespace (space, NBSP, ...) to one space: only the rest tells.
      if (!/^\s$/u.test(char) && (flattenName(text) !== text) !== unsafe)
        mismatched.push(`email ${hex(code)}`);
    }
    expect(mismatched).toEqual([]);
  });

  it('flattens each unsafe character to a space, including U+061C and U+2029', () => {
    for (const char of [
      '\x00',
      '\x1b',
      '\x7f',
      '\x85',
      '\x9b',
      '\u061c',
      '\u200b',
      '\u200f',
      '\u2060',
      '\ufeff',
      '\u202e',
      '\u2069',
      '\u2029',
    ]) {
      expect(flattenName(`a${char}b`), hex(char.codePointAt(0) ?? 0)).toBe('a b');
    }
  });
});

describe('the plain-ASCII fast path', () => {
  it('never lets an unsafe character through: no unsafe character is plain ASCII', () => {
    const leaks: string[] = [];
    for (const { code, char } of everyCodePoint()) {
      if (isPlainAscii(`a${char}b`) && isOneMatch(UNSAFE_CHARACTERS, char)) leaks.push(hex(code));
    }
    expect(leaks).toEqual([]);
  });
});

describe('the blank letters', () => {
  it('flatten a name of Hangul fillers or blank Braille cells to no name, so the subject names the id', () => {
    // A joiner or a selector between blank letters joins or selects nothing: no name either.
    for (const blank of [
      '\u3164',
      '\u3164\u3164',
      '\u2800',
      '\uffa0 \u115f\u1160',
      '\u3164\u200d\u3164',
      '\uffa0\u200c\u3164',
      '\u3164\ufe0f',
      '\u17b4',
    ]) {
      expect(flattenName(blank), JSON.stringify(blank)).toBeUndefined();
      const event = sampleEvent('deleted-expired', 'cred-9', { displayName: blank });
      for (const charset of ['ascii', 'unicode'] as const)
        expect(digestSubject([event], SAMPLE_NOW, 1, 1, charset)).toBe(
          'API credential "cred-9" was deleted (expired)',
        );
    }
  });

  it('a name of combining marks only, or of unassigned ignorable code points, is no name either; an id shows as is', () => {
    for (const blank of ['\u0300', '\u0301\u034f', ' \u0300 ', '\u2065', '\u{e0000}\ufff0']) {
      expect(plainName(blank), JSON.stringify(blank)).toBeUndefined();
      const event = sampleEvent('deleted-expired', 'cred-9', { displayName: blank });
      for (const charset of ['ascii', 'unicode'] as const)
        expect(digestSubject([event], SAMPLE_NOW, 1, 1, charset)).toBe(
          'API credential "cred-9" was deleted (expired)',
        );
    }
    expect(plainValue('\u0300')).toBe('\u0300');
    expect(plainName('e\u0301')).toBe('e\u0301');
    expect(terminalText('bob\u2065')).toBe('bob\\u2065');
  });

  it('show as escapes in a terminal, beside the name around them', () => {
    expect(terminalText('a\u3164b\u2800c')).toBe('a\\u3164b\\u2800c');
    expect(flattenName('Key\u3164one')).toBe('Key one');
  });
});
