/**
 * Streaming JSON Lines input: one JSON value per line, read line by line so
 * memory does not grow with file size. Reused by every command that reads JSONL.
 * Lines are decoded as UTF-8 strictly (`./utf8-lines.ts`): a line whose bytes
 * are not UTF-8 is reported by its number, never read with U+FFFD in place of
 * what the file holds.
 */
import { open } from 'node:fs/promises';
import { describeFileError } from './file-errors';
import { UsageError } from './usage-error';
import { utf8Lines } from './utf8-lines';

/** One non-blank input line: its JSON value, or why it is not JSON. */
export type JsonlLine =
  | { readonly lineNumber: number; readonly ok: true; readonly value: unknown }
  | { readonly lineNumber: number; readonly ok: false; readonly error: string };

/**
 * Reads a JSON Lines file lazily. Blank (whitespace-only) lines are skipped
 * but still counted, so `lineNumber` is always the physical 1-based line.
 * A line that is not valid JSON, or not UTF-8, is yielded as `ok: false`
 * (`line N is …`) and reading goes on.
 * @throws {UsageError} when the file cannot be opened (missing, unreadable, a directory)
 */
export async function* readJsonLines(path: string): AsyncGenerator<JsonlLine> {
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
  try {
    for await (const rawLine of utf8Lines(input)) {
      lineNumber += 1;
      if (rawLine === undefined) {
        yield {
          lineNumber,
          ok: false,
          error: `line ${lineNumber} is not valid UTF-8 (save the file as UTF-8)`,
        };
        continue;
      }
      // A UTF-8 byte order mark is not part of the first record.
      const text = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (text.trim() === '') continue;
      yield parseJsonLine(text, lineNumber);
    }
  } finally {
    input.destroy();
  }
}

/** Parses one line of JSON Lines input. */
function parseJsonLine(text: string, lineNumber: number): JsonlLine {
  try {
    return { lineNumber, ok: true, value: JSON.parse(text) };
  } catch (error: unknown) {
    const reason = error instanceof SyntaxError ? error.message : String(error);
    return { lineNumber, ok: false, error: `line ${lineNumber} is not valid JSON (${reason})` };
  }
}
