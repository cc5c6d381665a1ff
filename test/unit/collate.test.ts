/**
 * `collate` (lambdas/hygiene/collate.ts) orders strings exactly as
 * `localeCompare` does, for any strings: the digest's order and the sweep's
 * per-owner counts must not change with the shortcut.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collate } from '../../lambdas/hygiene/collate';

/** Strings over a few characters of each kind the collation treats differently, sharing prefixes often. */
const collationText = fc.string({
  unit: fc.constantFrom(
    '0',
    '7',
    '9',
    'a',
    'b',
    'z',
    'A',
    'B',
    'Z',
    '-',
    ':',
    '.',
    '_',
    ' ',
    '\u0000',
    '\t',
    'é',
    'e\u0301',
  ),
  maxLength: 8,
});

describe('collate', () => {
  it('has the sign of localeCompare for any two strings', () => {
    fc.assert(
      fc.property(collationText, collationText, collationText, (prefix, a, b) => {
        for (const [x, y] of [
          [prefix + a, prefix + b],
          [a, a + b],
          [a.toUpperCase(), a],
        ] as const) {
          expect(Math.sign(collate(x, y))).toBe(Math.sign(x.localeCompare(y)));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('orders stored ids and instants as localeCompare does', () => {
    const cases: [string, string][] = [
      ['292rik6ag6YZQF6rJW0hpKJm42h', '292rik6ag6yZQF6rJW0hpKJm42h'],
      ['2Abc', '2abd'],
      ['pc-1', 'pc-10'],
      ['2026-12-05T16:23:02.477Z', '2026-12-05T16:23:02.478Z'],
      ['expiry-warning:2026-12-05T16:23:02.477Z:30', 'expiry-warning:2026-12-05T16:23:02.477Z:7'],
      ['stale-warning:x', 'expiry-warning:x'],
    ];
    for (const [a, b] of cases) {
      expect(Math.sign(collate(a, b))).toBe(Math.sign(a.localeCompare(b)));
      expect(Math.sign(collate(b, a))).toBe(Math.sign(b.localeCompare(a)));
    }
  });
});
