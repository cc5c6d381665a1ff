/**
 * The hygiene posture report for people and machines: pretty JSON and a
 * readable table, printed by `pc-hygiene report` and `local`. Moved out of
 * the pure domain (`lambdas/hygiene/posture.ts` keeps the figures): it is
 * terminal presentation, kept beside the run summary's rendering. Owner ids
 * come from the table and go through {@link terminalText}. With an owner
 * directory the report gains the orphan rule's verdict on it (the run
 * summary's `directoryLine`, in the report's voice), an "Owner reach" section
 * and the owner table a name and a reach column (docs/notifications.md,
 * "Owner reach").
 */
import { UNREACHABLE_REASONS } from '../hygiene/owner-directory';
import type { OwnerPosture, PostureReach, PostureReport } from '../hygiene/posture';
import type { DirectorySummary } from '../hygiene/run-summary';
import { alignedRows } from './aligned-rows';
import { jsonText } from './json-text';
import { type DirectoryLineVoice, directoryLine } from './run-summary-text';
import { terminalText } from './sanitize';

/** The report's voice for the directory line: what a sweep at the report's `now` would do. */
const REPORT_DIRECTORY_VOICE: DirectoryLineVoice = { verb: 'would be', now: "the report's now" };

/** The report as pretty-printed JSON (stored and configured text escaped losslessly: {@link jsonText}). */
export function renderPostureJson(report: PostureReport): string {
  return `${jsonText(report, 2)}\n`;
}

/** The width of the posture table's share column: a share as wide as `100.0%`. */
const PERCENT_WIDTH = 6;

function percentOf(part: number, whole: number): string {
  if (whole === 0) return '';
  return `${((part * 100) / whole).toFixed(1)}%`;
}

/** The report as a readable table for a terminal. */
export function renderPostureText(report: PostureReport): string {
  const r = report;
  const rows: [string, number, string][] = [
    ['active credentials', r.active, ''],
    ['expiring within 7 days', r.expiringIn7Days, percentOf(r.expiringIn7Days, r.active)],
    ['expiring within 30 days', r.expiringIn30Days, percentOf(r.expiringIn30Days, r.active)],
    ['expired, not deleted', r.expiredNotDeleted, percentOf(r.expiredNotDeleted, r.active)],
    ['stale', r.stale.total, percentOf(r.stale.total, r.active)],
    // A tier's name is configured text: shown through the sanitiser like stored text.
    ...Object.entries(r.stale.byTier).map(([tier, n]): [string, number, string] => [
      `  tier ${terminalText(tier)}`,
      n,
      percentOf(n, r.active),
    ]),
    ['flagged stale', r.flagged.total, percentOf(r.flagged.total, r.active)],
    ['  due for deletion', r.flagged.dueForDeletion, percentOf(r.flagged.dueForDeletion, r.active)],
    ['flagged orphaned (owner departed)', r.orphaned.total, percentOf(r.orphaned.total, r.active)],
    ['  due for deletion', r.orphaned.dueForDeletion, percentOf(r.orphaned.dueForDeletion, r.active)],
    ['never used', r.neverUsed, percentOf(r.neverUsed, r.active)],
    ['no expiry', r.noExpiry, percentOf(r.noExpiry, r.active)],
    ['unscoped (full owner permissions)', r.unscoped, percentOf(r.unscoped, r.active)],
    ['unrestricted source', r.unrestrictedSource, percentOf(r.unrestrictedSource, r.active)],
    ['unscoped and unrestricted', r.unscopedAndUnrestricted, percentOf(r.unscopedAndUnrestricted, r.active)],
    ['exempt', r.exempt, percentOf(r.exempt, r.active)],
    // Soft-deleted credentials included (what the notifier will send): not a share of the active ones.
    ['with notices pending (deleted included)', r.pendingNotices, ''],
  ];
  const lines = [
    `Hygiene posture at ${r.now}`,
    `  ${r.total} items: ${r.valid} valid (${r.active} active, ${r.deleted} soft-deleted), ${r.invalid} invalid`,
    '',
    // Labels at the left, counts and shares at the right; the shares' column as wide as `100.0%`.
    ...alignedRows(
      rows.map(([label, n, pct]) => [label, String(n), pct]),
      { leftAligned: 1, minWidths: [0, 0, PERCENT_WIDTH] },
    ),
  ];
  if (r.directory !== undefined) lines.push('', directoryLine(r.directory, REPORT_DIRECTORY_VOICE));
  if (r.reach !== undefined) lines.push(...reachLines(r.reach, r.directory));
  lines.push(...ownerLines(r));
  return `${lines.join('\n')}\n`;
}

/**
 * The owner reach section: the directory's snapshot, then reachable and unreachable owners per reason (its
 * freshness is the directory line's, above it: `directory`).
 */
function reachLines(reach: PostureReach, directory: DirectorySummary | undefined): string[] {
  if (reach.directory === undefined) {
    const why =
      directory?.status === 'unreadable'
        ? 'the owner directory could not be read (see "Owner directory" above)'
        : 'the owner directory holds no import (table missing or never imported: pc-hygiene owners import)';
    return ['', `Owner reach is unverified: ${why}`];
  }
  const d = reach.directory;
  const rows: [string, number][] = [
    ['owners of active credentials or pending notices', reach.ownersChecked],
    ['reachable', reach.reachable],
    ['unreachable', reach.unreachable],
    ...UNREACHABLE_REASONS.filter((why) => reach.byReason[why] > 0).map((why): [string, number] => [
      `  ${why}`,
      reach.byReason[why],
    ]),
  ];
  return [
    '',
    `Owner reach (${reach.route}):`,
    d.imported
      ? `  directory as of ${terminalText(d.asOf ?? 'unknown')}, ${d.owners} owner(s)`
      : '  directory never imported: nobody can be emailed on relay (pc-hygiene owners import)',
    ...alignedRows(
      rows.map(([label, n]) => [label, String(n)]),
      { leftAligned: 1 },
    ),
  ];
}

/** An owner's figures as table cells: name and reach first when the directory was asked. */
function ownerCells(o: OwnerPosture, withReach: boolean): string[] {
  const figures = [
    o.credentials,
    o.risky,
    o.exempt,
    o.expiredNotDeleted,
    o.stale,
    o.unscopedUnrestricted,
    o.noExpiry,
    o.expiringIn30Days,
  ].map(String);
  const reach = withReach ? [terminalText(o.name ?? '') || '-', o.reach ?? '-'] : [];
  return [terminalText(o.userId), ...reach, ...figures];
}

/**
 * The riskiest owners as a table, one line an owner under column headings in
 * capitals (nothing when there is no owner). The heading says when the list
 * is cut, also to none at all (`--top 0`).
 */
function ownerLines(r: PostureReport): string[] {
  if (r.owners.count === 0) return [];
  // Say when the list is cut: the report names the riskiest owners only. `--top N` is the flag of both commands
  // that print this report, `report` and `local`.
  const cut = r.owners.top.length < r.owners.count;
  const shown = cut ? ` (the first ${r.owners.top.length} of ${r.owners.count}; more with --top N)` : '';
  const lines = ['', `Owners (${r.owners.count}), riskiest first:${shown}`];
  if (r.owners.top.length === 0) return lines;
  const withReach = r.reach?.status === 'verified';
  // Headed in capitals, as every table listing of the CLI heads its columns (`owners list`'s: docs/sweep.md).
  const header = [
    'OWNER',
    ...(withReach ? ['NAME', 'REACH'] : []),
    'CREDENTIALS',
    'RISKY',
    'EXEMPT',
    'EXPIRED',
    'STALE',
    'UNSCOPED+OPEN',
    'NO EXPIRY',
    'EXP<=30D',
  ];
  const body = r.owners.top.map((o) => ownerCells(o, withReach));
  // The owner (and its name and reach) at the left, the figures at the right.
  return [...lines, ...alignedRows([header, ...body], { leftAligned: withReach ? 3 : 1 })];
}
