/**
 * The one real sleep of the code base: a timer. It lives outside the domain (`lambdas/hygiene/`, `lambdas/relay/`,
 * `lambdas/render/` hold no timers and no I/O: README.md, "Architecture"), so the domain waits only through the
 * `sleep` port its callers pass: the notifier's and the bounce report's pacing per recipient (docs/notifications.md,
 * "Size limits, splitting, batching and pacing"). The handlers and the CLI pass this one; the adapters and the CLI
 * use it for their retry backoffs; tests pass a fake that advances their clock (`test/unit/support/virtual-time.ts`).
 */

/**
 * Waits `ms` milliseconds on a real timer (`setTimeout`).
 * @param ms how long to wait; 0 or less resolves on the next macrotask
 * @returns a promise that resolves once the time has passed
 */
export function timerSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
