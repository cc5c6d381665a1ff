/**
 * `npm run bench -- [--sizes 10000,100000] [--latency aws] [--memory 1000000] [--json PATH]`:
 * the sweep and the notifier against the read floor and a naive implementation,
 * on ONE DynamoDB Local and one local SNS server (bench/sns-server.ts, its own
 * process) started here and stopped at the end (with `--latency aws`,
 * every request of every arm also waits a modelled service latency); the
 * `--memory` sweeps under a heap cap; then bundle size and init time per Lambda.
 * With `--deployed-reach`, the sweep and the notifier are measured as the
 * default deployment with its owners imported (bench/deployed-reach.ts).
 * Prints markdown tables and issue 15's target verdicts; `--json` writes the
 * results file. See BENCHMARKS.md for what is measured and how to read it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { createDocumentClient } from '../lambdas/aws/dynamodb-client';
import { type BundleResult, measureBundles } from './bundles';
import { bundleChild, PROJECT_ROOT } from './child-bundle';
import { combineMemoryReps, type MemoryResult, runMemoryCase } from './memory';
import { type BenchOptions, BenchUsageError, latencyModelName, parseBenchOptions } from './options';
import {
  bundlesMarkdown,
  cpuMarkdown,
  memoryMarkdown,
  pageHoldMarkdown,
  perChangeMarkdown,
  runsMarkdown,
  scanTimelineMarkdown,
  targetsMarkdown,
  verdictsMarkdown,
} from './report';
import { type CaseRep, runCase } from './run-case';
import { type BenchEndpoints, type BenchServices, startBenchServices } from './services';
import { checkTargets, type RunRow, summarizeCase, type TargetCheck } from './summarize';
import { judgeTargets, type Verdict } from './verdicts';

/**
 * The discarded warm-up case: 10,000 records at 10% changes, so DynamoDB
 * Local's JVM has compiled its write paths (about 4,900 writes: the sweep's
 * 1,000 transitions, the notifier's 912 marks, the naive run's 1,000 updates
 * and the two write floors' 1,000 each) before anything is measured.
 */
const WARM_UP = { size: 10_000, changeRate: 0.1 } as const;

const log = (line: string) => process.stderr.write(`${line}\n`);

type DocumentClient = ReturnType<typeof createDocumentClient>;

function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The timing cases: a discarded warm-up, then every (size, rate) `reps` times. */
async function runCases(
  client: DocumentClient,
  endpoints: BenchEndpoints,
  options: BenchOptions,
  childScript: string,
): Promise<RunRow[]> {
  const caseOptions = {
    childScript,
    rttMs: options.rttMs,
    ...(options.heapCapMb !== undefined && { heapCapMb: options.heapCapMb }),
    ...(options.cpuProfDir !== undefined && { cpuProfDir: options.cpuProfDir }),
    ...(options.latency && { latency: options.latency }),
    ...(options.deployedReach === true && { deployedReach: true }),
  };
  // DynamoDB Local's JVM compiles its request paths on first use, and keeps getting cheaper per write for the
  // first few thousand writes (bench/local-write-throughput.ts; BENCHMARKS.md, "Warm-up"): the floors only read,
  // so a cold write path would count against the sweep alone. One discarded case, without the latency model
  // (it changes nothing in the JVM), without profiles and without the deployed-reach setup (its writes are the
  // directory's and the reconciler's, not the measured arms'), warms it.
  log(`warm-up (discarded): ${WARM_UP.size} items, ${WARM_UP.changeRate * 100}% changes, no latency model`);
  const {
    latency: _latency,
    cpuProfDir: _cpuProfDir,
    deployedReach: _deployedReach,
    ...warmUpOptions
  } = caseOptions;
  await runCase(client, endpoints, { ...WARM_UP, rep: -1, ...warmUpOptions }, log);
  if (options.cpuProfDir !== undefined) await mkdir(options.cpuProfDir, { recursive: true });
  const rows: RunRow[] = [];
  for (const size of options.sizes) {
    for (const changeRate of options.changeRates) {
      const reps: CaseRep[] = [];
      for (let rep = 0; rep < options.reps; rep++) {
        reps.push(await runCase(client, endpoints, { size, changeRate, rep, ...caseOptions }, log));
      }
      const row = summarizeCase(reps, latencyModelName(options));
      rows.push(row);
      log(
        `${size} @ ${changeRate * 100}%: sweep ${row.sweepMs} ms, floor ${row.floorMs} ms, naive ${row.naiveMs} ms`,
      );
    }
  }
  return rows;
}

/** The `--memory` sweeps, smallest first, `--reps` times each on a freshly loaded table (medians reported). */
async function runMemory(
  client: DocumentClient,
  endpoints: BenchEndpoints,
  options: BenchOptions,
  childScript: string,
): Promise<MemoryResult[]> {
  const results: MemoryResult[] = [];
  const heapCapMb = options.memory?.heapCapMb ?? 0;
  const semiSpaceMb = options.memory?.semiSpaceMb;
  for (const size of options.memory?.sizes ?? []) {
    const reps: MemoryResult[] = [];
    for (let rep = 1; rep <= options.reps; rep++) {
      log(
        `memory: ${size} records, 1% changes, heap cap ${heapCapMb} MB, semi-spaces ${semiSpaceMb === undefined ? "V8's default" : `${semiSpaceMb} MB`}, repetition ${rep} of ${options.reps}`,
      );
      const result = await runMemoryCase(
        client,
        endpoints,
        { size, heapCapMb, childScript, ...(semiSpaceMb !== undefined && { semiSpaceMb }) },
        log,
      );
      log(
        `memory ${size}: ${result.completed ? 'completed' : 'NOT completed'}, peak heap used ${result.peakHeapUsedMb} MB (after a full GC at most ${result.peakLiveHeapUsedMb} MB; young generation at most ${result.peakYoungUsedMb ?? '?'} MB), peak RSS ${result.peakRssMb} MB`,
      );
      reps.push(result);
    }
    results.push(combineMemoryReps(reps));
  }
  return results;
}

/** Everything measured against one DynamoDB Local and one SNS server, stopped at the end (and on Ctrl-C). */
async function measureAll(options: BenchOptions): Promise<{ rows: RunRow[]; memory: MemoryResult[] }> {
  const child = await bundleChild(PROJECT_ROOT);
  let services: BenchServices | undefined;
  // Ctrl-C or a kill must not leave the java process, the SNS server or the child bundle behind, even mid-start.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`bench: ${signal}, stopping DynamoDB Local and the SNS server`);
      void Promise.allSettled([services?.stop(), child.dispose()]).then(() => process.exit(130));
    });
  }
  try {
    services = await startBenchServices();
    const client = createDocumentClient({ endpoint: services.dynamo });
    const rows = options.sizes.length > 0 ? await runCases(client, services, options, child.path) : [];
    const memory = await runMemory(client, services, options, child.path);
    client.destroy();
    return { rows, memory };
  } finally {
    await services?.stop();
    await child.dispose();
  }
}

/** The bench's results, as printed and as written to `--json`. */
interface BenchResults {
  readonly runs: RunRow[];
  readonly memory: MemoryResult[];
  readonly bundles: BundleResult[];
  readonly targets: readonly TargetCheck[];
  readonly verdicts: readonly Verdict[];
}

function printTables(
  { runs: rows, memory, bundles, targets, verdicts }: BenchResults,
  options: BenchOptions,
) {
  const out = (text: string) => process.stdout.write(`${text}\n\n`);
  if (rows.length > 0) {
    out(runsMarkdown(rows));
    out(`wall / client CPU / DynamoDB Local CPU / SNS server CPU, ms:\n\n${cpuMarkdown(rows)}`);
    out(
      `around the scan: first page back / last page back / after the scan, ms from the start of the call:\n\n${scanTimelineMarkdown(rows)}`,
    );
    out(
      `what the sweep adds to the read floor, and the time its own code held the pages, ms:\n\n${pageHoldMarkdown(rows)}`,
    );
    out(perChangeMarkdown(rows));
  }
  if (memory.length > 0) out(memoryMarkdown(memory));
  if (bundles.length > 0) out(bundlesMarkdown(bundles));
  out(`issue 6 targets:\n\n${targetsMarkdown(targets)}`);
  out(
    `issue 15 targets (latency model: ${latencyModelName(options)}; medians of ${options.reps}):\n\n${verdictsMarkdown(verdicts)}`,
  );
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  log(
    `bench: sizes ${options.sizes.join(', ') || 'none'}; change rates ${options.changeRates.map((r) => `${r * 100}%`).join(', ')}; ${options.reps} reps; latency model ${latencyModelName(options)}; added round trip ${options.rttMs} ms; heap cap ${options.heapCapMb ?? 'none'}; owners imported (--deployed-reach) ${options.deployedReach === true ? 'yes' : 'no'}; memory ${options.memory?.sizes.join(', ') ?? 'none'}`,
  );
  // Before the measurements, not after them: a results path that cannot be written fails at once.
  if (options.jsonPath !== undefined) await mkdir(dirname(options.jsonPath), { recursive: true });
  const { rows, memory } = await measureAll(options);
  let bundles: BundleResult[] = [];
  if (!options.skipBundles && rows.length > 0) {
    log('bundles: esbuild + 10 cold imports per Lambda');
    bundles = await measureBundles(PROJECT_ROOT);
  }
  // A profiled run's timings are diagnostics, not verdicts (bench/verdicts.ts), for issue 6's checks as for issue 15's.
  // A run measured otherwise than the issue measures (an added round trip, a heap cap) reports its timing targets.
  const judge = {
    profiled: options.cpuProfDir !== undefined,
    rttMs: options.rttMs,
    ...(options.heapCapMb !== undefined && { heapCapMb: options.heapCapMb }),
  };
  const results = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machine(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    options: { ...options, jsonPath: undefined },
    latencyModel: latencyModelName(options),
    runs: rows,
    memory,
    bundles,
    targets: checkTargets(rows, judge),
    verdicts: judgeTargets(rows, memory, judge),
  };
  printTables(results, options);
  if (options.jsonPath !== undefined) {
    await writeFile(options.jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    log(`results written to ${options.jsonPath}`);
  }
}

try {
  await main();
} catch (error: unknown) {
  if (error instanceof BenchUsageError) {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
