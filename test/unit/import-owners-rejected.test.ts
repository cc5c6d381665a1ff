/**
 * `importOwnerFile` refuses a bad file in one pass, before any DynamoDB call
 * (cli/use-cases/import-owners.ts): every bad row in line order (a repeat of
 * an id whose first line is itself bad included; a CSV line with the wrong
 * number of fields compared by none of its columns), a bad CSV header counted as
 * no row, a file with no rows refused as such (`noRows`), with or without
 * `--sync`, and a file with more bad rows than `MAX_LISTED_REJECTED_ROWS`
 * listing that many, counting them all (`rejectedRowCount`). Its check
 * (`checkOwnerFile`) keeps no owners once a row is rejected.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { checkOwnerFile, importOwnerFile, MAX_LISTED_REJECTED_ROWS } from '../../cli/use-cases/import-owners';
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

    expect(summary).toMatchObject({ outcome: 'rejected', rows: 3, rejectedRowCount: 2 });
    expect(summary.rejectedRows).toEqual([
      { line: 2, userId: 'u1', problems: ['status: "Active" must be one of active, departed'] },
      { line: 3, userId: 'u1', problems: ['userId: duplicate of line 2'] },
    ]);
    expect(summary.noRows).toBeUndefined();
  });

  it('compares no column of a CSV line with the wrong number of fields: its userId column may be shifted', async () => {
    // "Smith, jane" unquoted: the name's second half lands in the userId column, equal to line 3's userId.
    const summary = await importText(
      'shifted.csv',
      'name,userId,email,status\n' +
        'Smith, jane,jsmith,jsmith@example.com,active\n' +
        'Jane Doe,jane,jane@example.com,active\n' +
        'Doe, jane,jdoe,jdoe@example.com,active\n',
    );

    expect(summary).toMatchObject({ outcome: 'rejected', rows: 3 });
    // Line 3 is no "duplicate of line 2", nor line 4 of line 2 or 3: only the field counts are named.
    expect(summary.rejectedRows).toEqual([
      { line: 2, userId: null, problems: ['has 5 field(s), the header has 4'] },
      { line: 4, userId: null, problems: ['has 5 field(s), the header has 4'] },
    ]);
  });

  it(`lists the first ${MAX_LISTED_REJECTED_ROWS} bad rows and counts them all, still refusing the file`, async () => {
    const bad = MAX_LISTED_REJECTED_ROWS + 7;
    const lines = Array.from({ length: bad }, (_, i) => `u${i},u${i}@example.com,N,Active`);
    // A good row after them changes nothing: the file is refused whole.
    const summary = await importText(
      'all-bad.csv',
      `userId,email,name,status\n${lines.join('\n')}\nok,ok@example.com,Ok,active\n`,
    );

    expect(summary).toMatchObject({ outcome: 'rejected', rows: bad + 1, rejectedRowCount: bad });
    expect(summary.rejectedRows.map((row) => row.line)).toEqual(
      Array.from({ length: MAX_LISTED_REJECTED_ROWS }, (_, i) => i + 2),
    );
    expect(summary.noRows).toBeUndefined();
  });

  it.each([
    ['an empty CSV', 'empty.csv', ''],
    ['a CSV header alone', 'header.csv', 'userId,email,name,status\r\n'],
    ['an empty JSON Lines file', 'empty.jsonl', ''],
  ])('refuses %s as a file with no rows, --sync or not', async (_what, name, text) => {
    for (const sync of [false, true]) {
      const summary = await importText(name, text, sync);
      expect(summary).toMatchObject({
        outcome: 'rejected',
        noRows: true,
        rows: 0,
        rejectedRows: [],
        rejectedRowCount: 0,
      });
      expect(summary.markedDeparted).toBe(0);
    }
  });

  it('counts a bad CSV header as no row, and marks it as the header', async () => {
    const summary = await importText('wrong-header.csv', 'id,mail\nann,ann@example.com\n');

    expect(summary).toMatchObject({ outcome: 'rejected', rows: 0, rejectedRowCount: 1 });
    expect(summary.rejectedRows).toEqual([
      { line: 1, userId: null, problems: [expect.stringMatching(/^header: unknown column/)], header: true },
    ]);
    expect(summary.noRows).toBeUndefined();
  });
});

describe('checkOwnerFile: a file that will be refused holds no owners', () => {
  const HEADER = 'userId,email,name,status\n';
  const good = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `u${from + i},u${from + i}@example.com,N,active\n`).join('');

  async function check(name: string, text: string) {
    const file = join(tempDir(), name);
    await writeFile(file, text);
    return checkOwnerFile(file, 'csv');
  }

  it('keeps the owners of a clean file, in line order', async () => {
    const checked = await check('clean.csv', `${HEADER}${good(0, 3)}`);

    expect(checked).toMatchObject({ rows: 3, rejectedCount: 0, rejected: [] });
    expect(checked.owners?.map((owner) => owner.userId)).toEqual(['u0', 'u1', 'u2']);
  });

  it.each([
    ['before the good rows', `${HEADER}bad,bad@example.com,B,Active\n${good(0, 20)}`, 2],
    ['among them', `${HEADER}${good(0, 10)}bad,bad@example.com,B,Active\n${good(10, 10)}`, 12],
    ['after them', `${HEADER}${good(0, 20)}bad,bad@example.com,B,Active\n`, 22],
  ])('keeps none once a row is rejected (%s), still counting every row', async (_where, text, line) => {
    const checked = await check('one-bad.csv', text);

    expect(checked.owners).toBeUndefined();
    expect(checked).toMatchObject({ rows: 21, rejectedCount: 1 });
    expect(checked.rejected.map((row) => row.line)).toEqual([line]);
  });

  it("still names a later repeat of a good row's id after a rejected row", async () => {
    const checked = await check(
      'repeat-after-bad.csv',
      `${HEADER}u1,a@example.com,A,active\nbad,bad@example.com,B,Active\nu1,c@example.com,C,active\n`,
    );

    expect(checked.owners).toBeUndefined();
    expect(checked.rejected).toEqual([
      { line: 3, userId: 'bad', problems: ['status: "Active" must be one of active, departed'] },
      { line: 4, userId: 'u1', problems: ['userId: duplicate of line 2'] },
    ]);
  });
});
