/**
 * The subscription reconciler use case (docs/notifications.md, "Subscription
 * reconciler"): read the directory and the topic's subscriptions, plan
 * (`subscription-plan.ts`), apply the operations with bounded concurrency,
 * and record each owner's subscription state in the directory. When the plan
 * would pass SNS's filter-policy quota it creates nothing but still applies
 * the removals and repairs (they add no filter policy) and records the states
 * — an owner who unsubscribed must stop counting as reachable even while the
 * topic is over quota — then throws the quota error, carrying the summary of
 * what it did ({@link SubscriptionQuotaStop}). A state is
 * planned for the address, state and subscription ARN the run read, and
 * recorded only while the owner still has them: an import may change the
 * address (clearing the state) while a run is in flight, and the old
 * address's `confirmed` must not land on the new one; an overlapping run (the
 * hourly Lambda and the CLI) or `owners resubscribe` may have recorded a newer
 * state, which a stale one must not hide. Likewise a creation (SNS emails the
 * person a confirmation link) happens only for an owner who, re-read right
 * before the creations, is still `active`, not `unsubscribed` and at the
 * planned address: `owners unsubscribe`, or an import marking them departed
 * or moving them, may land while the run is in flight. Used by the scheduled
 * Lambda and by `pc-hygiene owners sync-subscriptions`.
 */
import { errorText } from './errors';
import {
  normalizeEmail,
  type OwnerDeliveryRoute,
  type OwnerRecord,
  type OwnerSubscriptionRegistry,
  type OwnerSubscriptionState,
  type PlannedSubscriptionState,
} from './owner-directory';
import type { UnsubscribeGuardVerdict } from './subscription-opt-out';
import {
  DEFAULT_FILTER_POLICY_QUOTA,
  deliversEveryOwnerDigest,
  FilterPolicyQuotaError,
  filterPolicyQuotaProblem,
  planSubscriptions,
  type SubscriptionConflict,
  type SubscriptionOperation,
  type SubscriptionPlan,
  type TopicSubscription,
  withoutCreations,
} from './subscription-plan';
import { mapWithConcurrency } from './task-pool';

/** The topic's subscriptions, as the reconciler reads and changes them (adapter: `lambdas/aws/`). */
export interface TopicSubscriptions {
  /** The topic's ARN: the prefix of its subscriptions' ARNs (an opt-out is inferred only on this topic). */
  readonly topicArn: string;
  /** Every subscription of the topic, with the filter policy and pending state of email subscriptions. */
  list(): Promise<readonly TopicSubscription[]>;
  /** Subscribes `email` with `filterPolicy` (on message attributes); resolves to the new subscription's ARN. */
  create(email: string, filterPolicy: string): Promise<string>;
  /** Replaces a subscription's filter policy. */
  setFilterPolicy(subscriptionArn: string, filterPolicy: string): Promise<void>;
  /** Unsubscribes; resolves when the subscription is gone, also when it was already gone. */
  remove(subscriptionArn: string): Promise<void>;
}

/** The reconciler's ports. */
export interface ReconcilerDeps {
  readonly topic: TopicSubscriptions;
  readonly directory: OwnerSubscriptionRegistry;
}

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
}

/**
 * SNS calls in flight at once. Subscribe and Unsubscribe are throttled at 100
 * TPS per account and ListSubscriptionsByTopic at 30 TPS (SNS API reference);
 * 4 in flight stays well below at typical latencies, and the SDK's adaptive
 * retry backs off if other work shares the account's budget.
 */
export const DEFAULT_RECONCILE_CONCURRENCY = 4;

/** An operation SNS refused (the others still ran). */
export interface FailedOperation {
  readonly operation: SubscriptionOperation;
  readonly error: string;
}

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
  /** Operations applied (all zero in a dry run). */
  readonly created: number;
  readonly repaired: number;
  readonly removed: number;
  readonly failed: readonly FailedOperation[];
  /** Owners per state after this run, as planned (an owner in `skippedStateChanges` counts under its planned state). */
  readonly states: Readonly<Record<OwnerSubscriptionState['state'], number>>;
  /** Owners whose recorded state changed (recorded unless dry); {@link ReconcileSummary.skippedStateChanges} excluded. */
  readonly stateChanges: readonly OwnerSubscriptionState[];
  /**
   * Changed states not recorded because, after this run read it, the owner
   * left the directory, their address changed (an import cleared the state),
   * or their state or subscription ARN changed (an overlapping run or
   * `owners resubscribe` recorded another). Also every owner whose planned
   * creation was withdrawn (nothing subscribed, nothing recorded, listed
   * with the planned `pending`): re-read right before the creations, they
   * were gone, no longer `active`, `unsubscribed` (`owners unsubscribe`) or
   * at another address. The directory keeps what was written meanwhile; the
   * next run plans for it. Empty in a dry run.
   */
  readonly skippedStateChanges: readonly OwnerSubscriptionState[];
  /**
   * The mass-unsubscribe guard (docs/notifications.md, "Subscription
   * reconciler"): when `tripped` (and not `overridden`), the owners in
   * `newlyUnsubscribed` were recorded `none` (no ARN: unreachable until
   * subscribed again), not `unsubscribed`, and nothing was created for them;
   * the next run subscribes them again.
   */
  readonly unsubscribeGuard: UnsubscribeGuardVerdict;
  readonly conflicts: readonly SubscriptionConflict[];
  readonly untouched: number;
  readonly filterPolicies: { readonly current: number; readonly planned: number; readonly quota: number };
}

/** Refusing to reconcile against an empty directory: every owner subscription would be removed. */
export class EmptyOwnerDirectoryError extends Error {
  override readonly name = 'EmptyOwnerDirectoryError';
  constructor() {
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
  constructor(
    problem: FilterPolicyQuotaError,
    /** What the stopped run did: no creation (`created` 0); its removals, repairs, refusals and states. */
    readonly summary: ReconcileSummary,
  ) {
    super(
      problem.quota,
      problem.needed,
      problem.creations,
      summary.dryRun
        ? undefined
        : { removed: summary.removed, repaired: summary.repaired, failed: summary.failed.length },
    );
  }
}

/**
 * Makes the topic's owner subscriptions match the directory.
 * @throws {SubscriptionQuotaStop} (a {@link FilterPolicyQuotaError}) when the plan needs more filter policies
 *   than the quota: after applying the removals and repairs and recording the states (see
 *   {@link withoutCreations}); a dry run changes nothing, and its stop's summary says what it would do
 * @throws {EmptyOwnerDirectoryError} before any change, on the `sns-email` route with an empty directory
 */
export async function reconcileSubscriptions(
  deps: ReconcilerDeps,
  options: ReconcileOptions,
): Promise<ReconcileSummary> {
  const quota = options.filterPolicyQuota ?? DEFAULT_FILTER_POLICY_QUOTA;
  const owners = await deps.directory.listOwners();
  if (owners.length === 0 && options.route === 'sns-email') throw new EmptyOwnerDirectoryError();
  const subscriptions = await deps.topic.list();
  const plan = planSubscriptions({
    owners,
    subscriptions,
    topicArn: deps.topic.topicArn,
    route: options.route,
    ...(options.allowMassUnsubscribe !== undefined && { allowMassUnsubscribe: options.allowMassUnsubscribe }),
  });
  const quotaError = filterPolicyQuotaProblem(plan, quota);
  if (quotaError === undefined) return applyAndRecord(deps, plan, options, { owners, quota });
  throw new SubscriptionQuotaStop(
    quotaError,
    await applyAndRecord(deps, withoutCreations(plan), options, { owners, quota }),
  );
}

/** Applies the plan (unless dry) and records the owners' states that changed. */
async function applyAndRecord(
  deps: ReconcilerDeps,
  planned: SubscriptionPlan,
  options: ReconcileOptions,
  context: { readonly owners: readonly OwnerRecord[]; readonly quota: number },
): Promise<ReconcileSummary> {
  const { owners, quota } = context;
  const read = new Map(owners.map((o) => [o.userId, o]));
  const { plan, failed, withdrawn } = options.dryRun
    ? { plan: planned, failed: [], withdrawn: new Set<string>() }
    : await applyPlan(deps, planned, options.concurrency);
  const states = statesAfter(plan, failed);
  const changes = states.filter((s) => withdrawn.has(s.userId) || changesRecord(read.get(s.userId), s));
  const toRecord = changes.filter((s) => !withdrawn.has(s.userId));
  const notRecorded =
    options.dryRun || toRecord.length === 0
      ? []
      : await deps.directory.recordSubscriptionStates(
          toRecord.map((s) => plannedFrom(read.get(s.userId), s)),
        );
  const skipped = new Set([...withdrawn, ...notRecorded]);
  return summarize(plan, options, {
    owners: owners.length,
    quota,
    failed,
    states,
    stateChanges: changes.filter((s) => !skipped.has(s.userId)),
    skippedStateChanges: changes.filter((s) => skipped.has(s.userId)),
  });
}

/** A plan as applied: the creations withdrawn by the re-check left out, and the operations SNS refused. */
interface AppliedPlan {
  readonly plan: SubscriptionPlan;
  readonly failed: readonly FailedOperation[];
  /** Owners whose creation was withdrawn ({@link withdrawnCreations}). */
  readonly withdrawn: ReadonlySet<string>;
}

/**
 * Applies the removals, then the repairs, then re-checks the owners to
 * subscribe against the directory and applies the creations still wanted.
 */
async function applyPlan(
  deps: ReconcilerDeps,
  planned: SubscriptionPlan,
  concurrency: number | undefined,
): Promise<AppliedPlan> {
  const failed = await applyOperations(deps.topic, planned, ['remove', 'repair'], concurrency);
  const withdrawn = await withdrawnCreations(deps.directory, planned);
  const plan = withoutCreationsFor(planned, withdrawn);
  failed.push(...(await applyOperations(deps.topic, plan, ['create'], concurrency)));
  return { plan, failed, withdrawn };
}

/**
 * The owners whose planned creation must not happen: re-read right before
 * the creations with a consistent read, the directory no longer holds them,
 * or holds them not `active`, `unsubscribed` (an operator's `owners
 * unsubscribe`), or at another address than the one planned (an import).
 * Creating would email a confirmation link to a person who asked to stop,
 * left, or no longer has that address. Cost: one consistent `BatchGetItem`
 * per 100 creations, and only when the plan creates (never in a dry run or a
 * quota stop, which create nothing).
 */
async function withdrawnCreations(
  directory: OwnerSubscriptionRegistry,
  plan: SubscriptionPlan,
): Promise<ReadonlySet<string>> {
  const creations = plan.operations.filter((o) => o.kind === 'create');
  if (creations.length === 0) return new Set();
  const current = await directory.getMany(creations.map((c) => c.userId));
  return new Set(
    creations.filter((c) => !stillWantsCreation(current.get(c.userId), c.email)).map((c) => c.userId),
  );
}

/** True when `owner`, as the directory holds them now, still wants the subscription planned for `email`. */
function stillWantsCreation(owner: OwnerRecord | undefined, email: string): boolean {
  return (
    owner !== undefined &&
    owner.status === 'active' &&
    owner.subscription !== 'unsubscribed' &&
    owner.email !== undefined &&
    normalizeEmail(owner.email) === normalizeEmail(email)
  );
}

/**
 * The plan without the creations for `userIds` (their planned states stay,
 * as for any state not recorded); the filter policies it adds drop with them.
 */
function withoutCreationsFor(plan: SubscriptionPlan, userIds: ReadonlySet<string>): SubscriptionPlan {
  if (userIds.size === 0) return plan;
  const operations = plan.operations.filter((o) => o.kind !== 'create' || !userIds.has(o.userId));
  return {
    ...plan,
    operations,
    filterPolicies: {
      ...plan.filterPolicies,
      planned: plan.filterPolicies.planned - (plan.operations.length - operations.length),
    },
  };
}

/**
 * A state to record with what it was planned from: the address, state and
 * ARN the run read, so it is written only while the owner still has them.
 */
function plannedFrom(
  owner: OwnerRecord | undefined,
  planned: OwnerSubscriptionState,
): PlannedSubscriptionState {
  return {
    ...planned,
    email: owner?.email,
    read: {
      ...(owner?.subscription !== undefined && { subscription: owner.subscription }),
      ...(owner?.subscriptionArn !== undefined && { subscriptionArn: owner.subscriptionArn }),
    },
  };
}

/** True when `planned` differs from what the directory records for the owner (absent state: `none`). */
function changesRecord(owner: OwnerRecord | undefined, planned: OwnerSubscriptionState): boolean {
  return (
    (owner?.subscription ?? 'none') !== planned.state || owner?.subscriptionArn !== planned.subscriptionArn
  );
}

/** Runs the plan's operations of `kinds`, one kind after the other; returns those SNS refused. */
async function applyOperations(
  topic: TopicSubscriptions,
  plan: SubscriptionPlan,
  kinds: readonly SubscriptionOperation['kind'][],
  concurrency = DEFAULT_RECONCILE_CONCURRENCY,
): Promise<FailedOperation[]> {
  const failed: FailedOperation[] = [];
  for (const kind of kinds) {
    const batch = plan.operations.filter((o) => o.kind === kind);
    await mapWithConcurrency(batch, concurrency, async (operation) => {
      try {
        await applyOne(topic, operation);
      } catch (error: unknown) {
        failed.push({ operation, error: errorText(error) });
      }
    });
  }
  return failed;
}

function applyOne(topic: TopicSubscriptions, operation: SubscriptionOperation): Promise<unknown> {
  switch (operation.kind) {
    case 'create':
      return topic.create(operation.email, operation.filterPolicy);
    case 'repair':
      return topic.setFilterPolicy(operation.subscriptionArn, operation.filterPolicy);
    case 'remove':
      return topic.remove(operation.subscriptionArn);
  }
}

/**
 * The planned states, except that an owner has none whose subscription could
 * not be created, or whose confirmed subscription could not be repaired and
 * keeps a filter policy that may hold back some of their digests (`confirmed`
 * means digests reach the owner: docs/notifications.md, "States").
 */
function statesAfter(plan: SubscriptionPlan, failed: readonly FailedOperation[]): OwnerSubscriptionState[] {
  const notCreated = new Set<string>();
  const notRepaired = new Set<string>();
  for (const { operation } of failed) {
    if (operation.kind === 'create') notCreated.add(operation.userId);
    if (operation.kind === 'repair' && !deliversEveryOwnerDigest(operation.previous, operation.userId)) {
      notRepaired.add(operation.userId);
    }
  }
  return plan.states.map((s) =>
    notCreated.has(s.userId) || (s.state === 'confirmed' && notRepaired.has(s.userId))
      ? { userId: s.userId, state: 'none' }
      : s,
  );
}

function summarize(
  plan: SubscriptionPlan,
  options: ReconcileOptions,
  outcome: {
    owners: number;
    quota: number;
    failed: readonly FailedOperation[];
    states: readonly OwnerSubscriptionState[];
    stateChanges: readonly OwnerSubscriptionState[];
    skippedStateChanges: readonly OwnerSubscriptionState[];
  },
): ReconcileSummary {
  const applied = (kind: SubscriptionOperation['kind']) =>
    options.dryRun
      ? 0
      : plan.operations.filter((o) => o.kind === kind).length -
        outcome.failed.filter((f) => f.operation.kind === kind).length;
  const count = (state: OwnerSubscriptionState['state']) =>
    outcome.states.filter((s) => s.state === state).length;
  return {
    dryRun: options.dryRun ?? false,
    route: options.route,
    owners: outcome.owners,
    operations: plan.operations,
    created: applied('create'),
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
    unsubscribeGuard: plan.unsubscribeGuard,
    conflicts: plan.conflicts,
    untouched: plan.untouched,
    filterPolicies: { ...plan.filterPolicies, quota: outcome.quota },
  };
}
