/**
 * Samples a process's memory while a measurement runs: peak V8 heap in use
 * (what the code holds, garbage not yet collected included), peak heap
 * reserved and peak memory outside the V8 heap that V8 accounts for
 * (`external`: Buffers and ArrayBuffers, e.g. HTTP response bodies). These
 * explain the peak RSS the kernel reports (`maxRSS`, read once at the end),
 * which also counts code, native allocations and allocator slack. It also
 * splits the heap in use between the young generation (new objects, which
 * `--max-old-space-size` does not cap and V8 sizes by itself, tens of MB) and
 * the rest, each with its own peak. Reads `v8.getHeapStatistics()` and
 * `v8.getHeapSpaceStatistics()` (no system call, ~6 µs together here), so
 * sampling every 25 ms costs the measured code next to nothing. The memory
 * runs also track the heap in use right after each full collection
 * ({@link LiveHeapTracker}).
 */
import { GCProfiler, getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** V8's young-generation spaces (Node.js docs, "v8.getHeapSpaceStatistics()"). */
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

/** Peaks seen by a {@link MemorySampler}, in bytes. */
export interface MemoryPeaks {
  readonly heapUsed: number;
  /** The heap in use split in two, each part's own peak: the young generation, and everything else. */
  readonly youngUsed: number;
  readonly oldUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

/** Samples the V8 heap statistics every `intervalMs` until stopped. */
export class MemorySampler {
  private readonly peaks = { heapUsed: 0, youngUsed: 0, oldUsed: 0, heapTotal: 0, external: 0 };
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
    let young = 0;
    let old = 0;
    for (const space of getHeapSpaceStatistics()) {
      if (YOUNG_SPACES.has(space.space_name)) young += space.space_used_size;
      else old += space.space_used_size;
    }
    peaks.youngUsed = Math.max(peaks.youngUsed, young);
    peaks.oldUsed = Math.max(peaks.oldUsed, old);
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

/**
 * The heap still in use right after each full collection (mark-compact), the
 * largest seen: what the code holds, without the garbage a sampled peak
 * includes. Under a heap cap V8 lets collected-later garbage fill the old
 * generation up to the cap, so the sampled peak of a long run sits near the
 * cap whatever the code keeps; this figure does not. `null` when no full
 * collection happened (a short run). Uses `v8.GCProfiler` (heap statistics
 * before and after every collection), so only the memory runs turn it on.
 */
export class LiveHeapTracker {
  private readonly profiler = new GCProfiler();

  constructor() {
    this.profiler.start();
  }

  /** Stops tracking; returns the largest heap in use after a full collection, bytes, or `null`. */
  stop(): number | null {
    const data = this.profiler.stop() as GcProfile | undefined;
    let peak: number | null = null;
    for (const gc of data?.statistics ?? []) {
      if (gc.gcType !== 'MarkSweepCompact') continue;
      peak = Math.max(peak ?? 0, gc.afterGC.heapStatistics.usedHeapSize);
    }
    return peak;
  }
}

/** The part of `GCProfiler.stop()`'s result read here (Node.js docs, "v8.GCProfiler"). */
interface GcProfile {
  readonly statistics: readonly {
    readonly gcType: string;
    readonly afterGC: { readonly heapStatistics: { readonly usedHeapSize: number } };
  }[];
}
