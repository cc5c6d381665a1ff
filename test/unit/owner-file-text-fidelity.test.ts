/**
 * An owner export is imported with exactly its text or not at all: a CSV
 * line whose bytes are not UTF-8 (a Latin-1 export) is refused by its line
 * instead of being read with U+FFFD in place of the bad bytes, and a JSON
 * Lines row whose string holds a lone UTF-16 surrogate (which DynamoDB would
 * store as U+FFFD) is refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { checkOwnerRow } from '../../lambdas/hygiene/owner-import-rows';
import { ownerFileRows } from '../support/owner-file-rows';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owner-file-fidelity');

const readAll = (name: string, bytes: Buffer, format: 'csv' | 'jsonl') =>
  ownerFileRows(tempDir(), name, bytes, format);

const NOT_UTF8 = 'is not valid UTF-8 (save the file as UTF-8)';

describe('owner files: bytes that are not UTF-8', () => {
  it('refuses a CSV record on a Latin-1 line by its line, and reads the others', async () => {
    const bytes = Buffer.concat([
      Buffer.from('userId,email,name,status\nu1,a@example.com,Ann,active\n'),
      Buffer.from('u2,b@example.com,Caf\xe9,active\n', 'latin1'),
      Buffer.from('u3,c@example.com,"Multi\n'),
      Buffer.from('line \xe9",active\n', 'latin1'),
      Buffer.from('u4,d@example.com,Café,active\n'),
    ]);
    expect(await readAll('latin1.csv', bytes, 'csv')).toEqual([
      { line: 2, fields: { userId: 'u1', email: 'a@example.com', name: 'Ann', status: 'active' } },
      { line: 3, problem: NOT_UTF8 },
      { line: 4, problem: NOT_UTF8 },
      { line: 6, fields: { userId: 'u4', email: 'd@example.com', name: 'Café', status: 'active' } },
    ]);
  });

  it('refuses a CSV file whose header line is not UTF-8, and reads no row', async () => {
    const bytes = Buffer.from('userId,email,n\xe4me,status\nu1,a@example.com,Ann,active\n', 'latin1');
    expect(await readAll('latin1-header.csv', bytes, 'csv')).toEqual([
      { line: 1, problem: NOT_UTF8, header: true },
    ]);
  });
});

describe('owner files: lone surrogates', () => {
  it('refuses a JSON Lines row whose name holds a lone surrogate, naming the field', async () => {
    const lines = [
      '{"userId":"u1","email":"a@example.com","name":"Ann \\ud83d\\ude00","status":"active"}',
      '{"userId":"u2","email":"b@example.com","name":"Bo\\ud800b","status":"active"}',
    ];
    const rows = await readAll('surrogates.jsonl', Buffer.from(`${lines.join('\n')}\n`), 'jsonl');
    const checked = rows.map((row) => ('fields' in row ? checkOwnerRow(row, new Map()) : row));
    expect(checked[0]).toEqual({
      owner: { userId: 'u1', email: 'a@example.com', name: 'Ann 😀', status: 'active' },
    });
    expect(checked[1]).toEqual({
      rejected: {
        line: 2,
        userId: 'u2',
        problems: [
          expect.stringMatching(/^name: the text has a lone UTF-16 surrogate \(\\ud800 at character 2\)/),
        ],
      },
    });
  });
});
