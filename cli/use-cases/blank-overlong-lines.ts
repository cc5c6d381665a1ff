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
import { CR, LF, LineBytes, lineEnds } from '../utf8-lines';

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
  const line = new LineBytes(maxLineBytes);
  for await (const chunk of chunks) {
    const first = lineEnds(chunk)(0);
    if (first === -1) {
      line.add(chunk);
      continue;
    }
    const last = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR));
    line.add(chunk.subarray(0, first));
    const head = takeLine(line, standIn);
    // From the first line end to the last: whole lines, each between two line ends.
    const whole = blankWholeLines(chunk.subarray(first, last + 1), line, standIn);
    line.add(chunk.subarray(last + 1));
    yield Buffer.concat([...head, ...whole]);
  }
  if (line.started) yield Buffer.concat(takeLine(line, standIn));
}

/**
 * `lines` (starting and ending with a line end) with each line over the cap
 * blanked: as they are when they are no longer than the cap, which is every
 * time a chunk is (a file stream's chunks are 64 KiB, the cap 4 MiB).
 */
function blankWholeLines(lines: Buffer, line: LineBytes, standIn: Buffer): Buffer[] {
  if (lines.length <= line.maxBytes) return [lines];
  const out: Buffer[] = [];
  const nextLineEnd = lineEnds(lines);
  let start = 0;
  for (let end = nextLineEnd(start + 1); end !== -1; end = nextLineEnd(start + 1)) {
    line.add(lines.subarray(start + 1, end));
    out.push(lines.subarray(start, start + 1), ...takeLine(line, standIn));
    start = end;
  }
  out.push(lines.subarray(start));
  return out;
}

/** The line's bytes (`standIn` when it is over the cap), and a fresh start for the next line. */
function takeLine(line: LineBytes, standIn: Buffer): Buffer[] {
  return line.takePieces() ?? [standIn];
}
