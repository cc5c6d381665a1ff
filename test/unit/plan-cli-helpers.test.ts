/**
 * The parts `pc-hygiene plan` is built from (cli/jsonl.ts, cli/commands/plan.ts, cli/options/load-config.ts,
 * cli/options/now-option.ts, cli/format/; docs/cli-plan.md, "Input", "Output formats"), on real temporary files:
 * JSON Lines read with physical line numbers (blank lines, CRLF and a BOM), a file that cannot be opened a
 * UsageError, abandoning early safe; unparsable lines planned as invalid records; config and `--now` failures
 * one-line UsageErrors; the tally, and the json, jsonl, csv (formulas neutralised) and table formats.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planJsonLines } from '../../cli/commands/plan';
import { compactAction } from '../../cli/format/action-text';
import { csvCell } from '../../cli/format/plan-csv';
import { createPlanFormatter, type PLAN_FORMATS } from '../../cli/format/plan-formatter';
import { PlanTally } from '../../cli/format/plan-tally';
import type { PlanContext, PlannedLine } from '../../cli/format/plan-types';
import { type JsonlLine, readJsonLines } from '../../cli/jsonl';
import { loadConfigFile } from '../../cli/options/load-config';
import { resolveNow } from '../../cli/options/now-option';
import { UsageError } from '../../cli/usage-error';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { at, rawCredential, T0 } from './support/raw-credential';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-hygiene-h1-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('readJsonLines', () => {
  it('skips blank lines but keeps physical line numbers; reads CRLF and a BOM', async () => {
    const path = await fileWith('mixed.jsonl', '\uFEFF{"a":1}\r\n\n  \r\n{"b":2}\nnope\n{"c":3}');
    const lines = await collect(readJsonLines(path));
    expect(lines).toEqual([
      { lineNumber: 1, ok: true, value: { a: 1 } },
      { lineNumber: 4, ok: true, value: { b: 2 } },
      { lineNumber: 5, ok: false, error: expect.stringMatching(/^line 5 is not valid JSON \(/) },
      { lineNumber: 6, ok: true, value: { c: 3 } },
    ]);
  });

  it('reads an empty file as no lines', async () => {
    expect(await collect(readJsonLines(await fileWith('empty.jsonl', '')))).toEqual([]);
  });

  it('throws a UsageError naming the file when it cannot be opened', async () => {
    await expect(collect(readJsonLines(join(dir, 'missing.jsonl')))).rejects.toThrow(
      new UsageError(`cannot read input file ${join(dir, 'missing.jsonl')}: no such file`),
    );
    await expect(collect(readJsonLines(dir))).rejects.toThrow(/is a directory/);
  });

  it('can be abandoned early (the consumer breaks) without error', async () => {
    const path = await fileWith('many.jsonl', '{"n":1}\n'.repeat(10_000));
    let seen = 0;
    for await (const _line of readJsonLines(path)) {
      seen += 1;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
  });
});

describe('planJsonLines', () => {
  it('plans JSON lines through the policy and turns unparsable lines into invalid records', async () => {
    async function* input(): AsyncGenerator<JsonlLine> {
      yield { lineNumber: 1, ok: true, value: rawCredential({ expiresTime: at(-1) }) };
      yield { lineNumber: 3, ok: false, error: 'line 3 is not valid JSON (x)' };
    }
    const planned = await collect(planJsonLines(input(), DEFAULT_CONFIG, T0));
    expect(planned).toEqual([
      {
        lineNumber: 1,
        plan: {
          id: 'pc-1',
          userId: 'user-1',
          actions: [{ type: 'delete-expired', expiresTime: at(-1) }],
          problems: [],
          deleted: false,
        },
      },
      {
        lineNumber: 3,
        plan: {
          id: null,
          userId: null,
          actions: [],
          problems: ['(record): line 3 is not valid JSON (x)'],
          deleted: false,
        },
      },
    ]);
  });
});

describe('loadConfigFile and resolveNow', () => {
  it('returns the defaults without a path and a validated config with one', async () => {
    expect(await loadConfigFile(undefined)).toBe(DEFAULT_CONFIG);
    const path = await fileWith('config.json', '{"staleAfterDays": 45}');
    expect((await loadConfigFile(path)).staleAfterDays).toBe(45);
  });

  it('turns every failure into a one-line UsageError', async () => {
    const invalid = await fileWith('invalid.json', '{"staleAfterDays": 0, "mode": "x"}');
    const error = await loadConfigFile(invalid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `Invalid config file ${invalid}: mode = "x": must be one of audit, enforce; staleAfterDays = 0: must be an integer from 1 to 3650`,
    );
    await expect(loadConfigFile(await fileWith('broken.json', '{'))).rejects.toThrow(/is not valid JSON/);
    await expect(loadConfigFile(join(dir, 'absent.json'))).rejects.toThrow(/no such file/);
  });

  it('resolveNow parses RFC 3339 strictly and falls back to the clock', () => {
    expect(resolveNow('2026-11-26T09:00:00+09:00')).toBe(T0);
    expect(resolveNow(undefined, () => 1234)).toBe(1234);
    expect(() => resolveNow('2026-11-26')).toThrow(UsageError);
    expect(() => resolveNow('tomorrow')).toThrow('--now "tomorrow" is not an RFC 3339 date-time');
  });
});

describe('formatters', () => {
  const context: PlanContext = { now: T0, input: 'in.jsonl', configPath: undefined };
  const lines: PlannedLine[] = [
    {
      lineNumber: 1,
      plan: {
        id: 'a',
        userId: 'u',
        actions: [{ type: 'notify-expiry', stageDays: 7, expiresTime: at(5) }],
        problems: [],
        deleted: false,
      },
    },
    { lineNumber: 2, plan: { id: 'b', userId: 'u', actions: [], problems: [], deleted: true } },
    {
      lineNumber: 4,
      plan: {
        id: '=cmd',
        userId: null,
        actions: [],
        problems: ['userId: is missing', 'x: "a,b"'],
        deleted: false,
      },
    },
  ];

  function render(format: (typeof PLAN_FORMATS)[number], planned: PlannedLine[]): string {
    const formatter = createPlanFormatter(format);
    const tally = new PlanTally();
    let text = formatter.start(context);
    for (const line of planned) {
      tally.add(line);
      text += formatter.record(line, context);
    }
    return text + formatter.end(tally.counts(), context);
  }

  it('tallies statuses, actions and expiry stages', () => {
    const tally = new PlanTally();
    for (const line of lines) tally.add(line);
    expect(tally.counts()).toEqual({
      records: 3,
      valid: 2,
      invalid: 1,
      alreadyDeleted: 1,
      noAction: 0,
      withActions: 1,
      actions: {
        'notify-expiry': 1,
        'delete-expired': 0,
        'flag-stale': 0,
        'delete-stale': 0,
        'unflag-stale': 0,
        // The orphan rule's actions need an owner directory, which `plan` does not read.
        'flag-orphan': 0,
        'delete-orphaned': 0,
        'unflag-orphan': 0,
        'clear-deletion-leftovers': 0,
      },
      expiryStages: [{ stageDays: 7, count: 1 }],
      deletions: 0,
    });
  });

  it.each([[[]], [lines]])('json is a valid document for %# records', (planned) => {
    const doc = JSON.parse(render('json', planned)) as { records: unknown[]; summary: { records: number } };
    expect(doc.records).toHaveLength(planned.length);
    expect(doc.summary.records).toBe(planned.length);
  });

  it('jsonl has exactly one line per record and nothing else', () => {
    const out = render('jsonl', lines);
    expect(out.split('\n')).toHaveLength(lines.length + 1);
    expect(out.endsWith('\n')).toBe(true);
  });

  it('csv quotes separators and neutralises spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
    const out = render('csv', lines);
    expect(out.split('\r\n')[3]).toBe(`4,'=cmd,,invalid,,"userId: is missing; x: ""a,b"""`);
  });

  it('compactAction lists every detail of an action', () => {
    expect(
      compactAction({
        type: 'flag-stale',
        deleteAfter: at(14),
        lastActivity: at(-90),
        staleAfterDays: 90,
        tier: 'default',
      }),
    ).toBe(`flag-stale deleteAfter=${at(14)} lastActivity=${at(-90)} staleAfterDays=90 tier=default`);
  });

  it('table lists records that need something, with relative dates, then the summary', () => {
    const out = render('table', lines);
    expect(out).toContain('notify-expiry   7-day notice');
    expect(out).toContain('(in 5 days)');
    expect(out).toContain('INVALID         userId: is missing');
    expect(out).not.toMatch(/^\s+2\s+b\s/m);
    expect(out).toMatch(/already soft-deleted \(ignored\)\s+1/);
    expect(out).toMatch(/notify-expiry\s+1\s+\(7d: 1\)/);
  });
});
