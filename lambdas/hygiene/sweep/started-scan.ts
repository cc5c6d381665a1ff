/**
 * A scan whose first pages are already requested. The sweep starts reading the
 * table from the top while it asks the checkpoint store where to start: a run
 * almost always starts from the top (a checkpoint exists only after a run ran
 * out of time), so the first pages are on their way one round trip earlier.
 * When a checkpoint is found the early scan is cancelled unread: nothing was
 * decided or written from it, and it cost at most two pages per segment (the
 * first and the one the scanner read ahead after it).
 * docs/sweep.md, "Time budget and checkpoint".
 */

/** Pages being read, and how to stop reading them. */
export interface StartedScan<T> {
  /** The pages, the first of them requested already. Read at most once. */
  readonly pages: AsyncIterable<T>;
  /** Stops the scan without reading it (waits for the requests in flight; never throws). */
  cancel(): Promise<void>;
}

/**
 * Requests the first value of `source` now and hands out the whole sequence.
 * An error of that first request surfaces where the pages are read, not here,
 * and not at all when the scan is cancelled.
 */
export function startScan<T>(source: AsyncIterable<T>): StartedScan<T> {
  const iterator = source[Symbol.asyncIterator]();
  const first = iterator.next();
  first.catch(() => undefined); // read (and rethrown) by `pages`, or dropped by `cancel`
  async function* pages(): AsyncGenerator<T> {
    try {
      for (let next = await first; !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return {
    pages: pages(),
    cancel: async () => {
      await Promise.allSettled([first, iterator.return?.()]);
    },
  };
}
