/**
 * The shape of the code, checked (README, "Architecture"): the modules under
 * `lambdas/`, `cli/`, `lib/`, `bin/` and `scripts/`, and the tests and the
 * bench (`test/`, `bench/`), import one another without cycles (a cycle means
 * two modules that cannot be understood, tested or moved apart: the one
 * "below" should hold what both need); the domain
 * (`lambdas/hygiene/`) stays pure: it imports only its own modules, `node:crypto`
 * and the pure parsing libraries listed here — no AWS SDK, no adapter, no
 * handler, no CLI, no I/O; the domain, the relay and the rendering start no
 * timer (`setTimeout`, `setInterval`, `setImmediate`: they wait through the
 * callers' `sleep` port, the real one being `lambdas/aws/timer-sleep.ts`);
 * and every import points the way the README's
 * layering does ({@link ALLOWED_IMPORTS}: folder → what it may import), so a
 * use case that reaches for a flag, or `lib/` for more of the Lambdas than
 * the plain data it reads, fails here by name. Reads the source files' text
 * (import lines, timer calls); no build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SOURCE_DIRS = ['lambdas', 'cli', 'lib', 'bin', 'scripts', 'test', 'bench'];
const DOMAIN = join(ROOT, 'lambdas', 'hygiene');
/** What the domain may import besides its own modules: pure code, no I/O. */
const DOMAIN_PACKAGES = ['node:crypto', 'zod/mini', 'zod/locales', 'ipaddr.js'];

/** The Lambdas' layers, as the README's diagram draws them. */
const DOMAIN_LAYER = 'lambdas/hygiene/';
const RENDER = 'lambdas/render/';
const RELAY = 'lambdas/relay/';
const LAMBDA_ADAPTERS = 'lambdas/aws/';
const LAMBDA_LAYERS = [DOMAIN_LAYER, RENDER, RELAY, LAMBDA_ADAPTERS];

/**
 * What the CLI's adapters read of the handlers: plain data, no Lambda runtime (the deployed functions'
 * environment, the metric names and the sweep's metric values, so the operator's sweep reports as the Lambda does).
 */
const HANDLER_DATA_FOR_CLI = [
  'lambdas/handlers/environment.ts',
  'lambdas/handlers/metric-names.ts',
  'lambdas/handlers/sweep-metric-values.ts',
];

/** The only modules of the Lambdas `lib/` reads at synth time (README, "Architecture": the `lib/` line). */
const LIB_READS = [
  'lambdas/hygiene/config.ts',
  'lambdas/hygiene/data-contract.ts',
  'lambdas/hygiene/owner-directory.ts',
  'lambdas/hygiene/email-address-rules.ts',
  'lambdas/hygiene/sweep/types.ts',
  'lambdas/relay/ses-address.ts',
  'lambdas/aws/credential-table-definition.ts',
  'lambdas/aws/owner-directory-table-definition.ts',
  'lambdas/aws/relay-ledger-table-definition.ts',
  'lambdas/handlers/metric-names.ts',
  'lambdas/handlers/environment.ts',
  'lambdas/handlers/safety-margins.ts',
];

/**
 * Who may import whom (README, "Architecture" and "Where things live"): each layer (a folder, ending in `/`, or
 * one module) → the layers and single modules it may import besides its own. A file belongs to the longest key
 * it starts with (`cli/aws/x.ts` to `cli/aws/`, `cli/jsonl.ts` to `cli/`, the CLI's shared modules); a file
 * under no key (`test/`, `bench/`: they reach into every layer on purpose) is not checked as an importer, and
 * is imported only where it is named (`scripts/`). Nothing in `lambdas/` imports `cli/`; in the CLI, `commands/` → `use-cases/` →
 * `aws/`, and neither a use case nor an adapter imports a flag (`options/`).
 */
const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  [DOMAIN_LAYER]: [],
  [RENDER]: [DOMAIN_LAYER],
  [RELAY]: [DOMAIN_LAYER, RENDER],
  [LAMBDA_ADAPTERS]: [DOMAIN_LAYER, RELAY],
  'lambdas/handlers/': LAMBDA_LAYERS,
  'lib/': LIB_READS,
  'bin/': ['lib/'],
  'cli/main.ts': ['cli/', 'cli/commands/', DOMAIN_LAYER, RENDER],
  'cli/': [DOMAIN_LAYER, RENDER, 'lambdas/aws/sns-wire.ts'],
  'cli/commands/': [
    'cli/',
    'cli/use-cases/',
    'cli/options/',
    'cli/format/',
    'cli/aws/',
    'cli/local/',
    ...LAMBDA_LAYERS,
  ],
  'cli/use-cases/': ['cli/', 'cli/aws/', ...LAMBDA_LAYERS],
  'cli/options/': ['cli/', 'cli/aws/', 'cli/format/shell-word.ts', ...LAMBDA_LAYERS],
  'cli/format/': [
    'cli/',
    DOMAIN_LAYER,
    RENDER,
    // The shapes they print (type imports).
    'cli/aws/run-manifest-parse.ts',
    'cli/options/formats.ts',
    'cli/use-cases/report-table.ts',
  ],
  'cli/aws/': [
    'cli/stderr.ts',
    'cli/operator-text.ts',
    DOMAIN_LAYER,
    RENDER,
    LAMBDA_ADAPTERS,
    ...HANDLER_DATA_FOR_CLI,
  ],
  'cli/local/': ['cli/use-cases/', DOMAIN_LAYER, LAMBDA_ADAPTERS],
  'scripts/': [
    'cli/local/',
    DOMAIN_LAYER,
    RELAY,
    // The fault run's figures, written by the tests and merged by the report; the digest the email check renders.
    'test/faults/support/figures.ts',
    'test/support/sample-digest.ts',
  ],
};

/** The layer of a path relative to the root: the longest key of {@link ALLOWED_IMPORTS} it is or starts with. */
function layerOf(path: string): string | undefined {
  return Object.keys(ALLOWED_IMPORTS)
    .filter((key) => (key.endsWith('/') ? path.startsWith(key) : path === key))
    .sort((a, b) => b.length - a.length)[0];
}

/** Whether a module of `layer` may import `target` (both relative to the root). */
function mayImport(layer: string, target: string): boolean {
  const targetLayer = layerOf(target);
  return (
    targetLayer === layer ||
    (ALLOWED_IMPORTS[layer] ?? []).some((allowed) => allowed === target || allowed === targetLayer)
  );
}

/** Every import against {@link ALLOWED_IMPORTS}, as `importer imports imported: the rule`. */
function wrongWayImports(graph: ReadonlyMap<string, readonly string[]>): string[] {
  return [...graph].flatMap(([file, targets]) => {
    const from = relative(ROOT, file);
    const layer = layerOf(from);
    if (layer === undefined) return [];
    return targets
      .map((target) => relative(ROOT, target))
      .filter((to) => !mayImport(layer, to))
      .map(
        (to) =>
          `${from} imports ${to}: ${layer} may import only ${[layer, ...(ALLOWED_IMPORTS[layer] ?? [])].join(', ')} ` +
          '(README, "Architecture")',
      );
  });
}

/** `import … from 'x'`, `import type …`, `export … from 'x'`, `import('x')`: the specifiers, comments left out. */
const IMPORT =
  /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gs;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A source file's text without its comments (block comments, and lines that are a `//` comment). */
function codeOf(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

/** Every source file of {@link SOURCE_DIRS} with its code ({@link codeOf}), each read once for every check. */
function readSources(): Map<string, string> {
  const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)));
  return new Map(files.map((file) => [file, codeOf(file)]));
}

function specifiers(code: string): string[] {
  return [...code.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? '');
}

/** The folders that hold no timer: the domain, and the pure layers over it (README, "Architecture"). */
const TIMERLESS_DIRS = [DOMAIN_LAYER, RENDER, RELAY];
/** A timer started: the waits are the callers' `sleep` port (the real one is `lambdas/aws/timer-sleep.ts`). */
const TIMER_CALL = /\b(?:setTimeout|setInterval|setImmediate)\s*\(/g;

/** Every timer started in {@link TIMERLESS_DIRS}, as `file: call`. */
function timerCalls(sources: ReadonlyMap<string, string>): string[] {
  return [...sources]
    .map(([file, code]) => [relative(ROOT, file), code] as const)
    .filter(([from]) => TIMERLESS_DIRS.some((dir) => from.startsWith(dir)))
    .flatMap(([from, code]) => [...code.matchAll(TIMER_CALL)].map((m) => `${from}: ${m[0]}`));
}

/** The source file a relative specifier names (`.ts`, `.tsx`, or a folder's `index.ts`), or `undefined`. */
function resolveRelative(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) =>
    known.has(candidate),
  );
}

/** Every source file with the source files it imports (relative imports only). */
function importGraph(sources: ReadonlyMap<string, string>): Map<string, string[]> {
  const known = new Set(sources.keys());
  return new Map(
    [...sources].map(([file, code]) => [
      file,
      specifiers(code)
        .filter((s) => s.startsWith('.'))
        .map((s) => resolveRelative(file, s, known))
        .filter((target) => target !== undefined),
    ]),
  );
}

/** The groups of modules that import one another (strongly connected components of more than one, or a self-import). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) visit(next);
      if (onStack.has(next)) low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member !== undefined) {
        onStack.delete(member);
        group.push(member);
      }
    } while (member !== node);
    if (group.length > 1 || graph.get(node)?.includes(node))
      groups.push(group.map((f) => relative(ROOT, f)).sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return groups;
}

describe('module structure', () => {
  const sources = readSources();
  const graph = importGraph(sources);

  it('reads the source tree (the domain, the adapters, the CLI, the stack, the tests and the bench)', () => {
    const files = [...graph.keys()].map((f) => relative(ROOT, f));
    expect(files).toContain('lambdas/hygiene/sweep.ts');
    expect(files).toContain('cli/main.ts');
    expect(files).toContain('test/support/test-table.ts');
    expect(files).toContain('bench/run.ts');
    expect([...graph.values()].flat().length).toBeGreaterThan(500);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const [a, b, c] = ['/x/a.ts', '/x/b.ts', '/x/c.ts'];
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [c]],
          [c, [a]],
        ]),
      ),
    ).toHaveLength(1);
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, []],
        ]),
      ),
    ).toEqual([]);
  });

  it('imports only the way the README layers the folders (ALLOWED_IMPORTS)', () => {
    expect(wrongWayImports(graph)).toEqual([]);
  });

  it('names every layer and module of ALLOWED_IMPORTS as they are (a renamed one would allow nothing)', () => {
    const files = new Set([...graph.keys()].map((f) => relative(ROOT, f)));
    const layers = Object.keys(ALLOWED_IMPORTS);
    const stale = [...layers, ...Object.values(ALLOWED_IMPORTS).flat()].filter((entry) =>
      entry.endsWith('/') ? ![...files].some((f) => layerOf(f) === entry) : !files.has(entry),
    );
    expect(stale).toEqual([]);
  });

  it('finds the wrong-way imports a review found (the check itself)', () => {
    const edge = (from: string, to: string) => new Map([[join(ROOT, from), [join(ROOT, to)]]]);
    const wrong = (from: string, to: string) => wrongWayImports(edge(from, to));
    expect(wrong('cli/aws/caller-identity.ts', 'cli/options/by-option.ts')).toEqual([
      expect.stringMatching(
        /^cli\/aws\/caller-identity\.ts imports cli\/options\/by-option\.ts: cli\/aws\/ may import only cli\/aws\/, cli\/stderr\.ts, /,
      ),
    ]);
    expect(wrong('cli/use-cases/import-owners.ts', 'cli/options/directory-options.ts')).toHaveLength(1);
    expect(wrong('lib/hygiene-grants.ts', 'lambdas/hygiene/subscription-plan.ts')).toHaveLength(1);
    expect(wrong('lambdas/handlers/sweep.ts', 'cli/exit-codes.ts')).toHaveLength(1);
    expect(wrong('lambdas/hygiene/policy.ts', 'lambdas/render/sanitize.ts')).toHaveLength(1);
    expect(wrong('scripts/render-email.ts', 'test/support/fakes.ts')).toHaveLength(1);
    // What the layering allows: a shared CLI module, plain handler data, a listed module, the same layer.
    expect(wrong('cli/aws/caller-identity.ts', 'cli/operator-text.ts')).toEqual([]);
    expect(wrong('cli/aws/deployment-lookup.ts', 'lambdas/handlers/environment.ts')).toEqual([]);
    expect(wrong('lib/hygiene-grants.ts', 'lambdas/hygiene/data-contract.ts')).toEqual([]);
    expect(wrong('cli/jsonl.ts', 'cli/usage-error.ts')).toEqual([]);
    expect(wrong('test/unit/x.test.ts', 'cli/options/by-option.ts')).toEqual([]);
  });

  it('starts no timer in the domain, the relay or the rendering (the wait is the sleep port)', () => {
    const files = [...graph.keys()];
    expect(files.filter((f) => relative(ROOT, f).startsWith(RELAY)).length).toBeGreaterThan(0);
    expect(timerCalls(sources)).toEqual([]);
  });

  it('keeps the domain pure: only its own modules, node:crypto and pure parsing libraries', () => {
    const outside = [...graph.keys()]
      .filter((file) => file.startsWith(`${DOMAIN}/`))
      .flatMap((file) =>
        specifiers(sources.get(file) ?? '')
          .filter((s) =>
            s.startsWith('.')
              ? !resolve(dirname(file), s).startsWith(`${DOMAIN}/`)
              : !DOMAIN_PACKAGES.includes(s),
          )
          .map((s) => `${relative(ROOT, file)} imports ${s}`),
      );
    expect(outside).toEqual([]);
  });
});
