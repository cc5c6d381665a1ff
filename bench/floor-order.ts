/**
 * Does the bench's fixed order of arms favour one of them? Each repetition of
 * the bench loads a table, then runs the read floors, then the sweep, on one
 * DynamoDB Local whose JVM keeps compiling as it is used, so the floors always
 * run first. This tool runs the parallel read floor five times around one
 * sweep on the same freshly loaded table (three before it, two after) and
 * prints the wall time of each, so an order effect would show as a trend
 * along the row (bench/HISTORY.md, "Second session of 3 December").
 *
 * Run: `npx tsx bench/floor-order.ts [tables] [latency]` (default 4 tables,
 * `aws`: the `--latency aws` model, or `none`). Each table is the bench's
 * 10,000-record, 1% one for that repetition; a discarded 10% case warms the
 * JVM first, as in the bench. The floors after the sweep read ~1% more bytes
 * (the changed items gained an outbox and a history entry).
 */
import { integerIn } from '../cli/options/numbers';
import { createDocumentClient } from '../lambdas/aws/dynamodb-client';
import { bundleChild, PROJECT_ROOT } from './child-bundle';
import type { ChildTaskName } from './child-protocol';
import { generateTable } from './generate';
import { parseLatencyName } from './options';
import { benchSeed, dropTable, freshTable } from './run-case';
import { benchTask, runChild } from './run-child';
import { parseScriptArgs } from './script-args';
import { startBenchServices } from './services';
import { median } from './stats';

const [tablesText = '4', latencyText = 'aws'] = process.argv.slice(2);
const { tables, latency } = parseScriptArgs('floor-order', () => ({
  tables: integerIn('tables', 1, 100)(tablesText),
  latency: parseLatencyName('latency', latencyText),
}));
const SIZE = 10_000;
/** The arms of one table, in order. */
const ORDER: readonly ChildTaskName[] = [
  'parallel-floor',
  'parallel-floor',
  'parallel-floor',
  'sweep',
  'parallel-floor',
  'parallel-floor',
];

const services = await startBenchServices();
const client = createDocumentClient({ endpoint: services.dynamo });
const bundle = await bundleChild(PROJECT_ROOT);

/** Runs `arms` in order on a fresh table of the bench's generated items; wall time of each, ms. */
async function runOnTable(
  changeRate: number,
  seed: number,
  arms: readonly ChildTaskName[],
): Promise<number[]> {
  const { tableName } = await freshTable(
    client,
    'order',
    generateTable({ size: SIZE, changeRate, seed }).items,
  );
  try {
    const times: number[] = [];
    const latencySeed = latency === 'aws' ? seed : undefined;
    for (const arm of arms)
      times.push((await runChild(bundle.path, benchTask(arm, services, tableName, latencySeed))).ms);
    return times;
  } finally {
    await dropTable(client, tableName);
  }
}

try {
  await runOnTable(0.1, 1, ['parallel-floor', 'sweep', 'notify']);
  const rows: number[][] = [];
  for (let rep = 0; rep < tables; rep++) {
    const row = await runOnTable(0.01, benchSeed(SIZE, 0.01, rep), ORDER);
    rows.push(row);
    console.log(
      `table ${rep}: ${row.map((ms, i) => `${ORDER[i] === 'sweep' ? 'SWEEP' : 'floor'} ${Math.round(ms)}`).join(', ')}`,
    );
  }
  const medians = ORDER.map((_, i) => Math.round(median(rows.map((row) => row[i] ?? 0))));
  console.log(`median by position (${latency}): ${medians.map((ms, i) => `${ORDER[i]} ${ms}`).join(', ')}`);
} finally {
  client.destroy();
  await bundle.dispose();
  await services.stop();
}
