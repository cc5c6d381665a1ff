/**
 * `blankOverlongLines` (cli/use-cases/blank-overlong-lines.ts): every line
 * over the cap, and only those, becomes the stand-in, its line end kept, the
 * other bytes as they were, however the stream is cut into chunks; and a line
 * is over the cap exactly when `utf8Lines` yields it as overlong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blankOverlongLines } from '../../cli/use-cases/blank-overlong-lines';
import { utf8Lines } from '../../cli/utf8-lines';

const STAND_IN = Buffer.from('-');

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* chunked(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= start || cut >= bytes.length) continue;
    yield bytes.subarray(start, cut);
    start = cut;
  }
  if (start < bytes.length) yield bytes.subarray(start);
}

async function blanked(bytes: Buffer, cuts: readonly number[], cap: number): Promise<string> {
  return Buffer.concat(await collect(blankOverlongLines(chunked(bytes, cuts), cap, STAND_IN))).toString(
    'latin1',
  );
}

/** Text of line ends (`\r`, `\n`, `\r\n`) and letters, as bytes. */
const textBytes = fc
  .array(fc.constantFrom('a', 'b', ',', '"', '\r', '\n', '\r\n'), { maxLength: 60 })
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

describe('blankOverlongLines', () => {
  it('replaces a line over the cap, keeps its line end and the lines around it', async () => {
    const bytes = Buffer.from('h1,h2\r\nabcdefgh\nab\rabcdefghij');
    expect(await blanked(bytes, [3, 9, 11], 5)).toBe('h1,h2\r\n-\nab\r-');
    expect(await blanked(bytes, [], 8)).toBe('h1,h2\r\nabcdefgh\nab\r-');
  });

  it('is the input with each run of more than cap bytes between line ends replaced, however chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        textBytes,
        fc.array(fc.nat(70), { maxLength: 8 }),
        fc.integer({ min: 0, max: 6 }),
        async (bytes, cuts, cap) => {
          const expected = bytes
            .toString('latin1')
            .replace(/[^\r\n]+/g, (line) => (line.length > cap ? '-' : line));
          expect(await blanked(bytes, cuts, cap)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('blanks the lines utf8Lines calls overlong, and no other', async () => {
    await fc.assert(
      fc.asyncProperty(textBytes, fc.integer({ min: 0, max: 6 }), async (bytes, cap) => {
        const lines = await collect(utf8Lines(chunked(bytes, []), { maxLineBytes: cap }));
        const after = await collect(
          utf8Lines(chunked(Buffer.from(await blanked(bytes, [], cap), 'latin1'), [])),
        );
        expect(after).toEqual(lines.map((line) => (typeof line === 'object' ? '-' : line)));
      }),
      { numRuns: 300 },
    );
  });
});
