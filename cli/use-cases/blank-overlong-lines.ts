/**
 * A byte stream with each line longer than a cap replaced by a short stand-in,
 * for a parser that holds a whole record in memory. `csv-parse` does: its
 * `max_record_size` bounds it, but by ending the parse with an error at the
 * first record over the limit (and `skip_records_with_error` drops the rest of
 * the chunk, and with it the records after), so one overlong row would hide
 * every row after it. Here such a line never reaches the parser: its bytes
 * are counted and dropped, never held past the cap, and the stand-in takes
 * its place, its line end kept, so the parser's line numbers stay the file's
 * and the rows after it are read as usual.
 *
 * A line is what `utf8Lines` (`../utf8-lines.ts`) calls one: the bytes between
 * line ends (`\n`, `\r`, so `\r\n` too), its length its bytes without the line
 * end. So the lines blanked here are the ones it yields as overlong, and a
 * reader names them by number from there.
 */
import { CR, LF, lineEnds } from '../utf8-lines';

/**
 * `chunks`, each line of more than `maxLineBytes` bytes (line end left out)
 * replaced by `standIn`; every other byte, line ends included, as it was.
 * Memory holds at most `maxLineBytes` of a line (and one chunk).
 */
export async function* blankOverlongLines(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes: number,
  standIn: Buffer,
): AsyncGenerator<Buffer> {
  const line = new HeldLine(maxLineBytes, standIn);
  for await (const chunk of chunks) {
    const first = lineEnds(chunk)(0);
    if (first === -1) {
      line.add(chunk);
      continue;
    }
    const last = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR));
    line.add(chunk.subarray(0, first));
    const head = line.take();
    // From the first line end to the last: whole lines, each between two line ends.
    const whole = blankWholeLines(chunk.subarray(first, last + 1), line);
    line.add(chunk.subarray(last + 1));
    yield Buffer.concat([...head, ...whole]);
  }
  const rest = line.take();
  if (rest.length > 0) yield Buffer.concat(rest);
}

/**
 * `lines` (starting and ending with a line end) with each line over the cap
 * blanked: as they are when they are no longer than the cap, which is every
 * time a chunk is (a file stream's chunks are 64 KiB, the cap 4 MiB).
 */
function blankWholeLines(lines: Buffer, line: HeldLine): Buffer[] {
  if (!line.isOverCap(lines.length)) return [lines];
  const out: Buffer[] = [];
  const nextLineEnd = lineEnds(lines);
  let start = 0;
  for (let end = nextLineEnd(start + 1); end !== -1; end = nextLineEnd(start + 1)) {
    line.add(lines.subarray(start + 1, end));
    out.push(lines.subarray(start, start + 1), ...line.take());
    start = end;
  }
  out.push(lines.subarray(start));
  return out;
}

/** The current line's bytes (it may span chunks): held while within the cap, counted past it. */
class HeldLine {
  private parts: Buffer[] = [];
  private length = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly standIn: Buffer,
  ) {}

  /** True when a line of `bytes` bytes is over the cap. */
  isOverCap(bytes: number): boolean {
    return bytes > this.maxBytes;
  }

  /** Adds a piece of the line; once the line is over the cap, its bytes are dropped. */
  add(piece: Buffer): void {
    this.length += piece.length;
    if (this.length > this.maxBytes) this.parts = [];
    else if (piece.length > 0) this.parts.push(piece);
  }

  /** The line's bytes (the stand-in when it is over the cap), and a fresh start for the next line. */
  take(): Buffer[] {
    const line = this.length > this.maxBytes ? [this.standIn] : this.parts;
    this.parts = [];
    this.length = 0;
    return line;
  }
}
