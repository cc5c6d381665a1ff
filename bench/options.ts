/** Command-line options of `npm run bench`: parsed and checked once, so a typo fails before any work. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli/usage-error';
import { describeError } from '../lambdas/hygiene/errors';
import {
  AWS_LATENCY_MODEL,
  LATENCY_PARAMS,
  type LatencyModel,
  LatencyParamsError,
  withLatencyParams,
} from './latency-model';

/** A bad bench option (exit 2 with this one-line message); a usage error like the CLI's and the bench scripts'. */
export class BenchUsageError extends UsageError {}

/**
 * A latency model's name as given to `flag` (`npm run bench`, and the bench scripts that take one): `none` or `aws`.
 * @throws {BenchUsageError} for anything else
 */
export function parseLatencyName(flag: string, name: string): 'none' | 'aws' {
  if (name === 'none' || name === 'aws') return name;
  throw new BenchUsageError(`${flag} must be none or aws, got ${JSON.stringify(name)}`);
}

/** A change rate in percent as the bench takes it (`--rates`, and `bench/evaluate.ts --rate`): a number in (0, 100]. */
export function isChangePercent(percent: number): boolean {
  return Number.isFinite(percent) && percent > 0 && percent <= 100;
}

/** What one bench run measures. */
export interface BenchOptions {
  readonly sizes: readonly number[];
  /** Fractions of records needing a transition, e.g. 0.01. */
  readonly changeRates: readonly number[];
  readonly reps: number;
  /** Absolute path of the results JSON, when asked for. */
  readonly jsonPath?: string;
  /** Skip the bundle measurements (quicker iterations on the sweep). */
  readonly skipBundles: boolean;
  /**
   * `--deployed-reach`: measure the default deployment with imported owners (bench/deployed-reach.ts): an owner
   * directory holding every owner of the table, the topic's confirmed owner subscriptions listed by the notifier,
   * and the sweep's alarm topic check. The timing cases only (the `--memory` runs stay without). Absent: no directory
   * and no alarm topic, as the reference runs.
   */
  readonly deployedReach?: boolean;
  /** Simulated network round trip per DynamoDB/SNS request, ms (0 = DynamoDB Local as is). */
  readonly rttMs: number;
  /** V8 old-space cap (`--max-old-space-size`) for every measurement child, MB; absent = Node's default. */
  readonly heapCapMb?: number;
  /** `--latency aws`: the service latency model (defaults + `--latency-params`) added to every request; absent = none. */
  readonly latency?: LatencyModel;
  /**
   * `--cpu-prof DIR`: every measurement child writes a V8 CPU profile of its measured call there
   * (`<case>-<task>.cpuprofile`, bench/measured-profile.ts). The run's timing targets are then
   * reported, not judged (bench/verdicts.ts).
   */
  readonly cpuProfDir?: string;
  /**
   * `--memory`: table sizes (ascending, the 100k reference included) swept under a heap cap of `heapCapMb`
   * and, when given (`--memory-semi-space-mb`), a young generation of `semiSpaceMb` semi-spaces.
   */
  readonly memory?: {
    readonly sizes: readonly number[];
    readonly heapCapMb: number;
    readonly semiSpaceMb?: number;
  };
}

/** The size every `--memory` run is compared with (the 1.5× target is against 100k). */
export const MEMORY_REFERENCE_SIZE = 100_000;

export const BENCH_USAGE =
  'usage: npm run bench -- [--sizes 10000,100000] [--rates 1,10] [--reps 3] [--json PATH] [--latency none|aws] ' +
  '[--latency-params name=ms,...] [--rtt-ms 0] [--heap-cap-mb N] [--deployed-reach] [--memory 1000000] [--memory-heap-mb 64] [--memory-semi-space-mb 16] [--cpu-prof DIR] [--skip-bundles]';

function positiveIntegers(flag: string, text: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new BenchUsageError(`${flag} must be a comma-separated list of positive integers, got "${text}"`);
  }
  return values;
}

/**
 * Parses the options (`--rates` in percent). Relative paths are resolved
 * against the directory `npm run` was started from.
 * @throws {BenchUsageError} for an unknown option or a bad value
 */
export function parseBenchOptions(
  argv: readonly string[],
  cwd = process.env.INIT_CWD ?? process.cwd(),
): BenchOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error: unknown) {
    throw new BenchUsageError(`${describeError(error).message}; ${BENCH_USAGE}`);
  }
  const { values } = parsed;
  const rates = (values.rates ?? '1,10').split(',').map((part) => Number(part.trim()));
  if (!rates.every(isChangePercent)) {
    throw new BenchUsageError(`--rates must be percentages in (0, 100], got "${values.rates}"`);
  }
  const [reps] = positiveIntegers('--reps', values.reps ?? '3');
  const rttMs = Number(values['rtt-ms'] ?? '0');
  if (!Number.isInteger(rttMs) || rttMs < 0 || rttMs > 1000) {
    throw new BenchUsageError(`--rtt-ms must be an integer from 0 to 1000, got "${values['rtt-ms']}"`);
  }
  const latency = latencyOf(values.latency, values['latency-params']);
  const memory = memoryOf(values.memory, values['memory-heap-mb'], values['memory-semi-space-mb']);
  // `--memory` alone measures memory only; with --sizes/--rates the timing cases run too.
  const casesAsked = memory === undefined || values.sizes !== undefined || values.rates !== undefined;
  return {
    ...(latency && { latency }),
    ...(memory && { memory }),
    sizes: casesAsked ? positiveIntegers('--sizes', values.sizes ?? '10000') : [],
    changeRates: rates.map((r) => r / 100),
    reps: reps as number,
    ...(values.json !== undefined && { jsonPath: resolve(cwd, values.json) }),
    ...(values['cpu-prof'] !== undefined && { cpuProfDir: resolve(cwd, values['cpu-prof']) }),
    skipBundles: values['skip-bundles'] ?? false,
    ...(values['deployed-reach'] === true && { deployedReach: true }),
    rttMs,
    ...(values['heap-cap-mb'] !== undefined && {
      heapCapMb: positiveIntegers('--heap-cap-mb', values['heap-cap-mb'])[0] as number,
    }),
  };
}

/** The latency model of `--latency` / `--latency-params`; undefined for `none`. */
function latencyOf(name: string | undefined, params: string | undefined): LatencyModel | undefined {
  if (parseLatencyName('--latency', name ?? 'none') === 'none') {
    if (params !== undefined) throw new BenchUsageError('--latency-params needs --latency aws');
    return undefined;
  }
  try {
    return withLatencyParams(AWS_LATENCY_MODEL, params ?? '');
  } catch (error: unknown) {
    if (error instanceof LatencyParamsError) throw new BenchUsageError(`--latency-params: ${error.message}`);
    throw error;
  }
}

/**
 * `--memory` sizes, ascending, with the 100k reference added, the heap cap and
 * the semi-space size if given; undefined without `--memory`.
 */
function memoryOf(
  text: string | undefined,
  heapCapText: string | undefined,
  semiSpaceText: string | undefined,
): BenchOptions['memory'] {
  if (text === undefined) {
    if (heapCapText !== undefined) throw new BenchUsageError('--memory-heap-mb needs --memory');
    if (semiSpaceText !== undefined) throw new BenchUsageError('--memory-semi-space-mb needs --memory');
    return undefined;
  }
  const sizes = new Set([MEMORY_REFERENCE_SIZE, ...positiveIntegers('--memory', text)]);
  return {
    sizes: [...sizes].sort((a, b) => a - b),
    heapCapMb: positiveIntegers('--memory-heap-mb', heapCapText ?? '64')[0] as number,
    ...(semiSpaceText !== undefined && {
      semiSpaceMb: positiveIntegers('--memory-semi-space-mb', semiSpaceText)[0] as number,
    }),
  };
}

/**
 * The latency model a run used, as the results JSON records it: `none`; `aws`, the documented model
 * ({@link AWS_LATENCY_MODEL}); `aws-modified`, that model with a figure changed by `--latency-params` (its
 * timing targets are then reported, not judged: bench/verdicts.ts).
 */
export type LatencyModelName = 'none' | 'aws' | 'aws-modified';

/** The {@link LatencyModelName} of a run's options. */
export function latencyModelName(options: Pick<BenchOptions, 'latency'>): LatencyModelName {
  if (options.latency === undefined) return 'none';
  const modified = LATENCY_PARAMS.some((name) => options.latency?.[name] !== AWS_LATENCY_MODEL[name]);
  return modified ? 'aws-modified' : 'aws';
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      sizes: { type: 'string' },
      rates: { type: 'string' },
      reps: { type: 'string' },
      json: { type: 'string' },
      'skip-bundles': { type: 'boolean' },
      'deployed-reach': { type: 'boolean' },
      'rtt-ms': { type: 'string' },
      'heap-cap-mb': { type: 'string' },
      latency: { type: 'string' },
      'latency-params': { type: 'string' },
      memory: { type: 'string' },
      'memory-heap-mb': { type: 'string' },
      'memory-semi-space-mb': { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
}
