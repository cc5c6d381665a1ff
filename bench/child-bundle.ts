/**
 * Bundles bench/child.ts once per bench run (esbuild, like the Lambdas), so
 * each measurement child is a plain `node` process without a TypeScript
 * loader: its startup and peak RSS are those of the code measured, not of tsx.
 * The bench's SNS server process (bench/sns-server-process.ts) is bundled the
 * same way.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** This checkout's root (the parent of `bench/`), wherever a bench tool is started from. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A bundled child script and how to remove it. */
export interface ChildBundle {
  readonly path: string;
  dispose(): Promise<void>;
}

/** Bundles `bench/child.ts` of `projectRoot` into a temporary directory. */
export function bundleChild(projectRoot: string): Promise<ChildBundle> {
  return bundleScript(projectRoot, 'child');
}

/** Bundles `bench/<name>.ts` of `projectRoot` into `<name>.mjs` in a temporary directory. */
export async function bundleScript(projectRoot: string, name: string): Promise<ChildBundle> {
  const dir = await mkdtemp(join(tmpdir(), `pch-bench-${name}-`));
  const path = join(dir, `${name}.mjs`);
  await build({
    absWorkingDir: projectRoot,
    entryPoints: [join(projectRoot, 'bench', `${name}.ts`)],
    outfile: path,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}
