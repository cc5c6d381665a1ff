/**
 * THE bounded-concurrency primitive of the code base (the sweep's writes, the
 * batch importer's requests, the fault tests' parallel cases all use it; the
 * in-order map {@link mapWithConcurrency} sits on top).
 *
 * Bounded concurrency with backpressure: at most `limit` tasks run at once,
 * and `submit` waits for a free slot, so a producer (the streaming scan) can
 * never run ahead of the writes and pile up pending work in memory.
 *
 * Why not `p-limit` / `p-map`: `p-limit` queues every call at once (the
 * caller never waits for a slot, so a fast scan would buffer the whole
 * table's writes in its queue), and `p-map` either wants the whole input up
 * front or owns the loop over an async iterable, which would move the
 * sweep's per-page deadline check, deletion buffer and abort into a
 * generator. Neither gives a streaming producer "wait here until a slot is
 * free". This is ~40 lines with no dependency to bundle into every Lambda.
 */
export class TaskPool {
  private running = 0;
  /** Submitters waiting for a slot, oldest first; a finishing task hands its slot to the first. */
  private readonly slotWaiters: (() => void)[] = [];
  /** `drain` callers waiting for the last task to finish. */
  private readonly idleWaiters: (() => void)[] = [];
  private failure: { error: unknown } | undefined;

  /** @param limit maximum tasks in flight (at least 1) */
  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`pool limit must be >= 1, got ${limit}`);
  }

  /**
   * Starts `task` once fewer than `limit` tasks are running; resolves when it
   * has started (not finished). Waiting submitters get slots in the order
   * they asked: a finishing task hands its slot to the oldest of them, so a
   * later `submit` never overtakes one that waits. Waiting costs the same with
   * 400 tasks in flight as with 4. (A `Promise.race` over the running tasks
   * would attach a reaction to each of them on every wait, kept until that
   * task settles: with 400 in flight, ~13,000 promise reactions per task;
   * test/unit/task-pool.test.ts counts them.)
   * @throws the first error a task rejected with (tasks should handle their own errors), or what `task` threw
   */
  async submit(task: () => Promise<void>): Promise<void> {
    if (this.running < this.limit) this.running++;
    else await new Promise<void>((takeSlot) => this.slotWaiters.push(takeSlot));
    // This submit holds a slot from here: taken above, or handed over by `finished`.
    let started: Promise<void>;
    try {
      this.rethrow();
      started = task();
    } catch (error: unknown) {
      this.finished();
      throw error;
    }
    started
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.finished());
  }

  /**
   * Waits until every started task has finished.
   * @throws the first error a task rejected with
   */
  async drain(): Promise<void> {
    while (this.running > 0) await new Promise<void>((wake) => this.idleWaiters.push(wake));
    this.rethrow();
  }

  /** Frees a slot: handed straight to the oldest waiting submitter, or released. */
  private finished(): void {
    const next = this.slotWaiters.shift();
    if (next !== undefined) {
      next();
      return;
    }
    this.running--;
    if (this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }
}

/**
 * Runs `task` over `items` with at most `limit` in flight, on a {@link TaskPool};
 * results in input order.
 * @throws the first error a task rejected with (after the tasks in flight settle)
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const pool = new TaskPool(Math.max(1, Math.min(limit, items.length)));
  for (const [index, item] of items.entries()) {
    await pool.submit(async () => {
      results[index] = await task(item, index);
    });
  }
  await pool.drain();
  return results;
}
