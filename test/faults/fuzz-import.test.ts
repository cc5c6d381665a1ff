/**
 * Bad input fuzzing of `import`: generated JSON Lines files mixing valid
 * records, invalid records (wrong types, bad dates and CIDRs, missing fields,
 * reserved ids), duplicates, lines that are not JSON or not objects, and
 * blank lines. Exactly the bad lines must be rejected, each with its physical
 * line number, and exactly the good ones written — unless the first non-blank
 * line opens a JSON array it does not close (garbage such as `[x`), which
 * makes the file a pretty-printed array to `import`: refused whole, a usage
 * error, nothing written (docs/data-model.md, "Import and export").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJsonLines } from '../../cli/commands/import';
import { UsageError } from '../../cli/usage-error';
import { RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import { fuzzSeed } from '../support/fuzz-seed';
import { getItem } from '../support/items';
import { runCli } from '../support/run-cli';
import { createTestTable, type TestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';
import { writeFigures } from './support/figures';
import { BAD_CIDRS, BAD_DATES } from './support/malformed';

const SEED = fuzzSeed();
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);

/** One generated line and whether import must accept it. */
interface Line {
  readonly text: string;
  /** `ok`: written; `bad`: rejected with its line number; `blank`: skipped. */
  readonly expect: 'ok' | 'bad' | 'blank';
  /** The record's id when it has one (valid records, duplicates). */
  readonly id?: string;
}

const DATE_FIELDS = ['createdAt', 'updatedAt', 'expiresTime', 'lastUsedAt', 'deletedAt'];
const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null).map(() => ({})),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

/** Changes that make a (JSON) record invalid. */
const jsonPoisons: fc.Arbitrary<(record: Record<string, unknown>) => void> = fc.oneof(
  fc.constantFrom('id', 'userId').map((field) => (r: Record<string, unknown>) => {
    delete r[field];
  }),
  fc
    .record({ field: fc.constantFrom('id', 'userId', 'clientId', 'displayName'), value: notAString })
    .map(({ field, value }) => (r: Record<string, unknown>) => {
      r[field] = value;
    }),
  fc.constantFrom('', '   ').map((value) => (r: Record<string, unknown>) => {
    r.userId = value;
  }),
  fc
    .record({
      field: fc.constantFrom(...DATE_FIELDS),
      value: fc.oneof(fc.constantFrom(...BAD_DATES), notAString),
    })
    .map(({ field, value }) => (r: Record<string, unknown>) => {
      r[field] = value;
    }),
  fc.constantFrom(...BAD_CIDRS).map((bad) => (r: Record<string, unknown>) => {
    r.allowSourceCidr = ['10.0.0.0/8', bad];
  }),
  fc
    .record({
      field: fc.constantFrom('allowSourceCidr', 'scopedRoles'),
      value: fc.oneof(fc.string(), fc.integer()),
    })
    .map(({ field, value }) => (r: Record<string, unknown>) => {
      r[field] = value;
    }),
  fc.constantFrom([1], [null], [{}]).map((value) => (r: Record<string, unknown>) => {
    r.scopedRoles = value;
  }),
  fc.constant((r: Record<string, unknown>) => {
    r.createdAt = '2026-06-01T00:00:00Z';
    r.expiresTime = '2026-05-01T00:00:00Z';
  }),
  fc.constantFrom(-1, 1.5, '7', 99_999).map((value) => (r: Record<string, unknown>) => {
    r.hygieneExpiryNoticeStage = value;
  }),
  fc.constantFrom('true', 1, 'yes').map((value) => (r: Record<string, unknown>) => {
    r.hygieneExempt = value;
  }),
  fc.constant((r: Record<string, unknown>) => {
    r.id = `${RESERVED_ID_PREFIX}${String(r.id)}`;
  }),
);

/** Text that is not one JSON object (garbage, truncated JSON, other JSON values): never blank, one line. */
const notAnObjectLine = fc
  .oneof(
    fc.constantFrom(
      '{',
      '{"id": "x",}',
      "{'id':'x'}",
      'NaN',
      'undefined',
      '[]',
      '"a string"',
      '42',
      'null',
      '\u0000',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  )
  .map((text) => text.replace(/[\r\n]/g, ' '))
  .filter((text) => {
    if (text.trim() === '') return false;
    try {
      const value: unknown = JSON.parse(text);
      return value === null || typeof value !== 'object' || Array.isArray(value);
    } catch {
      return true;
    }
  });

function lineKinds(prefix: string): fc.Arbitrary<Line[]> {
  const kind = fc.oneof(
    { weight: 4, arbitrary: fc.constant('valid' as const) },
    { weight: 4, arbitrary: fc.constant('invalid' as const) },
    { weight: 2, arbitrary: fc.constant('garbage' as const) },
    { weight: 1, arbitrary: fc.constant('blank' as const) },
    { weight: 1, arbitrary: fc.constant('duplicate' as const) },
  );
  const step = fc.record({
    kind,
    poison: jsonPoisons,
    garbage: notAnObjectLine,
    name: fc.string({ unit: 'grapheme', maxLength: 30 }),
    blank: fc.constantFrom('', '   ', '\t'),
  });
  return fc.array(step, { minLength: 20, maxLength: 100 }).map((steps) => {
    const lines: Line[] = [];
    const validIds: string[] = [];
    steps.forEach((s, i) => {
      const id = `${prefix}-${i}`;
      const record = credential(id, { displayName: s.name });
      if (s.kind === 'valid') {
        validIds.push(id);
        lines.push({ text: JSON.stringify(record), expect: 'ok', id });
      } else if (s.kind === 'invalid') {
        s.poison(record);
        lines.push({ text: JSON.stringify(record), expect: 'bad', id });
      } else if (s.kind === 'garbage') {
        lines.push({ text: s.garbage, expect: 'bad' });
      } else if (s.kind === 'blank') {
        lines.push({ text: s.blank, expect: 'blank' });
      } else {
        const earlier = validIds[i % Math.max(1, validIds.length)];
        if (earlier === undefined) lines.push({ text: s.blank, expect: 'blank' });
        else lines.push({ text: JSON.stringify({ ...record, id: earlier }), expect: 'bad', id: earlier });
      }
    });
    return lines;
  });
}

/** Whether `import` takes the file for a pretty-printed JSON array: its first non-blank line `[…` and no JSON value. */
function opensUnclosedArray(lines: readonly { readonly text: string }[]): boolean {
  const first = lines.findIndex((l) => l.text.trim() !== '');
  const raw = lines[first]?.text ?? '';
  // A byte order mark is dropped from the file's first line only, as cli/jsonl.ts drops it.
  const text = (first === 0 ? raw.replace(/^\uFEFF/, '') : raw).trimStart();
  if (!text.startsWith('[')) return false;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

describe('import of fuzzed JSON Lines', () => {
  let table: TestTable;
  let dir: string;
  const totals = { files: 0, lines: 0, rejected: 0, written: 0 };

  beforeAll(async () => {
    table = await createTestTable(undefined, 'fuzz-import');
    dir = mkdtempSync(join(tmpdir(), 'fuzz-import-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await table.drop();
    if (totals.files === 0) return;
    writeFigures({
      scenario: 'fuzz-import',
      cases: { 'generated files': totals.files, 'generated lines': totals.lines },
      faults: { 'bad lines': totals.rejected },
      // Import only: no sweep, no drain, so no deletion or event outcome is measured (all shown "n/a").
      notes: { seed: SEED, 'good lines written': totals.written, 'bad lines written': 0 },
    });
  });

  it('rejects exactly the bad lines, each with its line number, and writes exactly the good ones', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constant(null).chain(() => lineKinds(`imp${++run}`)),
        async (lines) => {
          const file = join(dir, `run-${run}.jsonl`);
          writeFileSync(file, `${lines.map((l) => l.text).join('\n')}\n`);
          const good = lines.filter((l) => l.expect === 'ok');

          if (opensUnclosedArray(lines)) {
            await expect(importJsonLines(table.client, { table: table.tableName, file })).rejects.toThrow(
              UsageError,
            );
            for (const line of good)
              expect(await getItem(table.client, table.tableName, line.id ?? '')).toBeUndefined();
            totals.files++;
            return;
          }
          const summary = await importJsonLines(table.client, { table: table.tableName, file });

          const expectedBad = lines.flatMap((l, i) => (l.expect === 'bad' ? [i + 1] : []));
          expect(summary.rejectedLines.map((r) => r.line)).toEqual(expectedBad);
          for (const rejected of summary.rejectedLines) expect(rejected.problems.length).toBeGreaterThan(0);
          expect(summary.written).toBe(good.length);
          for (const line of good)
            expect(await getItem(table.client, table.tableName, line.id ?? '')).toBeDefined();
          totals.files++;
          totals.lines += lines.length;
          totals.rejected += expectedBad.length;
          totals.written += good.length;
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });

  it('the CLI reports each rejected line by number on stderr and exits 1', async () => {
    const lines = fc.sample(lineKinds('cli'), { numRuns: 1, seed: SEED })[0] ?? [];
    const file = join(dir, 'cli.jsonl');
    writeFileSync(file, `${lines.map((l) => l.text).join('\n')}\n`);

    const run = await runCli(['import', file, '--table', table.tableName, '--endpoint', table.endpoint]);

    const bad = lines.flatMap((l, i) => (l.expect === 'bad' ? [i + 1] : []));
    expect(bad.length).toBeGreaterThan(0);
    if (opensUnclosedArray(lines)) {
      expect(run.code).toBe(2);
      return;
    }
    expect(run.code).toBe(1);
    const reported = [...run.stderr.matchAll(/rejected line (\d+)/g)].map((m) => Number(m[1]));
    expect(reported).toEqual(bad);
  });
});
