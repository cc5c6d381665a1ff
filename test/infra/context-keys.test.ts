/**
 * Every CDK context key is the app's or the CDK's (lib/context-keys.ts, through lib/config.ts): a misspelt key
 * fails the synth, naming the key nearest it, where it used to be ignored (`-c exemptID=…` deployed no exempt id,
 * and the credential it meant to keep was deleted); the keys `cdk.json`, the CDK CLI and `cdk.context.json` pass
 * on every synth are left to the CDK. Checked on the context as the app gets it, and through the installed CDK
 * CLI's real `cdk synth`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/hygiene-function';
import { thrownBy } from '../support/thrown';
import { synthApp } from './synth';

const contextError = (context: Record<string, unknown>) =>
  thrownBy(ContextError, () => readDeploymentSettings(context));

const unknownKey = (key: string, hint: string) =>
  `${key}: not a context key of this app, which would ignore it (${hint})`;

/** The project's `cdk.json` context: the defaults every synth gets. */
async function cdkJsonContext(): Promise<Record<string, unknown>> {
  const cdkJson = JSON.parse(await readFile(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/** What the installed CDK CLI (aws-cdk 2.1148) adds to the context of every `cdk synth`. */
const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
  '@aws-cdk/core:failSynthOnValidationErrors': false,
};

/** What `cdk.context.json` may hold: `cdk acknowledge`, `cdk cli-telemetry --disable`, a lookup's cache. */
const CONTEXT_FILE = {
  'acknowledged-issue-numbers': [34892],
  'cli-telemetry': false,
  'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a', 'eu-west-1b'],
};

describe('unknown context keys', () => {
  it('are refused, each named with the known key nearest it (the misspellings that deployed defaults)', () => {
    expect(
      contextError({
        exemptID: 'cred-1',
        maxDeletePercnt: '50',
        existingTableNmae: 'PersonalClients',
        ADMINEMAILS: 'sec@example.com',
        mod: 'enforce',
      }).problems,
    ).toEqual([
      unknownKey('exemptID', 'did you mean exemptIds?'),
      unknownKey('maxDeletePercnt', 'did you mean maxDeletePercent?'),
      unknownKey('existingTableNmae', 'did you mean existingTableName?'),
      unknownKey('ADMINEMAILS', 'did you mean adminEmails?'),
      unknownKey('mod', 'did you mean mode?'),
    ]);
  });

  it('name the docs when no key is near, and come with the bad values in one error', () => {
    const error = contextError({ colour: 'blue', staleAfterDays: 'abc' });
    expect(error.problems).toEqual([
      unknownKey('colour', 'its keys are in docs/configuration.md and docs/deploy.md'),
      'staleAfterDays = "abc": must be an integer from 1 to 3650',
    ]);
  });

  it('fail the app’s synth: it reads the whole context, not only the keys it knows', () => {
    const error = thrownBy(ContextError, () => synthApp({ exemptID: 'cred-1' }));
    expect(error.message).toBe(`Invalid CDK context: ${unknownKey('exemptID', 'did you mean exemptIds?')}`);
  });

  it('leave the CDK its own: cdk.json’s keys, the CLI’s, cdk.context.json’s, feature flags and lookups', async () => {
    const context = {
      ...(await cdkJsonContext()),
      ...CLI_CONTEXT,
      ...CONTEXT_FILE,
      'aws:cdk:disable-version-reporting': true,
      '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
      '@aws-cdk-containers/ecs-service-extensions:enableDefaultLogDriver': true,
      '@aws-cdk/core.slowSynthThreshold': 60,
      'aws-cdk:enableDiffNoFail': true,
    };
    expect(readDeploymentSettings(context).config.mode).toBe('audit');
    // A misspelt CDK key is not the CDK's: it is refused too, pointing to the key meant.
    expect(contextError({ ...context, 'cli-telemtry': false }).problems).toEqual([
      unknownKey('cli-telemtry', 'did you mean cli-telemetry?'),
    ]);
  });
});

const execFileAsync = promisify(execFile);

/**
 * Runs the installed CDK CLI's `cdk synth` of the app in `dir` (which holds a copy of the project's `cdk.json` and a
 * `cdk.context.json`), offline, in a clean environment, with the context values `context` (`key=value`).
 */
async function cdkSynthIn(dir: string, context: string[]): Promise<{ code: number; stderr: string }> {
  const tsx = join(PROJECT_ROOT, 'node_modules/tsx/dist/cli.mjs');
  // The CLI splits the app's command on spaces itself (it takes a quoted one as one word): no quotes.
  const tsconfig = join(PROJECT_ROOT, 'tsconfig.json');
  const app = [
    process.execPath,
    tsx,
    '--tsconfig',
    tsconfig,
    join(PROJECT_ROOT, 'bin/personal-client-hygiene.ts'),
  ].join(' ');
  const args = [join(PROJECT_ROOT, 'node_modules/aws-cdk/bin/cdk'), 'synth', '--quiet', '--no-notices'];
  args.push('--app', app, '--output', join(dir, 'cdk.out'), ...context.flatMap((c) => ['-c', c]));
  const env = { PATH: process.env.PATH, HOME: dir, CDK_DISABLE_CLI_TELEMETRY: 'true' };
  try {
    const { stderr } = await execFileAsync(process.execPath, args, { cwd: dir, env, maxBuffer: 32 << 20 });
    return { code: 0, stderr };
  } catch (error: unknown) {
    const e = error as { code?: number; stderr?: string };
    return { code: e.code ?? 1, stderr: e.stderr ?? '' };
  }
}

describe('the installed CDK CLI’s cdk synth', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pch-context-keys-'));
    await writeFile(join(dir, 'cdk.json'), await readFile(join(PROJECT_ROOT, 'cdk.json')));
    await writeFile(join(dir, 'cdk.context.json'), JSON.stringify(CONTEXT_FILE));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a misspelt -c key, naming the key meant, in one line', async () => {
    const synth = await cdkSynthIn(dir, ['exemptID=cred-1']);
    expect(synth.code).not.toBe(0);
    expect(synth.stderr).toContain(
      `Invalid CDK context: ${unknownKey('exemptID', 'did you mean exemptIds?')}\n`,
    );
    expect(synth.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('synthesizes with cdk.json’s keys, the keys the CLI adds and cdk.context.json’s', async () => {
    const synth = await cdkSynthIn(dir, ['adminEmails=security@example.com']);
    expect(synth.stderr).not.toContain('Invalid CDK context');
    expect(synth.code).toBe(0);
  });
});
