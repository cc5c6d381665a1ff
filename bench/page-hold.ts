/**
 * How long the sweep's own code holds each page it reads. On this machine the
 * client is CPU-bound (its CPU time is about its wall time in every arm), so
 * the sweep's wall time over the read floor's is mostly what it does with the
 * pages: parse and decide every record, route the changes, and wait for a
 * write slot when the pool is full. The read floor holds a page for nothing.
 *
 * Measured from outside the shipped code: the sweep's scanner is wrapped, and
 * a page is held from the moment it is handed to the sweep to the moment the
 * sweep asks for the next one (garbage collection pauses that land in between
 * included). Only `performance.now()` twice per page is added to the run.
 */
import type { CredentialScanner, ScanPage } from '../lambdas/hygiene/ports';

/** What the sweep did with its pages, ms of wall time. */
export interface PageHold {
  /** Pages handed to the sweep. */
  readonly pages: number;
  /** All pages together. */
  readonly totalMs: number;
  /** The first page: the code is cold (not yet optimised by the JIT). */
  readonly firstMs: number;
  /** The longest hold of any page. */
  readonly maxMs: number;
}

/** A scanner that times how long its consumer holds each page, and the figures so far. */
export interface PageHoldTimer {
  readonly scanner: CredentialScanner;
  figures(): PageHold;
}

/** Wraps `inner` so that every page handed out is timed until the next one is asked for (or the scan ends). */
export function timePageHolds(inner: CredentialScanner): PageHoldTimer {
  const holds: number[] = [];
  let handedAt: number | undefined;
  const endHold = () => {
    if (handedAt !== undefined) holds.push(performance.now() - handedAt);
    handedAt = undefined;
  };
  const scanner: CredentialScanner = {
    scan: (options) => ({
      [Symbol.asyncIterator]: () => {
        const pages = inner.scan(options)[Symbol.asyncIterator]();
        return {
          next: async () => {
            endHold();
            const result = await pages.next();
            if (!result.done) handedAt = performance.now();
            return result;
          },
          return: async (value?: unknown) => {
            endHold();
            return (await pages.return?.(value)) ?? { done: true as const, value: undefined };
          },
        } satisfies AsyncIterator<ScanPage>;
      },
    }),
  };
  return {
    scanner,
    figures: () => ({
      pages: holds.length,
      totalMs: holds.reduce((sum, ms) => sum + ms, 0),
      firstMs: holds[0] ?? 0,
      maxMs: Math.max(0, ...holds),
    }),
  };
}
