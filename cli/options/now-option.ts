/**
 * `--now ISO`: the run's single instant, read strictly as RFC 3339 with a zone
 * (the same parser the records go through), defaulting to the wall clock, and
 * early enough that every date a run writes from it can be stored.
 */
import { Option } from '@commander-js/extra-typings';
import { MAX_GRACE_DAYS } from '../../lambdas/hygiene/config';
import { addDays, formatInstant, MAX_INSTANT_MS, requireInstant } from '../../lambdas/hygiene/time';
import { UsageError } from '../usage-error';

/**
 * The latest `--now`: 9998-12-31T23:59:59.999Z. A flag's deletion date
 * (`now + grace`) must still be a year-9999 instant, the last one a record can
 * hold in canonical UTC; a later `--now` would plan (or, on a local table,
 * write) `+010000-…`, which no record may hold.
 */
export const LATEST_NOW_MS = addDays(MAX_INSTANT_MS, -MAX_GRACE_DAYS);

/**
 * Resolves `--now`: the given RFC 3339 instant, or `clock()` when absent.
 * @returns epoch milliseconds
 * @throws {UsageError} when the value is not an RFC 3339 instant with a time zone, or is after {@link LATEST_NOW_MS}
 */
export function resolveNow(value: string | undefined, clock: () => number = Date.now): number {
  if (value === undefined) return clock();
  let now: number;
  try {
    now = requireInstant(value, '--now');
  } catch (error: unknown) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  if (now > LATEST_NOW_MS) {
    throw new UsageError(
      `--now ${JSON.stringify(value)} is too late: a grace period from it (up to ${MAX_GRACE_DAYS} days, ` +
        `staleGraceDays or orphanGraceDays) could end after ${formatInstant(MAX_INSTANT_MS)}, the latest instant ` +
        `a record can hold; give one no later than ${formatInstant(LATEST_NOW_MS)}`,
    );
  }
  return now;
}

/**
 * `--now <iso>`, read by {@link resolveNow}: `instant` names what the instant is for
 * (e.g. `the decision instant`).
 */
export function nowOption(instant: string) {
  return new Option('--now <iso>', `${instant}, RFC 3339 with a zone (default: the wall clock)`);
}

/**
 * Refuses `--now` for a command that would write to a deployment (a usage
 * error, before anything reaches AWS): a typed instant would be recorded as
 * the time of the writes (history, `updatedAt`, the run manifest) and would
 * decide what the deployment's own checks decide at the wall clock (a
 * credential's expiry, the scheduled sweep's skew limit). `--now` stays for
 * local tables and for what writes nothing (`--dry-run`, `plan`, `report`).
 * @param now `--now` as given, if it was
 * @param awsTarget what the command would write to in AWS (`awsTargetOf`: a stack, or a table named without
 *   `--endpoint`), or `undefined` for a local table
 * @param what the command, e.g. `restore --run` (named in the message)
 * @param dryRun how the command plans without writing, when it can (e.g. `--dry-run`)
 * @throws {UsageError} when both `now` and `awsTarget` are given
 */
export function refuseNowOnDeployment(
  now: string | undefined,
  awsTarget: string | undefined,
  what: string,
  dryRun?: string,
): void {
  if (now === undefined || awsTarget === undefined) return;
  const otherwise = dryRun === undefined ? '' : `, or add ${dryRun} to see what it would do at that instant`;
  throw new UsageError(
    `--now is for local tables and dry runs: ${what} would write to ${awsTarget} at the typed instant ` +
      `instead of the wall clock. Drop --now to act at the wall clock${otherwise}`,
  );
}
