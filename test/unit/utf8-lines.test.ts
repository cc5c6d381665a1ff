/**
 * `utf8Lines` (cli/utf8-lines.ts), the strict line reader under every JSON
 * Lines input: on UTF-8 input it gives exactly the lines `readline` gave
 * before it (line ends `\n`, `\r\n`, lone `\r`, across any chunking) except
 * that U+2028/U+2029 inside a line no longer split it, and a line whose bytes
 * are not UTF-8 comes out as `undefined` instead of text with U+FFFD in it,
 * the lines around it intact.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../../cli/jsonl';
import { type Utf8Line, utf8Lines } from '../../cli/utf8-lines';

/** `bytes` cut at `cuts` (positions, any order), as a stream's chunks. */
function chunksOf(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at]
    .map((start, i) => bytes.subarray(start, at[i] ?? bytes.length))
    .filter((c) => c.length > 0);
}

async function linesOf(chunks: readonly Buffer[]): Promise<Utf8Line[]> {
  const lines: Utf8Line[] = [];
  for await (const line of utf8Lines(Readable.from(chunks))) lines.push(line);
  return lines;
}

async function readlineLinesOf(chunks: readonly Buffer[]): Promise<string[]> {
  const input = Readable.from(chunks).setEncoding('utf8');
  const lines: string[] = [];
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) lines.push(line);
  return lines;
}

describe('utf8Lines', () => {
  it('gives the lines readline gives on UTF-8 text, whatever the line ends and the chunks', async () => {
    // U+2028/U+2029 aside: readline ends lines there too, this reader does not (see below).
    const text = fc
      .string({ unit: 'grapheme', maxLength: 12 })
      .map((s) => s.replace(/[\r\n\u2028\u2029]/g, ''));
    const end = fc.constantFrom('\n', '\r\n', '\r');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(text, end), { maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (lines, lastEnded, cuts) => {
          const joined = lines.map(([t, e], i) => (i < lines.length - 1 || lastEnded ? t + e : t)).join('');
          const chunks = chunksOf(Buffer.from(joined, 'utf8'), cuts);
          expect(await linesOf(chunks)).toEqual(await readlineLinesOf(chunks));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('yields a line that is not UTF-8 as undefined, wherever its chunks are cut, and keeps the others', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"a":"caf\u00e9"}\n'),
      Buffer.from([0x7b, 0x22, 0x61, 0xff, 0x22, 0x7d, 0x0a]), // 0xff: never in UTF-8
      Buffer.from([0xed, 0xa0, 0x80, 0x0d, 0x0a]), // a surrogate encoded as UTF-8 (CESU-8): not UTF-8
      Buffer.from([0xc3, 0x0a]), // a truncated two-byte sequence
      Buffer.from('\ufffd \u{1f600}'), // a real U+FFFD and an emoji are text like any other
    ]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await linesOf(chunksOf(bytes, [cut, cut + 2]))).toEqual([
        '{"a":"café"}',
        undefined,
        undefined,
        undefined,
        '\ufffd \u{1f600}',
      ]);
    }
  });

  it('does not end a line at U+2028 or U+2029, as readline does: JSON allows them raw inside a string', async () => {
    const line = '{"displayName":"a\u2028b\u2029c"}';
    expect(await linesOf([Buffer.from(`${line}\n{}`)])).toEqual([line, '{}']);
    expect(await readlineLinesOf([Buffer.from(`${line}\n{}`)])).toHaveLength(4);
  });

  it('keeps a byte order mark (the reader drops it) and yields nothing for an empty stream', async () => {
    expect(await linesOf([Buffer.from('\ufeff{}\n')])).toEqual(['\ufeff{}']);
    expect(await linesOf([])).toEqual([]);
  });
});

describe('utf8Lines streams', () => {
  it.each([
    ['\n', 'LF'],
    ['\r\n', 'CRLF'],
    ['\r', 'lone CR'],
  ])('yields each line as its end arrives, not at the end of the stream (%j: %s)', async (end) => {
    let consumed = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 1000; i++) {
        consumed += 1;
        yield Buffer.from(`{"n":${i}}${end}`);
      }
    }
    const lines = utf8Lines(chunks());
    expect((await lines.next()).value).toBe('{"n":0}');
    expect(consumed).toBeLessThanOrEqual(2);
  });
});

describe('readJsonLines over it', () => {
  it('reports a line that is not UTF-8 by its number, as every JSON Lines command reads it, and reads on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'utf8-lines-'));
    try {
      const file = join(dir, 'in.jsonl');
      const bad = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
      await writeFile(
        file,
        Buffer.concat([Buffer.from('\ufeff{"n":1}\r\n\r\n'), bad, Buffer.from('\n{"n":4}')]),
      );

      const lines = [];
      for await (const line of readJsonLines(file)) lines.push(line);

      expect(lines).toEqual([
        { lineNumber: 1, ok: true, value: { n: 1 } },
        { lineNumber: 3, ok: false, error: 'line 3 is not valid UTF-8 (save the file as UTF-8)' },
        { lineNumber: 4, ok: true, value: { n: 4 } },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
