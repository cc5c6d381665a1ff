/**
 * Runs one `pc-hygiene` command in the test's own process, so the AWS
 * clients it builds are the ones aws-sdk-client-mock stubs (a child process,
 * as `runCli` in ./run-cli.ts starts, would reach the real AWS). It captures
 * what the command wrote and the exit code it set, and leaves stdout, stderr
 * and `process.exitCode` as it found them.
 */
import { Command } from '@commander-js/extra-typings';
import { vi } from 'vitest';

/** What an in-process run wrote, the exit code it set and the error it ended with. */
export interface InProcessRun {
  readonly stdout: string;
  readonly stderr: string;
  /** `process.exitCode` as the command left it (0 when it set none). */
  readonly exitCode: number;
  /** What the command threw (a usage error, commander's exit); absent when it returned. */
  readonly error?: unknown;
}

/** How {@link runInProcess} treats a command that throws. */
export interface InProcessOptions {
  /**
   * Throw the command's error (after restoring stdout, stderr and the exit
   * code) instead of returning it: a test that expects success then fails
   * with the command's own error.
   */
  readonly rethrow?: boolean;
}

/**
 * Runs `pc-hygiene ...args` in process with the commands `register` adds,
 * commander's `process.exit` turned into a thrown error.
 */
export async function runInProcess(
  register: (program: Command) => void,
  args: readonly string[],
  options: InProcessOptions = {},
): Promise<InProcessRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  const program = new Command('pc-hygiene').exitOverride();
  register(program);
  let error: unknown;
  let exitCode = 0;
  try {
    await program.parseAsync(['node', 'pc-hygiene', ...args]);
  } catch (e: unknown) {
    error = e;
  } finally {
    exitCode = Number(process.exitCode ?? 0);
    process.exitCode = exitCodeBefore;
    stdout.mockRestore();
    stderr.mockRestore();
  }
  if (error !== undefined && options.rethrow) throw error;
  return { stdout: out.join(''), stderr: err.join(''), exitCode, ...(error !== undefined && { error }) };
}
