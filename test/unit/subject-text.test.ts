/**
 * subjectText's fast path for plain ASCII names must return exactly what the
 * full folding (NFKD, marks dropped, whitespace collapsed, other characters
 * to `?`, trimmed) returns: checked against that folding spelled out here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subjectText } from '../../lambdas/hygiene/message';

function folded(text: string, maxChars: number): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/gu, '?')
    .trim();
  return ascii.length <= maxChars ? ascii : `${ascii.slice(0, maxChars - 3).trimEnd()}...`;
}

const asciiish = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ' ', '  ', '\t', '\n', '"', '~', 'é', '\u0301', 'ﬁ', '\u202e'),
  maxLength: 40,
});

describe('subjectText', () => {
  it('returns what the full folding returns, for plain ASCII and for everything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(asciiish, fc.string({ maxLength: 40 })),
        fc.integer({ min: 4, max: 100 }),
        (text, max) => {
          expect(subjectText(text, max)).toBe(folded(text, max));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('leaves a plain name as it is and still folds one with doubled or edge spaces', () => {
    expect(subjectText('CI deploy key')).toBe('CI deploy key');
    expect(subjectText(' CI  deploy\tkey ')).toBe('CI deploy key');
  });
});
