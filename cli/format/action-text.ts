/** Actions as text: a readable sentence for people, a compact `key=value` form for CSV. */
import type { Action } from '../../lambdas/hygiene/policy';
import { parseInstant, relativePhrase } from '../../lambdas/hygiene/time';

function when(iso: string, now: number): string {
  const parsed = parseInstant(iso);
  return parsed.ok ? `${iso} (${relativePhrase(parsed.ms, now)})` : iso;
}

/** One readable line describing an action, with dates relative to `now`. */
export function describeAction(action: Action, now: number): string {
  switch (action.type) {
    case 'notify-expiry':
      return `notify-expiry   ${action.stageDays}-day notice, expires ${when(action.expiresTime, now)}`;
    case 'delete-expired':
      return `delete-expired  expired ${when(action.expiresTime, now)}`;
    case 'flag-stale':
      return (
        `flag-stale      last active ${when(action.lastActivity, now)}, ` +
        `limit ${action.staleAfterDays}d (tier ${action.tier}), delete after ${when(action.deleteAfter, now)}`
      );
    case 'delete-stale':
      return `delete-stale    flagged ${action.flaggedAt}, grace ended ${when(action.deleteAfter, now)}`;
    case 'unflag-stale':
      return `unflag-stale    ${action.reason}`;
    case 'flag-orphan':
      return `flag-orphan     owner departed, delete after ${when(action.deleteAfter, now)}`;
    case 'delete-orphaned':
      return `delete-orphaned flagged ${action.flaggedAt}, owner still departed, grace ended ${when(action.deleteAfter, now)}`;
    case 'unflag-orphan':
      return `unflag-orphan   ${action.reason}`;
    case 'clear-deletion-leftovers':
      return `clear-deletion-leftovers ${action.leftovers.join(', ')}`;
  }
}

/** A compact, stable form: the type followed by each detail as `key=value`. */
export function compactAction(action: Action): string {
  const details = Object.entries(action)
    .filter(([key]) => key !== 'type')
    .map(([key, value]) => `${key}=${String(value)}`);
  return [action.type, ...details].join(' ');
}
