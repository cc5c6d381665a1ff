/**
 * The bounded-concurrency primitive (lambdas/hygiene/task-pool.ts): at most
 * `limit` tasks run at once, `submit` waits for a free slot and resolves when
 * its task has started, `drain` waits for every task, the first failure is
 * rethrown; and waiting for a slot costs the same whatever the pool's size
 * (no work, no memory per task in flight).
 */
import { describe, expect, it, vi } from 'vitest';
import { mapWithConcurrency, TaskPool } from '../../lambdas/hygiene/task-pool';

/** A task the test finishes by hand. */
function controlled() {
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { run: () => done, finish, fail };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('TaskPool', () => {
  it('runs at most `limit` tasks; a submit waits for a free slot and resolves once its task started', async () => {
    const pool = new TaskPool(2);
    const tasks = [controlled(), controlled(), controlled()];
    const started: number[] = [];
    const submits = tasks.map((t, i) =>
      pool.submit(() => {
        started.push(i);
        return t.run();
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    tasks[1]?.finish();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    await Promise.all(submits);
    const drained = vi.fn();
    const drain = pool.drain().then(drained);
    await settle();
    expect(drained).not.toHaveBeenCalled();
    tasks[0]?.finish();
    tasks[2]?.finish();
    await drain;
    expect(drained).toHaveBeenCalledOnce();
  });

  it('rethrows the first failure from the next submit and from drain', async () => {
    const pool = new TaskPool(1);
    const first = controlled();
    await pool.submit(first.run);
    const next = pool.submit(async () => undefined);
    first.fail(new Error('boom'));
    await expect(next).rejects.toThrow('boom');
    await expect(pool.drain()).rejects.toThrow('boom');
  });

  it('hands a freed slot to the oldest waiting submit: a later submit never overtakes it, whenever it comes', async () => {
    // A later submit may arrive any number of microtasks after a slot frees; it must queue behind the waiter.
    for (let depth = 0; depth <= 6; depth++) {
      const pool = new TaskPool(1);
      const first = controlled();
      const started: string[] = [];
      await pool.submit(first.run);
      const waiting = pool.submit(async () => {
        started.push('waiting');
      });
      let later: Promise<void> | undefined;
      const submitLater = (remaining: number): void => {
        if (remaining > 0) queueMicrotask(() => submitLater(remaining - 1));
        else
          later = pool.submit(async () => {
            started.push('later');
          });
      };
      void first.run().then(() => submitLater(depth));
      first.finish();
      await settle();
      await Promise.all([waiting, later]);
      await pool.drain();
      expect({ depth, started }).toEqual({ depth, started: ['waiting', 'later'] });
    }
  });

  it('a task that throws before returning a promise frees its slot, and the submit rejects with its error', async () => {
    const pool = new TaskPool(1);
    await expect(
      pool.submit(() => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    const ran = vi.fn(async () => undefined);
    await pool.submit(ran);
    await pool.drain();
    expect(ran).toHaveBeenCalledOnce();
  });

  it('drains at once when nothing runs, and rejects a limit below 1', async () => {
    await new TaskPool(3).drain();
    expect(() => new TaskPool(0)).toThrow('pool limit must be >= 1, got 0');
  });

  it('waiting for a slot attaches nothing to the tasks in flight: the same promise work with 400 of them as with 4', async () => {
    const thenCalls = async (limit: number) => {
      const pool = new TaskPool(limit);
      const tasks = Array.from({ length: limit + 200 }, () => controlled());
      let calls = 0;
      const then = Promise.prototype.then;
      // Patched by hand (a spy would call `then` itself): counts every reaction attached to a promise.
      const counting = function (this: Promise<unknown>, ...args: Parameters<typeof then>) {
        calls++;
        return then.apply(this, args);
      };
      Object.defineProperty(Promise.prototype, 'then', { value: counting });
      try {
        // Fill the pool, then 200 submits that each wait for a slot, freed one at a time.
        const submits = tasks.map((t) => pool.submit(t.run));
        for (const t of tasks) {
          t.finish();
          await settle();
        }
        await Promise.all(submits);
        await pool.drain();
      } finally {
        Object.defineProperty(Promise.prototype, 'then', { value: then });
      }
      return calls / tasks.length;
    };
    const small = await thenCalls(4);
    const large = await thenCalls(400);
    // With a race over the running tasks, each wait would add ~`limit` calls (400 here, against 4).
    expect(large).toBeLessThan(small * 2);
  });

  it('mapWithConcurrency keeps input order', async () => {
    const out = await mapWithConcurrency([30, 10, 20], 2, async (ms, i) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:10', '2:20']);
  });
});
