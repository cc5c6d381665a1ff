/**
 * The lines of a byte stream, decoded as UTF-8 strictly. Node's own decoding
 * (`readline` over a `utf8` stream) turns bytes that are not UTF-8 into
 * U+FFFD without a word, so a record read from a Latin-1 or truncated file
 * would be stored with different text than the file holds; here such a line
 * is yielded as invalid, for the reader to refuse by its number. Line ends
 * are `\n`, `\r\n` and a lone `\r`, as with `readline` — but not U+2028 and
 * U+2029, where `readline` also ends a line: JSON allows them raw inside a
 * string, so such a record is one line, not two bad ones.
 *
 * A line is at most {@link MAX_LINE_BYTES} long: the bytes of a longer one
 * are counted, not kept, and it is yielded as an {@link OverlongLine} for the
 * reader to refuse by its number, the lines after it read as usual. Without
 * the cap one line of 512 MiB or more would end the whole read ("Cannot create
 * a string longer than…", naming no line) after buffering all of it.
 */
import { isUtf8 } from 'node:buffer';

/** The two bytes that end a line (`\n`, and `\r` alone or before `\n`). */
export const LF = 0x0a;
export const CR = 0x0d;

/**
 * The most bytes a line may have (4 MiB). Every line these readers take is
 * one record, owner row or notice entry: a credential record is at most one
 * DynamoDB item, 400 KB, and its JSON text at most about six times that
 * (every byte a control character written `\u00XX`: 2.4 MB); an SNS entry at
 * most 256 KiB. 4 MiB keeps well clear of all of them, and of V8's string
 * limit, while one line never holds more than that.
 */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** A line longer than the limit: its bytes were counted and dropped, never decoded. */
export interface OverlongLine {
  readonly overlong: true;
  /** The line's length in bytes, its line end left out. */
  readonly bytes: number;
  /** The limit it is over. */
  readonly maxBytes: number;
}

/** What every reader says of an overlong line, after its own subject (`line N `, a CSV row's): its size and the cap. */
export function overlongLineText(line: OverlongLine): string {
  const bytes = (n: number) => n.toLocaleString('en');
  return `is too long: ${bytes(line.bytes)} bytes, over the ${bytes(line.maxBytes)} a line may have`;
}

/**
 * One physical line: its text, `undefined` when its bytes are not UTF-8, or
 * an {@link OverlongLine} when it is longer than the limit.
 */
export type Utf8Line = string | undefined | OverlongLine;

/** Options of {@link utf8Lines}. */
export interface Utf8LinesOptions {
  /** The most bytes a line may have (default {@link MAX_LINE_BYTES}). */
  readonly maxLineBytes?: number;
}

/**
 * Splits `chunks` into lines and decodes each (a UTF-8 byte order mark is
 * kept: removing it is the caller's business). A last line without a line
 * end is yielded too; an empty stream yields nothing. Each line is yielded
 * as soon as its end arrives, whatever the line ends are, so memory holds one
 * line, not the file — and at most `maxLineBytes` of it: a longer line is
 * yielded as an {@link OverlongLine}.
 */
export async function* utf8Lines(
  chunks: AsyncIterable<Buffer>,
  options: Utf8LinesOptions = {},
): AsyncGenerator<Utf8Line> {
  const line = new LineBytes(options.maxLineBytes ?? MAX_LINE_BYTES);
  // The previous chunk ended with `\r`: a `\n` first in this chunk is the rest of that `\r\n`.
  let afterCr = false;
  for await (const chunk of chunks) {
    let start = afterCr && chunk[0] === LF ? 1 : 0;
    afterCr = false;
    const nextLineEnd = lineEnds(chunk);
    for (let end = nextLineEnd(start); end !== -1; end = nextLineEnd(start)) {
      line.add(chunk.subarray(start, end));
      yield line.take();
      start = end + 1;
      if (chunk[end] === CR) {
        if (start === chunk.length) afterCr = true;
        else if (chunk[start] === LF) start += 1;
      }
    }
    if (start < chunk.length) line.add(chunk.subarray(start));
  }
  if (line.started) yield line.take();
}

/** The current line's bytes so far (it may span chunks), kept up to the limit and counted past it. */
export class LineBytes {
  private parts: Buffer[] = [];
  private length = 0;
  private overlong = false;

  /** @param maxBytes the most bytes a line may have, its line end left out */
  constructor(readonly maxBytes: number) {}

  /** True when some of the line has arrived. */
  get started(): boolean {
    return this.length > 0;
  }

  /** Adds a piece of the line: kept while the line is within the limit, else only counted. */
  add(piece: Buffer): void {
    this.length += piece.length;
    if (this.overlong) return;
    if (this.length > this.maxBytes) {
      this.overlong = true;
      this.parts = [];
      return;
    }
    this.parts.push(piece);
  }

  /** The line, decoded (or overlong), and a fresh start for the next one. */
  take(): Utf8Line {
    const line: Utf8Line = this.overlong
      ? { overlong: true, bytes: this.length, maxBytes: this.maxBytes }
      : decode(joined(this.parts));
    this.reset();
    return line;
  }

  /** The line's pieces as they arrived, undefined when it is overlong, and a fresh start for the next one. */
  takePieces(): Buffer[] | undefined {
    const pieces = this.overlong ? undefined : this.parts;
    this.reset();
    return pieces;
  }

  private reset(): void {
    this.parts = [];
    this.length = 0;
    this.overlong = false;
  }
}

const joined = (parts: readonly Buffer[]): Buffer => (parts.length === 1 && parts[0]) || Buffer.concat(parts);

/**
 * A finder of `chunk`'s line ends: given a start, the index of the first `\n`
 * or `\r` from it, or -1. Starts only move forward, so each byte is searched
 * once per kind (searching for `\r` afresh from every line would scan the
 * rest of the chunk once per line).
 */
export function lineEnds(chunk: Buffer): (start: number) => number {
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
