/**
 * A run's verdict (its status, a tripped guard, what went wrong, what it wrote), built once and said twice: as the
 * admin report's subject (`../admin-report.ts`) and as the run summary's first line.
 */
import { ACTION_TYPES } from '../../hygiene/policy';
import { directoryUnusable, passFiguresOf, type RunStatus, type RunSummary } from '../../hygiene/run-summary';

/**
 * A run's verdict, in the words of the admin report's subject (`admin-report.ts`, `adminSubject`) and of the text's
 * first line ({@link verdictLine}): one builder, two renderings.
 */
export interface RunVerdict {
  /** The guard tripped (overridden or not): the verdict leads with it. */
  readonly guardTripped: boolean;
  readonly status: RunStatus;
  /** A tripped guard's deletions: planned and none made, or allowed by override and how many were made. */
  readonly guard: string;
  /** What the run wrote (in audit: would write): deletions, stale flags, orphan flags when any, expiry notices. */
  readonly counts: readonly string[];
  /**
   * What went wrong, most urgent first: write failures, invalid records, transitions too large, an owner directory
   * the run could not use ({@link directoryProblem}). These, a run that did not complete and a tripped guard are
   * every cause of the admin report's `warning` severity or above (`admin-report.ts` judges it from this verdict),
   * so the verdict never says "nothing to do" of a run the report warns about.
   */
  readonly problems: readonly string[];
  /** Nothing was planned and nothing went wrong. */
  readonly nothingToDo: boolean;
}

/** The run's {@link RunVerdict}. */
export function runVerdict(summary: RunSummary): RunVerdict {
  const audit = summary.mode === 'audit';
  const d = summary.deletions;
  const g = summary.guard;
  // Overridden: how many of those were made (a time budget may defer some, an abort stop them).
  const deferred = d.deferred > 0 ? `, ${d.deferred} deferred` : '';
  const guard = g.overridden
    ? `${g.plannedDeletes} deletions allowed by override, ${d.applied} ${audit ? 'would be made' : 'made'}${deferred}`
    : `${g.plannedDeletes} deletions planned, none ${audit ? 'would be ' : ''}made`;
  const a = summary.applied;
  // Every soft-deletion written (or, in audit, that would have been): expired, stale and orphaned alike.
  // Orphan flags only when there are some (a mass departure's first sign: its deletions follow after the grace).
  const counts = [
    `${d.applied} ${audit ? 'to delete' : 'deleted'}`,
    `${a['flag-stale']} ${audit ? 'to flag' : 'flagged'} stale`,
    ...(a['flag-orphan'] > 0 ? [`${a['flag-orphan']} ${audit ? 'to flag' : 'flagged'} orphaned`] : []),
    `${a['notify-expiry']} expiry notice${a['notify-expiry'] === 1 ? '' : 's'}`,
  ];
  const f = summary.failed.count;
  const pass = passFiguresOf(summary);
  const problems = [
    ...(f > 0 ? [`${f} write failure${f === 1 ? '' : 's'}`] : []),
    ...passProblem(summary.invalid.count, pass.invalid, 'invalid'),
    ...passProblem(summary.tooLarge?.count ?? 0, pass.tooLarge, 'too large'),
    ...directoryProblem(summary),
  ];
  const planned = ACTION_TYPES.reduce((sum, type) => sum + summary.planned[type], 0);
  const nothingToDo = !g.tripped && summary.status === 'complete' && problems.length === 0 && planned === 0;
  return { guardTripped: g.tripped, status: summary.status, guard, counts, problems, nothingToDo };
}

/**
 * A per-record problem as the verdict names it: this run's count (`own`), and its pass's so far (`soFar`, the
 * `InvalidRecords` or `TransitionsTooLarge` the run emits) when earlier runs of the pass found some too; nothing
 * when neither found any.
 */
function passProblem(own: number, soFar: number, what: string): string[] {
  if (soFar === own) return own > 0 ? [`${own} ${what}`] : [];
  return [own > 0 ? `${own} ${what} (${soFar} this pass)` : `${soFar} ${what} in earlier runs of this pass`];
}

/**
 * An owner directory configured but unusable this run (`directoryUnusable`, the `DirectoryUnusable` metric's rule:
 * nothing was orphaned, and reach may be unchecked), as the verdict names it: `owner directory` and what is wrong
 * with it (missing or never imported, empty, stale, ahead, unreadable), or nothing when it was used or none is
 * configured.
 */
function directoryProblem(summary: RunSummary): string[] {
  if (!directoryUnusable(summary)) return [];
  const { status } = summary.directory;
  // Used for the orphan rule, but the owners' lookup for reach failed: unreadable too.
  const what = status === 'used' ? 'unreadable' : status === 'no-directory' ? 'missing' : status;
  return [`owner directory ${what}`];
}

/** How the first line says a run status. */
const VERDICT_STATUS: Readonly<Record<RunStatus, string>> = {
  complete: 'complete',
  incomplete: 'INCOMPLETE',
  aborted: 'ABORTED',
};

/**
 * The text's first line, the verdict ({@link runVerdict}): a tripped guard first, then a run that did not complete,
 * then what went wrong, then what the run did; `complete, nothing to do` for a run with none of these.
 */
export function verdictLine(summary: RunSummary): string {
  const v = runVerdict(summary);
  const state = v.guardTripped && v.status === 'complete' ? [] : [VERDICT_STATUS[v.status]];
  const verdict = v.guardTripped
    ? ['GUARD TRIPPED', ...state, v.guard, ...v.problems].join(', ')
    : v.nothingToDo
      ? [...state, 'nothing to do'].join(', ')
      : `${[...state, ...v.problems].join(', ')}; ${v.counts.join(', ')}`;
  return `Sweep ${summary.runId}: ${verdict}`;
}
