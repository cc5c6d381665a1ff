/**
 * Samples a process's memory while a measurement runs: peak V8 heap in use
 * (what the code holds, garbage not yet collected included), peak heap
 * reserved and peak memory outside the V8 heap that V8 accounts for
 * (`external`: Buffers and ArrayBuffers, e.g. HTTP response bodies). These
 * explain the peak RSS the kernel reports (`maxRSS`, read once at the end),
 * which also counts code, native allocations and allocator slack. Reads
 * `v8.getHeapStatistics()` (no system call), so sampling every 25 ms costs
 * the measured code next to nothing.
 */
import { getHeapStatistics } from 'node:v8';

/** Peaks seen by a {@link MemorySampler}, in bytes. */
export interface MemoryPeaks {
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

/** Samples the V8 heap statistics every `intervalMs` until stopped. */
export class MemorySampler {
  private readonly peaks = { heapUsed: 0, heapTotal: 0, external: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 25) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one sample now (also called at the end, so a short run is seen). */
  sample(): void {
    const heap = getHeapStatistics();
    const peaks = this.peaks;
    peaks.heapUsed = Math.max(peaks.heapUsed, heap.used_heap_size);
    peaks.heapTotal = Math.max(peaks.heapTotal, heap.total_heap_size);
    peaks.external = Math.max(peaks.external, heap.external_memory);
  }

  /** Stops sampling after a last sample; returns the peaks. */
  stop(): MemoryPeaks {
    clearInterval(this.timer);
    this.sample();
    return { ...this.peaks };
  }
}
