/**
 * The lines of a byte stream, decoded as UTF-8 strictly. Node's own decoding
 * (`readline` over a `utf8` stream) turns bytes that are not UTF-8 into
 * U+FFFD without a word, so a record read from a Latin-1 or truncated file
 * would be stored with different text than the file holds; here such a line
 * is yielded as invalid, for the reader to refuse by its number. Line ends
 * are `\n`, `\r\n` and a lone `\r`, as with `readline` — but not U+2028 and
 * U+2029, where `readline` also ends a line: JSON allows them raw inside a
 * string, so such a record is one line, not two bad ones.
 */
import { isUtf8 } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;

/** One physical line: its text, or `undefined` when its bytes are not UTF-8. */
export type Utf8Line = string | undefined;

/**
 * Splits `chunks` into lines and decodes each (a UTF-8 byte order mark is
 * kept: removing it is the caller's business). A last line without a line
 * end is yielded too; an empty stream yields nothing.
 */
export async function* utf8Lines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Utf8Line> {
  // The current line's bytes so far: it may span chunks.
  let parts: Buffer[] = [];
  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      parts.push(chunk.subarray(start, end));
      yield* splitAtCarriageReturns(joined(parts));
      parts = [];
      start = end + 1;
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  }
  if (parts.length > 0) yield* splitAtCarriageReturns(joined(parts));
}

const joined = (parts: readonly Buffer[]): Buffer => (parts.length === 1 && parts[0]) || Buffer.concat(parts);

/** The lines of one `\n`-delimited segment: a trailing `\r` ends it (`\r\n`), any other `\r` ends a line too. */
function* splitAtCarriageReturns(segment: Buffer): Generator<Utf8Line> {
  const body = segment.at(-1) === CR ? segment.subarray(0, -1) : segment;
  let start = 0;
  for (let cr = body.indexOf(CR); cr !== -1; cr = body.indexOf(CR, start)) {
    yield decode(body.subarray(start, cr));
    start = cr + 1;
  }
  yield decode(body.subarray(start));
}

function decode(bytes: Buffer): Utf8Line {
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}
