/**
 * Why: a request the SDK retries is sent, billed and waited for once per
 * attempt, so the bench counts attempts, not `send` calls. The SDK's retry
 * step records them in `$metadata.attempts` of a call's output, or of its
 * error once it gives up; the metering middlewares sit above that step
 * (they need the command's input and output), so they read it there.
 */
import { timerSleep } from '../lambdas/aws/timer-sleep';

/** Attempts the SDK made for one call, from its output or error (`$metadata.attempts`); 1 when it does not say. */
export function attemptsOf(outputOrError: unknown): number {
  const attempts = (outputOrError as { $metadata?: { attempts?: unknown } } | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 1 ? attempts : 1;
}

/**
 * The simulated service time of a call's attempts, waited once its response
 * (or error) is back: one modelled latency per attempt (`draw(1)` … `draw(attempts)`; absent: none)
 * and, for each retried attempt, the round trip the first one waited before
 * it was sent.
 */
export function attemptsWaitMs(attempts: number, rttMs: number, draw?: (attempt: number) => number): number {
  let wait = (attempts - 1) * rttMs;
  if (draw) for (let attempt = 1; attempt <= attempts; attempt++) wait += draw(attempt);
  return wait;
}

/** Waits {@link attemptsWaitMs} of a call's attempts (nothing when it comes to 0). */
export async function waitAttempts(
  attempts: number,
  rttMs: number,
  draw?: (attempt: number) => number,
): Promise<void> {
  const ms = attemptsWaitMs(attempts, rttMs, draw);
  if (ms > 0) await timerSleep(ms);
}
