/**
 * Where a measurement child's CPU goes, by module: reads a V8 CPU profile the
 * bench wrote (`npm run bench -- ... --cpu-prof DIR`) and sums the samples'
 * self time by the source module they fall in (the child is one esbuild
 * bundle, whose `// path` comments mark where each module starts), over the
 * measured call only: from the first to the last sample with the use case on
 * the stack (`runNotifier` or `runSweep`). Sums are grouped as the SDK
 * (packages), Node (its internals and native code), the project (`lambdas/`),
 * the bench's own middlewares (`bench/`), the garbage collector and idle
 * (BENCHMARKS.md, "Second session of 3 December").
 *
 * Run: `npx tsx bench/profile-modules.ts PROFILE [--top 25]` in the checkout
 * the profile was taken from: the script bundles its own checkout's child again
 * to map lines to modules, and another tree's lines would map wrongly.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { integerIn } from '../cli/options/numbers';
import { UsageError } from '../cli/usage-error';
import { bundleChild, PROJECT_ROOT } from './child-bundle';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The use case whose call is the measured window, by the task in the profile's name (`<case>-<task>.cpuprofile`). */
function windowFunction(profilePath: string): string {
  const name = basename(profilePath);
  if (name.endsWith('-notify.cpuprofile')) return 'runNotifier';
  if (name.endsWith('-sweep.cpuprofile')) return 'runSweep';
  throw new UsageError(
    `${name}: only the sweep's and the notifier's profiles (…-sweep / …-notify) have a use case`,
  );
}

/** For each line of the bundle, the module it belongs to (a package name, or a project path). */
function moduleOfLine(bundle: string): (line: number) => string {
  const starts: { line: number; module: string }[] = [];
  bundle.split('\n').forEach((text, line) => {
    const path = /^\/\/ ((?:node_modules|bench|lambdas|cli)\/\S+)$/.exec(text)?.[1];
    if (path === undefined) return;
    const parts = path.split('/');
    const module = path.startsWith('node_modules/')
      ? parts.slice(1, parts[1]?.startsWith('@') ? 3 : 2).join('/')
      : path;
    starts.push({ line, module });
  });
  return (line) => {
    let low = 0;
    let high = starts.length - 1;
    let found = '(bundle prelude)';
    while (low <= high) {
      const mid = (low + high) >> 1;
      const start = starts[mid] as { line: number; module: string };
      if (start.line <= line) {
        found = start.module;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };
}

/** The group a module's time counts in. */
function groupOf(module: string): string {
  if (module === '(idle)' || module === '(garbage collector)') return module;
  if (module.startsWith('lambdas/') || module.startsWith('cli/')) return 'project';
  if (module.startsWith('bench/')) return 'bench';
  if (module.startsWith('node:') || module.startsWith('(') || !module.includes('/')) return 'node';
  return 'sdk and other packages';
}

/** Self time (ms) by module over the measured window. */
function selfTimeByModule(profile: CpuProfile, moduleOf: (line: number) => string, marker: string) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Whether a node has the marker on its stack, decided once per node (samples repeat nodes).
  const marked = new Map<number, boolean>();
  const hasMarker = (id: number): boolean => {
    let known = marked.get(id);
    if (known === undefined) {
      const up = parent.get(id);
      known = byId.get(id)?.callFrame.functionName === marker || (up !== undefined && hasMarker(up));
      marked.set(id, known);
    }
    return known;
  };
  const times: number[] = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) {
    at += delta;
    times.push(at);
  }
  const inWindow = profile.samples.map((id, i) => (hasMarker(id) ? i : -1)).filter((i) => i >= 0);
  if (inWindow.length === 0) throw new UsageError(`no sample has ${marker} on its stack`);
  const first = inWindow[0] as number;
  const last = inWindow.at(-1) as number;
  const self = new Map<string, number>();
  for (let i = first; i < last; i++) {
    const frame = byId.get(profile.samples[i] as number)?.callFrame;
    if (frame === undefined) continue;
    const module = frame.url.endsWith('child.mjs')
      ? moduleOf(frame.lineNumber)
      : frame.url || frame.functionName;
    const ms = ((times[i + 1] as number) - (times[i] as number)) / 1000;
    self.set(module, (self.get(module) ?? 0) + ms);
  }
  return { self, windowMs: ((times[last] as number) - (times[first] as number)) / 1000 };
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '25' } },
  allowPositionals: true,
});
const [profilePath] = positionals;
if (profilePath === undefined)
  throw new UsageError('usage: npx tsx bench/profile-modules.ts PROFILE [--top 25]');
const top = integerIn('--top', 1, 10_000)(values.top);
const marker = windowFunction(profilePath);
const profile = JSON.parse(await readFile(profilePath, 'utf8')) as CpuProfile;
const bundle = await bundleChild(PROJECT_ROOT);
const moduleOf = moduleOfLine(await readFile(bundle.path, 'utf8'));
await bundle.dispose();
const { self, windowMs } = selfTimeByModule(profile, moduleOf, marker);
const active = [...self].filter(([module]) => module !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
const groups = new Map<string, number>();
for (const [module, ms] of self) groups.set(groupOf(module), (groups.get(groupOf(module)) ?? 0) + ms);
const percent = (ms: number) => `${((100 * ms) / active).toFixed(0)}%`;
console.log(
  `${basename(profilePath)}: ${marker} window ${windowMs.toFixed(0)} ms, ${active.toFixed(0)} ms not idle`,
);
for (const [group, ms] of [...groups].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${group}: ${ms.toFixed(1)} ms${group === '(idle)' ? '' : ` (${percent(ms)})`}`);
}
console.log(`top modules (self time):`);
const busiest = [...self].filter(([module]) => module !== '(idle)').sort((a, b) => b[1] - a[1]);
for (const [module, ms] of busiest.slice(0, top)) {
  console.log(`  ${ms.toFixed(1).padStart(7)} ms ${percent(ms).padStart(4)}  ${module}`);
}
