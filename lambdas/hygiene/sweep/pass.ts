/**
 * One pass over the table can span several runs: a run stopped by its time budget saves a checkpoint and the next
 * resumes from it (docs/sweep.md, "Time budget and checkpoint"). The alarms on per-record problems
 * (`InvalidRecords`, `TransitionsTooLarge`) read each run's figure, so a resumed run that counted only its own part
 * of the table would clear them while the records an earlier part found are still there. So the checkpoint carries
 * the earlier runs' figures of its pass (`pass` in the stored checkpoint's JSON), and a resumed run reports and emits
 * the pass's figures so far. This module is that carry: what a run stopped early saves, how a stored `pass` is read
 * back (a checkpoint saved before it existed holds none: nothing carried), and the pass a run's summary reports.
 * Unreachable owners are not carried: docs/sweep.md says why. Pure.
 */
import type { CarriedPass } from '../ports';
import { type PassFigures, type PassSummary, summaryId } from '../run-summary';

/** A stored `pass` read back: the carried figures (`undefined`: none stored), or why it cannot be used. */
export type CarriedPassReading =
  | { readonly ok: true; readonly value: CarriedPass | undefined }
  | { readonly ok: false; readonly reason: string };

/** Whether `value` is a whole number from `least` up (a JSON number; no string, no fraction). */
function isWholeFrom(value: unknown, least: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= least;
}

/**
 * Reads the `pass` of a stored checkpoint. Absent (a checkpoint saved before the carry existed): nothing carried,
 * and the run resumes as it did then. Present but not `{ firstRun: non-empty string, runs: ≥ 1, invalid: ≥ 0,
 * tooLarge: ≥ 0 }` (whole numbers): unusable, and the checkpoint with it (the caller ignores it and starts from the
 * top, which counts every record again, rather than carry figures it cannot trust).
 */
export function readCarriedPass(value: unknown): CarriedPassReading {
  if (value === undefined) return { ok: true, value: undefined };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, reason: 'pass is not an object' };
  const { firstRun, runs, invalid, tooLarge } = value as Record<string, unknown>;
  if (typeof firstRun !== 'string' || firstRun === '')
    return { ok: false, reason: `pass.firstRun ${JSON.stringify(firstRun)} is not a run id` };
  if (!isWholeFrom(runs, 1))
    return { ok: false, reason: `pass.runs ${JSON.stringify(runs)} is not a whole number from 1` };
  for (const [name, count] of [
    ['invalid', invalid],
    ['tooLarge', tooLarge],
  ] as const) {
    if (!isWholeFrom(count, 0))
      return { ok: false, reason: `pass.${name} ${JSON.stringify(count)} is not a whole number from 0` };
  }
  return { ok: true, value: { firstRun, runs, invalid, tooLarge } as CarriedPass };
}

/**
 * What a run stopped by its time budget saves for the next part: its own figures added to those it carried
 * (`carried`, from the checkpoint it resumed), or, for a run that began the pass (no `carried`), its own, with
 * itself as the pass's first run.
 */
export function carriedPassAfter(
  carried: CarriedPass | undefined,
  runId: string,
  own: PassFigures,
): CarriedPass {
  return {
    firstRun: carried?.firstRun ?? runId,
    runs: (carried?.runs ?? 0) + 1,
    invalid: (carried?.invalid ?? 0) + own.invalid,
    tooLarge: (carried?.tooLarge ?? 0) + own.tooLarge,
  };
}

/**
 * The pass a run's summary reports: the earlier runs' figures (`carried`) and the pass's so far, this run's
 * included — what its `InvalidRecords` and `TransitionsTooLarge` emit. `undefined` for a run that carried nothing
 * (it began the pass, or resumed a checkpoint that carried none): its own figures are then its pass's.
 */
export function passSummary(carried: CarriedPass | undefined, own: PassFigures): PassSummary | undefined {
  if (carried === undefined) return undefined;
  const earlier: PassFigures = { invalid: carried.invalid, tooLarge: carried.tooLarge };
  return {
    firstRun: summaryId(carried.firstRun),
    earlierRuns: carried.runs,
    earlier,
    soFar: { invalid: earlier.invalid + own.invalid, tooLarge: earlier.tooLarge + own.tooLarge },
  };
}
