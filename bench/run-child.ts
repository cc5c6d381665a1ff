/** Runs one measurement in a fresh Node process (the bundled bench/child.ts) and reads its result line. */
import { spawn } from 'node:child_process';
import { DEFAULT_SCAN_PAGE_SIZE } from '../lambdas/aws/credential-scanner';
import { DEFAULT_CONFIG } from '../lambdas/hygiene/config';
import { PROJECT_ROOT } from './child-bundle';
import { type ChildResult, type ChildTask, type ChildTaskName, RESULT_PREFIX } from './child-protocol';
import { BENCH_NOW } from './generate';
import { AWS_LATENCY_MODEL } from './latency-model';
import type { BenchEndpoints } from './services';

/** A measurement child failed or printed no result. */
export class ChildMeasurementError extends Error {
  override readonly name = 'ChildMeasurementError';
}

/**
 * A task as the memory runs and the bench's side tools run it (bench/memory.ts, bench/compare-notifier.ts,
 * bench/floor-order.ts): the default
 * configuration's scan segments, the bench's instant, the sweep scanner's page size on every arm, no extra round
 * trip, and the `--latency aws` model drawn from `latencySeed` when one is given (none without).
 */
export function benchTask(
  name: ChildTaskName,
  endpoints: BenchEndpoints,
  tableName: string,
  latencySeed?: number,
): ChildTask {
  return {
    task: name,
    endpoint: endpoints.dynamo,
    sns: endpoints.sns,
    tableName,
    segments: DEFAULT_CONFIG.scanSegments,
    now: BENCH_NOW,
    rttMs: 0,
    pageSize: DEFAULT_SCAN_PAGE_SIZE,
    ...(latencySeed !== undefined && { latency: { model: AWS_LATENCY_MODEL, seed: latencySeed } }),
  };
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
