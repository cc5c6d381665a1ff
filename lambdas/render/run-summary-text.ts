/**
 * A sweep's run summary for people and machines: pretty JSON (`--format json`,
 * logs) and readable text, printed by the CLI (`sweep`, `local`) and used as
 * the body of the admin report (`lambdas/render/admin-report.ts`); the
 * commands it suggests are aimed by the caller ({@link TextRenderOptions}). Moved out
 * of the pure domain (`lambdas/hygiene/run-summary.ts` keeps the summary's
 * shape): rendering is presentation shared by the CLI and the Lambdas, not a
 * hygiene rule. Ids and texts that come from the table go through
 * {@link terminalText}, so a stored id cannot drive a terminal. Its first line is
 * the run's verdict, in the admin subject's words ({@link runVerdict}); each
 * problem it reports says where its next step is ({@link PROBLEM_ADVICE}).
 */
import { EVENT_TYPES } from '../hygiene/events';
import type { GuardApprovalUse, GuardStatus } from '../hygiene/guard';
import { operatorText } from '../hygiene/operator-identity';
import { UNREACHABLE_REASONS } from '../hygiene/owner-directory';
import { ACTION_TYPES } from '../hygiene/policy';
import {
  type CappedList,
  type DirectorySummary,
  directoryUnusable,
  guardBlocked,
  passFiguresOf,
  type ReachSummary,
  type RunStatus,
  type RunSummary,
} from '../hygiene/run-summary';
import { AFTER_NOW_TOLERANCE_MS, DAY_MS } from '../hygiene/time';
import { alignedRows } from './aligned-rows';
import { jsonText } from './json-text';
import { terminalText } from './sanitize';

/** An empty record list: what an optional list of the summary reads as when absent. */
const NONE: CappedList<never> = { count: 0, records: [], omitted: 0 };

/** The summary as pretty-printed JSON (one document, for `--format json` and logs). */
export function renderRunSummaryJson(summary: RunSummary): string {
  return `${jsonText(summary, 2)}\n`;
}

/** How the text says each run status (docs/sweep.md, "The run summary"); an incomplete run: {@link statusText}. */
const STATUS_TEXT: Readonly<Record<RunStatus, string>> = {
  complete: 'complete',
  incomplete: 'INCOMPLETE (stopped before the end of the table; the next run continues)',
  aborted:
    'ABORTED (too many writes failed, or an error after the run wrote: no further writes, no checkpoint)',
};

/**
 * The run's status as the text says it. Only a run that saved a checkpoint is continued by the next: an audit run
 * (`sweep --dry-run` too) keeps none, so the next starts from the top again and, while the table outgrows one run,
 * the rest of it is never read — the text says so, and what to raise. What to do about an abort is the line after
 * it ({@link abortAdviceLines}).
 */
function statusText(summary: RunSummary): string {
  // The reason quotes an error's message (DynamoDB's, the SDK's): escaped, so it cannot add a line.
  if (summary.status === 'aborted' && summary.abortReason !== undefined)
    return terminalText(`ABORTED: ${summary.abortReason} (no further writes, no checkpoint)`);
  if (summary.status !== 'incomplete' || summary.checkpoint?.saved === true)
    return STATUS_TEXT[summary.status];
  const none = summary.mode === 'audit' ? 'audit keeps no checkpoint' : 'no checkpoint saved';
  return (
    `INCOMPLETE (stopped before the end of the table; ${none}: the next run starts from the top again, ` +
    'so the rest is not read until the time budget or scanSegments is raised)'
  );
}

/**
 * The next step of each problem the text reports, one line each, citing where it is handled (docs/deploy.md's
 * runbook by its heading, or its alarm table's row where no runbook exists): the one wording of the run summary.
 */
export const PROBLEM_ADVICE = {
  aborted: 'What to do: fix the cause the error names; see docs/deploy.md, "Runbook: Sweep errors"',
  abortedByWrites:
    'What to do: fix the cause the errors name (see "Write failures" below); see docs/deploy.md, "Runbook: Sweep errors"',
  writeFailures:
    "What to do: fix the cause the errors name (throttling, permissions, the table's KMS key); see docs/deploy.md, " +
    '"Operations: alarms and the dashboard", the SweepWriteFailures row, and docs/sweep.md, "Write failures"',
  invalid:
    'What to do: fix each record (docs/rules.md, "Invalid records"); see docs/deploy.md, ' +
    '"Operations: alarms and the dashboard", the InvalidRecords row',
  directory: 'What to do: see docs/deploy.md, "Runbook: Owner directory unusable"',
} as const;

/** What to do about an aborted run, under its status line: the write failures are named only when the text lists some. */
function abortAdviceLines(summary: RunSummary): string[] {
  if (summary.status !== 'aborted') return [];
  return [`  ${summary.failed.count > 0 ? PROBLEM_ADVICE.abortedByWrites : PROBLEM_ADVICE.aborted}`];
}

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
function verdictLine(summary: RunSummary): string {
  const v = runVerdict(summary);
  const state = v.guardTripped && v.status === 'complete' ? [] : [VERDICT_STATUS[v.status]];
  const verdict = v.guardTripped
    ? ['GUARD TRIPPED', ...state, v.guard, ...v.problems].join(', ')
    : v.nothingToDo
      ? [...state, 'nothing to do'].join(', ')
      : `${[...state, ...v.problems].join(', ')}; ${v.counts.join(', ')}`;
  return `Sweep ${summary.runId}: ${verdict}`;
}

/** Options for {@link renderRunSummaryText}. */
export interface TextRenderOptions {
  /** How many invalid / skipped / failed records to list (default 20). */
  readonly listLimit?: number;
  /**
   * The flags naming the table the run swept, as shell words, that the
   * tripped guard's advice carries — its `sweep --dry-run` and its `guard
   * approve`, so that the plan is read and the approval recorded where the
   * run looks (e.g. `--endpoint URL --table NAME`, or `--stack NAME`: the
   * CLI's `targetFlagsOf`, the admin report's deployment stack when known);
   * none for the default stack, or for a stack the caller does not know. The
   * manifest line's `runs show` carries them too.
   */
  readonly targetFlags?: string;
  /**
   * What the advice's `guard approve` needs after {@link targetFlags}, as
   * shell words: `--enforce` for a deployment in audit mode, which refuses
   * an approval without it; none otherwise.
   */
  readonly approveFlags?: string;
  /**
   * The run's `--now ISO` (the CLI's, when given), as shell words: the
   * advice's `sweep --dry-run` carries it after {@link targetFlags}, so the
   * dry run plans at the run's instant; its acting sweep only on a local
   * table ({@link localTable}: in AWS an acting sweep refuses `--now`). None
   * otherwise.
   */
  readonly nowFlags?: string;
  /**
   * The run's other flags that change what it plans (the CLI's `--config`,
   * `--directory-table` when given), as shell words after {@link nowFlags}:
   * the advice's `sweep --dry-run` carries them, so the dry run plans the
   * run's deletions and trips its guard the same way, and so does its acting
   * sweep, in AWS too (there `--config` replaces the deployed config), so the
   * approved plan is the one it makes; none otherwise. The `guard approve`
   * does not carry them: an approval holds a count and an expiry, not a
   * config or an instant (docs/sweep.md, "The blast-radius guard").
   */
  readonly checkFlags?: string;
  /**
   * The run's `--config` file, as {@link checkFlags} names it, when that file
   * sets `"mode": "audit"` itself (the CLI's `configSaysAudit`): a sweep with
   * it only plans, so the advice's acting sweep would be another dry run that
   * never uses the approval. The advice then says to take `"mode"` out of the
   * file (or to give `--config` a copy without it) before that sweep, which
   * keeps the file, so it still plans what was checked. Absent otherwise (an
   * admin report: a Lambda run has no `--config` file).
   */
  readonly auditConfigFile?: string;
  /**
   * The printer lists the run's planned deletions after the summary (the
   * CLI's `sweep --dry-run` as text): the tripped guard's advice is then to
   * check that list, not to run a dry run. Off by default: a summary alone
   * (an admin report, an acting run) has no list to point at.
   */
  readonly plannedDeletionsListed?: boolean;
  /**
   * The run swept a local table (the CLI's `sweep --endpoint`), where a
   * sweep with `--allow-mass-delete` also overrides the guard, for that run
   * only: the tripped guard's advice then says so. Off by default: in AWS (a
   * stack, a table without `--endpoint`, the deployed sweep's admin report)
   * the flag is refused, and only `guard approve` does it.
   */
  readonly localTable?: boolean;
  /**
   * The run's table is gone once the printing command ends (`pc-hygiene local`
   * deletes its database), so no command aimed at it can be pasted after; and
   * one without target flags would reach the default stack instead. The
   * summary then names none: its manifest line no `runs show`, and a tripped
   * guard's banner says these lines in place of its dry run and `guard
   * approve` (say what can be done instead). Absent by default.
   */
  readonly tableGone?: readonly string[];
  /**
   * The caller cannot name the run's deployment (the admin report of a
   * deployment whose sweep has no `STACK_NAME`): the manifest line's `runs
   * show` and the tripped guard's commands ({@link approvalAdviceLines}) say
   * to add the deployment's `--stack NAME`, rather than reading as aimed at
   * the default stack.
   */
  readonly stackUnknown?: boolean;
}

/** The summary as readable text for a terminal. */
export function renderRunSummaryText(summary: RunSummary, options: TextRenderOptions = {}): string {
  const limit = options.listLimit ?? 20;
  const audit = summary.mode === 'audit';
  const lines: string[] = [];
  const seconds = (summary.durationMs / 1000).toFixed(1);
  lines.push(verdictLine(summary));
  lines.push(
    `  mode ${summary.mode}${audit ? ' (dry run: nothing written, nobody notified)' : ''}, now ${summary.now}`,
  );
  lines.push(`  ${statusText(summary)} in ${seconds} s`, ...abortAdviceLines(summary));
  lines.push('');
  lines.push(countsLine(summary));
  if (readAnEmptyTable(summary)) lines.push(EMPTY_TABLE_LINE);
  lines.push('');
  if (guardBlocked(summary)) lines.push(...guardBanner(summary, options), '');
  // Headed in capitals, as every table of the CLI heads its columns (the dry run's deletions below it too).
  const appliedHeader = audit ? 'WOULD APPLY' : 'APPLIED';
  const rows: string[][] = [['ACTION', 'PLANNED', appliedHeader]];
  for (const type of ACTION_TYPES) {
    rows.push([type, String(summary.planned[type]), String(summary.applied[type])]);
  }
  // Left-aligned action names, right-aligned counts.
  lines.push(...alignedRows(rows, { leftAligned: 1 }), '');
  lines.push(...deletionLines(summary));
  lines.push(directoryLine(summary.directory));
  if (directoryUnusable(summary)) lines.push(`  ${PROBLEM_ADVICE.directory}`);
  lines.push('');
  lines.push(eventsLine(summary), ...reachLines(summary.reach, limit, audit));
  lines.push(...checkpointLines(summary), ...passLines(summary));
  lines.push(...manifestLines(summary, options));
  if (summary.transitionsWrittenAlone > 0) {
    lines.push(
      `Transitions written alone: ${summary.transitionsWrittenAlone} (their batch could not settle them; one request each)`,
    );
  }
  lines.push(
    ...recordList(
      'Skipped (changed since read)',
      summary.skippedChanged,
      limit,
      (r) => `${r.id}: ${r.changed.join(', ')}`,
    ),
  );
  lines.push(
    ...recordList(
      'Write failures',
      summary.failed,
      limit,
      (r) => `${r.id}: ${r.error}`,
      PROBLEM_ADVICE.writeFailures,
    ),
  );
  lines.push(
    ...recordList(
      'Too large to update (DynamoDB refused the write: 400 KB item limit; shrink the item, docs/data-model.md "Item size")',
      summary.tooLarge ?? NONE,
      limit,
      (r) => `${r.id}: ${r.error}`,
    ),
  );
  lines.push(
    ...recordList(
      `Last activity more than ${AFTER_NOW_TOLERANCE_MS / DAY_MS} days after now (never judged stale until then; ` +
        'a clock or import error at the source? docs/rules.md, "Last activity")',
      summary.futureActivity ?? NONE,
      limit,
      (r) => `${r.id}: ${r.lastActivity}`,
    ),
  );
  lines.push(
    ...recordList(
      'Invalid records (never acted on)',
      summary.invalid,
      limit,
      (r) => `${r.id ?? '(no id)'}: ${r.problems.join('; ')}`,
      PROBLEM_ADVICE.invalid,
    ),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * What the run read, counts that add up: every item scanned is valid or invalid, every valid one active or already
 * deleted, every active one needing nothing or with actions; the exempt ones are among the active, in either group.
 */
function countsLine(summary: RunSummary): string {
  const withActions = summary.activeValid - summary.unchanged;
  return (
    `Scanned ${summary.scanned} items: ${summary.valid} valid, ${summary.invalid.count} invalid; ` +
    `${summary.activeValid} active (${summary.unchanged} needing nothing, ${withActions} with actions; ` +
    `${summary.exempt} of them exempt), ${summary.alreadyDeleted} already deleted`
  );
}

/**
 * What the text says after a whole table read with no item in it. Expected before the first import; otherwise the
 * run read another table than the one holding the credentials — most likely a deployment whose `existingTableName`
 * was given once with `-c`, so the next deploy put a new, empty table of its own in its place — and every credential
 * goes without notices or deletions while each run completes.
 */
export const EMPTY_TABLE_LINE =
  'The table holds no credential items. Expected before the first import; otherwise this is not the table that holds the ' +
  'credentials: a deployment given existingTableName with -c once gets a new, empty table at its next deploy ' +
  '(docs/deploy.md, "Upgrading a deployment").';

/** A run that read the whole table from the top and found no item (not a resumed run's empty tail). */
function readAnEmptyTable(summary: RunSummary): boolean {
  return summary.status === 'complete' && summary.scanned === 0 && summary.checkpoint?.resumed !== true;
}

/** The deletions planned and what became of them, and the guard's verdict. */
function deletionLines(summary: RunSummary): string[] {
  const audit = summary.mode === 'audit';
  const d = summary.deletions;
  const outcomes = [
    `${d.applied} ${audit ? 'would be made' : 'made'}`,
    ...(d.blockedByGuard > 0 ? [`${d.blockedByGuard} blocked by the guard`] : []),
    ...(d.deferred > 0 ? [`${d.deferred} deferred (time budget; planned again by a later run)`] : []),
    ...(d.skippedChanged > 0 ? [`${d.skippedChanged} skipped (changed since read)`] : []),
  ];
  const orphaned = d.orphaned > 0 ? ` + ${d.orphaned} orphaned` : '';
  const lines = [
    `Deletions: ${d.expired} expired + ${d.stale} stale${orphaned} planned; ${outcomes.join(', ')}`,
  ];
  const guard = summary.guard;
  if (guard.approval?.status === 'used' && d.deferred > 0) {
    lines.push(
      `  the approval this run used is spent: the ${d.deferred} deferred deletions need a new approval ` +
        'if a later run trips the guard (docs/sweep.md, "The blast-radius guard")',
    );
  }
  // An approval's fields (who, why, when) are stored text: escaped, so none can drive a terminal or add a line.
  if (guard.overridden) {
    lines.push(
      terminalText(`  guard tripped but overridden by ${overrideText(guard)}: ${guard.reasons.join('; ')}`),
    );
  } else if (guard.approval) {
    lines.push(terminalText(`  guard approval not used (${unusedApprovalText(guard.approval)})`));
  } else if (!guard.tripped) {
    lines.push(
      `  guard ok: ${guard.plannedDeletes} of at most ${guard.maxDeletesPerRun} per run and ` +
        `${guard.maxDeletePercent}% of ${guard.activeValid} active valid credentials`,
    );
  }
  return lines;
}

/** The checkpoint line, when the run found, saved or cleared one. */
function checkpointLines(summary: RunSummary): string[] {
  const c = summary.checkpoint;
  if (!c || !(c.saved || c.resumed || c.cleared || c.ignoredUnreadable)) return [];
  const what = c.saved
    ? 'saved (the next run continues from it)'
    : c.cleared
      ? 'cleared (table finished)'
      : 'not cleared (table finished, but another run had changed the stored checkpoint since)';
  const start = c.resumed
    ? '; this run resumed from one'
    : c.ignoredUnreadable
      ? '; the stored one was unreadable: this run started from the top'
      : '';
  return [`Checkpoint: ${what}${start}; ${c.segmentsDone}/${c.segments} segments done`];
}

/**
 * A run that continued a pass over the table begun by earlier runs (`pass`): the pass's figures so far beside this
 * run's, and, when the earlier runs found some, that those are still counted and where they were listed (each run's
 * own summary lists its records; docs/sweep.md, "Time budget and checkpoint").
 */
function passLines(summary: RunSummary): string[] {
  const p = summary.pass;
  if (p === undefined) return [];
  const earlier = `${p.earlierRuns} earlier run${p.earlierRuns === 1 ? '' : 's'}`;
  const lines = [
    `Pass over the table: this run continued the pass ${p.firstRun} began (${earlier}); so far ` +
      `${p.soFar.invalid} invalid (this run ${summary.invalid.count}), ` +
      `${p.soFar.tooLarge} too large to update (this run ${summary.tooLarge?.count ?? 0})`,
  ];
  if (p.earlier.invalid > 0 || p.earlier.tooLarge > 0) {
    lines.push(
      `  the earlier runs' ${p.earlier.invalid} invalid and ${p.earlier.tooLarge} too large are still counted ` +
        '(InvalidRecords, TransitionsTooLarge) until a pass that finds none ends; each earlier run listed them in ' +
        `its own run summary (from ${p.firstRun} on), not again here`,
    );
  }
  // The first run's id is read back from the stored checkpoint: escaped, as every stored text of the summary.
  return lines.map((line) => terminalText(line));
}

/**
 * The command that shows the run's manifest, aimed where the run looked (`targetFlags`, as the guard's advice; for
 * an unknown stack, the placeholder), as ` (…)`; none when the table is gone ({@link TextRenderOptions.tableGone}).
 */
function runsShowHint(runId: string, options: TextRenderOptions): string {
  if (options.tableGone !== undefined) return '';
  const target = options.stackUnknown ? "with the deployment's --stack NAME" : options.targetFlags;
  return ` (pc-hygiene runs show ${runId}${target ? ` ${target}` : ''})`;
}

/**
 * Where the run's deletions are recorded (nothing when it recorded none and nothing failed), and the command that
 * shows them ({@link runsShowHint}).
 */
function manifestLines(summary: RunSummary, options: TextRenderOptions): string[] {
  const m = summary.manifest;
  if (!m || (m.entries === 0 && !m.failed)) return [];
  const failed = m.failed ? `; ${m.failed}` : '';
  return [
    `Manifest: ${m.entries} deletion(s) in ${m.pages} page(s)${runsShowHint(summary.runId, options)}${failed}`,
  ];
}

/** Who overrode a tripped guard: the operator's recorded approval, or the CLI's own flag. */
function overrideText(guard: GuardStatus): string {
  const a = guard.approval;
  if (a?.status !== 'used') return 'the operator (--allow-mass-delete)';
  return `the approval of ${operatorText(a)} (up to ${a.maxDeletes}, approved ${a.approvedAt}): ${a.reason}`;
}

/** Why a pending approval did not override the guard. */
function unusedApprovalText(a: GuardApprovalUse): string {
  const why = a.status === 'expired' ? `expired at ${a.expiresAt}` : `allows up to ${a.maxDeletes} deletions`;
  return `by ${operatorText(a)}: ${why}`;
}

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

/**
 * The tripped guard, said loudly, and what to do: check the planned
 * deletions (the list printed below a CLI dry run, else a dry run aimed at
 * the run's table), then approve them with a `guard approve` aimed at it
 * too, ready to paste, or on a local table sweep with `--allow-mass-delete`
 * ({@link TextRenderOptions}); for a table gone when the command ends, the
 * caller's lines instead.
 */
function guardBanner(summary: RunSummary, options: TextRenderOptions): string[] {
  const g = summary.guard;
  const audit = summary.mode === 'audit';
  const rule = '!'.repeat(78);
  const applied = `!! Warnings, flags and notices ${audit ? 'would' : 'were'} still ${audit ? 'be ' : ''}applied.`;
  const advice = options.tableGone
    ? [applied, ...options.tableGone.map((line) => `!! ${line}`)]
    : adviceLines(summary, applied, options);
  return [
    rule,
    `!! GUARD TRIPPED: ${g.plannedDeletes} deletions planned, NONE ${audit ? 'would be made' : 'made'}.`,
    ...g.reasons.map((r) => `!!   ${r}`),
    ...advice,
    rule,
  ];
}

/** The banner's commands after `applied`: check the plan, approve the deletions and use the approval (and the local-only flag). */
function adviceLines(summary: RunSummary, applied: string, options: TextRenderOptions): string[] {
  const commands = guardAdviceCommands(summary.guard.plannedDeletes, '"..."', options);
  const check = options.plannedDeletionsListed
    ? 'Check the deletions this dry run planned (listed below)'
    : `Check the plan (${commands.check})`;
  return [
    `${applied} ${check};`,
    ...approvalAdviceLines(summary, options).map((line) => `!! ${line}`),
    ...(options.localTable
      ? ['!! (on this local table, a sweep with --allow-mass-delete also does it, for that run).']
      : []),
  ];
}

/**
 * What every tripped guard's advice says after its check, the one wording of the run summary's banner and the
 * admin report's "What to do" (docs/sweep.md, "The blast-radius guard"): approve the planned deletions, then sweep
 * right away, so that the approval is used at once. An approval is used by a run planning at most `--max-deletes`,
 * and each run plans at its own instant: left to the next scheduled run, hours later, with more deletions due by
 * then, it is not used and the guard trips again; a check run after this run may plan more than it did too, and
 * then its count is the one to approve. After a run whose `--config` file says `"mode": "audit"`, a line before the
 * sweep says to take that mode out of the file ({@link auditConfigLines}). With `stackUnknown` the commands lack the
 * deployment's `--stack NAME`: the last line says to add it.
 */
export function approvalAdviceLines(summary: RunSummary, options: TextRenderOptions): string[] {
  const { approve } = guardAdviceCommands(summary.guard.plannedDeletes, '"..."', options);
  return [
    `if the deletions are right, approve them: ${approve}`,
    ...auditConfigLines(options),
    `and sweep right away, which uses the approval: ${actingSweepCommand(options)}`,
    '(an approval covers one run that plans at most --max-deletes: if the check plans more, approve its count;',
    'left to a later run, such as the next scheduled one, which plans at its own time and usually more, it is not',
    'used and the guard trips again)',
    ...(options.stackUnknown ? ["(add the deployment's --stack NAME to each of these commands)"] : []),
  ];
}

/**
 * What the advice says before its acting sweep when the run's `--config` file sets `"mode": "audit"`
 * ({@link TextRenderOptions.auditConfigFile}): with it that sweep only plans (`--enforce` does not override the
 * file), so the mode is taken out first; the sweep keeps the file, so it plans what was checked. Nothing otherwise.
 */
function auditConfigLines(options: TextRenderOptions): string[] {
  const file = options.auditConfigFile;
  if (file === undefined) return [];
  return [
    `then take "mode": "audit" out of ${file} (with it, a sweep only plans; or give --config a copy without it)`,
  ];
}

/**
 * The sweep that uses the approval at once: `pc-hygiene sweep`, aimed at the target, with the run's settings
 * (`checkFlags`: its `--config` and owner directory, in AWS too, where a `--config` replaces the deployed config, so
 * the sweep plans what was checked), its `--now` on a local table only (`nowFlags`: an acting sweep in AWS refuses
 * it), and `approveFlags` (an audit-mode deployment refuses an acting sweep without `--enforce` too).
 */
function actingSweepCommand(options: TextRenderOptions): string {
  const now = options.localTable ? options.nowFlags : '';
  const parts = [options.targetFlags, now, options.checkFlags, options.approveFlags];
  return parts.reduce<string>((command, words) => withWords(command, words), 'pc-hygiene sweep');
}

/** The commands of a tripped guard's advice ({@link guardAdviceCommands}), ready to paste. */
export interface GuardAdviceCommands {
  /**
   * The dry run that shows the plan: `pc-hygiene sweep --dry-run`, aimed at the target, with the run's `--now` and
   * settings.
   */
  readonly check: string;
  /** The approval: `pc-hygiene guard approve --max-deletes N --reason …`, aimed at the target. */
  readonly approve: string;
}

/**
 * The commands every tripped guard's advice gives (the run summary's banner,
 * the admin report, `sweep --allow-mass-delete` refused in AWS; docs/sweep.md,
 * "The blast-radius guard"): check the plan with a dry run under the run's
 * settings, then approve the deletions with `guard approve`, both aimed at
 * the run's table. Each caller says them in its own words.
 * @param maxDeletes the deletions to approve: the planned count, or a placeholder (`N`)
 * @param reasonWords the shell words after `--reason` (e.g. `"..."`, or `TEXT [--expires-in 24h]`)
 * @param flags `targetFlags` for both commands, then `nowFlags` and `checkFlags` on the dry run only and
 *   `approveFlags` on the approval only (as in {@link TextRenderOptions}); none by default
 */
export function guardAdviceCommands(
  maxDeletes: number | string,
  reasonWords: string,
  flags: Pick<TextRenderOptions, 'targetFlags' | 'nowFlags' | 'checkFlags' | 'approveFlags'> = {},
): GuardAdviceCommands {
  const target = withWords('', flags.targetFlags);
  return {
    check: withWords(withWords(`pc-hygiene sweep --dry-run${target}`, flags.nowFlags), flags.checkFlags),
    approve: withWords(
      `pc-hygiene guard approve --max-deletes ${maxDeletes} --reason ${reasonWords}${target}`,
      flags.approveFlags,
    ),
  };
}

/** `text` followed by the shell words `words`, each part after a space (nothing for no words). */
export function withWords(text: string, words = ''): string {
  return words === '' ? text : `${text} ${words}`;
}

function eventsLine(summary: RunSummary): string {
  const e = summary.events;
  if (!summary.notifyOwners && summary.mode === 'enforce')
    return 'Owner events: none (owners not notified by this run)';
  const verb = e.queued ? 'queued for the notifier' : 'that would have been sent';
  const perType = EVENT_TYPES.filter((t) => e.perType[t] > 0)
    .map((t) => `${t} ${e.perType[t]}`)
    .join(', ');
  return `Owner events ${verb}: ${e.total}${perType ? ` (${perType})` : ''} to ${e.owners} owner${e.owners === 1 ? '' : 's'}`;
}

/** Why reach could not be checked, as the summary line says it. */
const UNVERIFIED_TEXT = {
  'no-directory':
    'no owner directory (every owner counts as reachable; load one with pc-hygiene owners import)',
  'never-imported':
    'the owner directory holds no import (table missing or never imported: pc-hygiene owners import)',
  unreadable: 'the owner directory could not be read',
  'time-budget': "the run's time budget ran out before the owners were looked up",
} as const;

/**
 * Whether the owners with events this run can be reached (docs/sweep.md,
 * "Owner reach"): unverified and why, all reachable, or how many are not,
 * per reason, with the first `limit` of them named (`audit`: a dry run's
 * events would be reported, none were queued).
 */
export function reachLines(reach: ReachSummary, limit: number, audit = false): string[] {
  if (reach.status === 'unverified') {
    const why = UNVERIFIED_TEXT[reach.because ?? 'no-directory'];
    const error = reach.error !== undefined ? ` (${terminalText(reach.error)})` : '';
    return [`Owner reach is unverified: ${why}${error}`];
  }
  const owners = `${reach.ownersChecked} owner${reach.ownersChecked === 1 ? '' : 's'} with events`;
  const unchecked =
    reach.ownersUnchecked === undefined ? '' : ` (${reach.ownersUnchecked} more not checked: time budget)`;
  if (reach.unreachableOwners === 0) {
    const all = reach.ownersChecked === 0 ? 'no owners with events' : `all ${owners} reachable`;
    return [`Owner reach (${reach.route}): ${all}${unchecked}`];
  }
  const perReason = UNREACHABLE_REASONS.filter((r) => reach.byReason[r] > 0)
    .map((r) => `${r} ${reach.byReason[r]}`)
    .join(', ');
  const title =
    `Owner reach (${reach.route}): ${reach.unreachableOwners} of ${owners} UNREACHABLE (${perReason})${unchecked}; ` +
    `the notifier ${audit ? 'would report' : 'reports'} their events to the admins (owner-unreachable)`;
  const shown = reach.sample.records.slice(0, limit);
  const out = [title, ...shown.map((o) => `  ${terminalText(o.userId)}: ${o.reason}`)];
  const more = reach.unreachableOwners - shown.length;
  // The sample is capped in the JSON too; the notifier's owner-unreachable report names every owner.
  if (more > 0)
    out.push(`  ... ${more} more owner${more === 1 ? '' : 's'} (the owner-unreachable report names each)`);
  return out;
}

/** A titled list of records (the first `limit`, the rest counted), after the advice line on what to do, if any. */
function recordList<T>(
  title: string,
  list: CappedList<T>,
  limit: number,
  line: (r: T) => string,
  advice?: string,
): string[] {
  if (list.count === 0) return [];
  const shown = list.records.slice(0, limit);
  const out = [
    '',
    `${title}: ${list.count}`,
    ...(advice !== undefined ? [`  ${advice}`] : []),
    ...shown.map((r) => `  ${terminalText(line(r))}`),
  ];
  if (list.count > shown.length) out.push(`  ... ${list.count - shown.length} more (use --format json)`);
  return out;
}
