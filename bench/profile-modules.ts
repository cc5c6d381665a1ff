/**
 * Where a measurement child's CPU goes, by module: reads a V8 CPU profile of
 * one measured call (`npm run bench -- ... --cpu-prof DIR`, which profiles the
 * call alone: bench/measured-profile.ts) and sums the samples' self time by the
 * source module they fall in (the child is one esbuild bundle, whose `// path`
 * comments mark where each module starts). Sums are grouped as the SDK
 * (packages), Node (its internals and native code), the project (`lambdas/`),
 * the bench's own middlewares (`bench/`), the garbage collector and idle
 * (bench/HISTORY.md, "Second session of 3 December").
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
import { parseScriptArgs } from './script-args';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
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

/** Self time (ms) by module over the whole profile (the measured call), and the call's length. */
function selfTimeByModule(profile: CpuProfile, moduleOf: (line: number) => string) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  // timeDeltas[i] is the time from the sample before sample i; the first is from the profile's start.
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return;
    const module = frame.url.endsWith('child.mjs')
      ? moduleOf(frame.lineNumber)
      : frame.url || frame.functionName;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(module, (self.get(module) ?? 0) + ms);
  });
  return { self, callMs: (profile.endTime - profile.startTime) / 1000 };
}

const { profilePath, top } = parseScriptArgs('profile-modules', () => {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '25' } },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (path === undefined) throw new UsageError('usage: npx tsx bench/profile-modules.ts PROFILE [--top 25]');
  return { profilePath: path, top: integerIn('--top', 1, 10_000)(values.top) };
});
const profile = JSON.parse(await readFile(profilePath, 'utf8')) as CpuProfile;
const bundle = await bundleChild(PROJECT_ROOT);
const moduleOf = moduleOfLine(await readFile(bundle.path, 'utf8'));
await bundle.dispose();
const { self, callMs } = selfTimeByModule(profile, moduleOf);
const active = [...self].filter(([module]) => module !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
const groups = new Map<string, number>();
for (const [module, ms] of self) groups.set(groupOf(module), (groups.get(groupOf(module)) ?? 0) + ms);
const percent = (ms: number) => `${((100 * ms) / active).toFixed(0)}%`;
console.log(
  `${basename(profilePath)}: measured call ${callMs.toFixed(0)} ms, ${active.toFixed(0)} ms not idle`,
);
for (const [group, ms] of [...groups].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${group}: ${ms.toFixed(1)} ms${group === '(idle)' ? '' : ` (${percent(ms)})`}`);
}
console.log(`top modules (self time):`);
const busiest = [...self].filter(([module]) => module !== '(idle)').sort((a, b) => b[1] - a[1]);
for (const [module, ms] of busiest.slice(0, top)) {
  console.log(`  ${ms.toFixed(1).padStart(7)} ms ${percent(ms).padStart(4)}  ${module}`);
}
