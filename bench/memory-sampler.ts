/**
 * Samples a process's memory while a measurement runs: peak V8 heap in use
 * (what the code holds, garbage not yet collected included), peak heap
 * reserved, peak memory outside the V8 heap (`external`: Buffers and
 * ArrayBuffers, e.g. HTTP response bodies) and peak RSS as sampled. These
 * explain the peak RSS the kernel reports (`maxRSS`), which also counts code,
 * the young generation and allocator slack.
 */

/** Peaks seen by a {@link MemorySampler}, in bytes. */
export interface MemoryPeaks {
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

/** Samples `process.memoryUsage()` every `intervalMs` until stopped. */
export class MemorySampler {
  private readonly peaks = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0, rss: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 25) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one sample now (also called at the end, so a short run is seen). */
  sample(): void {
    const usage = process.memoryUsage();
    const peaks = this.peaks;
    peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
    peaks.heapTotal = Math.max(peaks.heapTotal, usage.heapTotal);
    peaks.external = Math.max(peaks.external, usage.external);
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, usage.arrayBuffers);
    peaks.rss = Math.max(peaks.rss, usage.rss);
  }

  /** Stops sampling after a last sample; returns the peaks. */
  stop(): MemoryPeaks {
    clearInterval(this.timer);
    this.sample();
    return { ...this.peaks };
  }
}
