/**
 * subjectText's fast path (a plain ASCII name is used as it is) must give
 * what the full folding gives: a plain name folds to itself, and any text
 * short enough not to be cut comes out as its folding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldToPrintableAscii, subjectText } from '../../lambdas/hygiene/message';
import { printableWord } from '../support/text-arbitraries';

const asciiish = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ' ', '  ', '\t', '\n', '"', '~', 'é', '\u0301', 'ﬁ', '\u202e'),
  maxLength: 40,
});

describe('subjectText', () => {
  it('a plain ASCII name (words, single spaces) folds to itself, so skipping the folding changes nothing', () => {
    fc.assert(
      fc.property(fc.array(printableWord, { minLength: 1, maxLength: 6 }), (words) => {
        const name = words.join(' ');
        expect(foldToPrintableAscii(name)).toBe(name);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns the folding of any text short enough not to be cut', () => {
    fc.assert(
      fc.property(fc.oneof(asciiish, fc.string({ maxLength: 40 })), (text) => {
        expect(subjectText(text, 100)).toBe(foldToPrintableAscii(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves a plain name as it is and still folds one with doubled or edge spaces', () => {
    expect(subjectText('CI deploy key')).toBe('CI deploy key');
    expect(subjectText(' CI  deploy\tkey ')).toBe('CI deploy key');
  });
});
