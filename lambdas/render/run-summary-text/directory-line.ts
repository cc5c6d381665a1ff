/**
 * The orphan rule's verdict on the owner directory as one line, in the voice of a run or of a plan or report: the
 * one wording of the run summary, `plan` and `report`.
 */
import type { DirectorySummary } from '../../hygiene/run-summary';
import { AFTER_NOW_TOLERANCE_MS, DAY_MS } from '../../hygiene/time';
import { terminalText } from '../sanitize';

/**
 * Who says the directory line ({@link directoryLine}): a run, of what it did
 * ("nothing was orphaned", "this run's now"), or a plan or a report, of what
 * a sweep at its `now` would do ("nothing would be orphaned", "the plan's now").
 */
export interface DirectoryLineVoice {
  /** `was`: a run's line; `would be`: a plan's or a report's. */
  readonly verb: 'was' | 'would be';
  /** The instant the directory is judged at, as the `ahead` line names it: "this run's now", "the plan's now". */
  readonly now: string;
  /** The directory table read, named after "Owner directory" (a plan's line); none by default. */
  readonly table?: string;
}

/** A run's own voice: what it did, at its `now`. */
export const RUN_DIRECTORY_VOICE: DirectoryLineVoice = { verb: 'was', now: "this run's now" };

/**
 * The orphan rule's verdict on the owner directory, as one line: used, or why
 * nothing is orphaned. The one wording of the run summary, `plan`'s summary
 * and `report` (docs/sweep.md, "The run summary"), each in its own voice.
 */
export function directoryLine(d: DirectorySummary, voice: DirectoryLineVoice = RUN_DIRECTORY_VOICE): string {
  const head =
    voice.table === undefined ? 'Owner directory:' : `Owner directory ${terminalText(voice.table)}:`;
  const asOf = d.asOf !== undefined ? `as of ${terminalText(d.asOf)}` : 'never imported';
  const nothing = `nothing ${voice.verb} orphaned`;
  switch (d.status) {
    case 'used':
      return `${head} ${asOf}, ${d.owners ?? 0} owner(s), ${d.departed} departed (orphan rule applied)`;
    case 'no-directory':
      return `${head} none loaded; ${nothing} (load one with pc-hygiene owners import)`;
    case 'empty':
      return `${head} empty (${asOf}); ${nothing}`;
    case 'unreadable':
      return `${head} UNREADABLE (${terminalText(d.error ?? 'unknown error')}); ${nothing}`;
    case 'stale':
      return `${head} STALE (${asOf}, older than directoryMaxAgeDays ${d.maxAgeDays}); ${nothing} - re-import it (owners import --as-of)`;
    case 'ahead':
      return `${head} AHEAD (${asOf}, more than ${AFTER_NOW_TOLERANCE_MS / DAY_MS} days after ${voice.now}: it may record departures not yet made at now); ${nothing}`;
  }
}
