/**
 * What `pc-hygiene notify` says of another drain's live drain lease (docs/notifications.md, "The drain lease"): until
 * when it is held, when to run again, and why claimed items were left. Stored text is shown through `terminalText`.
 */
import { OUTBOX_LEASE_ID } from '../../../lambdas/hygiene/data-contract';
import type { NotifierSummary } from '../../../lambdas/hygiene/notifier';
import type { LeaseHeld } from '../../../lambdas/hygiene/notifier/types';
import { terminalText } from '../../../lambdas/render/sanitize';

/** `until T` for another drain's lease, or that its end is not recorded (stored text, shown through `terminalText`). */
export function leaseEndText(leaseHeld: LeaseHeld): string {
  return leaseHeld.until === undefined ? 'with no end recorded' : `until ${terminalText(leaseHeld.until)}`;
}

/**
 * The one stderr line of a drain that met another drain's live lease (nothing when it met none): until when it is
 * held, and when to run again — after its end, or on a local table (`local`) with a `--now` after it, since a
 * killed `notify` leaves its lease for its lease time judged on its `--now` plus the time elapsed.
 */
export function leaseHeldNote(summary: NotifierSummary, local: boolean): string | undefined {
  const held = summary.leaseHeld;
  if (held === undefined) return undefined;
  const holder = held.holder === undefined ? '' : ` (drain ${terminalText(held.holder)})`;
  const heading = `another drain${holder} holds the drain lease ${leaseEndText(held)}: what this drain did not publish stays pending`;
  if (held.until === undefined) {
    return `${heading}; no drain takes a lease without an end: remove hygieneLeaseHolder from the item ${OUTBOX_LEASE_ID} (docs/notifications.md, "The drain lease")`;
  }
  const until = terminalText(held.until);
  return (
    `${heading}. A drain that was interrupted keeps its lease until then (a notify's lease time runs on its --now ` +
    `plus the time elapsed): run notify again after ${until}${local ? ', or with a --now after it' : ''}`
  );
}

/** Why the claim conflicts line's items were left (nothing when there were none). */
export function claimConflictsNote(summary: Pick<NotifierSummary, 'claimConflicts' | 'leaseHeld'>): string {
  if (summary.claimConflicts === 0) return '';
  const held = summary.leaseHeld;
  return held === undefined
    ? ' (another drain holds them)'
    : ` (another drain holds the drain lease ${leaseEndText(held)})`;
}
