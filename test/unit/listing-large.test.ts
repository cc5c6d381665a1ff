/**
 * Listings as long as a table (`cli/format/listing.ts`, `cli/format/category-listing.ts`):
 * the aligned table of 200,000 rows (a spread of every row into `Math.max`
 * overflowed the call stack there), and `report --list`'s streamed forms,
 * written a page at a time, giving what one whole rendering gave.
 */
import { describe, expect, it } from 'vitest';
import { categoryListing } from '../../cli/format/category-listing';
import { listingCsv, listingTable, streamingListingTable } from '../../cli/format/listing';
import type { ListedCredential } from '../../cli/use-cases/report-table';

describe('listingTable', () => {
  it('lists 200,000 rows, each column as wide as its widest cell', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [
      `id-${i}`,
      i === 123_456 ? 'a-long-owner' : 'o',
      i,
    ]);

    const text = listingTable(['id', 'owner', 'n'], rows);

    const lines = text.split('\n');
    expect(lines).toHaveLength(200_002);
    expect(lines[0]).toBe('id         owner         n');
    expect(lines[1]).toBe('id-0       o             0');
    expect(lines[123_457]).toBe('id-123456  a-long-owner  123456');
  });
});

describe('streamingListingTable', () => {
  it('pads to fixed widths and prints a wider cell whole', () => {
    const table = streamingListingTable([
      { header: 'id', width: 4 },
      { header: 'owner', width: 3 },
      { header: 'rest', width: 0 },
    ]);
    expect(table.header).toBe('id    owner  rest\n');
    expect(
      table.rows([
        ['a', 'b', 'c'],
        ['a-long-id', undefined, 'x\u001b'],
      ]),
    ).toBe('a     b      c\na-long-id  -      x\\x1b\n');
  });
});

describe('report --list, streamed', () => {
  const rows: ListedCredential[] = [
    { id: 'a', userId: 'u', expiresTime: '2026-01-01T00:00:00.000Z' },
    { id: 'b\u202e', problems: ['x: bad', 'y: worse'] },
    { id: 'c', userId: 'u', displayName: 'name' },
  ];
  const streamed = (format: 'table' | 'json' | 'csv', pages: ListedCredential[][]) => {
    const listing = categoryListing(format);
    return listing.start() + pages.map((page) => listing.rows(page)).join('') + listing.end();
  };

  it('writes JSON that reads back as the rows, however the pages fall', () => {
    for (const pages of [[rows], [[rows[0]!], [], [rows[1]!, rows[2]!]], [[], []]]) {
      const text = streamed('json', pages);
      expect(JSON.parse(text)).toEqual(pages.flat());
      expect(text).toBe(`${JSON.stringify(pages.flat(), null, 2).replace('\u202e', '\\u202e')}\n`);
    }
  });

  it('writes CSV as the whole listing would, and a table ending with the count', () => {
    const header = [
      'id',
      'owner',
      'displayName',
      'expiresTime',
      'lastUsedAt',
      'createdAt',
      'deletedAt',
      'problems',
    ];
    expect(streamed('csv', [[rows[0]!], [rows[1]!, rows[2]!]])).toBe(
      listingCsv(header, [
        ['a', 'u', undefined, '2026-01-01T00:00:00.000Z', undefined, undefined, undefined, undefined],
        ['b\u202e', undefined, undefined, undefined, undefined, undefined, undefined, 'x: bad; y: worse'],
        ['c', 'u', 'name', undefined, undefined, undefined, undefined, undefined],
      ]),
    );
    const table = streamed('table', [[rows[0]!], [rows[1]!, rows[2]!]]).split('\n');
    expect(table[0]).toMatch(/^ID {27}OWNER {24}DISPLAY NAME {14}EXPIRES /);
    expect(table[2]).toMatch(/^b\\u202e {22}- /);
    expect(table.at(-2)).toBe('3 credential(s)');
  });
});
