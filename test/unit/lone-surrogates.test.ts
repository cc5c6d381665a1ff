/**
 * `loneSurrogateProblems` (lambdas/hygiene/lone-surrogates.ts) says where the
 * first lone surrogate is as a character count: code points, a surrogate pair
 * (an emoji) counting as one character, not two UTF-16 code units.
 */
import { describe, expect, it } from 'vitest';
import { loneSurrogateProblems } from '../../lambdas/hygiene/lone-surrogates';

const STORES =
  'which DynamoDB would store as U+FFFD (write the whole character, as a surrogate pair, or remove it)';

describe('lone surrogate positions', () => {
  it('counts an emoji before the lone surrogate as one character', () => {
    expect(loneSurrogateProblems({ displayName: '😀😀\ud800x' })).toEqual([
      `displayName: the text has a lone UTF-16 surrogate (\\ud800 at character 2), ${STORES}`,
    ]);
  });

  it('counts characters from 0, in values and attribute names alike', () => {
    expect(loneSurrogateProblems({ a: '\udc00', 'é😀\ud83d': 'ok' })).toEqual([
      `a: the text has a lone UTF-16 surrogate (\\udc00 at character 0), ${STORES}`,
      `"é😀\\ud83d": the attribute name has a lone UTF-16 surrogate (\\ud83d at character 2), ${STORES}`,
    ]);
  });

  it('names only the first lone surrogate of a text, after pairs and earlier plain characters', () => {
    expect(loneSurrogateProblems('ab😀c\udc00\ud800')).toEqual([
      `(record): the text has a lone UTF-16 surrogate (\\udc00 at character 4), ${STORES}`,
    ]);
  });
});
