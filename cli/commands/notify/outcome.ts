/**
 * How `pc-hygiene notify` judges a drain it ran: its status as the command reports it (a drain that met another
 * drain's lease is incomplete here) and its exit code (README.md, "CLI").
 */
import type { NotifierSummary } from '../../../lambdas/hygiene/notifier';
import { EXIT_CODE } from '../../exit-codes';

/**
 * The drain's summary as `notify` reports it (its JSON and text): a drain that met another drain's live lease
 * (`leaseHeld`) left what it listed pending for that drain, so it is `incomplete` here even when the drain, refused
 * the lease at its start, counts itself complete. The notifier Lambda's own summary keeps that `complete`: a
 * scheduled drain meeting another's lease is routine (docs/notifications.md, "CLI").
 */
export function notifyOutcome(summary: NotifierSummary): NotifierSummary {
  return summary.leaseHeld === undefined ? summary : { ...summary, status: 'incomplete' };
}

/**
 * `notify`'s exit code for a drain it ran (README.md, "CLI"): `failure` when events were not delivered or a store
 * call failed, `incomplete` when the drain left the rest pending ({@link notifyOutcome}: another drain's lease, or
 * `maxItems`), else `complete`.
 */
export function notifyExitCode(summary: NotifierSummary): number {
  if (summary.eventsFailed > 0 || summary.storeErrors > 0) return EXIT_CODE.failure;
  return notifyOutcome(summary).status === 'incomplete' ? EXIT_CODE.incomplete : EXIT_CODE.complete;
}
