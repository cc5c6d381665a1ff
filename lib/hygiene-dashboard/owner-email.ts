/**
 * The `relay` route's owner email on the dashboard's reach row (lib/hygiene-dashboard.ts, ./reach.ts): what SES
 * reported of the emails and what came of it, and the relay queue's oldest digest beside what the relay sent and
 * failed.
 */
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { RELAY_METRIC, SES_EVENTS_METRIC } from '../../lambdas/handlers/metric-names';
import { notificationsFailed, oldestMessageAge, RUN_WATCH } from '../hygiene-alarms';
import { graph, type RunMetric } from './graph';
import type { DashboardRelay } from './options';

/**
 * The `relay` route's owner email: SES bounces and complaints (suppressed sends among them; bounces SES did not call
 * permanent apart), what they recorded, those nothing was recorded for, mailbox providers' `auth-failure` and
 * `virus` reports, the SES events SNS could not deliver (kept in their dead-letter queue) or could not keep there
 * either (lost), and those the function could not read (per hour: the `EmailAuthOrVirusReports`,
 * `SesEventsNotificationsFailed` and `UnreadableSesEvents` alarms' metrics, and SNS's
 * `NumberOfNotificationsFailedToRedriveToDlq`, which has no alarm: `SesEventsNotificationsFailed` fires for those
 * too, and its runbook looks there when the queue is empty); and the age
 * of the relay queue's oldest digest and of its DLQ's (the `OldestDigestTooOld` and `RelayDeadLetterExpiring` alarms'
 * metrics, the largest in 5 minutes) beside the
 * emails SES accepted and the relay's failed records and, of those, the ones SES left no time for and the ones given
 * up on (per hour, the right axis: the `EmailRelayOutOfTime` and `EmailRelayGaveUp` alarms' metrics).
 */
export function ownerEmailWidgets(m: RunMetric, relay: DashboardRelay, width: number): cloudwatch.IWidget[] {
  return [sesEventsGraph(m, relay, width), relayQueueGraph(m, relay, width)];
}

/** What SES reported of the emails (bounces, complaints, suppressed sends) and what came of it ({@link ownerEmailWidgets}). */
function sesEventsGraph(m: RunMetric, relay: DashboardRelay, width: number): cloudwatch.IWidget {
  return graph(
    'Owner email: bounces and complaints',
    [
      m(SES_EVENTS_METRIC.bounces, { ...RUN_WATCH.perHour, label: 'permanent bounces and complaints' }),
      m(SES_EVENTS_METRIC.complaints, { ...RUN_WATCH.perHour, label: 'of which complaints' }),
      m(SES_EVENTS_METRIC.suppressed, {
        ...RUN_WATCH.perHour,
        label: 'of which suppressed sends (address on SES’s suppression list)',
      }),
      m(SES_EVENTS_METRIC.transient, {
        ...RUN_WATCH.perHour,
        label: 'transient or undetermined bounces and rejects (nobody marked)',
      }),
      m(SES_EVENTS_METRIC.marked, { ...RUN_WATCH.perHour, label: 'owners marked bouncing' }),
      m(SES_EVENTS_METRIC.optedOut, {
        ...RUN_WATCH.perHour,
        label: 'owners recorded unsubscribed by a complaint',
      }),
      m(SES_EVENTS_METRIC.digestsReported, {
        ...RUN_WATCH.perHour,
        label: 'bounced digests reported to the admins',
      }),
      m(SES_EVENTS_METRIC.digestsUnreadable, {
        ...RUN_WATCH.perHour,
        label: 'of which without their events (not read back)',
      }),
      m(SES_EVENTS_METRIC.notSpam, { ...RUN_WATCH.perHour, label: 'not-spam reports (no opt-out)' }),
      m(SES_EVENTS_METRIC.authOrVirusReports, {
        ...RUN_WATCH.perHour,
        label: 'auth-failure or virus reports (the provider’s finding: no opt-out)',
      }),
      m(SES_EVENTS_METRIC.unattributed, {
        ...RUN_WATCH.perHour,
        label: 'bounces and complaints nothing was recorded for (no owner, or not their address)',
      }),
      m(SES_EVENTS_METRIC.unreadable, {
        ...RUN_WATCH.perHour,
        label: 'SES events not read (not JSON: nothing recorded)',
      }),
      notificationsFailed(
        relay.sesEventsTopic,
        'SES events SNS could not deliver to the function (kept in the SES events DLQ)',
      ),
      relay.sesEventsTopic.metric('NumberOfNotificationsFailedToRedriveToDlq', {
        period: Duration.hours(1),
        statistic: 'Sum',
        label: 'of which SNS could not keep in the SES events DLQ either (lost)',
      }),
    ],
    { width },
  );
}

/** The relay queue's and its DLQ's oldest digest beside what the relay sent and failed ({@link ownerEmailWidgets}). */
function relayQueueGraph(m: RunMetric, relay: DashboardRelay, width: number): cloudwatch.IWidget {
  return graph(
    'Owner email: oldest digest in the relay queue and its DLQ (s), emails sent, records failed',
    [
      oldestMessageAge(relay.queue, 'oldest digest (largest in 5 min)'),
      oldestMessageAge(
        relay.deadLetterQueue,
        'oldest digest in the relay DLQ, since its move (largest in 5 min)',
      ),
    ],
    {
      width,
      right: [
        m(RELAY_METRIC.sent, { ...RUN_WATCH.perHour, label: 'emails sent (accepted by SES; per hour)' }),
        m(RELAY_METRIC.failed, {
          ...RUN_WATCH.perHour,
          label: 'records failed (retried by SQS; per hour)',
        }),
        m(RELAY_METRIC.outOfTime, {
          ...RUN_WATCH.perHour,
          label: 'of which out of time (SES slow or throttled; per hour)',
        }),
        m(RELAY_METRIC.gaveUp, {
          ...RUN_WATCH.perHour,
          label: 'of which on their last delivery (moved to the relay DLQ; per hour)',
        }),
      ],
    },
  );
}
