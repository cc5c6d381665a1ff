/**
 * What one reconciliation did (docs/notifications.md, "Subscription reconciler"): the {@link ReconcileSummary} the
 * Lambda turns into metrics and a log line and the CLI prints, and how a run's outcome is counted into it (the state
 * each owner counts under, the operations applied, deferred and refused, the filter policies left).
 */
import type { AdminReach } from '../admin-reach';
import type { OwnerDeliveryRoute, OwnerRecord, OwnerSubscriptionState } from '../owner-directory';
import type { FailedOperation, WithdrawnSubscription } from '../subscription-creations';
import type { UnsubscribeGuardVerdict } from '../subscription-opt-out';
import type {
  ExhaustedConfirmations,
  SubscriptionConflict,
  SubscriptionOperation,
  SubscriptionPlan,
} from '../subscription-plan';
import type { ReconcileOptions } from './options';

/** What one reconciliation did (or, dry, would do). */
export interface ReconcileSummary {
  readonly dryRun: boolean;
  readonly route: OwnerDeliveryRoute;
  readonly owners: number;
  /**
   * Operations planned, removals first; without the creations withdrawn
   * because the owner changed while the run was in flight (those owners are
   * in {@link ReconcileSummary.skippedStateChanges}).
   */
  readonly operations: readonly SubscriptionOperation[];
  /** Operations applied (all zero in a dry run); `created` includes the ones then withdrawn ({@link ReconcileSummary.withdrawnAfterCreate}). */
  readonly created: number;
  readonly repaired: number;
  /** The plan's removals applied (not the {@link ReconcileSummary.withdrawnAfterCreate} ones). */
  readonly removed: number;
  /**
   * Operations SNS refused, and those a failed directory re-read stopped: a
   * failed re-read before the creations fails every planned creation (nothing
   * subscribed); one after the state writes fails each check of
   * {@link ReconcileSummary.withdrawnAfterCreate} (the subscriptions stay).
   * Not SNS's refusal to remove a subscription it just created that is still
   * pending: that one is in `withdrawnAfterCreate`, `pendingLeft`.
   */
  readonly failed: readonly FailedOperation[];
  /**
   * Owners per state as far as this run knows the directory: the state it
   * recorded, or found recorded already (a dry run: the states it would
   * record, as planned). An
   * owner whose state write was skipped ({@link ReconcileSummary.skippedStateChanges})
   * counts under the state the run read for them (`none` when none was
   * recorded): the run changed nothing for them, and what changed them
   * meanwhile (an import, another run, an operator) is counted by the next
   * run. An owner whose creation was withdrawn, before it (also listed as
   * skipped) or after it ({@link ReconcileSummary.withdrawnAfterCreate}),
   * counts under the state the directory holds for them as re-read
   * (`unsubscribed`, or their recorded state; `none` when none is recorded;
   * as the run first read them when the re-read failed), and under no state
   * when they left the directory (then the counts add up to less than `owners`).
   */
  readonly states: Readonly<Record<OwnerSubscriptionState['state'], number>>;
  /** Owners whose recorded state changed (recorded unless dry); {@link ReconcileSummary.skippedStateChanges} excluded. */
  readonly stateChanges: readonly OwnerSubscriptionState[];
  /**
   * Changed states not recorded because, after this run read it, the owner
   * left the directory, their address changed (an import set their state),
   * their state or subscription ARN changed (an overlapping run or
   * `owners resubscribe` recorded another), or, for a state naming a
   * subscription ARN, an import marked them `departed` (`whileStillActive`).
   * Also every owner whose planned creation was withdrawn (nothing
   * subscribed, nothing recorded, listed with the planned `pending`): re-read
   * right before the creations, they
   * were gone, no longer `active`, `unsubscribed` (`owners unsubscribe`) or
   * at another address, or the re-read failed. The directory keeps what was
   * written meanwhile; the next run plans for it. Empty in a dry run.
   */
  readonly skippedStateChanges: readonly OwnerSubscriptionState[];
  /**
   * Subscriptions this run created and then withdrew ({@link WithdrawnSubscription}):
   * the owner's change landed after the re-read before the creations. Every
   * owner the run subscribed is re-read for this, also one whose state it
   * recorded: that write's condition is on the address, state and ARN, not on
   * the owner's `status`. Each was removed, or, with `pendingLeft`, left
   * pending: SNS cannot delete a subscription pending confirmation (it deletes
   * it unconfirmed after 48 hours), which is expected, not a failure. Empty in
   * a dry run.
   */
  readonly withdrawnAfterCreate: readonly WithdrawnSubscription[];
  /**
   * The mass-unsubscribe guard (docs/notifications.md, "Subscription
   * reconciler"): when `tripped` (and not `overridden`), the owners in
   * `newlyUnsubscribed` were recorded `none` (no ARN: unreachable until
   * subscribed again), not `unsubscribed`, and nothing was created for them;
   * the next run subscribes them again.
   */
  readonly unsubscribeGuard: UnsubscribeGuardVerdict;
  readonly conflicts: readonly SubscriptionConflict[];
  /**
   * Owners with no subscription whom the run did not subscribe again: the reconciler already sent
   * `MAX_CONFIRMATION_EMAILS` confirmation emails to their address, none confirmed
   * (`subscription-confirmations.ts`). Recorded `none`, their count kept: unreachable (`subscription-unconfirmed`)
   * until the address changes or `pc-hygiene owners resubscribe` (docs/notifications.md, "Pending subscriptions").
   */
  readonly confirmationsExhausted: readonly ExhaustedConfirmations[];
  readonly untouched: number;
  readonly filterPolicies: { readonly current: number; readonly planned: number; readonly quota: number };
  /**
   * Subscriptions of the topic that deliver every admin message (run summaries, guard trips, owner-unreachable
   * reports): confirmed, with no filter policy or one on message attributes whose only key is `audience` naming
   * `admin`, and, for `email` and `email-json`, admitting no owner message (`deliversEveryAdminMessage`,
   * `admin-reach.ts`). Counted from the listing the run read (the reconciler never touches such subscriptions); 0
   * means SNS drops every admin notice (docs/notifications.md, "Subscription reconciler", "Admin reach").
   */
  readonly adminSubscriptions: number;
  /**
   * Email subscriptions left out of {@link ReconcileSummary.adminSubscriptions} although they admit every admin
   * message, because they also receive owner digests (no filter policy, `{"audience":["admin","owner"]}`): SNS
   * suspends an email subscription sent more than 10 messages a second (`receivesOwnerDigestsByEmail`,
   * `admin-reach.ts`). Present only when there is one.
   */
  readonly emailSubscriptionsWithOwnerDigests?: number;
  /**
   * Planned operations the run did not start because its time budget was spent (`ReconcilerDeps.remainingMs`):
   * the run is incomplete. Neither applied nor failed (not in `created`, `repaired`, `removed` or `failed`; still in
   * {@link ReconcileSummary.operations}): an owner whose creation was left out counts as `none`, as for a refused
   * one, and `filterPolicies.planned` is what the topic holds without them. The next run lists the topic and plans
   * them again. Present only when there is one (never in a dry run, nor without a budget).
   */
  readonly deferred?: readonly SubscriptionOperation[];
}

/**
 * The state each owner counts under ({@link ReconcileSummary.states}): the
 * one after this run, except for an owner it did not leave in that state
 * (`seen`: a skipped state write, or a withdrawn creation): the state the
 * directory held for them as this run last read them (`none` when none is
 * recorded), and none at all when that read found them gone.
 */
export function countedStates(
  states: readonly OwnerSubscriptionState[],
  seen: ReadonlyMap<string, OwnerRecord | undefined>,
): OwnerSubscriptionState['state'][] {
  return states.flatMap((s) => {
    if (!seen.has(s.userId)) return [s.state];
    const owner = seen.get(s.userId);
    return owner === undefined ? [] : [owner.subscription ?? 'none'];
  });
}

/** The run's {@link ReconcileSummary}: the plan as applied (`plan`), counted with what the run did (`outcome`). */
export function summarize(
  plan: SubscriptionPlan,
  options: ReconcileOptions,
  outcome: {
    owners: number;
    quota: number;
    adminReach: AdminReach;
    created: number;
    failed: readonly FailedOperation[];
    deferred: readonly SubscriptionOperation[];
    counted: readonly OwnerSubscriptionState['state'][];
    stateChanges: readonly OwnerSubscriptionState[];
    skippedStateChanges: readonly OwnerSubscriptionState[];
    withdrawnAfterCreate: readonly WithdrawnSubscription[];
  },
): ReconcileSummary {
  const deferred = (kind: SubscriptionOperation['kind']) =>
    outcome.deferred.filter((o) => o.kind === kind).length;
  const applied = (kind: 'repair' | 'remove') =>
    options.dryRun
      ? 0
      : plan.operations.filter((o) => o.kind === kind).length -
        outcome.failed.filter((f) => f.operation.kind === kind).length -
        deferred(kind);
  const count = (state: OwnerSubscriptionState['state']) => outcome.counted.filter((s) => s === state).length;
  return {
    dryRun: options.dryRun ?? false,
    route: options.route,
    owners: outcome.owners,
    operations: plan.operations,
    created: outcome.created,
    repaired: applied('repair'),
    removed: applied('remove'),
    failed: outcome.failed,
    states: {
      confirmed: count('confirmed'),
      pending: count('pending'),
      none: count('none'),
      unsubscribed: count('unsubscribed'),
    },
    stateChanges: outcome.stateChanges,
    skippedStateChanges: outcome.skippedStateChanges,
    withdrawnAfterCreate: outcome.withdrawnAfterCreate,
    unsubscribeGuard: plan.unsubscribeGuard,
    conflicts: plan.conflicts,
    confirmationsExhausted: plan.confirmationsExhausted,
    untouched: plan.untouched,
    // each subscription removed after its creation took its filter policy with it; one left pending keeps it;
    // a creation deferred adds none, a removal deferred keeps one
    filterPolicies: {
      ...plan.filterPolicies,
      planned:
        plan.filterPolicies.planned -
        outcome.withdrawnAfterCreate.filter((w) => !w.pendingLeft).length -
        deferred('create') +
        deferred('remove'),
      quota: outcome.quota,
    },
    adminSubscriptions: outcome.adminReach.adminSubscriptions,
    ...(outcome.adminReach.emailSubscriptionsWithOwnerDigests > 0 && {
      emailSubscriptionsWithOwnerDigests: outcome.adminReach.emailSubscriptionsWithOwnerDigests,
    }),
    ...(outcome.deferred.length > 0 && { deferred: outcome.deferred }),
  };
}
