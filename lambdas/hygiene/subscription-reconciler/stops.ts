/**
 * Why a reconciliation stops short (docs/notifications.md, "Subscription reconciler"): an empty directory refused
 * before any change ({@link EmptyOwnerDirectoryError}), or the filter-policy quota reached after the run applied
 * what fits ({@link SubscriptionQuotaStop}); each carries what the Lambda and the CLI report for it.
 */
import { attachUnlogged } from '../errors';
import { FilterPolicyQuotaError } from '../subscription-quota';
import type { ReconcileSummary } from './summary';

/**
 * Refusing to reconcile against an empty directory on `sns-email` when the topic holds owner subscriptions: the plan
 * would remove every one of them (a directory table emptied or misnamed, not a deployment without owners). An empty
 * directory with no owner subscription to remove (day one, before the first import) is no refusal: that run
 * completes, changing nothing. The run listed the topic first (it changed nothing), so the refusal still carries the
 * admins' reach: the Lambda emits it, so `NoAdminSubscription` still watches while runs are refused
 * (docs/notifications.md, "Admin reach").
 */
export class EmptyOwnerDirectoryError extends Error {
  override readonly name = 'EmptyOwnerDirectoryError';
  constructor(
    /** The topic's subscriptions that deliver every admin message ({@link ReconcileSummary.adminSubscriptions}). */
    readonly adminSubscriptions: number,
    /** The email subscriptions left out of that count (the summary's `emailSubscriptionsWithOwnerDigests`). */
    readonly emailSubscriptionsWithOwnerDigests = 0,
  ) {
    super(
      'The owner directory is empty: reconciling would remove every owner subscription. ' +
        'Import the directory first (pc-hygiene owners import), or check the directory table name.',
    );
  }
}

/**
 * The quota stopped a run after it applied the removals and repairs and
 * recorded the states: the {@link FilterPolicyQuotaError} (same name and
 * message, `applied` set), with the run's summary, so a caller reports what
 * the run did as it would for a run that finished (the Lambda's metrics, the
 * CLI's summary with the mass-unsubscribe guard's verdict). A dry run's stop
 * applied nothing (`applied` unset): its summary says what the run would do
 * short of the creations.
 */
export class SubscriptionQuotaStop extends FilterPolicyQuotaError {
  /**
   * What the stopped run did: the creations that fit, its removals, repairs, refusals and states. Not enumerable
   * (`attachUnlogged`): the Lambda runtime's error line would repeat it whole, every planned address included.
   */
  declare readonly summary: ReconcileSummary;
  constructor(problem: FilterPolicyQuotaError, summary: ReconcileSummary) {
    super(
      problem.quota,
      problem.needed,
      problem.creations,
      summary.dryRun
        ? undefined
        : { removed: summary.removed, repaired: summary.repaired, failed: summary.failed.length },
    );
    attachUnlogged(this, 'summary', summary);
  }
}
