/**
 * The one list-slicing helper every batching caller uses
 * (lambdas/hygiene/chunks.ts): slices in order, none longer than the size,
 * nothing lost or repeated, and a size that would loop forever refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunks } from '../../lambdas/hygiene/chunks';

describe('chunks', () => {
  it('cuts a list into full slices and a shorter last one', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('gives no slices for an empty list and one slice for a short one', () => {
    expect(chunks([], 25)).toEqual([]);
    expect(chunks(['a'], 25)).toEqual([['a']]);
  });

  it('refuses a size that is not a positive integer', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      expect(() => chunks([1], size)).toThrow(/chunk size must be >= 1/);
    }
  });

  it('keeps every entry once, in order, in slices of at most the size', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 30 }), (values, size) => {
        const sliced = chunks(values, size);
        expect(sliced.flat()).toEqual(values);
        expect(sliced.every((slice) => slice.length >= 1 && slice.length <= size)).toBe(true);
        expect(sliced.slice(0, -1).every((slice) => slice.length === size)).toBe(true);
        expect(sliced).toHaveLength(Math.ceil(values.length / size));
      }),
    );
  });
});
