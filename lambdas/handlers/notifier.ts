/**
 * The notifier Lambda: drains the outbox into one SNS digest per owner and,
 * with an owner directory (`DIRECTORY_TABLE_NAME`), the events of unreachable
 * owners into the admins' owner-unreachable report (on `sns-email` judged
 * against the topic's subscriptions, listed once per drain). Thin: parse the event,
 * build the adapters once per cold start, call `runNotifier`, turn its
 * summary into metrics and a log line (its error texts without email
 * addresses: {@link loggedDrainSummary}).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { DynamoDbOutboxStore } from '../aws/outbox-store';
import { SnsPublisher } from '../aws/sns-publisher';
import { SnsTopicSubscriptions } from '../aws/subscription-reconciler-sns';
import { timerSleep } from '../aws/timer-sleep';
import { withRecordTextsMasked } from '../hygiene/errors';
import type { NotifierDeps, NotifierSummary } from '../hygiene/notifier';
import { runNotifier } from '../hygiene/notifier';
import type { OwnerDeliveryRoute, OwnerDirectory } from '../hygiene/owner-directory';
import type { TopicSubscriptionListing } from '../hygiene/subscription-ports';
import { formatInstant } from '../hygiene/time';
import { isSesSendable } from '../relay/ses-address';
import { createHandlerClients } from './aws-clients';
import { configFromEnvironment, HANDLER_ENV, requireEnv } from './environment';
import { NOTIFIER_METRIC } from './metric-names';
import { createObservability, type Observability, withObservability } from './observability';
import { optionalOwnerDirectory } from './owner-directory-env';
import { remainingBudget } from './remaining-budget';
import { reportTargetFlagsOf } from './report-target-flags';
import { NOTIFIER_SAFETY_MARGIN_MS } from './safety-margins';
import { runInstant } from './scheduled-event';

/** Shortest drain lease, whatever the remaining time says. */
const MIN_LEASE_MS = 60_000;

/** What one invocation needs, built once per cold start. */
export interface NotifierHandlerDeps extends Observability {
  readonly outbox: NotifierDeps['outbox'];
  readonly publisher: NotifierDeps['publisher'];
  /** Wall clock (epoch ms). */
  readonly clock: () => number;
  /** The owner directory; absent: reach is not verified (every owner assumed reachable). */
  readonly directory?: OwnerDirectory;
  /** The topic's subscriptions, listed once per drain on `sns-email` with a directory (docs/notifications.md, "Owner reach"). */
  readonly topicSubscriptions?: TopicSubscriptionListing;
  /** The configured owner route (config `ownerDelivery`): what "reachable" means. */
  readonly ownerDelivery: OwnerDeliveryRoute;
  /** Whom the digests tell owners to ask (config `ownerContact`, docs/configuration.md); unset: the generic team. */
  readonly ownerContact?: string;
  /**
   * The deployment's `--stack NAME --region REGION`, which the owner-unreachable report's restore commands carry
   * (`deploymentTargetFlags`); unset when the stack is not known: the report says to add it.
   */
  readonly reportTargetFlags?: string;
}

/** Emits the drain's figures as EMF metrics. */
export function recordNotifierMetrics(metrics: Observability['metrics'], summary: NotifierSummary): void {
  metrics.addMetric(NOTIFIER_METRIC.eventsPublished, MetricUnit.Count, summary.eventsPublished);
  metrics.addMetric(NOTIFIER_METRIC.eventsFailed, MetricUnit.Count, summary.eventsFailed);
  metrics.addMetric(NOTIFIER_METRIC.digests, MetricUnit.Count, summary.digests);
  metrics.addMetric(NOTIFIER_METRIC.claimConflicts, MetricUnit.Count, summary.claimConflicts);
  metrics.addMetric(NOTIFIER_METRIC.oldestPendingAge, MetricUnit.Seconds, summary.oldestPendingAgeSeconds);
  metrics.addMetric(NOTIFIER_METRIC.duration, MetricUnit.Milliseconds, summary.durationMs);
  metrics.addMetric(NOTIFIER_METRIC.unreachableOwners, MetricUnit.Count, summary.unreachableOwners);
  metrics.addMetric(NOTIFIER_METRIC.unreachableEvents, MetricUnit.Count, summary.unreachableEvents);
  metrics.addMetric(NOTIFIER_METRIC.mismatchedEvents, MetricUnit.Count, summary.invalidEvents);
  metrics.addMetric(
    NOTIFIER_METRIC.reachUnverified,
    MetricUnit.Count,
    summary.reach === 'unverified' ? 1 : 0,
  );
  metrics.addMetric(NOTIFIER_METRIC.storeErrors, MetricUnit.Count, summary.storeErrors);
  metrics.addMetric(NOTIFIER_METRIC.duplicatesSent, MetricUnit.Count, summary.eventsAlreadyMarked);
  metrics.addMetric(NOTIFIER_METRIC.malformedEvents, MetricUnit.Count, summary.malformedEvents);
  metrics.addMetric(NOTIFIER_METRIC.supersededEvents, MetricUnit.Count, summary.supersededEvents);
}

/** A drain an operator should look at: undelivered events, store errors, mismatched, malformed or duplicate events. */
function drainNeedsAttention(summary: NotifierSummary): boolean {
  return [
    summary.eventsFailed,
    summary.storeErrors,
    summary.invalidEvents,
    summary.malformedEvents,
    summary.eventsAlreadyMarked,
  ].some((count) => count > 0);
}

/**
 * The drain's summary as logged: every delivery failure's text with any email address masked. An SES or SNS
 * refusal may name the address it refused (SES's sandbox `MessageRejected` lists it), and the log group keeps it
 * for its retention, outside the owner directory's access control; the failure's `userId` says whose it was
 * (docs/deploy.md, "Security choices"). The summary the handler returns, and its metrics, keep the texts whole.
 */
export function loggedDrainSummary(summary: NotifierSummary): NotifierSummary {
  return { ...summary, failures: withRecordTextsMasked(summary.failures, ['message']) };
}

/**
 * The raw handler over explicit dependencies (tests pass fakes).
 *
 * Unlike the sweep, the drain runs on the wall clock even when the event
 * carries a scheduled time: its only time-based decision is the drain lease,
 * which other drains compare against their own real clocks, so a retried
 * delivery an hour late must not take it with an hour-old clock. Nothing is
 * lost by it: what to send is decided by the outbox contents, not by time.
 */
export function createNotifierHandler(deps: NotifierHandlerDeps) {
  return async (
    event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<NotifierSummary> => {
    const instant = runInstant(event, deps.clock());
    if (instant.ignored !== undefined)
      deps.logger.warn('scheduled time ignored', { reason: instant.ignored });
    const summary = await runNotifier(
      {
        outbox: deps.outbox,
        publisher: deps.publisher,
        clock: deps.clock,
        remainingMs: remainingBudget(context, NOTIFIER_SAFETY_MARGIN_MS),
        // The pacing per recipient waits on a real timer (the domain holds none).
        sleep: timerSleep,
        ...(deps.directory !== undefined && { directory: deps.directory }),
        ...(deps.topicSubscriptions !== undefined && { topicSubscriptions: deps.topicSubscriptions }),
        // On `relay`: the sender's own rule of what SES can be asked to send to (`unsendable-address`).
        sendable: isSesSendable,
      },
      {
        // The lease must outlive this invocation (a crashed drain's lease lapses after it): follow the timeout.
        leaseMs: Math.max(MIN_LEASE_MS, context.getRemainingTimeInMillis()),
        ownerDelivery: deps.ownerDelivery,
        ...(deps.ownerContact !== undefined && { ownerContact: deps.ownerContact }),
        ...(deps.reportTargetFlags !== undefined && {
          reportTargets: { targetFlags: deps.reportTargetFlags },
        }),
      },
    );
    recordNotifierMetrics(deps.metrics, summary);
    const fields = {
      scheduledTime: instant.source === 'schedule' ? formatInstant(instant.now) : null,
      summary: loggedDrainSummary(summary),
    };
    if (drainNeedsAttention(summary)) deps.logger.warn('notifier drain summary', fields);
    else deps.logger.info('notifier drain summary', fields);
    return summary;
  };
}

// Cold start: a bad environment fails here, before any invocation, naming the variable.
const env = process.env;
const config = configFromEnvironment(env);
const tools = createObservability();
const { documentClient, snsClient } = createHandlerClients(env, tools.tracer);
tools.logger.appendKeys({ mode: config.mode });
const topicArn = requireEnv(env, HANDLER_ENV.topicArn);
// Optional: the report's restore commands name the stack when it is known (and a stack name), as the sweep's do.
const reportTargetFlags = reportTargetFlagsOf(env);

/** The raw handler with the deployed dependencies (no middlewares): for tests of the bundle. */
export const notifierHandler = createNotifierHandler({
  ...tools,
  outbox: new DynamoDbOutboxStore(documentClient, requireEnv(env, HANDLER_ENV.tableName)),
  publisher: new SnsPublisher(snsClient, topicArn),
  clock: Date.now,
  ...optionalOwnerDirectory(env, documentClient),
  // Only ListSubscriptionsByTopic is called (and granted): lib/hygiene-grants.ts.
  topicSubscriptions: new SnsTopicSubscriptions(snsClient, topicArn),
  ownerDelivery: config.ownerDelivery,
  ...(config.ownerContact !== undefined && { ownerContact: config.ownerContact }),
  ...(reportTargetFlags !== undefined && { reportTargetFlags }),
});

/** The Lambda entry point. */
export const handler = withObservability(notifierHandler, tools);
