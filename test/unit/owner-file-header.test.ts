/**
 * What the owner file reader (`cli/use-cases/owner-file.ts`) yields around a
 * CSV header: a bad or unreadable header is the file's problem (`header`),
 * alone, and no row is read after it; a file with no record at all (empty,
 * blank lines only, a header alone, an empty JSON Lines file) yields nothing,
 * which the import refuses as a file with no rows, never as a "missing
 * header" counted as a row. (A header line that is not UTF-8:
 * owner-file-text-fidelity.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { OwnerFileFormat } from '../../cli/use-cases/owner-file';
import { ownerFileRows } from '../support/owner-file-rows';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owner-file-header');

const readAll = (name: string, bytes: string | Buffer, format: OwnerFileFormat) =>
  ownerFileRows(tempDir(), name, bytes, format);

describe('readOwnerFile and the CSV header', () => {
  it.each([
    ['an empty CSV', 'empty.csv', '', 'csv'],
    ['a CSV of blank lines', 'blank.csv', '\n \r\n\n', 'csv'],
    ['a CSV header alone', 'header.csv', 'userId,email,name,status\n', 'csv'],
    ['an empty JSON Lines file', 'empty.jsonl', '', 'jsonl'],
    ['a JSON Lines file of blank lines', 'blank.jsonl', '\n\n', 'jsonl'],
  ] as const)('%s yields no row and no problem', async (_what, name, text, format) => {
    expect(await readAll(name, text, format)).toEqual([]);
  });

  it('a wrong header is the file problem, alone: no row after it is read', async () => {
    expect(await readAll('wrong.csv', 'id,mail\nann,ann@example.com\n', 'csv')).toEqual([
      { line: 1, problem: expect.stringMatching(/^header: unknown column\(s\) id, mail;/), header: true },
    ]);
  });

  it('a header that is not valid CSV is named once, not also as a missing header', async () => {
    expect(await readAll('open-quote.csv', '"userId,email,name,status\n', 'csv')).toEqual([
      {
        line: 1,
        problem: expect.stringMatching(
          /^is not valid CSV: a quoted field of the row on line 1 is not closed, /,
        ),
        header: true,
      },
    ]);
  });
});
