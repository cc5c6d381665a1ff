/**
 * How a reconciliation runs (docs/notifications.md, "Subscription reconciler"): the route, the filter-policy quota,
 * dry or not, the mass-unsubscribe override, the SNS calls in flight at once and the mailbox rule; what the Lambda
 * and `pc-hygiene owners sync-subscriptions` pass to `reconcileSubscriptions` (`../subscription-reconciler.ts`).
 */
import type { MailboxKey } from '../email-address-rules';
import type { OwnerDeliveryRoute } from '../owner-directory';
import type { DEFAULT_FILTER_POLICY_QUOTA } from '../subscription-quota';

/** How to reconcile. */
export interface ReconcileOptions {
  /** The configured `ownerDelivery`; `relay` removes the owner email subscriptions. */
  readonly route: OwnerDeliveryRoute;
  /** SNS "Filter policies per topic" for this account (default {@link DEFAULT_FILTER_POLICY_QUOTA}). */
  readonly filterPolicyQuota?: number;
  /** Plan only: no SNS change, no directory write. */
  readonly dryRun?: boolean;
  /** Record this run's new opt-outs even past the mass-unsubscribe guard (CLI `--allow-mass-unsubscribe`). */
  readonly allowMassUnsubscribe?: boolean;
  /** SNS calls in flight at once (default {@link DEFAULT_RECONCILE_CONCURRENCY}). */
  readonly concurrency?: number;
  /**
   * How the plan tells one mailbox from another (`SubscriptionPlanInput.mailboxKey`; default case-insensitive),
   * and so the re-reads around the creations (`subscription-creations.ts`: a re-spelling mid-run withdraws no
   * creation). The Lambda and `owners sync-subscriptions` pass the relay's Punycode-aware `mailboxKey`, so an
   * address that changes only in spelling keeps its confirmed subscription (docs/notifications.md,
   * "Subscription reconciler").
   */
  readonly mailboxKey?: MailboxKey;
}

/**
 * SNS calls in flight at once. Subscribe and Unsubscribe are throttled at 100
 * TPS per account and ListSubscriptionsByTopic at 30 TPS (SNS API reference);
 * 4 in flight stays well below at typical latencies, and the SDK's adaptive
 * retry backs off if other work shares the account's budget.
 */
export const DEFAULT_RECONCILE_CONCURRENCY = 4;
