/**
 * Reads an owner export for `owners import` (docs/deploy.md, "Owner
 * directory"): CSV with a header `userId,email,name,status` (quoted fields,
 * a UTF-8 BOM and CRLF line ends are fine; parsed by `csv-parse`, not split
 * on commas) or JSON Lines with those keys. Yields each row with the physical
 * line it starts on, so a bad row is named by its line; checking the row's
 * values is `checkOwnerRow`'s job (lambdas/hygiene/owner-import-rows.ts). A
 * CSV header that is wrong or cannot be read is yielded as the file's problem
 * (`header`), and nothing after it (the columns are unknown); a file with no
 * record (empty, blank lines only) yields nothing, which the import refuses
 * as a file with no rows (cli/use-cases/import-owners.ts). Both
 * formats refuse a line whose bytes are not UTF-8 by its number, never read
 * it with U+FFFD in their place, and a line longer than `MAX_LINE_BYTES`
 * (4 MiB) by its number, its bytes never held, the rows after it read as usual.
 * A line refused whole yields no `userId` (an `UnreadOwnerRow` has none), so
 * it is never compared for duplicates: which id it states would be a guess.
 * That holds for a CSV line with the wrong number of fields too:
 * an unquoted comma earlier in the line shifts its values, so its `userId`
 * column may hold another field's value (even another row's id, which would
 * name a false "duplicate of line N"); only its field count is reported.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import {
  OWNER_FILE_FIELDS,
  type OwnerRow,
  type UnreadOwnerRow,
} from '../../lambdas/hygiene/owner-import-rows';
import { describeFileError } from '../file-errors';
import { readJsonLines } from '../jsonl';
import { UsageError } from '../usage-error';
import { CR, LF, MAX_LINE_BYTES, type OverlongLine, overlongLineText, utf8Lines } from '../utf8-lines';
import { blankOverlongLines } from './blank-overlong-lines';

/** The two file formats `owners import` reads. */
export const OWNER_FILE_FORMATS = ['csv', 'jsonl'] as const;
export type OwnerFileFormat = (typeof OWNER_FILE_FORMATS)[number];

/**
 * One row of the file, or why a line cannot be read as one. A problem with
 * `header` is the CSV header's (it is wrong, or its line cannot be read):
 * no row of the file is read after it, and it is no row itself.
 */
export type OwnerFileRow = OwnerRow | UnreadOwnerRow;

/**
 * The file's format: by extension (`.csv`; `.jsonl`, `.ndjson`, `.json`),
 * else by its first non-blank character (`{` means JSON Lines).
 * @throws {UsageError} when the file cannot be read
 */
export async function detectOwnerFileFormat(path: string): Promise<OwnerFileFormat> {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (/\.(jsonl|ndjson|json)$/.test(lower)) return 'jsonl';
  let head: string;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(4096);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error: unknown) {
    throw new UsageError(`cannot read owner file ${path}: ${describeFileError(error)}`);
  }
  return head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'jsonl'
    : 'csv';
}

/** Reads the rows of an owner file in either format. */
export function readOwnerFile(path: string, format: OwnerFileFormat): AsyncGenerator<OwnerFileRow> {
  return format === 'csv' ? readOwnerCsv(path) : readOwnerJsonl(path);
}

async function* readOwnerJsonl(path: string): AsyncGenerator<OwnerFileRow> {
  for await (const line of readJsonLines(path)) {
    if (!line.ok) yield { line: line.lineNumber, problem: line.error.replace(/^line \d+ is /, 'is ') };
    else if (line.value === null || typeof line.value !== 'object' || Array.isArray(line.value)) {
      yield { line: line.lineNumber, problem: 'is not a JSON object with userId, email, name, status' };
    } else yield { line: line.lineNumber, fields: line.value as Record<string, unknown> };
  }
}

/**
 * A CSV column as a message names it: its name, or for an empty one (a
 * trailing comma, `,,`) its number, from 1: `(empty column 5)`; an empty
 * name printed as it is would be invisible.
 */
function columnName(header: readonly string[], index: number): string {
  const name = header[index] ?? '';
  return name === '' ? `(empty column ${index + 1})` : name;
}

/** What is wrong with a CSV header, or `undefined` when it names each field once and nothing else. */
export function csvHeaderProblem(header: readonly string[]): string | undefined {
  const expected = OWNER_FILE_FIELDS.join(',');
  const known = (h: string) => (OWNER_FILE_FIELDS as readonly string[]).includes(h);
  const unknown = header.flatMap((h, i) => (known(h) ? [] : [columnName(header, i)]));
  const missing = OWNER_FILE_FIELDS.filter((f) => !header.includes(f));
  // An empty column is named by its number among the unknown ones, each apart: it repeats nothing.
  const repeated = header.filter((h, i) => h !== '' && header.indexOf(h) !== i);
  if (unknown.length + missing.length + repeated.length === 0) return undefined;
  const parts = [
    unknown.length > 0 ? `unknown column(s) ${unknown.join(', ')}` : '',
    missing.length > 0 ? `missing column(s) ${missing.join(', ')}` : '',
    repeated.length > 0 ? `repeated column(s) ${repeated.join(', ')}` : '',
  ].filter((p) => p !== '');
  return `header: ${parts.join('; ')} (expected ${expected}, in any order)`;
}

/** The blank lines csv-parse skips before a record (`skip_empty_lines`, `trim`), at the start of its raw text. */
const BLANK_LINES = /^(?:[ \t]*(?:\r\n|\r|\n))*/;
/** A line end closing a record's raw text: the record's delimiter. */
const CLOSING_LINE_END = /(?:\r\n|\r|\n)$/;

/**
 * The line ends in `text` as `utf8Lines` counts them, so both passes number
 * lines alike: `\n`, and `\r` alone or before `\n`, one each.
 */
function lineEndsIn(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === LF || (char === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/** The lines a CSV record spans, from the first (after the blank lines before it) to the last. */
interface RecordLines {
  readonly first: number;
  readonly last: number;
}

/**
 * Numbers the CSV records csv-parse yields by their raw text: its own count
 * (`info.lines`, an error's `lines`) takes `\r\n` inside a quoted field for
 * two line ends, and an error names the line the parse stopped on (an
 * unclosed quote: the end of the file, past it with CRLF). Each record's raw
 * text runs from where the one before ended (blank lines before it included)
 * to its own end, keeping at least one character of each line end (of a
 * `\r\n` that ends a record or a blank line, the `\r`), so the line ends
 * counted before it place it.
 */
class CsvRecordLines {
  private lineEndsBefore = 0;

  /** The lines of the record whose raw text is `raw`, counted as read. */
  next(raw: string): RecordLines {
    const lines = this.peek(raw);
    this.lineEndsBefore += lineEndsIn(raw);
    return lines;
  }

  /** The lines of the text `raw` after the last record counted (one that stopped the parse), not counted. */
  peek(raw: string): RecordLines {
    const blank = BLANK_LINES.exec(raw)?.[0] ?? '';
    const first = this.lineEndsBefore + lineEndsIn(blank) + 1;
    return { first, last: first + lineEndsIn(raw.slice(blank.length).replace(CLOSING_LINE_END, '')) };
  }
}

/** What a CSV record on bytes that are not UTF-8 is told (csv-parse would read them with U+FFFD in their place). */
const NOT_UTF8 = 'is not valid UTF-8 (save the file as UTF-8)';

/** What a CSV record on a line over the cap is told (the line reached csv-parse as {@link OVERLONG_STAND_IN}). */
function overlongProblem(line: OverlongLine): string {
  return `${overlongLineText(line)} (an owner row takes a few hundred); not read`;
}

/** What csv-parse reads in place of a line over the cap: one field, so its record is found on that line. */
const OVERLONG_STAND_IN = Buffer.from('-');

/**
 * The problem of each line of `path` that cannot be read as it is (by its
 * number, from 1): its bytes are not UTF-8, or it is longer than the cap.
 */
async function lineProblems(path: string): Promise<ReadonlyMap<number, string>> {
  const problems = new Map<number, string>();
  let lineNumber = 0;
  for await (const line of utf8Lines(createReadStream(path))) {
    lineNumber += 1;
    if (line === undefined) problems.set(lineNumber, NOT_UTF8);
    else if (typeof line === 'object') problems.set(lineNumber, overlongProblem(line));
  }
  return problems;
}

/** The problem of the first line from `first` to `last` that has one in `problems`. */
function problemIn(problems: ReadonlyMap<number, string>, first: number, last: number): string | undefined {
  if (problems.size === 0) return undefined;
  for (let line = first; line <= last; line++) {
    const problem = problems.get(line);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Why csv-parse stopped, as the row it stopped at is told: by the line that
 * row starts on (`lines`: {@link CsvRecordLines.peek} of the error's raw
 * text, from the row's start to where the parse stopped). Where the row
 * ends, and the next starts, is not known, so reading stops there. An
 * unclosed quote ran to the end of the file; a record over the cap here
 * spans lines (a quoted field with line breaks; a single line that long
 * never reaches the parser); any other error is csv-parse's, its line
 * number put right, and the field it names (csv-parse counts from 0: `on
 * field 2`) told as the column, from 1, with its name once the header is
 * read: `in column 3 (name)`.
 */
function csvErrorRow(
  error: CsvError,
  lines: RecordLines,
  header: readonly string[] | undefined,
): { line: number; problem: string } {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return {
      line: lines.first,
      problem:
        `is not valid CSV: a quoted field of the row on line ${lines.first} is not closed, so the rest of the file ` +
        `(to line ${lines.last}) was read into it: no row from line ${lines.first} on was read (close the quote)`,
    };
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    const cap = MAX_LINE_BYTES.toLocaleString('en');
    return {
      line: lines.first,
      problem:
        `is too long: a record over several lines (a quoted field with line breaks) of more than the ${cap} ` +
        'bytes a line may have; not read, nor the rows after it',
    };
  }
  // csv-parse says where it stopped by its own count: here, the last line of the raw text read.
  const message = error.message
    .replace(/\b(at|on) line \d+/, `$1 line ${lines.last}`)
    .replace(/\bon field (\d+)/, (_, field: string) => `in ${columnText(Number(field), header)}`);
  return { line: lines.first, problem: `is not valid CSV (${message})` };
}

/** The column at 0-based `index` as a message names it: by number from 1, with its name when the header gives one. */
function columnText(index: number, header: readonly string[] | undefined): string {
  const name = header?.[index];
  return name === undefined || name === '' ? `column ${index + 1}` : `column ${index + 1} (${name})`;
}

/**
 * How csv-parse reads an owner CSV: each record with its raw text (its
 * lines, {@link CsvRecordLines}). The parser stays open on an error
 * (`autoDestroy`, a stream option csv-parse passes on), so the records it
 * parsed before it in the same chunk are still read: `for await` skips what a
 * destroyed stream holds, and they would go unchecked, an error in a small
 * file taken for the header's; {@link readOwnerCsv} destroys it when done.
 */
const CSV_OPTIONS = {
  bom: true,
  trim: true,
  relax_column_count: true,
  skip_empty_lines: true,
  raw: true,
  max_record_size: MAX_LINE_BYTES,
  autoDestroy: false,
};

async function* readOwnerCsv(path: string): AsyncGenerator<OwnerFileRow> {
  await assertReadable(path);
  const problems = await lineProblems(path);
  // csv-parse holds a record whole: a line over the cap reaches it as a stand-in, and max_record_size bounds the rest.
  const input = Readable.from(blankOverlongLines(createReadStream(path), MAX_LINE_BYTES, OVERLONG_STAND_IN));
  const parser = input.pipe(parse(CSV_OPTIONS));
  let header: readonly string[] | undefined;
  const recordLines = new CsvRecordLines();
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const { first: line, last } = recordLines.next(raw);
      const unreadable = problemIn(problems, line, last);
      if (unreadable !== undefined && header === undefined) {
        yield { line, problem: unreadable, header: true };
        return;
      }
      if (unreadable !== undefined) {
        yield { line, problem: unreadable };
        continue;
      }
      if (header === undefined) {
        header = record;
        const problem = csvHeaderProblem(header);
        if (problem !== undefined) {
          yield { line, problem, header: true };
          return;
        }
        continue;
      }
      if (record.length !== header.length) {
        // No column of it is read, userId included: an unquoted comma before it shifts the values after it.
        yield { line, problem: `has ${record.length} field(s), the header has ${header.length}` };
        continue;
      }
      yield { line, fields: Object.fromEntries(header.map((name, i) => [name, record[i]])) };
    }
  } catch (error: unknown) {
    if (!(error instanceof CsvError)) throw error;
    const lines = recordLines.peek((error as CsvError & { raw?: string }).raw ?? '');
    yield { ...csvErrorRow(error, lines, header), ...(header === undefined && { header: true as const }) };
  } finally {
    parser.destroy();
    input.destroy();
  }
  // No record at all (an empty file, or blank lines only): no row either, which the import refuses as such.
}

async function assertReadable(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    const isDirectory = (await handle.stat()).isDirectory();
    await handle.close();
    if (isDirectory) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (error: unknown) {
    throw new UsageError(`cannot read owner file ${path}: ${describeFileError(error)}`);
  }
}
