/**
 * `import` and DynamoDB's item limits, against DynamoDB Local: a line past
 * them (a number that underflows, an item over 400 KB, nesting past 32
 * levels, an empty attribute name) is rejected by its line number and every
 * other line is written — before, DynamoDB refused the line's whole 25-item
 * batch and the import stopped there, with its bare message. The size is
 * measured as DynamoDB measures it (held at the 400 KB boundary here), and
 * judged with the room the worker's own writes need (docs/data-model.md,
 * "Item size"); should DynamoDB still refuse an item validation let through,
 * only that line is lost and the import goes on (validation switched off to
 * show it).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { itemSizeBytes, MAX_ITEM_BYTES } from '../../cli/aws/item-limits';
import { importJsonLines } from '../../cli/commands/import';
import { judgedItemBytes } from '../../lambdas/hygiene/item-size';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';

/** Switches `import`'s limit check off, to show what happens when DynamoDB refuses an item anyway. */
const validation = vi.hoisted(() => ({ off: false }));
vi.mock('../../cli/aws/item-limits', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../cli/aws/item-limits')>();
  return {
    ...actual,
    itemLimitProblems: (item: Readonly<Record<string, unknown>>) =>
      validation.off ? [] : actual.itemLimitProblems(item),
  };
});

const nested = (levels: number): unknown => (levels === 0 ? 'x' : { a: nested(levels - 1) });

/** `imp-1` … `imp-30`, one a line; `bad` replaces the records of some lines (1-based). */
function records(bad: Readonly<Record<number, Record<string, unknown>>> = {}): Record<string, unknown>[] {
  return Array.from({ length: 30 }, (_, i) => bad[i + 1] ?? credential(`imp-${i + 1}`));
}

describe('import and DynamoDB item limits', () => {
  const table = useTestTable('import-limits', 'each');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pc-import-limits-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => {
    validation.off = false;
  });

  async function fileOf(lines: readonly Record<string, unknown>[]): Promise<string> {
    const file = join(dir, `records-${Math.random().toString(36).slice(2)}.jsonl`);
    await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    return file;
  }

  async function storedIds(): Promise<string[]> {
    const out = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
    );
    return (out.Items ?? []).map((item) => String(item.id)).sort();
  }

  const idsExcept = (...lines: number[]) =>
    records()
      .map((r, i) => (lines.includes(i + 1) ? undefined : String(r.id)))
      .filter((id) => id !== undefined)
      .sort();

  it('CLI: each line past a limit is rejected by number, every other line is written, exit 1', async () => {
    const file = await fileOf(
      records({
        25: credential('imp-25', { vendor: { '': 'empty name' } }),
        26: credential('imp-26', { deep: nested(32) }),
        27: credential('imp-27', { displayName: 'x'.repeat(450_000) }),
        28: credential('imp-28', { riskScore: 1e-200 }),
      }),
    );

    const run = await runCli(['import', file, ...tableFlags(table)]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `imported 26 record(s) into ${table.tableName}; 4 line(s) rejected, not written\n`,
    );
    const rejected = run.stderr.split('\n').filter((l) => l.startsWith('pc-hygiene import: rejected'));
    expect(rejected).toEqual([
      'pc-hygiene import: rejected line 25 (id imp-25): vendor."": DynamoDB refuses an empty attribute name',
      expect.stringMatching(
        /^pc-hygiene import: rejected line 26 \(id imp-26\): deep(\.a){31}: lists and maps nest deeper than DynamoDB's 32 levels/,
      ),
      expect.stringMatching(
        /^pc-hygiene import: rejected line 27 \(id imp-27\): \(record\): 450,\d{3} bytes .* over DynamoDB's 400 KB item limit .* the largest attribute is displayName/,
      ),
      'pc-hygiene import: rejected line 28 (id imp-28): riskScore: the number 1e-200 is too small for DynamoDB ' +
        '(a non-zero magnitude must be at least 1E-130) (quote it as a string)',
    ]);
    expect(await storedIds()).toEqual(idsExcept(25, 26, 27, 28));
  });

  it('measures size as DynamoDB does (it takes exactly 400 KB, not a byte more); import keeps the room for the worker', async () => {
    // Numbers of every shape, lists and maps: the parts whose size is not just their text.
    const shapes = { n: [0, 1.5, -12345, 0.000123, 123456], m: { k: true, l: [null, 'é'] } };
    const filled = (id: string, bytes: (base: Record<string, unknown>) => number) => {
      const base = credential(id, { shapes, displayName: '' });
      return { ...base, displayName: 'x'.repeat(bytes(base)) };
    };
    const put = (item: Record<string, unknown>) =>
      table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
    // The count, held against DynamoDB at its own limit.
    const dynamoDbLimit = (extra: number) => (base: Record<string, unknown>) =>
      MAX_ITEM_BYTES - itemSizeBytes(base) + extra;
    await put(filled('at-limit', dynamoDbLimit(0)));
    await expect(put(filled('over-limit', dynamoDbLimit(1)))).rejects.toThrow(
      /Item size has exceeded the maximum allowed size/,
    );
    // import's rule: the room for the worker's writes counted too.
    const roomLimit = (extra: number) => (base: Record<string, unknown>) =>
      MAX_ITEM_BYTES - judgedItemBytes(base) + extra;
    const file = await fileOf([filled('room-left', roomLimit(0)), filled('no-room', roomLimit(1))]);

    const summary = await importJsonLines(table.client, { table: table.tableName, file });

    expect(summary.written).toBe(1);
    expect(summary.rejectedLines.map((r) => [r.line, r.id])).toEqual([[2, 'no-room']]);
    expect(summary.rejectedLines[0]?.problems[0]).toMatch(
      /^\(record\): 38\d,\d{3} bytes .*, 409,601 with the room/,
    );
    expect(await storedIds()).toEqual(['at-limit', 'room-left']);
  });

  it('an item DynamoDB refuses despite validation costs only its line; the import goes on and reports it', async () => {
    validation.off = true;
    const file = await fileOf(records({ 28: credential('imp-28', { riskScore: 1e-200 }) }));

    const summary = await importJsonLines(table.client, { table: table.tableName, file });

    expect(summary).toMatchObject({ written: 29, rejected: 1 });
    expect(summary.rejectedLines).toEqual([
      {
        line: 28,
        id: 'imp-28',
        problems: [expect.stringMatching(/^DynamoDB refused the item: Number underflow/)],
      },
    ]);
    expect(await storedIds()).toEqual(idsExcept(28));
  });
});
