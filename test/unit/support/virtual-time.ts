/**
 * Virtual time for tests of code that waits through a `sleep` port (the
 * notifier's recipient pacing): `sleep` parks a timer and `run` moves the
 * clock to the earliest parked timer whenever nothing else can run, so waits
 * take no real time and concurrent waits end in the order their times say.
 */
import { setTimeout as realDelay, setImmediate } from 'node:timers/promises';

/** A clock and a sleep on virtual time, with the waits asked for. */
export class VirtualTime {
  /** Every wait asked for, in milliseconds, in call order. */
  readonly waits: number[] = [];
  private readonly timers: { readonly at: number; readonly wake: () => void }[] = [];

  constructor(public now: number) {}

  /** The virtual clock (epoch ms). */
  readonly clock = (): number => this.now;

  /** Resolves once virtual time reaches `ms` from now (only while {@link run} drives it). */
  readonly sleep = (ms: number): Promise<void> => {
    this.waits.push(ms);
    return new Promise<void>((wake) => this.timers.push({ at: this.now + ms, wake }));
  };

  /** Drives `work` to its end: each time nothing can run, the earliest timer fires and the clock moves to it. */
  run<T>(work: Promise<T>): Promise<T> {
    // No I/O here: with no timer parked, the next macrotask turn is all there is to wait for.
    return this.drive(
      work,
      () => false,
      async () => undefined,
    );
  }

  /**
   * Drives `work` like {@link run}, for work that also waits on real I/O (DynamoDB Local, a local HTTP fake): a
   * parked timer fires only while `busy()` is false, so virtual time stands still while a request whose arrival is
   * timed on this clock is in flight (a publish to the SNS fake). While a timer cannot fire, a real millisecond
   * passes, leaving the event loop to that I/O instead of spinning.
   * @param busy whether I/O timed on this clock is in flight (e.g. a count of publishes not yet answered)
   */
  runBesideIo<T>(work: Promise<T>, busy: () => boolean): Promise<T> {
    return this.drive(work, busy, () => realDelay(1));
  }

  /**
   * The loop of {@link run} and {@link runBesideIo}: every continuation that can run now runs (a macrotask turn
   * drains the microtasks); then, unless `busy()`, the earliest parked timer fires and the clock moves to it; with
   * none that may fire, `idle()` is awaited.
   */
  private async drive<T>(work: Promise<T>, busy: () => boolean, idle: () => Promise<unknown>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    done.catch(() => undefined);
    for (;;) {
      await setImmediate();
      if (settled) return done;
      this.timers.sort((a, b) => a.at - b.at);
      const next = busy() ? undefined : this.timers.shift();
      if (next === undefined) {
        await idle();
        continue;
      }
      this.now = Math.max(this.now, next.at);
      next.wake();
    }
  }
}
