/**
 * The shape of the code, checked (README, "Architecture"): the modules under
 * `lambdas/`, `cli/`, `lib/` and `bin/`, and the tests and the bench (`test/`,
 * `bench/`), import one another without cycles (a cycle means two modules
 * that cannot be understood, tested or moved apart: the one "below" should
 * hold what both need), and the domain
 * (`lambdas/hygiene/`) stays pure: it imports only its own modules, `node:crypto`
 * and the pure parsing libraries listed here — no AWS SDK, no adapter, no
 * handler, no CLI, no I/O. Reads the source files' import lines; no build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SOURCE_DIRS = ['lambdas', 'cli', 'lib', 'bin', 'test', 'bench'];
const DOMAIN = join(ROOT, 'lambdas', 'hygiene');
/** What the domain may import besides its own modules: pure code, no I/O. */
const DOMAIN_PACKAGES = ['node:crypto', 'zod/mini', 'zod/locales', 'ipaddr.js'];

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

function specifiers(file: string): string[] {
  const source = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  return [...source.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? '');
}

/** The source file a relative specifier names (`.ts`, `.tsx`, or a folder's `index.ts`), or `undefined`. */
function resolveRelative(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) =>
    known.has(candidate),
  );
}

/** Every source file with the source files it imports (relative imports only). */
function importGraph(): Map<string, string[]> {
  const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)));
  const known = new Set(files);
  return new Map(
    files.map((file) => [
      file,
      specifiers(file)
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
  const graph = importGraph();

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

  it('keeps the domain pure: only its own modules, node:crypto and pure parsing libraries', () => {
    const outside = [...graph.keys()]
      .filter((file) => file.startsWith(`${DOMAIN}/`))
      .flatMap((file) =>
        specifiers(file)
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
