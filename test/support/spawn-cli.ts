/**
 * Runs the CLI (`bin/pc-hygiene.js`) as its own process with the outputs a
 * test sets up, for the tests of what happens when an output fails (the rule:
 * cli/stream-writer.ts, `guardOutputs`): each of stdout and stderr collected,
 * ignored, written to `/dev/full` (every write fails with `ENOSPC`), closed by
 * its reader before anything is written (stdout only: `| head`), or given as
 * is (a socket). The one way these tests start the CLI; `runCli`
 * (test/support/run-cli.ts) is for the tests that only read what it prints.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));

/**
 * One output of the child: `pipe` (collected), `ignore`, `full` (`/dev/full`),
 * `closed` (a pipe its reader closes at once; stdout only), or a socket.
 */
export type CliOutput = 'pipe' | 'ignore' | 'full' | 'closed' | Socket;

/** How a spawned run ended, and the text of each output collected (`''` for the others). */
export interface SpawnedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** What {@link spawnCli} gives the child. */
export interface SpawnOutputs {
  readonly stdout?: CliOutput;
  readonly stderr?: Exclude<CliOutput, 'closed'>;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts `pc-hygiene ...args` with `outputs` (both collected by default) and
 * resolves when it has exited. The child is started before this returns, so a
 * caller may act on a socket it passed (reset its other end) before awaiting.
 */
export function spawnCli(args: readonly string[], outputs: SpawnOutputs = {}): Promise<SpawnedRun> {
  const opened: number[] = [];
  const stdio = (output: CliOutput) => {
    if (output === 'closed') return 'pipe';
    if (output !== 'full') return output;
    const fd = openSync('/dev/full', 'w');
    opened.push(fd);
    return fd;
  };
  const stdoutOf = outputs.stdout ?? 'pipe';
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', stdio(stdoutOf), stdio(outputs.stderr ?? 'pipe')],
    env: { ...process.env, ...outputs.env },
  });
  // The child has its own copies of these descriptors.
  for (const fd of opened) closeSync(fd);
  if (stdoutOf === 'closed') child.stdout?.destroy();
  let stdout = '';
  let stderr = '';
  if (stdoutOf === 'pipe') child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
