/**
 * The owner file reader (`cli/use-cases/owner-file.ts`) reads no `userId`
 * from a line it refuses whole, so the import never compares it for
 * duplicates (docs/deploy.md, "Owner directory", "Every row is checked"):
 * which id it states would be a guess. That includes a CSV line with the
 * wrong number of fields, whose columns an unquoted comma may have shifted,
 * as well as a line that is not UTF-8, not JSON, no JSON object, or JSON
 * that repeats a key.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerFileFormat } from '../../cli/use-cases/owner-file';
import { ownerFileRows } from '../support/owner-file-rows';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owner-file-unread-ids');

const readAll = (name: string, bytes: string | Buffer, format: OwnerFileFormat) =>
  ownerFileRows(tempDir(), name, bytes, format);

describe('readOwnerFile: a CSV line with the wrong number of fields', () => {
  it('yields its field count alone, no userId, whether or not the line reaches that column', async () => {
    const text =
      'email,userId,name,status\n' +
      'a@example.com,u1,A,active,extra\n' + // too many
      'b@example.com,u2,B\n' + // too few, reaching the column
      'c@example.com\n'; // too few, not reaching it
    expect(await readAll('fields.csv', text, 'csv')).toStrictEqual([
      { line: 2, problem: 'has 5 field(s), the header has 4' },
      { line: 3, problem: 'has 3 field(s), the header has 4' },
      { line: 4, problem: 'has 1 field(s), the header has 4' },
    ]);
  });

  it('is not read from a line that is not UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('userId,email,name,status\n'),
      Buffer.from('u1,a@example.com,Jos\xe9,active,extra\n', 'latin1'),
    ]);
    expect(await readAll('latin1.csv', bytes, 'csv')).toEqual([
      { line: 2, problem: 'is not valid UTF-8 (save the file as UTF-8)' },
    ]);
  });
});

describe('readOwnerFile: a JSON line refused whole', () => {
  it('yields no userId, even one its repeated key agrees on: which id it states would be a guess', async () => {
    const rows = await readAll(
      'same.jsonl',
      '{"userId":"u1","userId":"u1","email":"a@example.com","status":"active"}\n',
      'jsonl',
    );
    expect(rows).toEqual([
      {
        line: 1,
        problem: expect.stringMatching(/^is ambiguous JSON: the key "userId" appears more than once/),
      },
    ]);
  });
});
