/** Runs the real `pc-hygiene` CLI in a child process (as a user would). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));

/** What a CLI run printed and how it exited. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pc-hygiene ...args`; never rejects on a non-zero exit. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runFile(process.execPath, [CLI, ...args], env);
}

/**
 * Runs `command` (a `pc-hygiene …` line as the CLI or a message printed it) through `sh`, as an operator pastes it:
 * the shell splits and unquotes its words; never rejects on a non-zero exit.
 */
export function runPasted(command: string): Promise<CliRun> {
  const args = command.replace(/^pc-hygiene /, '');
  return runFile('/bin/sh', ['-c', `"$0" "$1" ${args}`, process.execPath, CLI]);
}

/** Runs `file` with `args`, resolving with what it printed and its exit code. */
function runFile(file: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** A test table as the flags below need it. */
interface LocalTable {
  readonly tableName: string;
  readonly endpoint: string;
}

/** `--table NAME --endpoint URL`: the flags that point a command at a test table. */
export function tableFlags(table: LocalTable): string[] {
  return ['--table', table.tableName, '--endpoint', table.endpoint];
}

/** `--directory-table NAME --endpoint URL`: the flags that point a command at a test owner directory. */
export function directoryFlags(table: LocalTable): string[] {
  return ['--directory-table', table.tableName, '--endpoint', table.endpoint];
}
