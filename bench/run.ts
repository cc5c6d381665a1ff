/**
 * `npm run bench -- [--sizes 10000,100000] [--json PATH]`: the sweep and the
 * notifier against the read floor and a naive implementation, on ONE DynamoDB
 * Local started here and stopped at the end; then bundle size and init time
 * per Lambda. Prints markdown tables; `--json` writes the results file.
 * See BENCHMARKS.md for what is measured and how to read it.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '../cli/local/local-dynamodb';
import { createDocumentClient } from '../lambdas/aws/dynamodb-client';
import { type BundleResult, measureBundles } from './bundles';
import { bundleChild } from './child-bundle';
import { BenchUsageError, parseBenchOptions } from './options';
import { bundlesMarkdown, cpuMarkdown, runsMarkdown, targetsMarkdown } from './report';
import { type CaseRep, runCase } from './run-case';
import { checkTargets, type RunRow, summarizeCase } from './summarize';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Records in the discarded warm-up case. */
const WARM_UP_SIZE = 2_000;

const log = (line: string) => process.stderr.write(`${line}\n`);

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

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  log(
    `bench: sizes ${options.sizes.join(', ')}; change rates ${options.changeRates.map((r) => `${r * 100}%`).join(', ')}; ${options.reps} reps; added round trip ${options.rttMs} ms; heap cap ${options.heapCapMb ?? 'none'}`,
  );
  const child = await bundleChild(PROJECT_ROOT);
  const db = await startDynamoDbLocal({ startTimeoutMs: 60_000 });
  // Ctrl-C or a kill must not leave the java process behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`bench: ${signal}, stopping DynamoDB Local`);
      void Promise.allSettled([db.stop(), child.dispose()]).then(() => process.exit(130));
    });
  }
  const caseOptions = {
    childScript: child.path,
    rttMs: options.rttMs,
    ...(options.heapCapMb !== undefined && { heapCapMb: options.heapCapMb }),
  };
  const rows: RunRow[] = [];
  let bundles: BundleResult[] = [];
  try {
    const client = createDocumentClient({ endpoint: db.endpoint });
    // DynamoDB Local's JVM compiles its request paths on first use: the first
    // conditional UpdateItem of a fresh JVM takes seconds. One discarded case warms it.
    log('warm-up (discarded): 2000 items, 10% changes');
    await runCase(client, db.endpoint, { size: WARM_UP_SIZE, changeRate: 0.1, rep: -1, ...caseOptions }, log);
    for (const size of options.sizes) {
      for (const changeRate of options.changeRates) {
        const reps: CaseRep[] = [];
        for (let rep = 0; rep < options.reps; rep++) {
          reps.push(await runCase(client, db.endpoint, { size, changeRate, rep, ...caseOptions }, log));
        }
        const row = summarizeCase(reps);
        rows.push(row);
        log(
          `${size} @ ${changeRate * 100}%: sweep ${row.sweepMs} ms, floor ${row.floorMs} ms, naive ${row.naiveMs} ms`,
        );
      }
    }
    client.destroy();
  } finally {
    await db.stop();
    await child.dispose();
  }
  if (!options.skipBundles) {
    log('bundles: esbuild + 10 cold imports per Lambda');
    bundles = await measureBundles(PROJECT_ROOT);
  }
  const targets = checkTargets(rows);
  const results = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machine(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    options: { ...options, jsonPath: undefined },
    runs: rows,
    bundles,
    targets,
  };
  process.stdout.write(
    `${runsMarkdown(rows)}\n\nwall / client CPU / DynamoDB Local CPU, ms:\n\n${cpuMarkdown(rows)}\n\n`,
  );
  if (bundles.length > 0) process.stdout.write(`${bundlesMarkdown(bundles)}\n\n`);
  process.stdout.write(`${targetsMarkdown(targets)}\n`);
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
