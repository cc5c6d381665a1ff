/**
 * The owner events the run queued (or, in a dry run, would have), per type, and whether their owners can be reached
 * (docs/sweep.md, "Owner reach"): unverified and why, all reachable, or who is not and why.
 */
import { EVENT_TYPES } from '../../hygiene/events';
import { UNREACHABLE_REASONS } from '../../hygiene/owner-directory';
import type { ReachSummary, RunSummary } from '../../hygiene/run-summary';
import { terminalText } from '../sanitize';

/** The owner events line: how many the run queued (or would have sent), per type, to how many owners. */
export function eventsLine(summary: RunSummary): string {
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
