/**
 * An owner CSV with more than the line cap (`MAX_LINE_BYTES`) in one place
 * (`cli/use-cases/owner-file.ts`): a header line over the cap is the file's
 * problem; a record over the cap spread over many lines of a quoted field
 * (no one line over it) is stopped by csv-parse's `max_record_size`, named by
 * the line it starts on, never read whole.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from '../../cli/utf8-lines';
import { ownerFileRows } from '../support/owner-file-rows';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owner-file-overlong');

const readCsv = (name: string, text: string) => ownerFileRows(tempDir(), name, text, 'csv');

describe('owner CSV over the line cap', () => {
  it('a header line over the cap: the file refused by line 1, no row read', async () => {
    const rows = await readCsv(
      'long-header.csv',
      `userId,email,name,status${','.repeat(MAX_LINE_BYTES)}\nu1,a@example.com,Ann,active\n`,
    );

    expect(rows).toEqual([
      {
        line: 1,
        problem: expect.stringMatching(/^is too long: 4,194,328 bytes, over the 4,194,304 a line may have/),
        header: true,
      },
    ]);
  });

  it('a quoted field over the cap across many lines: named by its first line, the parse stopped there', async () => {
    const manyLines = `${'x'.repeat(1023)}\n`.repeat(MAX_LINE_BYTES / 1024 + 1);
    const rows = await readCsv(
      'long-record.csv',
      `userId,email,name,status\nu1,a@example.com,Ann,active\nu2,b@example.com,"${manyLines}",active\nu3,c@example.com,Cid,active\n`,
    );

    expect(rows).toEqual([
      { line: 2, fields: { userId: 'u1', email: 'a@example.com', name: 'Ann', status: 'active' } },
      {
        line: 3,
        problem: expect.stringMatching(
          /^is too long: a record over several lines .* not read, nor the rows after it$/,
        ),
      },
    ]);
  });
});
