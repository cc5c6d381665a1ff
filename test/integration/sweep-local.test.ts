/**
 * `pc-hygiene local` (npm start) as a user runs it: the whole cycle on its own
 * DynamoDB Local, a readable or JSON result, and no java process left behind,
 * whether it finishes or is interrupted with Ctrl-C (pressed twice too: the
 * second, while the database stops, must not end the process before it has).
 * Its last line on stderr names the folder it leaves its demo files in, and the
 * `rm -rf` that removes it (README.md says to remove it when done) — after a
 * Ctrl-C too, saying the files may be partial.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoFilesLeftLine } from '../../cli/commands/local/demo-folder';
import type { PostureReport } from '../../lambdas/hygiene/posture';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));
const NOW = '2026-11-26T00:00:00.000Z';

function javaListeningOn(port: number): boolean {
  const out = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  return out.split('\n').some((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port}`));
}

function portFrom(stderr: string): number {
  const match = /at http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
  if (!match) throw new Error(`no endpoint in: ${stderr}`);
  return Number(match[1]);
}

describe('pc-hygiene local', () => {
  // Each run's own $TMPDIR, removed afterwards: `local` leaves its digests and emails in a folder there.
  let env: NodeJS.ProcessEnv;
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'sweep-local-test-'));
    env = { ...process.env, TMPDIR: tmp };
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  it('runs the cycle, prints the summary and the posture, and stops its database', {
    timeout: 180_000,
  }, async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [CLI, 'local', '--now', NOW, '--count', '120', '--format', 'json'],
          { env },
          (error, out, err) => resolve({ code: error ? Number(error.code) : 0, stdout: out, stderr: err }),
        );
      },
    );

    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { summary: RunSummary; posture: PostureReport };
    expect(result.summary).toMatchObject({ mode: 'enforce', status: 'complete', now: NOW, scanned: 120 });
    expect(result.summary.guard.tripped).toBe(false);
    expect(result.summary.deletions.applied).toBeGreaterThan(0);
    expect(result.summary.invalid.count).toBe(5);
    expect(result.posture).toMatchObject({ total: 120, expiredNotDeleted: 0 });
    expect(stderr).toContain('Loaded 120 demo credentials');
    expect(stderr).toContain('Stopped DynamoDB Local.');
    expect(javaListeningOn(portFrom(stderr))).toBe(false);
    // The one folder the run made in its $TMPDIR, named last on stderr (stdout stays the JSON parsed above).
    const made = (await readdir(tmp)).filter((name) => name.startsWith('pc-hygiene-local-'));
    expect(made).toHaveLength(1);
    const demoDir = join(tmp, made[0] ?? '');
    expect(stderr.split('\n').slice(-3)).toEqual(['Stopped DynamoDB Local.', demoFilesLeftLine(demoDir), '']);
    expect(demoFilesLeftLine(demoDir)).toBe(
      `The demo's files are left in ${demoDir}: remove it when done (rm -rf ${demoDir})`,
    );
  });

  it('stops its database on Ctrl-C, pressed twice, says so and names its folder', {
    timeout: 180_000,
  }, async () => {
    const child = spawn(process.execPath, [CLI, 'local', '--now', NOW], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    /** Resolves once stderr holds `text`. */
    const said = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => stderr.includes(text) && resolve();
        child.stderr.on('data', check);
        check();
      });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // 'close': the process has exited and its stderr is read to the end.
    const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));

    await said('Created table');
    const port = portFrom(stderr);
    expect(javaListeningOn(port)).toBe(true);
    child.kill('SIGINT');
    // Pressed again while the database stops (or, were the first not handled, once the process has ended).
    await Promise.race([said('Interrupted (SIGINT)'), exited]);
    child.kill('SIGINT');

    expect(await exited).toBe(130);
    expect(javaListeningOn(port)).toBe(false);
    expect(stderr).toContain('Interrupted (SIGINT): stopping DynamoDB Local...\nStopped DynamoDB Local.\n');
    // The folder made before the table was created, named last, its files maybe partial.
    const made = (await readdir(tmp)).filter((name) => name.startsWith('pc-hygiene-local-'));
    expect(made).toHaveLength(1);
    const demoDir = join(tmp, made[0] ?? '');
    expect(stderr.split('\n').slice(-3)).toEqual([
      'Stopped DynamoDB Local.',
      `The demo's files so far (interrupted: they may be partial) are left in ${demoDir}: remove it when done ` +
        `(rm -rf ${demoDir})`,
      '',
    ]);
  });
});
