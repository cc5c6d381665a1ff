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
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
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
