/**
 * Starts the bench's SNS server (bench/sns-server.ts) in a process of its own,
 * as the bench starts DynamoDB Local: the measured clients talk to it over
 * HTTP, and its CPU is never theirs (a measurement reads it apart, by pid).
 */
import { spawn } from 'node:child_process';
import { bundleScript, PROJECT_ROOT } from './child-bundle';
import { SNS_SERVER_READY } from './sns-server';

/** Where a measurement finds the SNS server: its root endpoint, and its pid for its CPU time. */
export interface SnsServerLocation {
  readonly endpoint: string;
  /** Absent when the server's process is not known (its CPU is then not read). */
  readonly pid?: number;
}

/** The running server process. */
export interface SnsServerProcess extends SnsServerLocation {
  readonly pid: number;
  /** Stops the process (SIGTERM) and removes its bundle. */
  stop(): Promise<void>;
}

/** How long the server may take to print its ready line. */
const START_TIMEOUT_MS = 30_000;

/**
 * Bundles and spawns `bench/sns-server-main.ts`, resolving once it listens.
 * @throws {Error} when it exits or stays silent before listening
 */
export async function startSnsServerProcess(): Promise<SnsServerProcess> {
  const bundle = await bundleScript(PROJECT_ROOT, 'sns-server-main');
  // stdin is the server's lifeline: it exits when the pipe closes, so a bench killed without running its handlers
  // (SIGKILL, a signal before they are registered) leaves no server behind (bench/sns-server-main.ts).
  const child = spawn(process.execPath, [bundle.path], { stdio: ['pipe', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await bundle.dispose();
  };
  try {
    const endpoint = await readyEndpoint(child, () => stderr);
    return { endpoint, pid: child.pid as number, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

/** The endpoint of the server's ready line. */
function readyEndpoint(child: ReturnType<typeof spawn>, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`the bench's SNS server did not start in ${START_TIMEOUT_MS} ms: ${stderr()}`)),
      START_TIMEOUT_MS,
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith(SNS_SERVER_READY));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve(line.slice(SNS_SERVER_READY.length).trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench's SNS server exited ${code} before listening: ${stderr()}`));
    });
  });
}
