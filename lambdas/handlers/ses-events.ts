/**
 * The SES events Lambda (docs/notifications.md, "Email relay"): SNS delivers
 * the relay configuration set's sending events; a permanent bounce marks the
 * owner's address `bouncing` in the directory, and a complaint records the
 * owner `unsubscribed` at that address (their opt-out). Thin: build
 * the directory once per cold start, call `recordAddressProblems`, emit
 * `EmailBounces` (the bounce alarm's metric) and friends, log the summary.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSEvent } from 'aws-lambda';
import { type AddressProblemSummary, type BounceDirectory, recordAddressProblems } from '../relay/ses-events';
import { createHandlerClients } from './aws-clients';
import { SES_EVENTS_METRIC } from './metric-names';
import { createObservability, type Observability, withObservability } from './observability';
import { ownerDirectoryOf } from './owner-directory-env';

/** What one invocation needs, built once per cold start. */
export interface SesEventsHandlerDeps extends Observability {
  readonly directory: BounceDirectory;
  /** Wall clock (epoch ms): the instant of an event without a timestamp. */
  readonly clock: () => number;
}

/** The raw handler over explicit dependencies (tests pass fakes or local adapters). */
export function createSesEventsHandler(deps: SesEventsHandlerDeps) {
  return async (event: SNSEvent): Promise<AddressProblemSummary> => {
    const summary = await recordAddressProblems(
      deps.directory,
      event.Records.map((r) => r.Sns.Message),
      deps.clock(),
    );
    deps.metrics.addMetric(SES_EVENTS_METRIC.bounces, MetricUnit.Count, summary.bounces);
    deps.metrics.addMetric(SES_EVENTS_METRIC.complaints, MetricUnit.Count, summary.complaints);
    deps.metrics.addMetric(SES_EVENTS_METRIC.marked, MetricUnit.Count, summary.marked);
    deps.metrics.addMetric(SES_EVENTS_METRIC.optedOut, MetricUnit.Count, summary.optedOut);
    deps.metrics.addMetric(SES_EVENTS_METRIC.unattributed, MetricUnit.Count, summary.unattributed);
    if (summary.unattributed > 0 || summary.unreadable > 0) deps.logger.warn('SES events', { summary });
    else deps.logger.info('SES events', { summary });
    return summary;
  };
}

// Cold start: a bad environment fails here, before any invocation, naming the variable.
const env = process.env;
const tools = createObservability();
const { documentClient } = createHandlerClients(env, tools.tracer);

/** The raw handler with the deployed dependencies (no middlewares): for tests of the bundle. */
export const sesEventsHandler = createSesEventsHandler({
  ...tools,
  directory: ownerDirectoryOf(env, documentClient),
  clock: Date.now,
});

/** The Lambda entry point. */
export const handler = withObservability(sesEventsHandler, tools);
