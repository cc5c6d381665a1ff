/** Command-line options of `npm run bench`. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** A bad bench option (exit 2 with this one-line message). */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
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
  /** Simulated network round trip per DynamoDB/SNS request, ms (0 = DynamoDB Local as is). */
  readonly rttMs: number;
  /** V8 old-space cap (`--max-old-space-size`) for every measurement child, MB; absent = Node's default. */
  readonly heapCapMb?: number;
}

export const BENCH_USAGE =
  'usage: npm run bench -- [--sizes 10000,100000] [--rates 1,10] [--reps 3] [--json PATH] [--rtt-ms 0] [--heap-cap-mb N] [--skip-bundles]';

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
    throw new BenchUsageError(`${error instanceof Error ? error.message : String(error)}; ${BENCH_USAGE}`);
  }
  const { values } = parsed;
  const rates = (values.rates ?? '1,10').split(',').map((part) => Number(part.trim()));
  if (rates.some((r) => !Number.isFinite(r) || r <= 0 || r > 100)) {
    throw new BenchUsageError(`--rates must be percentages in (0, 100], got "${values.rates}"`);
  }
  const [reps] = positiveIntegers('--reps', values.reps ?? '3');
  const rttMs = Number(values['rtt-ms'] ?? '0');
  if (!Number.isInteger(rttMs) || rttMs < 0 || rttMs > 1000) {
    throw new BenchUsageError(`--rtt-ms must be an integer from 0 to 1000, got "${values['rtt-ms']}"`);
  }
  return {
    sizes: positiveIntegers('--sizes', values.sizes ?? '10000'),
    changeRates: rates.map((r) => r / 100),
    reps: reps as number,
    ...(values.json !== undefined && { jsonPath: resolve(cwd, values.json) }),
    skipBundles: values['skip-bundles'] ?? false,
    rttMs,
    ...(values['heap-cap-mb'] !== undefined && {
      heapCapMb: positiveIntegers('--heap-cap-mb', values['heap-cap-mb'])[0] as number,
    }),
  };
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
      'rtt-ms': { type: 'string' },
      'heap-cap-mb': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
}
