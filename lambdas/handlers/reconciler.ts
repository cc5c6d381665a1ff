/**
 * The subscription reconciler Lambda (docs/notifications.md, "Subscription
 * reconciler"): on its schedule, makes the topic's owner email subscriptions
 * match the owner directory. Thin: build the adapters once per cold start,
 * call `reconcileSubscriptions`, turn its summary into metrics and a log line.
 * A run that finished emits `ReconcilerCompleted = 1` (the `ReconcilerHeartbeat`
 * alarm's metric). The run has a time budget: Lambda's remaining time less
 * {@link RECONCILER_SAFETY_MARGIN_MS}; once it is spent the run starts no SNS
 * call, records the states of what it did, checks what it created, and
 * returns: the handler emits its metrics with `ReconcilerIncomplete = 1` and
 * `ReconcilerCompleted = 0` and logs a warning; the invocation succeeds (no
 * retry: the next hourly run continues from the topic's listing). A budget
 * spent while the run still lists or reads the topic's subscriptions (about
 * 100 `ListSubscriptionsByTopic` pages and thousands of
 * `GetSubscriptionAttributes` at 10,000 owners, on a throttled SNS) stops it
 * before its plan, having changed nothing (`TopicListingStoppedError`): the
 * handler emits only `ReconcilerIncomplete = 1` and `ReconcilerCompleted = 0`,
 * warns with how far it got (how many subscriptions were read of how many
 * listed, or how many were listed before the listing stopped) and what to do,
 * and succeeds. A quota
 * stop emits the same metrics for what the stopped run did (removed,
 * repaired, refused, pending, and the creations that fit) with
 * `SubscriptionQuotaExceeded = 1` (the alarm's metric) and `ReconcilerCompleted
 * = 0` (it left owners without a subscription: not a completed run), logs it as an error, and
 * returns the stopped run's summary: the invocation succeeds, as for a stop at the time budget. A quota stop is
 * a steady state (every later run stops the same way until the quota is raised or owners leave), so a failed
 * invocation would only buy Lambda's two retries (three full listings an hour) and a dead-letter message each
 * hour, firing `ReconcilerErrors` and `DeadLetterArrivals` and hiding real arrivals; its own alarm and the
 * heartbeat say it instead (docs/notifications.md, "Subscription reconciler", Quota). An empty directory
 * refused (`EmptyOwnerDirectoryError`, on `sns-email` when the topic holds an
 * owner subscription it would remove) emits only the admin count it carries
 * (below), no completion, and fails the invocation; an empty directory with no
 * owner subscription to remove (day one, before the first import) is a
 * finished run that changed nothing, and emits as one. A run that
 * fails otherwise (a listing or a directory write that failed) emits nothing:
 * no completion either. A run whose mass-unsubscribe guard held
 * back new opt-outs counts them in `OptOutsHeldBack` (its alarm's metric) and
 * logs a warning naming them (docs/notifications.md, "Subscription
 * reconciler"). A finished run and a quota stop count the owners the run sent
 * no more confirmation links (`ConfirmationExhaustedOwners`: the summary's
 * `confirmationsExhausted`, named in its log line; a gauge, no alarm: the
 * drains' `UnreachableOwners` fires for those with notices). A finished
 * run, a quota stop and an empty directory refused each emit
 * `AdminSubscriptions` (the subscriptions that deliver every admin
 * message: the `NoAdminSubscription` alarm's metric, on the alarm topic) and
 * log a warning when there is none: SNS then drops every admin notice, and
 * nothing on the notification topic can say so — also before the first
 * directory import (a finished run then). Each also emits `EmailSubscriptionsWithOwnerDigests`, the
 * email subscriptions left out of that count because they receive owner
 * digests too (SNS suspends them: the `WideAdminEmailSubscription` alarm's
 * metric), and the warning counts them (no address in the log), even when another subscription counts.
 * Addresses are told apart as the relay and the
 * import tell them (`mailboxKey`: a domain in Punycode or Unicode is one
 * mailbox), so a re-spelled directory address keeps its subscription.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { SnsTopicSubscriptions } from '../aws/subscription-reconciler-sns';
import { ownerDigestEmailsText } from '../hygiene/admin-reach';
import { errorText, withoutEmailAddresses } from '../hygiene/errors';
import type { OwnerDeliveryRoute, OwnerSubscriptionRegistry } from '../hygiene/owner-directory';
import { MASS_UNSUBSCRIBE_LIMIT } from '../hygiene/subscription-opt-out';
import {
  listingProgressText,
  type TopicListingProgress,
  TopicListingStoppedError,
  type TopicSubscriptions,
} from '../hygiene/subscription-ports';
import { DEFAULT_FILTER_POLICY_QUOTA, parseFilterPolicyQuota } from '../hygiene/subscription-quota';
import {
  EmptyOwnerDirectoryError,
  type ReconcileSummary,
  reconcileSubscriptions,
  SubscriptionQuotaStop,
} from '../hygiene/subscription-reconciler';
import { mailboxKey } from '../relay/ses-address';
import { createHandlerClients } from './aws-clients';
import { configFromEnvironment, HANDLER_ENV, requireEnv } from './environment';
import { RECONCILER_METRIC } from './metric-names';
import { createObservability, type Observability, withObservability } from './observability';
import { ownerDirectoryOf } from './owner-directory-env';
import { remainingBudget } from './remaining-budget';
import { RECONCILER_SAFETY_MARGIN_MS } from './safety-margins';

/** What one invocation needs, built once per cold start. */
export interface ReconcilerHandlerDeps extends Observability {
  readonly topic: TopicSubscriptions;
  readonly directory: OwnerSubscriptionRegistry;
  /** The configured `ownerDelivery`. */
  readonly route: OwnerDeliveryRoute;
  readonly filterPolicyQuota: number;
}

/**
 * Emits the run's figures as EMF metrics, `ReconcilerCompleted` 1 unless the quota or the time budget stopped the
 * run (`ReconcilerIncomplete` 1 for the budget).
 * @param quotaExceeded the run stopped at the filter-policy quota (its summary is what it did before stopping)
 */
export function recordReconcilerMetrics(
  metrics: Observability['metrics'],
  summary: ReconcileSummary,
  quotaExceeded = false,
): void {
  const incomplete = summary.deferred !== undefined;
  metrics.addMetric(RECONCILER_METRIC.quotaExceeded, MetricUnit.Count, quotaExceeded ? 1 : 0);
  metrics.addMetric(RECONCILER_METRIC.incomplete, MetricUnit.Count, incomplete ? 1 : 0);
  metrics.addMetric(RECONCILER_METRIC.filterPolicies, MetricUnit.Count, summary.filterPolicies.planned);
  metrics.addMetric(RECONCILER_METRIC.created, MetricUnit.Count, summary.created);
  metrics.addMetric(RECONCILER_METRIC.repaired, MetricUnit.Count, summary.repaired);
  metrics.addMetric(RECONCILER_METRIC.removed, MetricUnit.Count, summary.removed);
  metrics.addMetric(RECONCILER_METRIC.withdrawn, MetricUnit.Count, summary.withdrawnAfterCreate.length);
  metrics.addMetric(RECONCILER_METRIC.failed, MetricUnit.Count, summary.failed.length);
  metrics.addMetric(RECONCILER_METRIC.pendingOwners, MetricUnit.Count, summary.states.pending);
  metrics.addMetric(RECONCILER_METRIC.unsubscribedOwners, MetricUnit.Count, summary.states.unsubscribed);
  metrics.addMetric(
    RECONCILER_METRIC.confirmationExhaustedOwners,
    MetricUnit.Count,
    summary.confirmationsExhausted.length,
  );
  metrics.addMetric(RECONCILER_METRIC.conflicts, MetricUnit.Count, summary.conflicts.length);
  metrics.addMetric(RECONCILER_METRIC.optOutsHeldBack, MetricUnit.Count, optOutsHeldBack(summary));
  recordAdminReach(metrics, summary);
  metrics.addMetric(RECONCILER_METRIC.completed, MetricUnit.Count, quotaExceeded || incomplete ? 0 : 1);
}

/** What a run that listed the topic found of the admins' reach (a summary, or an empty directory's refusal). */
type AdminReachFound = Pick<ReconcileSummary, 'adminSubscriptions' | 'emailSubscriptionsWithOwnerDigests'>;

/**
 * Emits the admins' reach: `AdminSubscriptions` (`NoAdminSubscription`'s metric) and
 * `EmailSubscriptionsWithOwnerDigests` (`WideAdminEmailSubscription`'s; 0 when there is none).
 */
function recordAdminReach(metrics: Observability['metrics'], reach: AdminReachFound): void {
  metrics.addMetric(RECONCILER_METRIC.adminSubscriptions, MetricUnit.Count, reach.adminSubscriptions);
  metrics.addMetric(
    RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests,
    MetricUnit.Count,
    reach.emailSubscriptionsWithOwnerDigests ?? 0,
  );
}

/** The owners whose opt-out the mass-unsubscribe guard held back (recorded `none`): none unless it tripped unheeded. */
function optOutsHeldBack(summary: ReconcileSummary): number {
  const { tripped, overridden, newlyUnsubscribed } = summary.unsubscribeGuard;
  return tripped && !overridden ? newlyUnsubscribed.length : 0;
}

/**
 * The run's summary as logged: every figure, without the (long) lists of operations planned and deferred; the
 * deferred ones counted per kind. Owners are named by `userId` only: the lists' email addresses (and a removal's
 * endpoint) are left out and any address in an error text masked, since the log group keeps them for its retention,
 * outside the owner directory's access control (docs/deploy.md, "Security choices"); `pc-hygiene owners list`
 * gives an owner's address.
 */
export function loggedSummary(summary: ReconcileSummary) {
  const { operations: _operations, deferred, ...fields } = summary;
  return {
    ...fields,
    failed: fields.failed.map((f) => ({
      operation: unaddressed(f.operation),
      error: withoutEmailAddresses(f.error),
    })),
    conflicts: fields.conflicts.map(unaddressed),
    withdrawnAfterCreate: fields.withdrawnAfterCreate.map(unaddressed),
    confirmationsExhausted: fields.confirmationsExhausted.map(unaddressed),
    ...(deferred !== undefined && { deferred: deferredCounts(deferred) }),
  };
}

/** A summary entry without its address: `email`, or a removal's `endpoint`. */
function unaddressed<T extends object>(entry: T): Omit<T, 'email' | 'endpoint'> {
  const {
    email: _email,
    endpoint: _endpoint,
    ...rest
  } = entry as T & { email?: unknown; endpoint?: unknown };
  return rest;
}

/** Operations a run left for the next one, per kind. */
type DeferredCounts = Record<NonNullable<ReconcileSummary['deferred']>[number]['kind'], number>;

function deferredCounts(deferred: NonNullable<ReconcileSummary['deferred']>): DeferredCounts {
  const count = (kind: keyof DeferredCounts) => deferred.filter((o) => o.kind === kind).length;
  return { remove: count('remove'), repair: count('repair'), create: count('create') };
}

/**
 * What the handler resolves to when the time budget ran out while the run listed or read the topic's subscriptions:
 * it planned and changed nothing ({@link TopicListingStoppedError}, how far it got).
 */
export interface ReconcilerListingStopped {
  readonly listingStopped: TopicListingProgress;
}

/**
 * The time budget ran out while the run listed or read the topic's subscriptions: `ReconcilerIncomplete = 1` and
 * `ReconcilerCompleted = 0`, nothing else (the admins' reach of a partial listing would be a guess), and a warning
 * saying how far it got (never a partial listing's count as the topic's) and what to do. The invocation succeeds, as
 * for any stop at the budget: a retry would list the topic again into the same timeout.
 */
function reportListingStopped(
  deps: Observability,
  error: TopicListingStoppedError,
): ReconcilerListingStopped {
  const { progress } = error;
  deps.metrics.addMetric(RECONCILER_METRIC.incomplete, MetricUnit.Count, 1);
  deps.metrics.addMetric(RECONCILER_METRIC.completed, MetricUnit.Count, 0);
  deps.logger.warn(
    `subscription reconciler stopped reading the topic at its time budget: ${listingProgressText(progress)}; ` +
      'nothing planned or changed (a partial listing is never planned from), and every run stops so until the ' +
      "listing fits: raise the construct's reconcilerTimeout and deploy, or run `pc-hygiene owners " +
      'sync-subscriptions` (no time budget) once. See docs/deploy.md, "Runbook: Reconciler heartbeat".',
    { ...progress, safetyMarginMs: RECONCILER_SAFETY_MARGIN_MS },
  );
  return { listingStopped: progress };
}

/** The time budget stopped the run: a warning, with what it left for the next run. */
function reportIncomplete(deps: Observability, deferred: NonNullable<ReconcileSummary['deferred']>): void {
  deps.logger.warn(
    'subscription reconciler stopped at its time budget: the next run continues from the topic; if every run ' +
      'stops so, raise the reconcilerTimeout of the construct. See docs/notifications.md, "Subscription reconciler".',
    { deferred: deferredCounts(deferred), safetyMarginMs: RECONCILER_SAFETY_MARGIN_MS },
  );
}

/**
 * A quota stop: the stopped run's metrics with `SubscriptionQuotaExceeded = 1`, an error log, and the warning of a
 * topic without an admin subscription. Returns the stopped run's summary, which the handler resolves to.
 */
function reportQuotaStop(deps: Observability, error: SubscriptionQuotaStop): ReconcileSummary {
  const stopped = error.summary;
  recordReconcilerMetrics(deps.metrics, stopped, true);
  deps.logger.error('subscription filter-policy quota exceeded', {
    quota: error.quota,
    needed: error.needed,
    summary: loggedSummary(stopped),
    // One line: the error object would repeat the summary, operations included.
    error: errorText(error),
  });
  if (stopped.deferred !== undefined) reportIncomplete(deps, stopped.deferred);
  reportAdminReach(deps, stopped);
  return stopped;
}

/**
 * An empty directory refused (it would remove owner subscriptions): the run changed nothing and did not complete (no
 * `ReconcilerCompleted`), but it counted the topic's admin subscriptions, so `NoAdminSubscription` and
 * `WideAdminEmailSubscription` still watch the admins' reach while runs are refused.
 */
function reportEmptyDirectory(deps: Observability, error: EmptyOwnerDirectoryError): void {
  recordAdminReach(deps.metrics, error);
  reportAdminReach(deps, error);
}

/** The mass-unsubscribe guard held back this run's new opt-outs (recorded `none`): a warning for an operator. */
function reportHeldOptOuts(deps: Observability, summary: ReconcileSummary): void {
  const { newlyUnsubscribed, confirmedBefore } = summary.unsubscribeGuard;
  deps.logger.warn(
    `mass-unsubscribe guard: ${newlyUnsubscribed.length} of ${confirmedBefore} confirmed owners ` +
      'have no subscription left on the topic; none recorded unsubscribed: recorded none (unreachable), and the ' +
      'next run subscribes them again. ' +
      'Was the topic deleted and re-created? See docs/notifications.md, "Subscription reconciler".',
    { newlyUnsubscribed, confirmedBefore, limit: MASS_UNSUBSCRIBE_LIMIT },
  );
}

/**
 * A warning when no subscription of the topic delivers every admin message (the `NoAdminSubscription` alarm pages),
 * or when an email subscription receives owner digests besides the admin messages (SNS suspends it: not counted).
 */
function reportAdminReach(deps: Observability, reach: AdminReachFound): void {
  const { adminSubscriptions, emailSubscriptionsWithOwnerDigests: withDigests = 0 } = reach;
  const warnings = [
    ...(adminSubscriptions === 0
      ? [
          'no admin subscription: no confirmed subscription of the notification topic receives every admin ' +
            'message (an email one filtered {"audience": ["admin"]}; a queue or endpoint may have no filter): SNS ' +
            'drops the admin run summaries, guard trips and owner-unreachable reports.',
        ]
      : []),
    ...(withDigests > 0 ? [`${ownerDigestEmailsText(withDigests)}.`] : []),
  ];
  if (warnings.length === 0) return;
  deps.logger.warn(`${warnings.join(' ')} See docs/deploy.md, "Runbook: No admin subscription".`, {
    adminSubscriptions,
    ...(withDigests > 0 && { emailSubscriptionsWithOwnerDigests: withDigests }),
  });
}

/** The raw handler over explicit dependencies (tests pass fakes). */
export function createReconcilerHandler(deps: ReconcilerHandlerDeps) {
  return async (
    _event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<ReconcileSummary | ReconcilerListingStopped> => {
    let summary: ReconcileSummary;
    try {
      summary = await reconcileSubscriptions(
        {
          topic: deps.topic,
          directory: deps.directory,
          remainingMs: remainingBudget(context, RECONCILER_SAFETY_MARGIN_MS),
        },
        {
          route: deps.route,
          filterPolicyQuota: deps.filterPolicyQuota,
          // The relay's mailbox rule, as `owners import` and `owners sync-subscriptions` use (one way).
          mailboxKey,
        },
      );
    } catch (error: unknown) {
      if (error instanceof TopicListingStoppedError) return reportListingStopped(deps, error);
      // A steady state, not a failure: no retry, no dead-letter message (the header above).
      if (error instanceof SubscriptionQuotaStop) return reportQuotaStop(deps, error);
      if (error instanceof EmptyOwnerDirectoryError) reportEmptyDirectory(deps, error);
      throw error;
    }
    recordReconcilerMetrics(deps.metrics, summary);
    const fields = loggedSummary(summary);
    if (summary.failed.length > 0 || summary.conflicts.length > 0 || summary.deferred !== undefined) {
      deps.logger.warn('subscription reconciler summary', { summary: fields });
    } else deps.logger.info('subscription reconciler summary', { summary: fields });
    if (summary.deferred !== undefined) reportIncomplete(deps, summary.deferred);
    if (summary.unsubscribeGuard.tripped) reportHeldOptOuts(deps, summary);
    reportAdminReach(deps, summary);
    return summary;
  };
}

/** The quota from `SNS_FILTER_POLICY_QUOTA`, or SNS's default. */
export function filterPolicyQuotaFromEnvironment(env: Readonly<Record<string, string | undefined>>): number {
  const text = env[HANDLER_ENV.filterPolicyQuota];
  return text === undefined || text.trim() === ''
    ? DEFAULT_FILTER_POLICY_QUOTA
    : parseFilterPolicyQuota(text, HANDLER_ENV.filterPolicyQuota);
}

// Cold start: a bad environment fails here, before any invocation, naming the variable.
const env = process.env;
const config = configFromEnvironment(env);
const tools = createObservability();
// Adaptive retry: a burst of Subscribe/Unsubscribe calls backs off client-side when SNS throttles.
const { documentClient, snsClient } = createHandlerClients(env, tools.tracer, 'adaptive');
tools.logger.appendKeys({ route: config.ownerDelivery });

/** The raw handler with the deployed dependencies (no middlewares): for tests of the bundle. */
export const reconcilerHandler = createReconcilerHandler({
  ...tools,
  topic: new SnsTopicSubscriptions(snsClient, requireEnv(env, HANDLER_ENV.topicArn)),
  directory: ownerDirectoryOf(env, documentClient),
  route: config.ownerDelivery,
  filterPolicyQuota: filterPolicyQuotaFromEnvironment(env),
});

/** The Lambda entry point. */
export const handler = withObservability(reconcilerHandler, tools);
