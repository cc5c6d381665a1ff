/**
 * Where the owner file reader (`cli/use-cases/owner-file.ts`) says a CSV row
 * that is not valid CSV is: on the line the row starts on, counted as the
 * file's lines are (`\n`, `\r\n` and a lone `\r` one line end each), not
 * where csv-parse stopped (an unclosed quote runs to the end of the file, and
 * csv-parse counts a `\r\n` inside a quoted field as two lines); and the rows
 * before it are read and checked, not lost with the parser, nor the error
 * taken for the header's.
 */
import { describe, expect, it } from 'vitest';
import { ownerFileRows } from '../support/owner-file-rows';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owner-file-csv-errors');

const readCsv = (name: string, text: string) => ownerFileRows(tempDir(), name, text, 'csv');

const HEADER = 'userId,email,name,status';
const U1 = { line: 2, fields: { userId: 'u1', email: 'a@example.com', name: 'A', status: 'active' } };

/** The problem of a row whose quoted field opened on `line` is never closed, in a file of `lastLine` lines. */
const unclosed = (line: number, lastLine: number) =>
  `is not valid CSV: a quoted field of the row on line ${line} is not closed, so the rest of the file ` +
  `(to line ${lastLine}) was read into it: no row from line ${line} on was read (close the quote)`;

describe('owner CSV that is not valid CSV', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])(
    'an unclosed quote (%s) is named by the line its row starts on, not the end of the file',
    async (ends, eol) => {
      const lines = [
        HEADER,
        'u1,a@example.com,A,active',
        'u2,"b@example.com,B,active',
        'u3,c@example.com,C,active',
        'u4,d@example.com,D,active',
      ];

      expect(await readCsv(`open-quote-${ends}.csv`, `${lines.join(eol)}${eol}`)).toEqual([
        U1,
        { line: 3, problem: unclosed(3, 5) },
      ]);
    },
  );

  it('counts a CRLF inside an earlier quoted field, and the blank lines before the row, as the file has them', async () => {
    const text =
      `${HEADER}\r\n` +
      'u1,a@example.com,"Ann\r\nSmith",active\r\n' + // lines 2-3
      '\r\n  \r\n' + // lines 4-5, blank
      'u2,"b@example.com,B,active\r\n' + // line 6
      'u3,c@example.com,C,active\r\n'; // line 7

    const rows = await readCsv('crlf-field.csv', text);

    expect(rows).toEqual([
      { line: 2, fields: { userId: 'u1', email: 'a@example.com', name: 'Ann\r\nSmith', status: 'active' } },
      { line: 6, problem: unclosed(6, 7) },
    ]);
  });

  it('reads the rows before another CSV error in the same chunk, and names the error by its own line', async () => {
    const text =
      `${HEADER}\n` +
      'u1,a@example.com,A,active\n' +
      'u2,b@example.com,"B\r\nB",active\n' + // lines 3-4
      'u3,"c"x,C,active\n' + // line 5: text after a closing quote
      'u4,d@example.com,D,active\n';

    const rows = await readCsv('closing-quote.csv', text);

    expect(rows).toEqual([
      U1,
      { line: 3, fields: { userId: 'u2', email: 'b@example.com', name: 'B\r\nB', status: 'active' } },
      {
        line: 5,
        problem: expect.stringMatching(
          /^is not valid CSV \(Invalid Closing Quote: got "x" at line 5 instead of /,
        ),
      },
    ]);
  });
});
