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
 * end is yielded too; an empty stream yields nothing. Each line is yielded
 * as soon as its end arrives, whatever the line ends are, so memory holds one
 * line, not the file.
 */
export async function* utf8Lines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Utf8Line> {
  // The current line's bytes so far: it may span chunks.
  let parts: Buffer[] = [];
  // The previous chunk ended with `\r`: a `\n` first in this chunk is the rest of that `\r\n`.
  let afterCr = false;
  for await (const chunk of chunks) {
    let start = afterCr && chunk[0] === LF ? 1 : 0;
    afterCr = false;
    const nextLineEnd = lineEnds(chunk);
    for (let end = nextLineEnd(start); end !== -1; end = nextLineEnd(start)) {
      parts.push(chunk.subarray(start, end));
      yield decode(joined(parts));
      parts = [];
      start = end + 1;
      if (chunk[end] === CR) {
        if (start === chunk.length) afterCr = true;
        else if (chunk[start] === LF) start += 1;
      }
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  }
  if (parts.length > 0) yield decode(joined(parts));
}

const joined = (parts: readonly Buffer[]): Buffer => (parts.length === 1 && parts[0]) || Buffer.concat(parts);

/**
 * A finder of `chunk`'s line ends: given a start, the index of the first `\n`
 * or `\r` from it, or -1. Starts only move forward, so each byte is searched
 * once per kind (searching for `\r` afresh from every line would scan the
 * rest of the chunk once per line).
 */
function lineEnds(chunk: Buffer): (start: number) => number {
  let lf = chunk.indexOf(LF);
  let cr = chunk.indexOf(CR);
  return (start) => {
    if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
    if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
    if (lf === -1) return cr;
    return cr === -1 ? lf : Math.min(lf, cr);
  };
}

function decode(bytes: Buffer): Utf8Line {
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}
