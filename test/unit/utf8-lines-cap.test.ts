/**
 * One line cannot take the whole read down (`cli/utf8-lines.ts`): a line
 * longer than the cap is counted, not kept, and yielded as overlong for the
 * reader to refuse by its number; the lines after it are read as usual.
 * `readJsonLines` reports it as that line's problem (an invalid record for
 * `plan`, a rejected line for `import` and `owners import`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../../cli/jsonl';
import { MAX_LINE_BYTES, type Utf8Line, utf8Lines } from '../../cli/utf8-lines';

async function linesOf(chunks: AsyncIterable<Buffer>, maxLineBytes: number) {
  const lines: Utf8Line[] = [];
  for await (const line of utf8Lines(chunks, { maxLineBytes })) lines.push(line);
  return lines;
}

const overlong = (bytes: number, maxBytes: number) => ({ overlong: true, bytes, maxBytes });

describe('utf8Lines with a line cap', () => {
  it('yields a line over the cap as overlong with its length, wherever the chunks are cut, and reads on', async () => {
    const bytes = Buffer.from(`{"a":1}\r\n${'x'.repeat(25)}\r\n${'y'.repeat(16)}\n\n${'z'.repeat(17)}`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 6 }),
        async (cuts) => {
          const at = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks = [0, ...at].map((start, i) => bytes.subarray(start, at[i] ?? bytes.length));
          expect(await linesOf(Readable.from(chunks), 16)).toEqual([
            '{"a":1}',
            overlong(25, 16),
            'y'.repeat(16), // exactly the cap: a line like any other
            '',
            overlong(17, 16), // the last line, without a line end
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps none of an overlong line: a line of 64 MiB through a 1 KiB cap, its chunks one reused buffer', async () => {
    const piece = Buffer.alloc(64 * 1024, 0x78);
    async function* chunks(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"before":1}\n');
      for (let i = 0; i < 1024; i++) yield piece;
      yield Buffer.from('\n{"after":1}\n');
    }
    expect(await linesOf(chunks(), 1024)).toEqual([
      '{"before":1}',
      overlong(64 * 1024 * 1024, 1024),
      '{"after":1}',
    ]);
  });

  it('caps a line at 4 MiB by default, far above a 400 KB DynamoDB item as JSON (at most 6 bytes a byte)', () => {
    expect(MAX_LINE_BYTES).toBe(4 * 1024 * 1024);
    expect(MAX_LINE_BYTES).toBeGreaterThan(400 * 1024 * 6);
  });
});

describe('readJsonLines', () => {
  it('reports a line over 4 MiB by its number and length, and reads the lines after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'utf8-lines-cap-'));
    try {
      const file = join(dir, 'in.jsonl');
      const long = `{"id":"${'x'.repeat(MAX_LINE_BYTES)}"}`;
      await writeFile(file, `{"n":1}\n${long}\n{"n":3}\n`);

      const lines = [];
      for await (const line of readJsonLines(file)) lines.push(line);

      expect(lines).toEqual([
        { lineNumber: 1, ok: true, value: { n: 1 } },
        {
          lineNumber: 2,
          ok: false,
          error:
            `line 2 is too long: ${(MAX_LINE_BYTES + 9).toLocaleString('en')} bytes, over the 4,194,304 a line ` +
            'may have (one record is one DynamoDB item, at most 400 KB); not read',
        },
        { lineNumber: 3, ok: true, value: { n: 3 } },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
