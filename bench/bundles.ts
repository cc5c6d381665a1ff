/**
 * Per Lambda: the bundle as deployed and its module-load (init) time.
 *
 * The handler is bundled with the options `lib/hygiene-function.ts` gives
 * `NodejsFunction` (one minified ES module, AWS SDK included, source map
 * without sources, the createRequire banner). Init time is the `import()` of
 * the bundle in a fresh Node process with the function's environment,
 * median of 10; measured with and without `--enable-source-maps`, which the
 * deployed functions set in `NODE_OPTIONS`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { median, round } from './stats';

/** One Lambda's bundle figures. */
export interface BundleResult {
  readonly name: string;
  /** `index.mjs` bytes (what Lambda loads). */
  readonly bytes: number;
  /** `index.mjs.map` bytes (deployed alongside, read when a stack trace is mapped). */
  readonly mapBytes: number;
  /** Median module-load time, ms, as deployed (`--enable-source-maps`). */
  readonly initMs: number;
  /** Median module-load time, ms, without `--enable-source-maps`. */
  readonly initMsWithoutSourceMaps: number;
  /** The largest inputs by bytes in the bundle (package or first-party directory). */
  readonly largestInputs: readonly { readonly input: string; readonly bytes: number }[];
}

/** The Lambda handlers the CDK app deploys. */
export const HANDLERS = [
  { name: 'sweep', entry: 'lambdas/handlers/sweep.ts' },
  { name: 'notifier', entry: 'lambdas/handlers/notifier.ts' },
] as const;

const INIT_SAMPLES = 10;

/** Environment a deployed function sees (values are placeholders; nothing is called at init). */
const FUNCTION_ENV = {
  TABLE_NAME: 'PersonalClients',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:hygiene',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'bench',
  POWERTOOLS_METRICS_NAMESPACE: 'Bench',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  HYGIENE_mode: 'audit',
};

/** Groups metafile inputs by npm package (or first-party top directory) and sums their output bytes. */
function largestInputs(metafile: Metafile): { input: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = match?.[1] ?? path.split('/').slice(0, 2).join('/');
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
}

/** Milliseconds one fresh Node process takes to `import()` the bundle. */
function importTimeMs(bundle: string, sourceMaps: boolean): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script],
      { env: { PATH: process.env.PATH, ...FUNCTION_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(stdout.trim());
      if (code !== 0 || !Number.isFinite(ms))
        reject(new Error(`loading ${bundle} failed (${code}): ${stderr.trim()}`));
      else resolve(ms);
    });
  });
}

/** Bundles and times every handler. */
export async function measureBundles(projectRoot: string): Promise<BundleResult[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'pch-bench-bundles-'));
  try {
    const results: BundleResult[] = [];
    for (const handler of HANDLERS) {
      const outfile = join(outDir, handler.name, 'index.mjs');
      const { metafile } = await build({
        absWorkingDir: projectRoot,
        entryPoints: [join(projectRoot, handler.entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: {
          js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
        },
        metafile: true,
        logLevel: 'silent',
      });
      const withMaps: number[] = [];
      const withoutMaps: number[] = [];
      for (let i = 0; i < INIT_SAMPLES; i++) {
        withMaps.push(await importTimeMs(outfile, true));
        withoutMaps.push(await importTimeMs(outfile, false));
      }
      results.push({
        name: handler.name,
        bytes: (await stat(outfile)).size,
        mapBytes: (await stat(`${outfile}.map`)).size,
        initMs: round(median(withMaps), 1),
        initMsWithoutSourceMaps: round(median(withoutMaps), 1),
        largestInputs: largestInputs(metafile),
      });
    }
    return results;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
