/**
 * The subscription reconciler use case (docs/notifications.md, "Subscription
 * reconciler"): read the directory and the topic's subscriptions, plan
 * (`subscription-plan.ts`), apply the operations with bounded concurrency,
 * and record each owner's subscription state in the directory. When the plan
 * would pass SNS's filter-policy quota it creates only the subscriptions the
 * quota leaves room for, first by `userId` (`withinQuota`), but still applies
 * the removals and repairs (they add no filter policy) and records the states
 * — an owner who unsubscribed must stop counting as reachable even while the
 * topic is over quota — then throws the quota error, carrying the summary of
 * what it did ({@link SubscriptionQuotaStop}). With each state it records the
 * confirmation emails counted at the owner's address: one more for each owner
 * it subscribed, in the write that records `pending`; none once `confirmed`;
 * else as read, so the plan stops subscribing an owner who never confirms
 * (`subscription-confirmations.ts`). A state is
 * planned for the address, state, subscription ARN and count the run read, and
 * recorded only while the owner still has them: an import may change the
 * address (clearing the state) while a run is in flight, and the old
 * address's `confirmed` must not land on the new one; an overlapping run (the
 * hourly Lambda and the CLI) or `owners resubscribe` may have recorded a newer
 * state, which a stale one must not hide. Likewise a creation (SNS emails the
 * person a confirmation link) happens only for an owner who, re-read right
 * before the creations, is still `active`, not `unsubscribed` and at the
 * planned address (its mailbox, by the plan's rule: a re-spelling is no
 * move): `owners unsubscribe`, or an import marking them departed
 * or moving them, may land while the run is in flight (a failed re-read
 * creates nothing). One that lands after that re-read, while the creations
 * run, is caught after the state writes: the run re-reads the owners it
 * subscribed, and withdraws the subscription it just
 * created for any who no longer want it (the confirmation email already sent
 * cannot be recalled; SNS cannot delete a subscription still pending, so it
 * is usually left pending, to expire unconfirmed; both re-reads:
 * `subscription-creations.ts`). From the
 * same listing it counts the subscriptions that deliver every admin message,
 * and the email ones left out because they also receive owner digests
 * (`admin-reach.ts`): the admins' reach, which no run changes, also carried
 * by the refusal of an empty directory ({@link EmptyOwnerDirectoryError}: on
 * `sns-email`, only when the topic holds an owner subscription the plan would
 * remove; with none, as on day one before the first import, the run completes
 * as a no-op). A run given a time budget (`ReconcilerDeps.remainingMs`: the
 * Lambda's) starts no SNS call once it is spent: the operations not started
 * are left for the next run, which plans them again from the topic's listing
 * ({@link ReconcileSummary.deferred}), and the run still records the states
 * of what it did and checks what it created. A budget spent while the run
 * still lists or reads the topic's subscriptions stops it there, before its
 * plan (no further `ListSubscriptionsByTopic` page or attribute read): it
 * plans and changes nothing (`TopicListingStoppedError`, `subscription-ports.ts`:
 * a plan from part of the topic would take each owner whose subscription it
 * did not read for one without any, subscribing them again or recording a
 * confirmed one `unsubscribed`). Used by the scheduled Lambda
 * and by `pc-hygiene owners sync-subscriptions` (no budget: it runs to the end).
 *
 * Here: the entry, {@link reconcileSubscriptions} (list, plan, refuse an empty directory, stop at the quota), and the
 * reconciler's public names, re-exported from its parts in `subscription-reconciler/` so its importers need not know
 * them: how to reconcile (`options.ts`), what a run did (`summary.ts`), why a run stops (`stops.ts`), the plan applied
 * to the topic under the time budget (`apply.ts`), the owners' states and their directory writes (`states.ts`), and
 * one run from its plan on (`apply-and-record.ts`).
 */
import { adminReachOf } from './admin-reach';
import { normalizeEmail } from './email-address-rules';
import { planSubscriptions, type SubscriptionPlan } from './subscription-plan';
import type { ReconcilerDeps } from './subscription-ports';
import {
  DEFAULT_FILTER_POLICY_QUOTA,
  type FilterPolicyQuotaError,
  filterPolicyQuotaProblem,
  withinQuota,
} from './subscription-quota';
import { applyAndRecord } from './subscription-reconciler/apply-and-record';
import type { ReconcileOptions } from './subscription-reconciler/options';
import { EmptyOwnerDirectoryError, SubscriptionQuotaStop } from './subscription-reconciler/stops';
import type { ReconcileSummary } from './subscription-reconciler/summary';

export type { ReconcileOptions } from './subscription-reconciler/options';
export { DEFAULT_RECONCILE_CONCURRENCY } from './subscription-reconciler/options';
export { EmptyOwnerDirectoryError, SubscriptionQuotaStop } from './subscription-reconciler/stops';
export type { ReconcileSummary } from './subscription-reconciler/summary';

/**
 * Makes the topic's owner subscriptions match the directory.
 * @throws {SubscriptionQuotaStop} (a {@link FilterPolicyQuotaError}) when the plan needs more filter policies
 *   than the quota: after applying the removals, the repairs and the creations that fit, and recording the
 *   states (see {@link withinQuota}); a dry run changes nothing, and its stop's summary says what it would do
 * @throws `TopicListingStoppedError` (`subscription-ports.ts`) before any plan or change, when the time budget
 *   (`ReconcilerDeps.remainingMs`) ran out while the run listed or read the topic's subscriptions
 * @throws {EmptyOwnerDirectoryError} before any change (after the listing, whose admin count it carries), on the
 *   `sns-email` route with an empty directory when the plan would remove or repair an owner subscription (with none
 *   to touch, the run completes as a no-op)
 */
export async function reconcileSubscriptions(
  deps: ReconcilerDeps,
  options: ReconcileOptions,
): Promise<ReconcileSummary> {
  const quota = options.filterPolicyQuota ?? DEFAULT_FILTER_POLICY_QUOTA;
  const mailboxKey = options.mailboxKey ?? normalizeEmail;
  const owners = await deps.directory.listOwners();
  // Listed and counted before the refusal: an empty directory refused still reports the admins' reach. Listed and
  // read whole within the budget, or not at all (TopicListingStoppedError): nothing is planned from part of the topic.
  const subscriptions = await deps.topic.list(
    deps.remainingMs === undefined ? {} : { remainingMs: deps.remainingMs },
  );
  const adminReach = adminReachOf(subscriptions);
  const plan = planSubscriptions({
    owners,
    subscriptions,
    topicArn: deps.topic.topicArn,
    route: options.route,
    ...(options.allowMassUnsubscribe !== undefined && { allowMassUnsubscribe: options.allowMassUnsubscribe }),
    mailboxKey,
  });
  if (owners.length === 0 && options.route === 'sns-email' && touchesOwnerSubscription(plan)) {
    throw new EmptyOwnerDirectoryError(
      adminReach.adminSubscriptions,
      adminReach.emailSubscriptionsWithOwnerDigests,
    );
  }
  const quotaError = filterPolicyQuotaProblem(plan, quota);
  const context = { owners, quota, mailboxKey, adminReach };
  if (quotaError === undefined) return applyAndRecord(deps, plan, options, context);
  throw new SubscriptionQuotaStop(
    quotaError,
    await applyAndRecord(deps, withinQuota(plan, quota), options, context),
  );
}

/**
 * True when the plan removes or repairs a subscription it recognised as an owner's (a creation only adds one). An
 * empty directory on `sns-email` plans only removals, of every owner subscription listed: none on day one, before
 * the first import, when the topic holds only admin and machine subscriptions.
 */
function touchesOwnerSubscription(plan: SubscriptionPlan): boolean {
  return plan.operations.some((o) => o.kind === 'remove' || o.kind === 'repair');
}
