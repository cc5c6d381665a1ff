/**
 * Compares the notifier's client CPU per event of two or more checkouts back
 * to back, on one DynamoDB Local, with the same outbox: the bench's figure
 * moves by ±30% with the machine's state over an afternoon, far more than a
 * change to the notifier does, so a change is judged by interleaved pairs,
 * not by runs made at different times (BENCHMARKS.md, "Comparing notifier
 * changes").
 *
 *     npx tsx bench/compare-notifier.ts [--reps 10] [--latency aws] ROOT_A ROOT_B [ROOT_C ...]
 *
 * Each ROOT is a checkout with its `node_modules` (e.g. `git worktree add
 * /tmp/old <commit>` and a symlink to this tree's `node_modules`); its
 * `bench/child.ts` is bundled and run as the bench runs it. A ROOT may be
 * followed by Node flags in the same argument (`'. --always-sparkplug'`): that
 * variant's children run with them, so one checkout can be compared with itself
 * under other V8 settings (bench/HISTORY.md, "Second session of 3 December").
 * The word `--warm` there is not a Node flag: that variant's children first
 * drain a copy of the outbox, unmeasured, then the measured one (a warm
 * process, as a Lambda's later invocations run; bench/HISTORY.md, "Third
 * session of 6 December"). The outbox is the
 * one the first checkout's sweep leaves on the bench's 10,000-record, 10%
 * table; it is loaded into a fresh table before every drain. Two discarded
 * drains warm the JVM; then each repetition drains once per checkout, in
 * alternating order.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { integerIn } from '../cli/options/numbers';
import { UsageError } from '../cli/usage-error';
import { createDocumentClient } from '../lambdas/aws/dynamodb-client';
import { bundleChild, type ChildBundle } from './child-bundle';
import type { ChildTaskName } from './child-protocol';
import { generateTable } from './generate';
import { parseLatencyName } from './options';
import { readPendingOutboxItems, sizesOf } from './outbox-items';
import { benchSeed, dropTable, freshTable } from './run-case';
import { benchTask, runChild } from './run-child';
import { parseScriptArgs } from './script-args';
import { startBenchServices } from './services';
import { median } from './stats';
import { withJsonFile } from './task-files';

type Item = Record<string, unknown>;

const { positionals, reps, latency } = parseScriptArgs('compare-notifier', () => {
  const { values, positionals } = parseArgs({
    options: { reps: { type: 'string', default: '10' }, latency: { type: 'string', default: 'none' } },
    allowPositionals: true,
  });
  if (positionals.length < 2)
    throw new UsageError('give at least two checkouts to compare (one may repeat with Node flags)');
  return {
    positionals,
    reps: integerIn('--reps', 1, 1000)(values.reps),
    latency: parseLatencyName('--latency', values.latency),
  };
});
/** A checkout to bundle, the Node flags its children run with, and whether they drain once before measuring. */
interface Variant {
  readonly label: string;
  readonly root: string;
  readonly nodeFlags: readonly string[];
  readonly warm: boolean;
}
/** The word after a ROOT that asks for a warm drain (not passed to Node). */
const WARM_WORD = '--warm';
const variants: readonly Variant[] = positionals.map((argument) => {
  const [root = '.', ...words] = argument.trim().split(/\s+/);
  const nodeFlags = words.filter((word) => word !== WARM_WORD);
  return { label: argument.trim(), root: resolve(root), nodeFlags, warm: words.includes(WARM_WORD) };
});

const services = await startBenchServices();
const client = createDocumentClient({ endpoint: services.dynamo });
/** Each checkout's bundled child, by root. */
const bundles = new Map<string, ChildBundle>();

/** The bench's task for `name` on `tableName`, the latency model's draws seeded alike for every drain. */
const task = (name: ChildTaskName, tableName: string) =>
  benchTask(name, services, tableName, latency === 'aws' ? 12_345 : undefined);

/** Runs `work` on a fresh table loaded with `items`, dropped afterwards. */
async function withTable<T>(items: readonly Item[], work: (tableName: string) => Promise<T>): Promise<T> {
  const { tableName } = await freshTable(client, 'compare', items);
  try {
    return await work(tableName);
  } finally {
    await dropTable(client, tableName);
  }
}

/** The items with pending notices after the first checkout's sweep over the bench's 10k/10% table. */
async function outboxSnapshot(child: string): Promise<Item[]> {
  const table = generateTable({ size: 10_000, changeRate: 0.1, seed: benchSeed(10_000, 0.1, 0) });
  return withTable(table.items, async (tableName) => {
    await runChild(child, task('sweep', tableName));
    return readPendingOutboxItems(client, tableName);
  });
}

/**
 * One measured drain of `snapshot` by `child` run with `variant`'s Node flags (after an unmeasured drain of
 * a second copy when it is warm): client CPU per event, ms. The child gets the snapshot's item sizes in
 * `sizesFile`, as the bench's notifier measurement does (bench/run-case.ts).
 */
async function drainCpuPerEvent(
  child: string,
  snapshot: readonly Item[],
  sizesFile: string,
  variant: Pick<Variant, 'nodeFlags' | 'warm'> = { nodeFlags: [], warm: false },
): Promise<number> {
  const measureDrain = (warmUpTableName?: string) =>
    withTable(snapshot, async (tableName) => {
      const result = await runChild(
        child,
        {
          ...task('notify', tableName),
          itemSizesFile: sizesFile,
          ...(warmUpTableName && { warmUpTableName }),
        },
        variant.nodeFlags,
      );
      return result.cpuMs / Math.max(1, Number(result.detail.eventsPublished));
    });
  return variant.warm ? withTable(snapshot, measureDrain) : measureDrain();
}

/** A variant ready to run: its checkout's bundled child. */
interface BundledVariant extends Variant {
  readonly child: string;
}

async function compare(runs: readonly BundledVariant[]): Promise<void> {
  const [first] = runs as [BundledVariant, ...BundledVariant[]];
  const snapshot = await outboxSnapshot(first.child);
  console.log(`outbox: ${snapshot.length} items; latency model: ${latency}`);
  const perRun = await withJsonFile('compare-sizes', sizesOf(snapshot), async (sizesFile) => {
    for (let i = 0; i < 2; i++) await drainCpuPerEvent(first.child, snapshot, sizesFile);
    const perRun: number[][] = runs.map(() => []);
    for (let rep = 0; rep < reps; rep++) {
      const order = runs.map((_, i) => i);
      if (rep % 2 === 1) order.reverse();
      for (const i of order) {
        const variant = runs[i] as BundledVariant;
        perRun[i]?.push(await drainCpuPerEvent(variant.child, snapshot, sizesFile, variant));
      }
      console.log(`rep ${rep}: ${perRun.map((v) => (v.at(-1) ?? 0).toFixed(3)).join(' ')}`);
    }
    return perRun;
  });
  const base = median(perRun[0] ?? []);
  runs.forEach(({ label }, i) => {
    const figures = perRun[i] ?? [];
    const m = median(figures);
    const change = i === 0 ? '' : ` (${(((m - base) / base) * 100).toFixed(1)}% against ${first.label})`;
    console.log(
      `${label}: median ${m.toFixed(3)} ms per event, min ${Math.min(...figures).toFixed(3)}${change}`,
    );
  });
}

try {
  // One bundle per checkout, shared by its variants (the same checkout under other Node flags).
  for (const { root } of variants) {
    if (!bundles.has(root)) bundles.set(root, await bundleChild(root));
  }
  await compare(
    variants.map((variant) => ({ ...variant, child: (bundles.get(variant.root) as ChildBundle).path })),
  );
} finally {
  client.destroy();
  await Promise.all([...bundles.values()].map((b) => b.dispose()));
  await services.stop();
}
