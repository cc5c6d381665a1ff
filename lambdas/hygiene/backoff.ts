/**
 * How long to wait before retrying work AWS did not finish (throttling, unprocessed keys or items, a transaction
 * cancelled for a concurrent write): exponential backoff, the one way the adapters and the CLI compute it. A retry
 * loop asks for the delay after its failed attempt and does the waiting itself (a sleep it is given, so tests do not
 * wait): this module only computes, it holds no timer.
 *
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): the wait is drawn uniformly from
 * `[0, min(cap, base × 2^(attempt − 1)))`, so concurrent retriers that failed together spread apart instead of
 * returning together. {@link exponentialDelayMs} is that ceiling alone, for a retry loop that waits the same time on
 * every run (the outbox's reads: `lambdas/aws/outbox-reads.ts`).
 */

/** The highest wait between two attempts of every retry loop of the project, in ms (5 s). */
export const BACKOFF_CAP_MS = 5_000;

/** The terms of an exponential backoff. */
export interface BackoffTerms {
  /** The ceiling after the first failed attempt, in ms; doubled after each further one. */
  readonly baseMs: number;
  /** The highest ceiling, in ms. @default no cap */
  readonly capMs?: number;
}

/** The terms of a jittered backoff: {@link BackoffTerms} and where the randomness comes from. */
export interface JitterTerms extends BackoffTerms {
  /** A number in `[0, 1)` (`Math.random`, or a fixed one in tests). */
  readonly random: () => number;
}

/**
 * The exponential ceiling after failed attempt `attempt` (1 for the first): `min(capMs, baseMs × 2^(attempt − 1))`.
 * @throws {RangeError} when `attempt` is not a whole number ≥ 1, or `baseMs`/`capMs` is negative or not a number
 */
export function exponentialDelayMs(
  attempt: number,
  { baseMs, capMs = Number.POSITIVE_INFINITY }: BackoffTerms,
): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`backoff attempt must be a whole number from 1, got ${attempt}`);
  if (!(baseMs >= 0) || !(capMs >= 0))
    throw new RangeError(`backoff base and cap must be 0 ms or more, got base ${baseMs} and cap ${capMs}`);
  return Math.min(capMs, baseMs * 2 ** (attempt - 1));
}

/**
 * The wait after failed attempt `attempt` (1 for the first), with full jitter: a whole number of ms drawn by
 * `random` from `[0, exponentialDelayMs(attempt))` (0 when that ceiling is 0).
 * @throws {RangeError} as {@link exponentialDelayMs}
 */
export function fullJitterDelayMs(attempt: number, terms: JitterTerms): number {
  return Math.floor(terms.random() * exponentialDelayMs(attempt, terms));
}
