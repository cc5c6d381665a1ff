/**
 * The one layout of the text tables (lambdas/render/aligned-rows.ts): the run
 * summary's, the posture report's and the CLI's listings all build on it, so
 * its rules are pinned here once — columns two spaces apart, text at the
 * left and numbers at the right, a wider cell kept whole, no trailing spaces,
 * and widths found without spreading every row into `Math.max`.
 */
import { describe, expect, it } from 'vitest';
import { alignedLine, alignedRows } from '../../lambdas/render/aligned-rows';

describe('alignedRows', () => {
  it('pads every column to its widest cell, two spaces apart, left-aligned by default', () => {
    expect(
      alignedRows([
        ['ID', 'OWNER', 'RULE'],
        ['a-1', 'ann', 'expired'],
        ['b-22222', '-', 'stale'],
      ]),
    ).toEqual(['ID       OWNER  RULE', 'a-1      ann    expired', 'b-22222  -      stale']);
  });

  it('right-aligns the columns after the first `leftAligned` (numbers), and ends no line in spaces', () => {
    expect(
      alignedRows(
        [
          ['ACTION', 'PLANNED', 'APPLIED'],
          ['delete-expired', '7', '12'],
          ['flag-stale', '1234', ''],
        ],
        { leftAligned: 1 },
      ),
    ).toEqual([
      'ACTION          PLANNED  APPLIED',
      'delete-expired        7       12',
      'flag-stale         1234',
    ]);
  });

  it('keeps a column at least its `minWidths` wide', () => {
    expect(
      alignedRows(
        [
          ['active', '10', ''],
          ['stale', '3', '30.0%'],
        ],
        { leftAligned: 1, minWidths: [0, 0, 6] },
      ),
    ).toEqual(['active  10', 'stale    3   30.0%']);
  });

  it('lays out rows of different lengths, each column as wide as the cells it has', () => {
    expect(alignedRows([['a', 'bb', 'c'], ['dddd'], ['e', 'f']], { leftAligned: 1 })).toEqual([
      'a     bb  c',
      'dddd',
      'e      f',
    ]);
  });

  it('keeps trailing spaces off a line whose last cells are empty', () => {
    expect(
      alignedRows([
        ['NAME', 'NOTE'],
        ['ann', ''],
        ['bob ', ''],
      ]),
    ).toEqual(['NAME  NOTE', 'ann', 'bob']);
  });

  it('lays out more rows than a call may take arguments (no `Math.max(...rows)`)', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [String(i), 'x']);
    const lines = alignedRows(rows, { leftAligned: 1 });
    expect(lines).toHaveLength(200_000);
    expect(lines[0]).toBe('0       x');
    expect(lines.at(-1)).toBe('199999  x');
  });
});

describe('alignedLine, and the widths alignedRows finds', () => {
  it('prints a cell wider than its fixed column whole, shifting the rest of its row', () => {
    expect(alignedLine(['a-very-long-id', 'ann'], [4, 5])).toBe('a-very-long-id  ann');
    expect(alignedLine(['id', 'ann'], [4, 5])).toBe('id    ann');
  });

  it('makes each column as wide as its widest cell, or its least width', () => {
    expect(
      alignedRows([
        ['abc', 'd'],
        ['e', 'fghij', 'k'],
      ]),
    ).toEqual(['abc  d', 'e    fghij  k']);
    expect(alignedRows([['a', 'b']], { leftAligned: 1, minWidths: [4, 2] })).toEqual(['a      b']);
    expect(alignedRows([])).toEqual([]);
  });
});
