/**
 * The memory runs' live-heap figure (bench/memory-sampler.ts): the largest
 * heap in use right after a full collection counts what is still reachable,
 * not the garbage a sampled peak includes.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { LiveHeapTracker } from '../../bench/memory-sampler';

/** A full collection on demand, in a process started without `--expose-gc`. */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const MB = 1024 * 1024;

describe('LiveHeapTracker', () => {
  it('reports the heap still reachable after a full collection, not the garbage made before it', () => {
    const tracker = new LiveHeapTracker();
    const baseline = (() => {
      fullGc();
      return process.memoryUsage().heapUsed;
    })();
    // ~40 MB of garbage, then ~8 MB kept across the next full collection.
    for (let i = 0; i < 40; i++) new Array(MB / 8).fill(i);
    const kept = Array.from({ length: 8 }, (_, i) => new Array(MB / 8).fill(i));
    fullGc();
    const peak = tracker.stop();
    expect(kept).toHaveLength(8);
    expect(peak).not.toBeNull();
    expect((peak as number) - baseline).toBeGreaterThan(7 * MB);
    expect((peak as number) - baseline).toBeLessThan(20 * MB);
  });

  it('is null when no full collection happened while it tracked', () => {
    expect(new LiveHeapTracker().stop()).toBeNull();
  });
});
