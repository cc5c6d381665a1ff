/**
 * `--now ISO`: the run's single instant, read strictly as RFC 3339 with a zone
 * (the same parser the records go through), defaulting to the wall clock.
 */
import { Option } from '@commander-js/extra-typings';
import { requireInstant } from '../../lambdas/hygiene/time';
import { UsageError } from '../usage-error';

/**
 * Resolves `--now`: the given RFC 3339 instant, or `clock()` when absent.
 * @returns epoch milliseconds
 * @throws {UsageError} when the value is not an RFC 3339 instant with a time zone
 */
export function resolveNow(value: string | undefined, clock: () => number = Date.now): number {
  if (value === undefined) return clock();
  try {
    return requireInstant(value, '--now');
  } catch (error: unknown) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `--now <iso>`, read by {@link resolveNow}: `instant` names what the instant is for
 * (e.g. `the decision instant`).
 */
export function nowOption(instant: string) {
  return new Option('--now <iso>', `${instant}, RFC 3339 with a zone (default: the wall clock)`);
}
