/**
 * `importOwnerFile` refuses a bad file in one pass, before any DynamoDB call
 * (cli/use-cases/import-owners.ts): every bad row in line order (a repeat of
 * an id whose first line is itself bad included, even one refused before its
 * fields are checked), a bad CSV header counted as
 * no row, and a file with no rows refused as such (`noRows`), with or without
 * `--sync`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('import-owners-rejected');

/** A client no refused import may use. */
const noDynamoDb = {
  send: () => {
    throw new Error('a refused file must not reach DynamoDB');
  },
} as unknown as DynamoDBDocumentClient;

async function importText(name: string, text: string, sync = false) {
  const file = join(tempDir(), name);
  await writeFile(file, text);
  return importOwnerFile(noDynamoDb, {
    table: 'owners',
    file,
    asOf: '2026-11-30T00:00:00.000Z',
    now: '2026-12-01T00:00:00.000Z',
    sync,
    maxDeletePercent: 10,
  });
}

describe('importOwnerFile refusing a file', () => {
  it('names a bad row and the later repeat of its id in one pass, in line order', async () => {
    const summary = await importText(
      'dup-of-bad.csv',
      'userId,email,name,status\nu1,a@example.com,A,Active\nu1,x@example.com,Dup,active\nu2,b@example.com,B,active\n',
    );

    expect(summary).toMatchObject({ outcome: 'rejected', rows: 3 });
    expect(summary.rejectedRows).toEqual([
      { line: 2, userId: 'u1', problems: ['status: "Active" must be one of active, departed'] },
      { line: 3, userId: 'u1', problems: ['userId: duplicate of line 2'] },
    ]);
    expect(summary.noRows).toBeUndefined();
  });

  it.each([
    [
      'a CSV line with the wrong number of fields',
      'fields.csv',
      'userId,email,name,status\nu1,a@example.com,A,active,extra\nu1,b@example.com,B,active\n',
      'has 5 field(s), the header has 4',
      2,
    ],
  ])(
    'names a repeat of the id of %s, a line refused before its fields are checked',
    async (_what, name, text, problem, first) => {
      const summary = await importText(name, text);

      expect(summary).toMatchObject({ outcome: 'rejected', rows: 2 });
      expect(summary.rejectedRows).toEqual([
        { line: first, userId: 'u1', problems: [problem] },
        { line: first + 1, userId: 'u1', problems: [`userId: duplicate of line ${first}`] },
      ]);
    },
  );

  it.each([
    ['an empty CSV', 'empty.csv', ''],
    ['a CSV header alone', 'header.csv', 'userId,email,name,status\r\n'],
    ['an empty JSON Lines file', 'empty.jsonl', ''],
  ])('refuses %s as a file with no rows, --sync or not', async (_what, name, text) => {
    for (const sync of [false, true]) {
      const summary = await importText(name, text, sync);
      expect(summary).toMatchObject({ outcome: 'rejected', noRows: true, rows: 0, rejectedRows: [] });
      expect(summary.markedDeparted).toBe(0);
    }
  });

  it('counts a bad CSV header as no row, and marks it as the header', async () => {
    const summary = await importText('wrong-header.csv', 'id,mail\nann,ann@example.com\n');

    expect(summary).toMatchObject({ outcome: 'rejected', rows: 0 });
    expect(summary.rejectedRows).toEqual([
      { line: 1, userId: null, problems: [expect.stringMatching(/^header: unknown column/)], header: true },
    ]);
    expect(summary.noRows).toBeUndefined();
  });
});
