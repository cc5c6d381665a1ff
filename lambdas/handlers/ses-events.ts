/**
 * The SES events Lambda (docs/notifications.md, "Email relay"): SNS delivers
 * the relay configuration set's sending events; a permanent bounce (or a
 * send SES suppressed, the address being on its suppression list) marks the
 * owner's address `bouncing` in the directory and reports the bounced digest
 * part's events to the admins (an `owner-unreachable` report on the
 * notification topic, once: the relay ledger records it); a transient or
 * undetermined bounce SES gave up on, and a reject (a virus found), report
 * them the same way without marking the owner, and a `Transient`/`General`
 * one without a DSN failure is only counted (`lambdas/relay/ses-events.ts`); a
 * complaint records the owner `unsubscribed` at that address (their
 * opt-out), or remembers the address when an import has moved them away
 * since. Thin: build the directory, ledger and publisher once per cold
 * start, call `recordAddressProblems`, emit `EmailBounces` (the bounce
 * alarm's metric), `EmailsSuppressed`, `TransientEmailBounces`,
 * `UnreadableSesEvents` (messages that were not JSON), `EmailAuthOrVirusReports`
 * (mailbox providers' `auth-failure` and `virus` reports: its alarm's metric) and
 * friends, log the summary (with the transient bounces' subtypes and those
 * reports' feedback types). A report the topic refused fails the invocation
 * (Lambda retries it, then keeps it in the failure destination). An invocation that published a report holds
 * until the admins may be sent to again (`holdForNextReport`, at most 200 ms) before it returns or fails: the
 * function runs one invocation at a time (reserved concurrency 1), so a burst of bounces does not suspend the
 * admins' email subscription (docs/notifications.md, "Size limits, splitting, batching and pacing").
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SNSEvent } from 'aws-lambda';
import { DynamoRelayLedger } from '../aws/relay-ledger-store';
import { SnsPublisher } from '../aws/sns-publisher';
import { timerSleep } from '../aws/timer-sleep';
import { RecipientPacer } from '../hygiene/notifier/pacing';
import { type BouncedDigestDeps, holdForNextReport, reportBouncedDigest } from '../relay/bounced-digest';
import { type AddressProblemSummary, type BounceDirectory, recordAddressProblems } from '../relay/ses-events';
import { createHandlerClients } from './aws-clients';
import { HANDLER_ENV, requireEnv } from './environment';
import { SES_EVENTS_METRIC } from './metric-names';
import { createObservability, type Observability, withObservability } from './observability';
import { ownerDirectoryOf } from './owner-directory-env';
import { remainingBudget } from './remaining-budget';
import { reportTargetFlagsOf } from './report-target-flags';

/** Shortest claim lease of a bounce report, whatever the remaining time says. */
const MIN_LEASE_MS = 60_000;

/** The invocation's time kept after the hold for the next report (the metrics flush, the log line). */
export const SES_EVENTS_SAFETY_MARGIN_MS = 2_000;

/** What one invocation needs, built once per cold start. */
export interface SesEventsHandlerDeps extends Observability {
  readonly directory: BounceDirectory;
  /**
   * The relay ledger, the notification topic and the wait (`sleep`), for the reports of bounced digests (the lease
   * and the pacing are per invocation).
   */
  readonly bouncedDigests: Omit<BouncedDigestDeps, 'leaseMs' | 'clock' | 'pacing'>;
  /** Wall clock (epoch ms): the instant of an event without a timestamp, leases, the report's time. */
  readonly clock: () => number;
}

/** The summary's counts as metrics. */
function addMetrics(deps: SesEventsHandlerDeps, summary: AddressProblemSummary): void {
  const counts: [string, number][] = [
    [SES_EVENTS_METRIC.bounces, summary.bounces],
    [SES_EVENTS_METRIC.complaints, summary.complaints],
    [SES_EVENTS_METRIC.suppressed, summary.suppressed],
    [SES_EVENTS_METRIC.marked, summary.marked],
    // Both kinds of complaint the directory kept: recorded at the address, or remembered for one moved away from.
    [SES_EVENTS_METRIC.optedOut, summary.optedOut + summary.optOutsRemembered],
    [SES_EVENTS_METRIC.unattributed, summary.unattributed],
    [SES_EVENTS_METRIC.digestsReported, summary.digestsReported],
    [SES_EVENTS_METRIC.digestsUnreadable, summary.digestsUnreadable],
    [SES_EVENTS_METRIC.notSpam, summary.notSpam],
    [SES_EVENTS_METRIC.authOrVirusReports, summary.authOrVirusReports],
    [SES_EVENTS_METRIC.transient, summary.transient],
    [SES_EVENTS_METRIC.unreadable, summary.unreadable],
  ];
  for (const [name, value] of counts) deps.metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * Whether the summary is logged as a warning: events attributed to no owner or not read (not JSON), bounced digests
 * reported without their events, or providers' `auth-failure` or `virus` reports (`EmailAuthOrVirusReports`).
 */
function needsAttention(summary: AddressProblemSummary): boolean {
  const { unattributed, unreadable, digestsUnreadable, authOrVirusReports } = summary;
  return unattributed > 0 || unreadable > 0 || digestsUnreadable > 0 || authOrVirusReports > 0;
}

/** The raw handler over explicit dependencies (tests pass fakes or local adapters). */
export function createSesEventsHandler(deps: SesEventsHandlerDeps) {
  return async (
    event: SNSEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<AddressProblemSummary> => {
    // A report's claim must outlive this invocation: a crashed invocation's claim lapses before Lambda retries.
    const leaseMs = Math.max(MIN_LEASE_MS, context.getRemainingTimeInMillis());
    const reporter = { ...deps.bouncedDigests, clock: deps.clock, leaseMs, pacing: new RecipientPacer() };
    let summary: AddressProblemSummary;
    try {
      summary = await recordAddressProblems(
        deps.directory,
        event.Records.map((r) => r.Sns.Message),
        deps.clock(),
        (email) => reportBouncedDigest(reporter, email),
      );
    } finally {
      // Failed too: a report refused in part was still published in part, and the next invocation starts at once.
      await holdForNextReport(reporter, remainingBudget(context, SES_EVENTS_SAFETY_MARGIN_MS)());
    }
    addMetrics(deps, summary);
    if (needsAttention(summary)) deps.logger.warn('SES events', { summary });
    else deps.logger.info('SES events', { summary });
    return summary;
  };
}

// Cold start: a bad environment fails here, before any invocation, naming the variable.
const env = process.env;
const tools = createObservability();
const { documentClient, snsClient } = createHandlerClients(env, tools.tracer);
// Optional: the bounce report's restore commands name the stack when it is known, as the notifier's report does.
const reportTargetFlags = reportTargetFlagsOf(env);

/** The raw handler with the deployed dependencies (no middlewares): for tests of the bundle. */
export const sesEventsHandler = createSesEventsHandler({
  ...tools,
  directory: ownerDirectoryOf(env, documentClient),
  bouncedDigests: {
    ledger: new DynamoRelayLedger(documentClient, requireEnv(env, HANDLER_ENV.relayLedgerTableName)),
    publisher: new SnsPublisher(snsClient, requireEnv(env, HANDLER_ENV.topicArn)),
    sleep: timerSleep,
    ...(reportTargetFlags !== undefined && { reportTargetFlags }),
  },
  clock: Date.now,
});

/** The Lambda entry point. */
export const handler = withObservability(sesEventsHandler, tools);
