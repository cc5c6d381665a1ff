/**
 * What the owner file reader (`cli/use-cases/owner-file.ts`) tells of a CSV
 * column: an empty header column (a trailing comma) by its number, not as an
 * invisible empty name; and the field a csv-parse error names (counted from
 * 0) as the column, from 1, with its header name.
 */
import { describe, expect, it } from 'vitest';
import { csvHeaderProblem } from '../../cli/use-cases/owner-file';
import { ownerFileRows } from '../support/owner-file-rows';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owner-file-messages');
const HEADER = 'userId,email,name,status';

describe('a CSV header with an empty column', () => {
  it('names a trailing comma’s column by its number', () => {
    expect(csvHeaderProblem(['userId', 'email', 'name', 'status', ''])).toBe(
      'header: unknown column(s) (empty column 5) (expected userId,email,name,status, in any order)',
    );
  });

  it('names each empty column apart, and calls none of them repeated', () => {
    expect(csvHeaderProblem(['userId', '', 'email', 'name', 'status', ''])).toBe(
      'header: unknown column(s) (empty column 2), (empty column 6) (expected userId,email,name,status, in any order)',
    );
  });

  it('is the file’s problem as read', async () => {
    expect(
      await ownerFileRows(tempDir(), 'trailing.csv', `${HEADER},\nu1,a@example.com,A,active,\n`, 'csv'),
    ).toEqual([
      {
        line: 1,
        problem: expect.stringMatching(/^header: unknown column\(s\) \(empty column 5\) \(expected/),
        header: true,
      },
    ]);
  });
});

describe('a stray quote inside a CSV field', () => {
  it('names the column from 1, with its name, not csv-parse’s field counted from 0', async () => {
    const text = `${HEADER}\nu1,a@example.com,A,active\nu2,b@exa"mple.com,B,active\n`;

    const rows = await ownerFileRows(tempDir(), 'stray-quote.csv', text, 'csv');

    expect(rows[1]).toEqual({
      line: 3,
      problem:
        'is not valid CSV (Invalid Opening Quote: a quote is found in column 2 (email) at line 3, value is "b@exa")',
    });
  });

  it('names the column by its number alone in the header', async () => {
    const rows = await ownerFileRows(
      tempDir(),
      'stray-quote-header.csv',
      'userId,em"ail,name,status\n',
      'csv',
    );

    expect(rows).toEqual([
      {
        line: 1,
        problem:
          'is not valid CSV (Invalid Opening Quote: a quote is found in column 2 at line 1, value is "em")',
        header: true,
      },
    ]);
  });
});
