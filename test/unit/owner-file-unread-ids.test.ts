/**
 * The `userId` the owner file reader (`cli/use-cases/owner-file.ts`) still
 * reads from a line it refuses whole, so the import can name a later repeat
 * of it as a duplicate (docs/deploy.md, "Owner directory", "Every row is
 * checked"): a CSV line with the wrong number of fields, by its `userId`
 * column. Any other line refused whole (not UTF-8, not JSON, no JSON object,
 * JSON that repeats a key) yields none.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerFileFormat } from '../../cli/use-cases/owner-file';
import { ownerFileRows } from '../support/owner-file-rows';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owner-file-unread-ids');

const readAll = (name: string, bytes: string | Buffer, format: OwnerFileFormat) =>
  ownerFileRows(tempDir(), name, bytes, format);

/** The `userId` read from each refused line, by line (`undefined`: none). */
async function unreadIds(name: string, bytes: string | Buffer, format: OwnerFileFormat) {
  const ids = new Map<number, string | undefined>();
  for (const row of await readAll(name, bytes, format)) if ('problem' in row) ids.set(row.line, row.userId);
  return ids;
}

describe('readOwnerFile: the userId of a CSV line with the wrong number of fields', () => {
  it('is its userId column when the line reaches it, in any column order', async () => {
    const text =
      'email,userId,name,status\n' +
      'a@example.com,u1,A,active,extra\n' + // too many
      'b@example.com,u2,B\n' + // too few, reaching the column
      'c@example.com\n' + // too few, not reaching it
      'd@example.com,,D\n' + // an empty value is read as it is (never compared)
      'e@example.com,  u5  ,E\n'; // trimmed, as every field is
    expect(await unreadIds('fields.csv', text, 'csv')).toEqual(
      new Map([
        [2, 'u1'],
        [3, 'u2'],
        [4, undefined],
        [5, ''],
        [6, 'u5'],
      ]),
    );
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
