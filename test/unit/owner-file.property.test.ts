/**
 * The owner file reader is a real CSV parser (csv-parse): any owner list
 * written as RFC 4180 CSV — names with commas, quotes, line breaks (LF, CRLF
 * or a lone CR, each one line end, as `utf8Lines` counts them), non-ASCII, a
 * BOM, CRLF or LF, blank lines between rows — reads back field for field,
 * each row named by the line it starts on; and JSON Lines likewise
 * (fast-check).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvHeaderProblem, type OwnerFileRow, readOwnerFile } from '../../cli/use-cases/owner-file';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'owner-file-prop-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Row {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly status: string;
}

/** Text without leading/trailing blanks (the reader trims unquoted whitespace around fields). */
const text = fc
  .string({
    unit: fc.constantFrom('a', 'Z', 'é', '漢', ',', '"', ' ', '\n', '\r\n', '\r', 'x', '-', "'"),
    maxLength: 12,
  })
  .map((s) => s.trim());
const row = fc.record({
  userId: text.filter((s) => s !== ''),
  email: text,
  name: text,
  status: fc.constantFrom('active', 'departed', 'gone'),
});

const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

/** Line ends as the reader counts them: `\r\n`, a lone `\r` and `\n` are one each. */
const lineEnds = (value: string) => value.match(/\r\n|\r|\n/g)?.length ?? 0;

async function readAll(file: string, format: 'csv' | 'jsonl'): Promise<OwnerFileRow[]> {
  const rows: OwnerFileRow[] = [];
  for await (const r of readOwnerFile(file, format)) rows.push(r);
  return rows;
}

let n = 0;
describe('readOwnerFile (fast-check)', () => {
  it('reads back any CSV-encoded owners, with the line each row starts on', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(row, fc.constantFrom(undefined, '', ' ', '\t')), { maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        async (rowsAndBlanks, bom, crlf) => {
          const eol = crlf ? '\r\n' : '\n';
          const rows = rowsAndBlanks.map(([r]) => r);
          // Before each row, a blank line (empty, or a space or tab) or none: the reader skips them.
          const blankBefore = rowsAndBlanks.map(([, blank]) => (blank === undefined ? '' : `${blank}${eol}`));
          const lines = rows.map(
            (r: Row, i) => `${blankBefore[i]}${[r.userId, r.email, r.name, r.status].map(quote).join(',')}`,
          );
          const file = join(dir, `owners-${n++}.csv`);
          await writeFile(
            file,
            `${bom ? '\uFEFF' : ''}userId,email,name,status${eol}${lines.join(eol)}${eol}`,
          );

          const read = await readAll(file, 'csv');

          let line = 2;
          expect(read).toEqual(
            rows.map((r: Row, i) => {
              line += lineEnds(blankBefore[i] ?? '');
              const expected = { line, fields: { ...r } };
              line += 1 + lineEnds(`${r.userId}${r.email}${r.name}`);
              return expected;
            }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads back any JSON Lines owners', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 8 }), async (rows) => {
        const file = join(dir, `owners-${n++}.jsonl`);
        await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n'));
        expect(await readAll(file, 'jsonl')).toEqual(rows.map((r, i) => ({ line: i + 1, fields: r })));
      }),
      { numRuns: 50 },
    );
  });
});

describe('csvHeaderProblem', () => {
  it('accepts the four columns in any order, names unknown, missing and repeated ones', () => {
    expect(csvHeaderProblem(['status', 'name', 'email', 'userId'])).toBeUndefined();
    expect(csvHeaderProblem(['userId', 'userId', 'mail', 'status'])).toBe(
      'header: unknown column(s) mail; missing column(s) email, name; repeated column(s) userId (expected userId,email,name,status, in any order)',
    );
  });
});
