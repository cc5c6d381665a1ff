/**
 * Streaming JSON Lines input: one JSON value per line, read line by line so
 * memory does not grow with file size, each line parsed strictly
 * (`./strict-json.ts`: a repeated key is refused, inexact numbers reported on
 * request). Reused by every command that reads JSONL.
 * Lines are decoded as UTF-8 strictly (`./utf8-lines.ts`): a line whose bytes
 * are not UTF-8 is reported by its number, never read with U+FFFD in place of
 * what the file holds; a line longer than `MAX_LINE_BYTES` (4 MiB, far more than
 * any record takes) is reported by its number, its bytes dropped unread.
 */
import { open } from 'node:fs/promises';
import { describeFileError } from './file-errors';
import { type InexactNumber, type JsonReadOptions, parseJsonText, RepeatedKeyError } from './strict-json';
import { UsageError } from './usage-error';
import { type OverlongLine, overlongLineText, type Utf8Line, utf8Lines } from './utf8-lines';

/** One non-blank input line: its JSON value, or why it is not accepted as JSON. */
export type JsonlLine = (
  | {
      readonly lineNumber: number;
      readonly ok: true;
      readonly value: unknown;
      /** With `exactNumbers`: the numbers read inexactly (absent when none). */
      readonly inexactNumbers?: readonly InexactNumber[];
    }
  | { readonly lineNumber: number; readonly ok: false; readonly error: string }
) & {
  /**
   * Set on the file's first non-blank line when its first character is `[` and the line is no JSON value on its
   * own (`[`, `[{…},`): the file looks like one JSON array spread over lines (`[{…},{…}]` pretty-printed) rather
   * than JSON Lines, its lines then no records, one of them (the last element) passing for one; so a command can
   * refuse the file as a whole (`import` and `plan --input` do: cli/format/json-array-refusal.ts) rather than line by
   * line. A whole array on the first line is one bad line like any other. Absent on every other line.
   */
  readonly opensJsonArray?: true;
};

/**
 * Reads a JSON Lines file lazily. Blank (whitespace-only) lines are skipped
 * but still counted, so `lineNumber` is always the physical 1-based line.
 * A line that is not valid JSON, repeats a key in an object, is not UTF-8 or
 * is too long is yielded as `ok: false` (`line N is …`) and reading goes on.
 * The first non-blank line says whether it opens a JSON array it does not close (`opensJsonArray`).
 * @throws {UsageError} when the file cannot be opened (missing, unreadable, a directory)
 */
export async function* readJsonLines(path: string, options: JsonReadOptions = {}): AsyncGenerator<JsonlLine> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
    // Opening a directory succeeds on Linux; reading it fails later with a less clear error.
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
  } catch (error: unknown) {
    throw new UsageError(`cannot read input file ${path}: ${describeFileError(error)}`);
  }
  // autoClose: destroying the stream closes the file handle too. Bytes: decoding is utf8Lines' job.
  const input = handle.createReadStream({ autoClose: true });
  let lineNumber = 0;
  let nonBlankRead = false;
  try {
    for await (const rawLine of utf8Lines(input)) {
      lineNumber += 1;
      // A UTF-8 byte order mark is not part of the first record.
      const text = lineNumber === 1 && typeof rawLine === 'string' ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (typeof text === 'string' && text.trim() === '') continue;
      const line = jsonlLine(text, lineNumber, options);
      // Only the first non-blank line opens the file (one not UTF-8 or too long too: its first character is unknown),
      // and only an array it does not close (`[`, `[{…},`): a whole array on one line is one (bad) line like any other.
      const opensJsonArray =
        !nonBlankRead && !line.ok && typeof text === 'string' && text.trimStart().startsWith('[');
      nonBlankRead = true;
      yield opensJsonArray ? { ...line, opensJsonArray: true } : line;
    }
  } finally {
    input.destroy();
  }
}

/** One non-blank physical line as read: its JSON, or why it is not read (not UTF-8, too long, not JSON). */
function jsonlLine(text: Utf8Line, lineNumber: number, options: JsonReadOptions): JsonlLine {
  if (text === undefined) {
    return { lineNumber, ok: false, error: `line ${lineNumber} is not valid UTF-8 (save the file as UTF-8)` };
  }
  if (typeof text === 'object') return { lineNumber, ok: false, error: overlongLineError(text, lineNumber) };
  return parseJsonLine(text, lineNumber, options);
}

/** Why an overlong line is not read (`line N is too long …`, as every other line problem starts). */
function overlongLineError(line: OverlongLine, lineNumber: number): string {
  return `line ${lineNumber} ${overlongLineText(line)} (one record is one DynamoDB item, at most 400 KB); not read`;
}

/** Parses one line of JSON Lines input. */
function parseJsonLine(text: string, lineNumber: number, options: JsonReadOptions): JsonlLine {
  try {
    const { value, inexactNumbers } = parseJsonText(text, options);
    return { lineNumber, ok: true, value, ...(inexactNumbers.length > 0 && { inexactNumbers }) };
  } catch (error: unknown) {
    if (error instanceof RepeatedKeyError) {
      return { lineNumber, ok: false, error: `line ${lineNumber} is ambiguous JSON: ${error.message}` };
    }
    const reason = error instanceof SyntaxError ? error.message : String(error);
    return { lineNumber, ok: false, error: `line ${lineNumber} is not valid JSON (${reason})` };
  }
}
