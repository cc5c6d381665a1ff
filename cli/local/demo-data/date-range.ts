/**
 * The span of the demo's dates around `now`, and so the range of `now` the demo data can be generated for: every
 * date it writes must stay within the instants a record can hold (0000-01-01 to 9999-12-31, `lambdas/hygiene/time.ts`).
 * `local` checks its `--now` against the earliest (`cli/commands/local.ts`).
 */
import { addDays, MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../../lambdas/hygiene/time';

/** The farthest before `now` a demo date goes: a created date up to 500 days earlier. */
export const DEMO_DAYS_BEFORE_NOW = 500;

/** The farthest after `now` a demo date goes: an expiry up to 330 days later. */
export const DEMO_DAYS_AFTER_NOW = 330;

/**
 * The earliest `now` the demo data can be generated for: {@link DEMO_DAYS_BEFORE_NOW} days after
 * 0000-01-01T00:00:00Z, the earliest instant a record can hold, and a day more for a date written with a
 * UTC offset west of Greenwich (its local time is earlier than the instant).
 */
export const EARLIEST_DEMO_NOW_MS = addDays(MIN_INSTANT_MS, DEMO_DAYS_BEFORE_NOW + 1);

/** The latest `now` the demo data can be generated for: its dates still end in year 9999 (the offset's day too). */
export const LATEST_DEMO_NOW_MS = addDays(MAX_INSTANT_MS, -(DEMO_DAYS_AFTER_NOW + 1));
