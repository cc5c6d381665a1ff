/**
 * The subscription reconciler Lambda (docs/notifications.md, "Subscription
 * reconciler"): on its schedule, makes the topic's owner email subscriptions
 * match the owner directory. Thin: build the adapters once per cold start,
 * call `reconcileSubscriptions`, turn its summary into metrics and a log line.
 * A quota stop emits `SubscriptionQuotaExceeded = 1` (the alarm's metric) and
 * fails the invocation with the `FilterPolicyQuotaError`.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SnsTopicSubscriptions } from '../aws/subscription-reconciler-sns';
import type { OwnerDeliveryRoute, OwnerSubscriptionRegistry } from '../hygiene/owner-directory';
import {
  DEFAULT_FILTER_POLICY_QUOTA,
  FilterPolicyQuotaError,
  parseFilterPolicyQuota,
} from '../hygiene/subscription-plan';
import {
  type ReconcileSummary,
  reconcileSubscriptions,
  type TopicSubscriptions,
} from '../hygiene/subscription-reconciler';
import { createHandlerClients } from './aws-clients';
import { configFromEnvironment, HANDLER_ENV, requireEnv } from './environment';
import { RECONCILER_METRIC } from './metric-names';
import { createObservability, type Observability, withObservability } from './observability';
import { ownerDirectoryOf } from './owner-directory-env';

/** What one invocation needs, built once per cold start. */
export interface ReconcilerHandlerDeps extends Observability {
  readonly topic: TopicSubscriptions;
  readonly directory: OwnerSubscriptionRegistry;
  /** The configured `ownerDelivery`. */
  readonly route: OwnerDeliveryRoute;
  readonly filterPolicyQuota: number;
}

/** Emits the run's figures as EMF metrics. */
export function recordReconcilerMetrics(metrics: Observability['metrics'], summary: ReconcileSummary): void {
  metrics.addMetric(RECONCILER_METRIC.quotaExceeded, MetricUnit.Count, 0);
  metrics.addMetric(RECONCILER_METRIC.filterPolicies, MetricUnit.Count, summary.filterPolicies.planned);
  metrics.addMetric(RECONCILER_METRIC.created, MetricUnit.Count, summary.created);
  metrics.addMetric(RECONCILER_METRIC.repaired, MetricUnit.Count, summary.repaired);
  metrics.addMetric(RECONCILER_METRIC.removed, MetricUnit.Count, summary.removed);
  metrics.addMetric(RECONCILER_METRIC.failed, MetricUnit.Count, summary.failed.length);
  metrics.addMetric(RECONCILER_METRIC.pendingOwners, MetricUnit.Count, summary.states.pending);
  metrics.addMetric(RECONCILER_METRIC.conflicts, MetricUnit.Count, summary.conflicts.length);
}

/** The raw handler over explicit dependencies (tests pass fakes). */
export function createReconcilerHandler(deps: ReconcilerHandlerDeps) {
  return async (_event: unknown): Promise<ReconcileSummary> => {
    let summary: ReconcileSummary;
    try {
      summary = await reconcileSubscriptions(
        { topic: deps.topic, directory: deps.directory },
        { route: deps.route, filterPolicyQuota: deps.filterPolicyQuota },
      );
    } catch (error: unknown) {
      if (error instanceof FilterPolicyQuotaError) {
        deps.metrics.addMetric(RECONCILER_METRIC.quotaExceeded, MetricUnit.Count, 1);
        deps.logger.error('subscription filter-policy quota exceeded', {
          quota: error.quota,
          needed: error.needed,
          error,
        });
      }
      throw error;
    }
    recordReconcilerMetrics(deps.metrics, summary);
    const { operations: _operations, ...fields } = summary;
    if (summary.failed.length > 0 || summary.conflicts.length > 0) {
      deps.logger.warn('subscription reconciler summary', { summary: fields });
    } else deps.logger.info('subscription reconciler summary', { summary: fields });
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
