/**
 * The time budget a handler gives its use case: Lambda's remaining time less
 * a safety margin kept for what runs after the use case stops (its last
 * writes, the metrics flush, the log line). The sweep, the notifier, the
 * relay and the subscription reconciler each pass it as their use case's
 * `remainingMs`, with their own margin; the SES events handler bounds its hold
 * after a bounce report with it.
 * Its own module, apart from `scheduled-event.ts`: the relay has no schedule.
 * Pure: no AWS imports.
 */

/**
 * The time left for the use case, read afresh at each call: Lambda's remaining time minus `safetyMarginMs`,
 * never negative.
 * @param context the invocation's context (only `getRemainingTimeInMillis` is read)
 * @param safetyMarginMs the time kept back for the work after the use case
 * @returns a function giving the milliseconds left of the budget
 */
export function remainingBudget(
  context: { getRemainingTimeInMillis(): number },
  safetyMarginMs: number,
): () => number {
  return () => Math.max(0, context.getRemainingTimeInMillis() - safetyMarginMs);
}
