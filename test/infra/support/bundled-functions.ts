/**
 * The synthesized assembly as Lambda runs it, for the artifact test
 * (test/infra/deployable.test.ts): `npx cdk synth` in a clean environment (no
 * AWS credentials, no profile, a throwaway HOME), a function of the template
 * found by its description with its bundle's entry file and its environment,
 * the environment's tokens resolved to local stand-ins, and the bundle's
 * `handler` invoked in a fresh Node process (a cold start), as Lambda would.
 */
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../../lib/hygiene-function';
import type { LogicalIdOf } from './required-permissions';

const execFileAsync = promisify(execFile);

/** The stack the app synthesizes. */
const STACK_NAME = 'PersonalClientHygiene';

/** How `npx cdk synth` ended. */
export interface SynthOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A resource of the synthesized template, as these tests read it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: unknown;
  readonly Metadata?: Readonly<Record<string, unknown>>;
}

/** The synthesized template. */
export interface SynthTemplate {
  readonly Resources: Readonly<Record<string, TemplateResource>>;
}

/** A clean environment: no AWS credentials, no profile, no config files, a throwaway HOME. */
function scrubbedEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

/** Runs `npx cdk synth` into `outdir` with the context values `context` (`key=value`), offline. */
export async function cdkSynth(outdir: string, home: string, context: string[] = []): Promise<SynthOutcome> {
  const args = [
    'cdk',
    'synth',
    '--quiet',
    '--no-notices',
    '--output',
    outdir,
    ...context.flatMap((c) => ['-c', c]),
  ];
  try {
    const { stdout, stderr } = await execFileAsync('npx', args, {
      cwd: PROJECT_ROOT,
      env: scrubbedEnv(home),
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error: unknown) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The stack's template in the assembly at `outdir`. */
export async function readTemplate(outdir: string): Promise<SynthTemplate> {
  return JSON.parse(await readFile(join(outdir, `${STACK_NAME}.template.json`), 'utf8')) as SynthTemplate;
}

/** The properties of a function of the template these tests read. */
interface FunctionProperties {
  readonly Description: string;
  readonly Handler: string;
  readonly Environment: { readonly Variables: Record<string, unknown> };
}

/** A function of the template: its logical id, its bundle's entry file and its environment as the template has it. */
export interface Bundle {
  readonly id: string;
  readonly entry: string;
  readonly env: Readonly<Record<string, unknown>>;
}

/** The functions of the template, with their properties. */
export function functionsOf(template: SynthTemplate): [string, FunctionProperties][] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => [id, r.Properties as FunctionProperties]);
}

/**
 * The function of `template` (in the assembly at `outdir`) whose description starts with `descriptionStart`.
 * @throws when there is none, or its handler is not the bundle's `index.handler`
 */
export function bundleOf(template: SynthTemplate, outdir: string, descriptionStart: string): Bundle {
  const found = functionsOf(template).find(([, p]) => p.Description.startsWith(descriptionStart));
  if (found === undefined) throw new Error(`no function ${descriptionStart}`);
  const [id, properties] = found;
  if (properties.Handler !== 'index.handler') throw new Error(`${id}: handler ${properties.Handler}`);
  const assetPath = template.Resources[id]?.Metadata?.['aws:asset:path'];
  return {
    id,
    entry: join(outdir, String(assetPath), 'index.mjs'),
    env: properties.Environment.Variables,
  };
}

/**
 * The template's environment with its tokens resolved: a plain value as is, a token (`Ref X`) to `tokens[name]`
 * (the local stand-in of what the variable names: a table's name, the topic's ARN).
 * @throws naming the variable, for a token `tokens` has no value for
 */
export function resolveEnv(
  env: Readonly<Record<string, unknown>>,
  tokens: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const resolved = typeof value === 'string' ? value : tokens[key];
    if (resolved === undefined) throw new Error(`unexpected token in ${key}: ${JSON.stringify(value)}`);
    out[key] = resolved;
  }
  return out;
}

/**
 * What the run's names stand for in the template: each variable the template sets to `Ref X` (a table's
 * name, the topic's ARN, the configuration set's name) maps the value `resolved` gives it to `X`.
 */
export function logicalIdsOf(
  env: Readonly<Record<string, unknown>>,
  resolved: Readonly<Record<string, string>>,
): LogicalIdOf {
  const ids = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    const ref = (value as { Ref?: unknown } | null)?.Ref;
    if (typeof ref === 'string' && resolved[key] !== undefined) ids.set(resolved[key], ref);
  }
  return (name) => ids.get(name);
}

/** How one invocation ended: the exit code, the handler's result, and what the process printed. */
export interface Invocation {
  readonly code: number;
  readonly result: unknown;
  readonly stdout: string;
  readonly stderr: string;
}

/** How Lambda's context looks to one invocation. */
export interface InvokeOptions {
  /**
   * What `context.getRemainingTimeInMillis()` answers, throughout (default 600,000: the ten minutes nothing here
   * comes near). Less than a handler keeps back drives its out-of-time paths (the sweep's checkpoint save).
   */
  readonly remainingTimeMs?: number;
}

/** Runs `handler` from the bundle in a fresh Node process (a cold start), as Lambda would call it. */
export async function invoke(
  entry: string,
  env: Readonly<Record<string, string>>,
  event: unknown,
  { remainingTimeMs = 600_000 }: InvokeOptions = {},
): Promise<Invocation> {
  const script = `
    const mod = await import(${JSON.stringify(pathToFileURL(entry).href)});
    const context = {
      functionName: 'local', functionVersion: '$LATEST', memoryLimitInMB: '1024',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:local',
      awsRequestId: 'req-1', logGroupName: 'local', logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => ${JSON.stringify(remainingTimeMs)},
    };
    const result = await mod.handler(${JSON.stringify(event)}, context);
    process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      resolve({ code: code ?? 1, result: line ? JSON.parse(line.slice(7)) : undefined, stdout, stderr });
    });
  });
}
