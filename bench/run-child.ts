/** Runs one measurement in a fresh Node process (the bundled bench/child.ts) and reads its result line. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildResult, type ChildTask, RESULT_PREFIX } from './child-protocol';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A measurement child failed or printed no result. */
export class ChildMeasurementError extends Error {
  override readonly name = 'ChildMeasurementError';
}

/**
 * Spawns `node --expose-gc [nodeFlags] <childScript> <task JSON>` and resolves
 * with its result. `--expose-gc` lets the child collect its own setup's garbage
 * before the measured call starts (bench/child.ts).
 */
export function runChild(
  childScript: string,
  task: ChildTask,
  nodeFlags: readonly string[] = [],
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, childScript, JSON.stringify(task)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        reject(
          new ChildMeasurementError(
            `bench child ${task.task} exited ${code}: ${stderr.trim() || stdout.trim()}`,
          ),
        );
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult);
    });
  });
}
