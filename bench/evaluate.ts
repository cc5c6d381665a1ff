/**
 * Micro-benchmark of the sweep's per-record evaluation, with no DynamoDB: the
 * client CPU a sweep spends on each scanned record besides reading and writing
 * it. Generates a table (bench/generate.ts), then times, per record:
 *
 * - `parseInstant` over the record's date fields;
 * - `cidrProblem` over its `allowSourceCidr`;
 * - `parseCredential`;
 * - the sweep's plan step (`parseCredential`, `isExempt`, `decide`, and
 *   `compactRecord` for a planned deletion), as `runSweep` does it.
 *
 * Each figure is the median of `--rounds` passes over the whole table after
 * `--warmup` discarded passes (warm JIT, like a long sweep). Run it bundled
 * (as the bench children are) so no TypeScript loader is involved:
 *
 *     npx tsx bench/evaluate.ts [--size 100000] [--rate 1] [--rounds 9] [--warmup 3] [--json PATH]
 *
 * The bundling happens in-process (esbuild) unless `--in-process` is given.
 *
 * `--cold` measures instead what a fresh sweep process pays: the plan step's
 * first pass over the table, 1,000 records at a time, in a process that has
 * run none of the evaluation code before (the table is generated, and checked
 * against the policy, in the parent process and handed over in a file). The
 * first pass runs while the JIT is still compiling, on threads beside the main
 * one: with no free core for them (as in `npm run bench`, where DynamoDB Local
 * runs beside the client) it takes longer; BENCHMARKS.md shows both.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { integerIn } from '../cli/options/numbers';
import { UsageError } from '../cli/usage-error';
import { DEFAULT_CONFIG } from '../lambdas/hygiene/config';
import { cidrProblem, parseCredential } from '../lambdas/hygiene/credential';
import { DATE_FIELDS, HYGIENE_ATTR } from '../lambdas/hygiene/data-contract';
import { decide, isDeletion, isExempt } from '../lambdas/hygiene/policy';
import type { RawItem } from '../lambdas/hygiene/ports';
import { compactRecord } from '../lambdas/hygiene/sweep';
import { parseInstant } from '../lambdas/hygiene/time';
import { BENCH_NOW, generateTable } from './generate';
import { isChangePercent } from './options';
import { parseScriptArgs } from './script-args';
import { median } from './stats';

/** Per-record cost of each step, in µs (median over the rounds). */
export interface EvaluationFigures {
  readonly size: number;
  readonly changeRate: number;
  readonly rounds: number;
  readonly node: string;
  readonly usPerRecord: {
    readonly parseInstant: number;
    readonly cidrProblem: number;
    readonly parseCredential: number;
    readonly plan: number;
  };
  /** Calls per record of each step (so a cost per call can be derived). */
  readonly callsPerRecord: { readonly parseInstant: number; readonly cidrProblem: number };
}

const INSTANT_FIELDS = [
  ...DATE_FIELDS,
  HYGIENE_ATTR.expiryNoticeFor,
  HYGIENE_ATTR.staleFlaggedAt,
  HYGIENE_ATTR.staleDeleteAfter,
];

// A sink the optimiser cannot prove unused.
let sink = 0;

function timePass(items: readonly RawItem[], step: (item: RawItem) => void): number {
  const started = performance.now();
  for (const item of items) step(item);
  return ((performance.now() - started) * 1000) / items.length;
}

function measureStep(
  items: readonly RawItem[],
  step: (item: RawItem) => void,
  rounds: number,
  warmup: number,
): number {
  for (let i = 0; i < warmup; i++) timePass(items, step);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) samples.push(timePass(items, step));
  return Math.round(median(samples) * 100) / 100;
}

const instantStep = (item: RawItem): void => {
  for (const field of INSTANT_FIELDS) {
    const value = item[field];
    if (typeof value === 'string') {
      const parsed = parseInstant(value);
      if (parsed.ok) sink += parsed.ms;
    }
  }
};

const cidrStep = (item: RawItem): void => {
  const cidrs = item.allowSourceCidr;
  if (!Array.isArray(cidrs)) return;
  for (const cidr of cidrs) if (cidrProblem(cidr as string) === undefined) sink++;
};

const parseStep = (item: RawItem): void => {
  if (parseCredential(item).ok) sink++;
};

/** The sweep's plan step (lambdas/hygiene/sweep.ts `plan`), without the tallies. */
const planStep = (item: RawItem): void => {
  const parsed = parseCredential(item);
  if (!parsed.ok || parsed.credential.deletedAt !== undefined) return;
  const credential = parsed.credential;
  if (isExempt(credential, DEFAULT_CONFIG)) sink++;
  const actions = decide(credential, DEFAULT_CONFIG, BENCH_NOW);
  if (actions.some(isDeletion)) sink += String(compactRecord(credential).id).length;
  sink += actions.length;
};

/** The plan step's first pass in a fresh process, µs per record: overall, and its first and last 1,000 records. */
export interface ColdPlanFigures {
  readonly size: number;
  readonly node: string;
  readonly usPerRecord: {
    readonly firstPass: number;
    readonly firstChunk: number;
    readonly lastChunk: number;
  };
}

const COLD_CHUNK = 1_000;

/** Times the plan step's one pass over `items` (nothing run before it), chunk by chunk. */
export function measureColdPlan(items: readonly RawItem[]): ColdPlanFigures {
  const chunks: number[] = [];
  for (let start = 0; start < items.length; start += COLD_CHUNK) {
    chunks.push(timePass(items.slice(start, start + COLD_CHUNK), planStep));
  }
  const round2 = (us: number) => Math.round(us * 100) / 100;
  const firstPass = chunks.reduce(
    (sum, us, i) => sum + us * Math.min(COLD_CHUNK, items.length - i * COLD_CHUNK),
    0,
  );
  if (sink === Number.MIN_VALUE) console.log(sink);
  return {
    size: items.length,
    node: process.version,
    usPerRecord: {
      firstPass: round2(firstPass / Math.max(1, items.length)),
      firstChunk: round2(chunks[0] ?? 0),
      lastChunk: round2(chunks.at(-1) ?? 0),
    },
  };
}

function count(items: readonly RawItem[], per: (item: RawItem) => number): number {
  return items.reduce((sum, item) => sum + per(item), 0) / items.length;
}

/** Measures the evaluation steps over one generated table. */
export function measureEvaluation(options: {
  readonly size: number;
  readonly changeRate: number;
  readonly rounds: number;
  readonly warmup: number;
}): EvaluationFigures {
  const { size, changeRate, rounds, warmup } = options;
  const { items } = generateTable({ size, changeRate, seed: 7 });
  const figures: EvaluationFigures = {
    size,
    changeRate,
    rounds,
    node: process.version,
    usPerRecord: {
      parseInstant: measureStep(items, instantStep, rounds, warmup),
      cidrProblem: measureStep(items, cidrStep, rounds, warmup),
      parseCredential: measureStep(items, parseStep, rounds, warmup),
      plan: measureStep(items, planStep, rounds, warmup),
    },
    callsPerRecord: {
      parseInstant: count(items, (item) => INSTANT_FIELDS.filter((f) => typeof item[f] === 'string').length),
      cidrProblem: count(items, (item) =>
        Array.isArray(item.allowSourceCidr) ? item.allowSourceCidr.length : 0,
      ),
    },
  };
  if (sink === Number.MIN_VALUE) console.log(sink);
  return figures;
}

/** The options, checked: a bad one is a {@link UsageError} (the script prints it and exits with code 2). */
export function readEvaluateOptions(args: readonly string[] = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: [...args],
    options: {
      size: { type: 'string', default: '100000' },
      rate: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '9' },
      warmup: { type: 'string', default: '3' },
      json: { type: 'string' },
      cold: { type: 'boolean', default: false },
      'in-process': { type: 'boolean', default: false },
      // Internal (--cold): the generated table, written by the parent process.
      items: { type: 'string' },
    },
  });
  if (values.cold && values['in-process'] && values.items === undefined) {
    throw new UsageError('--cold --in-process needs --items FILE');
  }
  const percent = Number(values.rate);
  if (!isChangePercent(percent)) {
    throw new UsageError(`--rate must be a percentage in (0, 100], got "${values.rate}"`);
  }
  return {
    size: integerIn('--size', 1, 10_000_000)(values.size),
    changeRate: percent / 100,
    rounds: integerIn('--rounds', 1, 1000)(values.rounds),
    warmup: integerIn('--warmup', 0, 1000)(values.warmup),
    json: values.json,
    cold: values.cold,
    inProcess: values['in-process'],
    itemsFile: values.items,
  };
}

function printFigures(f: EvaluationFigures): void {
  const u = f.usPerRecord;
  console.log(
    `evaluation, ${f.size} records at ${f.changeRate * 100}% changes, median of ${f.rounds} (${f.node}), µs per record:`,
  );
  console.log(
    `  parseInstant    ${u.parseInstant}  (${f.callsPerRecord.parseInstant.toFixed(2)} calls/record)`,
  );
  console.log(
    `  cidrProblem     ${u.cidrProblem}  (${f.callsPerRecord.cidrProblem.toFixed(2)} calls/record)`,
  );
  console.log(`  parseCredential ${u.parseCredential}`);
  console.log(`  plan (sweep)    ${u.plan}`);
}

function printColdFigures(f: ColdPlanFigures): void {
  const u = f.usPerRecord;
  console.log(`plan step, first pass in a fresh process, ${f.size} records (${f.node}), µs per record:`);
  console.log(`  whole pass        ${u.firstPass}`);
  console.log(`  first 1,000       ${u.firstChunk}`);
  console.log(`  last 1,000        ${u.lastChunk}`);
}

/** The in-process side of `--cold`: reads the parent's table and times the first pass. */
async function runCold(itemsFile: string, json: string | undefined): Promise<void> {
  const items = JSON.parse(await readFile(itemsFile, 'utf8')) as RawItem[];
  const figures = measureColdPlan(items);
  printColdFigures(figures);
  if (json) await writeFile(resolve(json), `${JSON.stringify(figures, null, 2)}\n`);
}

async function main(): Promise<void> {
  const options = parseScriptArgs('evaluate', () => readEvaluateOptions());
  if (options.inProcess && options.cold && options.itemsFile !== undefined) {
    await runCold(options.itemsFile, options.json);
    return;
  }
  if (options.inProcess) {
    const figures = measureEvaluation(options);
    printFigures(figures);
    if (options.json) await writeFile(resolve(options.json), `${JSON.stringify(figures, null, 2)}\n`);
    return;
  }
  // Re-run this file bundled, in a plain node process (no tsx transform hooks in the measured code).
  const dir = await mkdtemp(join(tmpdir(), 'pch-bench-evaluate-'));
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const outfile = join(dir, 'evaluate.mjs');
    // Imported here so the bundled copy (which never bundles) does not need esbuild.
    const { build } = await import('esbuild');
    await build({
      absWorkingDir: resolve(here, '..'),
      entryPoints: [join(here, 'evaluate.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      external: ['esbuild'],
      logLevel: 'silent',
    });
    const args = process.argv.slice(2).map((a) => (a === options.json ? resolve(a) : a));
    if (options.cold) {
      const itemsFile = join(dir, 'items.json');
      const { items } = generateTable({ size: options.size, changeRate: options.changeRate, seed: 7 });
      await writeFile(itemsFile, JSON.stringify(items));
      args.push('--items', itemsFile);
    }
    const child = spawnSync(process.execPath, [outfile, ...args, '--in-process'], { stdio: 'inherit' });
    process.exitCode = child.status ?? 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && /evaluate\.(ts|mjs)$/.test(process.argv[1])) await main();
