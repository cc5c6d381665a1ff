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
 */
import { type AdminReach, adminReachOf } from './admin-reach';
import { type MailboxKey, normalizeEmail } from './email-address-rules';
import { attachUnlogged } from './errors';
import {
  type OwnerDeliveryRoute,
  type OwnerRecord,
  type OwnerSubscriptionState,
  type PlannedSubscriptionState,
  plannedStateFor,
} from './owner-directory';
import {
  attemptEach,
  type CreatedSubscription,
  type FailedOperation,
  recheckCreations,
  type WithdrawnSubscription,
  withdrawAfterCreate,
} from './subscription-creations';
import type { UnsubscribeGuardVerdict } from './subscription-opt-out';
import {
  deliversEveryDeliverableDigest,
  type ExhaustedConfirmations,
  planSubscriptions,
  type SubscriptionConflict,
  type SubscriptionOperation,
  type SubscriptionPlan,
  withoutCreationsFor,
} from './subscription-plan';
import { budgetSpentCheck, type ReconcilerDeps, type TopicSubscriptions } from './subscription-ports';
import {
  DEFAULT_FILTER_POLICY_QUOTA,
  FilterPolicyQuotaError,
  filterPolicyQuotaProblem,
  withinQuota,
} from './subscription-quota';

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

/** Applies the plan (unless dry), records the owners' states that changed, then withdraws unwanted creations. */
async function applyAndRecord(
  deps: ReconcilerDeps,
  planned: SubscriptionPlan,
  options: ReconcileOptions,
  context: {
    readonly owners: readonly OwnerRecord[];
    readonly quota: number;
    readonly mailboxKey: MailboxKey;
    /** The admins' reach from the listing ({@link ReconcileSummary.adminSubscriptions}). */
    readonly adminReach: AdminReach;
  },
): Promise<ReconcileSummary> {
  const { owners, quota, mailboxKey } = context;
  const read = new Map(owners.map((o) => [o.userId, o]));
  const creating = {
    concurrency: options.concurrency ?? DEFAULT_RECONCILE_CONCURRENCY,
    key: mailboxKey,
  };
  const applied = options.dryRun
    ? notApplied(planned)
    : await applyPlan(deps, planned, read, { ...creating, budget: new CallBudget(deps.remainingMs) });
  const { plan, withdrawn } = applied;
  // A withdrawn owner keeps the planned state (listed as skipped), also when a failed re-read failed their creation.
  const states = statesAfter(plan, [
    ...applied.failed
      .filter((f) => f.operation.kind !== 'create' || !withdrawn.has(f.operation.userId))
      .map((f) => f.operation),
    ...applied.deferred,
  ]);
  const changes = states.filter((s) => withdrawn.has(s.userId) || changesState(read.get(s.userId), s));
  const subscribed = new Set(applied.created.map((c) => c.userId));
  const toRecord = stateWrites(states, read, subscribed).filter((w) => !withdrawn.has(w.userId));
  let notRecorded: readonly string[] = [];
  try {
    if (!options.dryRun && toRecord.length > 0) {
      notRecorded = await deps.directory.recordSubscriptionStates(toRecord);
    }
  } catch (error: unknown) {
    // The states could not be written (not a changed owner: an error): the subscriptions just created are still
    // checked, so a run that fails here leaves none for an owner who meanwhile opted out, left or moved.
    await withdrawAfterCreate(deps, applied.created, creating);
    throw error;
  }
  const skipped = new Set([...withdrawn.keys(), ...notRecorded]);
  const afterCreate = await withdrawAfterCreate(deps, applied.created, creating);
  return summarize(plan, options, {
    owners: owners.length,
    quota,
    adminReach: context.adminReach,
    created: applied.created.length,
    failed: [...applied.failed, ...afterCreate.failed],
    deferred: applied.deferred,
    // as last seen: a skipped write's owner as read (this run changed nothing for them), a re-read one as found
    counted: countedStates(
      states,
      new Map([...notRecorded.map((id) => [id, read.get(id)] as const), ...withdrawn, ...afterCreate.found]),
    ),
    stateChanges: changes.filter((s) => !skipped.has(s.userId)),
    skippedStateChanges: changes.filter((s) => skipped.has(s.userId)),
    withdrawnAfterCreate: afterCreate.withdrawn,
  });
}

/**
 * A plan as applied: the creations withdrawn by the re-check left out, the operations that failed, and those the
 * time budget left for the next run.
 */
interface AppliedPlan {
  readonly plan: SubscriptionPlan;
  readonly failed: readonly FailedOperation[];
  /** Operations not started: the budget was spent ({@link ReconcileSummary.deferred}). */
  readonly deferred: readonly SubscriptionOperation[];
  /** Owners whose creation was withdrawn ({@link recheckCreations}), each as re-read (`undefined`: gone). */
  readonly withdrawn: ReadonlyMap<string, OwnerRecord | undefined>;
  readonly created: readonly CreatedSubscription[];
}

/** A dry run: the plan as it would be applied, nothing done. */
function notApplied(plan: SubscriptionPlan): AppliedPlan {
  return { plan, failed: [], deferred: [], withdrawn: new Map(), created: [] };
}

/**
 * The run's time budget (`ReconcilerDeps.remainingMs`) over its SNS calls: once spent, it stays spent, and
 * the operations it holds back are kept in {@link CallBudget.deferred}. Without `remainingMs` it is never spent.
 */
class CallBudget {
  readonly deferred: SubscriptionOperation[] = [];
  /** True once the budget has read 0 or less. */
  readonly spent: () => boolean;
  constructor(remainingMs?: () => number) {
    this.spent = budgetSpentCheck(remainingMs);
  }

  /** Defers the operations without calling anything. */
  defer(operations: readonly SubscriptionOperation[]): void {
    this.deferred.push(...operations);
  }

  /** `apply`, checked against the budget right before it starts: once spent, the operation is deferred instead. */
  gate<T extends SubscriptionOperation>(
    apply: (operation: T) => Promise<void>,
  ): (operation: T) => Promise<void> {
    return async (operation) => {
      if (this.spent()) this.defer([operation]);
      else await apply(operation);
    };
  }
}

/**
 * Applies the removals, then the repairs, then re-checks the owners to
 * subscribe against the directory and applies the creations still wanted;
 * none starts once the budget is spent (the creations then skip the re-check).
 */
async function applyPlan(
  deps: ReconcilerDeps,
  planned: SubscriptionPlan,
  read: ReadonlyMap<string, OwnerRecord>,
  {
    concurrency,
    key,
    budget,
  }: { readonly concurrency: number; readonly key: MailboxKey; readonly budget: CallBudget },
): Promise<AppliedPlan> {
  const failed = await applyRemovalsAndRepairs(deps.topic, planned, concurrency, budget);
  if (budget.spent()) {
    budget.defer(planned.operations.filter((o) => o.kind === 'create'));
    return { plan: planned, failed, deferred: budget.deferred, withdrawn: new Map(), created: [] };
  }
  const recheck = await recheckCreations(deps.directory, planned, read, key);
  const plan = withoutCreationsFor(planned, new Set(recheck.withdrawn.keys()));
  const created: CreatedSubscription[] = [];
  const refused = await attemptEach(
    plan.operations.filter((o) => o.kind === 'create'),
    concurrency,
    budget.gate(async ({ userId, email, filterPolicy }) => {
      created.push({ userId, email, subscriptionArn: await deps.topic.create(email, filterPolicy) });
    }),
  );
  return {
    plan,
    failed: [...failed, ...recheck.failed, ...refused],
    deferred: budget.deferred,
    withdrawn: recheck.withdrawn,
    created,
  };
}

/** True when `planned` differs from the state and ARN the directory records for the owner (absent state: `none`). */
function changesState(owner: OwnerRecord | undefined, planned: OwnerSubscriptionState): boolean {
  return (
    (owner?.subscription ?? 'none') !== planned.state || owner?.subscriptionArn !== planned.subscriptionArn
  );
}

/**
 * The directory writes of the run's states: every owner the run read whose state, ARN or confirmation count
 * changes ({@link confirmationEmailsAfter}), each planned from the owner as read ({@link plannedStateFor}). An owner
 * the run subscribed is written even when already recorded `pending` (a subscription that expired unconfirmed,
 * subscribed again): the count of confirmation emails goes up in the same conditional write that records the state.
 * A state that names a subscription ARN for an owner read `active` is written only while they still are
 * ({@link whileStillActive}).
 * @param subscribed the owners a `Subscribe` of this run succeeded for (SNS emailed each a confirmation link)
 */
function stateWrites(
  states: readonly OwnerSubscriptionState[],
  read: ReadonlyMap<string, OwnerRecord>,
  subscribed: ReadonlySet<string>,
): PlannedSubscriptionState[] {
  return states.flatMap((s) => {
    const owner = read.get(s.userId);
    if (owner === undefined) return [];
    const sent = confirmationEmailsAfter(owner, s, subscribed.has(s.userId));
    return changesState(owner, s) || sent !== owner.confirmationEmailsSent
      ? [whileStillActive(owner, plannedStateFor(owner, s, sent))]
      : [];
  });
}

/**
 * `planned`, made conditional on the owner still being `active`
 * ({@link PlannedSubscriptionState.whileActive}) when it records a
 * subscription ARN (`confirmed`, or `unsubscribed` with the evidence) for an
 * owner read `active`. Why: an import may mark them `departed` while the run
 * is in flight, and an overlapping run (the hourly Lambda and `owners
 * sync-subscriptions`) then removes their subscription and records `none`.
 * This run, listing the topic after that removal, takes the vanished
 * subscription for the owner's opt-out: recorded first, its `unsubscribed`
 * would make the other run's `none` fail its condition and stand for good
 * (never subscribed again once back, the admins told they opted out).
 * Listing it before, its `confirmed` would leave an ARN whose subscription is
 * gone: the next run's evidence of the same false opt-out once they are back.
 * Skipped instead, the other run's `none` stands (docs/notifications.md,
 * "Subscription reconciler"). A state without an ARN (`none`, `pending`) is written
 * whatever the status: it is no such evidence, and `pending` carries the
 * confirmation email this run sent; nor is the status a condition for an
 * owner read `departed`: their `none` must land even when an import made
 * them `active` again meanwhile, or their removed subscription's ARN would
 * stay recorded.
 */
function whileStillActive(owner: OwnerRecord, planned: PlannedSubscriptionState): PlannedSubscriptionState {
  return owner.status === 'active' && planned.subscriptionArn !== undefined
    ? { ...planned, whileActive: true }
    : planned;
}

/**
 * The confirmation emails counted for the owner's address once the state is recorded: none once `confirmed` (the
 * owner answered), one more after this run's `Subscribe` (SNS emailed a link), else as read — kept through `none`,
 * `unsubscribed`, a refused or deferred creation, so no write loses it (`subscription-confirmations.ts`).
 */
function confirmationEmailsAfter(
  owner: OwnerRecord,
  after: OwnerSubscriptionState,
  subscribed: boolean,
): number | undefined {
  if (after.state === 'confirmed') return undefined;
  const sent = owner.confirmationEmailsSent;
  return subscribed ? (sent ?? 0) + 1 : sent;
}

/**
 * Runs the plan's removals, then its repairs (creations: {@link applyPlan}), while the budget lasts; returns those
 * SNS refused.
 */
async function applyRemovalsAndRepairs(
  topic: TopicSubscriptions,
  plan: SubscriptionPlan,
  concurrency: number,
  budget: CallBudget,
): Promise<FailedOperation[]> {
  const failed: FailedOperation[] = [];
  for (const kind of ['remove', 'repair'] as const) {
    const batch = plan.operations.filter((o) => o.kind === kind);
    failed.push(
      ...(await attemptEach(
        batch,
        concurrency,
        budget.gate(async (operation) => {
          if (operation.kind === 'repair') {
            await topic.setFilterPolicy(operation.subscriptionArn, operation.filterPolicy);
          } else if (operation.kind === 'remove') await topic.remove(operation.subscriptionArn);
        }),
      )),
    );
  }
  return failed;
}

/**
 * The planned states, except that an owner has none whose subscription was
 * not created (refused, or left for the next run), or whose confirmed
 * subscription was not repaired and keeps a filter policy that may hold back
 * some of the digests the drain judges deliverable
 * ({@link deliversEveryDeliverableDigest}; `confirmed` means digests reach
 * the owner: docs/notifications.md, "States").
 * @param notDone the operations that failed or were deferred
 */
function statesAfter(
  plan: SubscriptionPlan,
  notDone: readonly FailedOperation['operation'][],
): OwnerSubscriptionState[] {
  const notCreated = new Set<string>();
  const notRepaired = new Set<string>();
  for (const operation of notDone) {
    if (operation.kind === 'create') notCreated.add(operation.userId);
    if (
      operation.kind === 'repair' &&
      !deliversEveryDeliverableDigest(operation.previous, operation.userId)
    ) {
      notRepaired.add(operation.userId);
    }
  }
  return plan.states.map((s) =>
    notCreated.has(s.userId) || (s.state === 'confirmed' && notRepaired.has(s.userId))
      ? { userId: s.userId, state: 'none' }
      : s,
  );
}

/**
 * The state each owner counts under ({@link ReconcileSummary.states}): the
 * one after this run, except for an owner it did not leave in that state
 * (`seen`: a skipped state write, or a withdrawn creation): the state the
 * directory held for them as this run last read them (`none` when none is
 * recorded), and none at all when that read found them gone.
 */
function countedStates(
  states: readonly OwnerSubscriptionState[],
  seen: ReadonlyMap<string, OwnerRecord | undefined>,
): OwnerSubscriptionState['state'][] {
  return states.flatMap((s) => {
    if (!seen.has(s.userId)) return [s.state];
    const owner = seen.get(s.userId);
    return owner === undefined ? [] : [owner.subscription ?? 'none'];
  });
}

function summarize(
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
