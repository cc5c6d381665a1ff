/**
 * The structured summary of one sweep run (docs/sweep.md, "Summary") and its two
 * renderings: JSON for logs and machines, text for a terminal. Pure.
 */
import type { Mode } from './config';
import { EVENT_TYPES, type EventType } from './events';
import type { GuardStatus } from './guard';
import { ACTION_TYPES, type ActionType } from './policy';

/** How many records a summary lists per category; the rest are only counted (`omitted`). */
export const SUMMARY_RECORD_LIMIT = 1000;

/** A count and the first {@link SUMMARY_RECORD_LIMIT} records it counts. */
export interface CappedList<T> {
  readonly count: number;
  readonly records: readonly T[];
  /** Records counted but not listed (`count - records.length`). */
  readonly omitted: number;
}

/** Counts per action type (every type present, zero when none). */
export type ActionCounts = Readonly<Record<ActionType, number>>;

/** Counts per owner event type (every type present, zero when none). */
export type EventCounts = Readonly<Record<EventType, number>>;

/** An invalid record: never acted on, reported with what is wrong. */
export interface InvalidRecord {
  /** The record's id, or `null` when it has no usable id. */
  readonly id: string | null;
  readonly userId: string | null;
  /** `field: message` lines. */
  readonly problems: readonly string[];
}

/** A transition skipped because the item changed between read and write. */
export interface SkippedRecord {
  readonly id: string;
  /** Condition fields whose value differs, or `deletedAt` / `(item gone)`. */
  readonly changed: readonly string[];
}

/** A transition whose write failed with an error other than a failed condition. */
export interface FailedRecord {
  readonly id: string;
  /** Error name and message. */
  readonly error: string;
}

/** What happened to the run's planned deletions. */
export interface DeletionOutcome {
  /** Planned soft-deletions of expired credentials. */
  readonly expired: number;
  /** Planned soft-deletions of stale credentials. */
  readonly stale: number;
  /** Written (enforce) or that would have been written (audit). */
  readonly applied: number;
  /** Not made because the guard tripped (and was not overridden). */
  readonly blockedByGuard: number;
  /** Not started because the time budget ran out (planned again by a later run). */
  readonly deferred: number;
  /** Skipped because the credential changed after it was read (renewed, used, deleted). */
  readonly skippedChanged: number;
}

/** Owner events this run queued (enforce) or would have queued (audit). */
export interface EventSummary {
  /** True when the events were committed to the outbox for the notifier to publish. */
  readonly queued: boolean;
  readonly total: number;
  readonly perType: EventCounts;
  /** Distinct owners with at least one event. */
  readonly owners: number;
  /** Events per owner, most first (capped at {@link SUMMARY_RECORD_LIMIT} owners). */
  readonly perOwner: readonly { readonly userId: string; readonly events: number }[];
  readonly ownersOmitted: number;
}

/** The scan position bookkeeping of a run with a checkpoint store. */
export interface CheckpointSummary {
  /** The run continued where an earlier incomplete run stopped. */
  readonly resumed: boolean;
  /** The run stopped early and saved where to continue. */
  readonly saved: boolean;
  /** The run finished the table and removed the checkpoint it resumed from. */
  readonly cleared: boolean;
  /** Scan segments used (a resumed run uses the checkpoint's count). */
  readonly segments: number;
  /** Segments finished when the run ended. */
  readonly segmentsDone: number;
}

/** The summary of one sweep run. */
export interface RunSummary {
  readonly runId: string;
  readonly mode: Mode;
  /** The run's decision instant (UTC ISO). */
  readonly now: string;
  /** Wall-clock start (UTC ISO). */
  readonly startedAt: string;
  readonly durationMs: number;
  /** `incomplete`: stopped before the end of the table (time budget); a later run continues. */
  readonly status: 'complete' | 'incomplete';
  /** True when owner events were part of the writes (enforce, notifying owners). */
  readonly notifyOwners: boolean;
  /** Items read (the worker's reserved items excluded). */
  readonly scanned: number;
  readonly valid: number;
  readonly invalid: CappedList<InvalidRecord>;
  /** Valid items already soft-deleted: ignored. */
  readonly alreadyDeleted: number;
  /** Valid, not soft-deleted credentials (the guard's base). */
  readonly activeValid: number;
  /** Active credentials that are exempt (never flagged or deleted). */
  readonly exempt: number;
  /** Active credentials that needed nothing. */
  readonly unchanged: number;
  /** Actions decided, per type, before the guard. */
  readonly planned: ActionCounts;
  /** Actions written (enforce) or that would have been written (audit), per type. */
  readonly applied: ActionCounts;
  readonly deletions: DeletionOutcome;
  readonly skippedChanged: CappedList<SkippedRecord>;
  readonly failed: CappedList<FailedRecord>;
  readonly guard: GuardStatus;
  readonly events: EventSummary;
  readonly checkpoint?: CheckpointSummary;
}

/** A zero count for every action type. */
export function emptyActionCounts(): Record<ActionType, number> {
  return Object.fromEntries(ACTION_TYPES.map((t) => [t, 0])) as Record<ActionType, number>;
}

/** A zero count for every event type. */
export function emptyEventCounts(): Record<EventType, number> {
  return Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
}

/** Collects records up to {@link SUMMARY_RECORD_LIMIT}, counting the rest. */
export class CappedCollector<T> {
  private readonly records: T[] = [];
  private total = 0;
  constructor(private readonly limit = SUMMARY_RECORD_LIMIT) {}

  add(record: T): void {
    this.total++;
    if (this.records.length < this.limit) this.records.push(record);
  }

  get count(): number {
    return this.total;
  }

  toList(): CappedList<T> {
    return { count: this.total, records: [...this.records], omitted: this.total - this.records.length };
  }
}

/** The summary as pretty-printed JSON (one document, for `--format json` and logs). */
export function renderRunSummaryJson(summary: RunSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** Options for {@link renderRunSummaryText}. */
export interface TextRenderOptions {
  /** How many invalid / skipped / failed records to list (default 20). */
  readonly listLimit?: number;
}

/** True when the run needs an operator's attention beyond reading it (exit code, alarm). */
export function guardBlocked(summary: RunSummary): boolean {
  return summary.guard.tripped && !summary.guard.overridden;
}

/** The summary as readable text for a terminal. */
export function renderRunSummaryText(summary: RunSummary, options: TextRenderOptions = {}): string {
  const limit = options.listLimit ?? 20;
  const audit = summary.mode === 'audit';
  const lines: string[] = [];
  const seconds = (summary.durationMs / 1000).toFixed(1);
  lines.push(`Sweep ${summary.runId}`);
  lines.push(
    `  mode ${summary.mode}${audit ? ' (dry run: nothing written, nobody notified)' : ''}, now ${summary.now}`,
  );
  lines.push(
    `  ${summary.status === 'complete' ? 'complete' : 'INCOMPLETE (stopped before the end of the table; the next run continues)'} in ${seconds} s`,
  );
  lines.push('');
  lines.push(
    `Scanned ${summary.scanned} items: ${summary.valid} valid, ${summary.invalid.count} invalid; ` +
      `${summary.activeValid} active, ${summary.alreadyDeleted} already deleted, ${summary.exempt} exempt, ${summary.unchanged} needing nothing`,
  );
  lines.push('');
  if (guardBlocked(summary)) lines.push(...guardBanner(summary), '');
  const appliedHeader = audit ? 'would apply' : 'applied';
  const rows: string[][] = [['action', 'planned', appliedHeader]];
  for (const type of ACTION_TYPES) {
    rows.push([type, String(summary.planned[type]), String(summary.applied[type])]);
  }
  lines.push(...table(rows), '');
  const d = summary.deletions;
  const outcomes = [
    `${d.applied} ${audit ? 'would be made' : 'made'}`,
    ...(d.blockedByGuard > 0 ? [`${d.blockedByGuard} blocked by the guard`] : []),
    ...(d.deferred > 0 ? [`${d.deferred} deferred (time budget; planned again by a later run)`] : []),
    ...(d.skippedChanged > 0 ? [`${d.skippedChanged} skipped (changed since read)`] : []),
  ];
  lines.push(`Deletions: ${d.expired} expired + ${d.stale} stale planned; ${outcomes.join(', ')}`);
  if (summary.guard.overridden) {
    lines.push(
      `  guard tripped but overridden by the operator (--allow-mass-delete): ${summary.guard.reasons.join('; ')}`,
    );
  } else if (!summary.guard.tripped) {
    lines.push(
      `  guard ok: ${summary.guard.plannedDeletes} of at most ${summary.guard.maxDeletesPerRun} per run and ` +
        `${summary.guard.maxDeletePercent}% of ${summary.guard.activeValid} active valid credentials`,
    );
  }
  lines.push('');
  lines.push(eventsLine(summary));
  const c = summary.checkpoint;
  if (c && (c.saved || c.resumed)) {
    const what = c.saved ? 'saved (the next run continues from it)' : 'cleared (table finished)';
    lines.push(
      `Checkpoint: ${what}${c.resumed ? '; this run resumed from one' : ''}; ${c.segmentsDone}/${c.segments} segments done`,
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
  lines.push(...recordList('Write failures', summary.failed, limit, (r) => `${r.id}: ${r.error}`));
  lines.push(
    ...recordList(
      'Invalid records (never acted on)',
      summary.invalid,
      limit,
      (r) => `${r.id ?? '(no id)'}: ${r.problems.join('; ')}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

function guardBanner(summary: RunSummary): string[] {
  const g = summary.guard;
  const audit = summary.mode === 'audit';
  const rule = '!'.repeat(78);
  return [
    rule,
    `!! GUARD TRIPPED: ${g.plannedDeletes} deletions planned, NONE ${audit ? 'would be made' : 'made'}.`,
    ...g.reasons.map((r) => `!!   ${r}`),
    `!! Warnings, flags and notices ${audit ? 'would' : 'were'} still ${audit ? 'be ' : ''}applied. Check the plan (sweep --dry-run);`,
    '!! if the deletions are right, run once with --allow-mass-delete.',
    rule,
  ];
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

function recordList<T>(title: string, list: CappedList<T>, limit: number, line: (r: T) => string): string[] {
  if (list.count === 0) return [];
  const shown = list.records.slice(0, limit);
  const out = ['', `${title}: ${list.count}`, ...shown.map((r) => `  ${line(r)}`)];
  if (list.count > shown.length) out.push(`  ... ${list.count - shown.length} more (use --format json)`);
  return out;
}

/** Left-aligned first column, right-aligned numbers. */
function table(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
