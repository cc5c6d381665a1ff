/**
 * The delivery row of the dashboard (lib/hygiene-dashboard.ts): the owner notices the drains published and SNS
 * delivered, the oldest pending notice beside the drains reporting, the errors and dead letters, and what the
 * dead-letter queue did not keep (those two graphs' lines: ./errors.ts).
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { NOTIFIER_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { notificationsFailed, RUN_WATCH } from '../hygiene-alarms';
import { deadLetterMetrics, errorMetrics, lostFailures } from './errors';
import { type AlarmNote, graph, type RunMetric, withNotes } from './graph';
import type { HygieneDashboardOptions } from './options';

/**
 * Whether notices reach SNS and their subscribers, whether anything is failing, and what the
 * dead-letter queue could not keep: one row.
 */
export function deliveryWidgets(
  m: RunMetric,
  note: AlarmNote,
  options: HygieneDashboardOptions,
): cloudwatch.IWidget[] {
  const share = { width: 6 }; // a quarter of the row
  return [
    graph('Owner notices', noticeMetrics(m, options.topic), {
      ...share,
      right: [m(SWEEP_METRIC.eventsQueued, { label: 'queued by sweeps (per day)' })],
    }),
    graph(
      'Oldest pending notice (s), drains reporting',
      [
        m(NOTIFIER_METRIC.oldestPendingAge, {
          ...RUN_WATCH.oldestPending,
          label: 'oldest pending (largest in 15 min)',
        }),
      ],
      { ...share, right: [drainsReporting(m, note)] },
    ),
    graph('Errors and dead letters', errorMetrics(options), { ...share, right: deadLetterMetrics(options) }),
    graph('Not kept by the dead-letter queue', lostFailures(options.deadLetterSenders), share),
  ];
}

/**
 * What the drains did with the owner notices, per hour: published, failed, sent twice, malformed, superseded (the
 * credential outgrew them before the drain: removed unsent), not delivered by SNS, and the notifier's store errors (a
 * failed lease publishes nothing; a failed mark sends again).
 */
function noticeMetrics(m: RunMetric, topic: sns.ITopic): cloudwatch.IMetric[] {
  return [
    m(NOTIFIER_METRIC.eventsPublished, { ...RUN_WATCH.perHour, label: 'published (per hour)' }),
    m(NOTIFIER_METRIC.eventsFailed, { ...RUN_WATCH.perHour, label: 'failed (retried next drain; per hour)' }),
    m(NOTIFIER_METRIC.duplicatesSent, {
      ...RUN_WATCH.perHour,
      label: 'sent twice (another drain had marked them; per hour)',
    }),
    m(NOTIFIER_METRIC.malformedEvents, {
      ...RUN_WATCH.perHour,
      label: 'malformed outbox entries (never sent; per hour)',
    }),
    m(NOTIFIER_METRIC.supersededEvents, {
      ...RUN_WATCH.perHour,
      label: 'superseded: outgrown by the credential, removed unsent (per hour)',
    }),
    notificationsFailed(topic, 'not delivered by SNS to a subscriber (per hour)'),
    m(NOTIFIER_METRIC.storeErrors, {
      ...RUN_WATCH.perHour,
      label: 'notifier store errors (lease, read, mark; per hour)',
    }),
  ];
}

/**
 * The drains that reported in each hour (right axis): what `NotifierHeartbeat` watches, silent hours for its whole
 * window alarming. A notifier that stops running draws nothing on the left axis either: this line shows it.
 */
function drainsReporting(m: RunMetric, note: AlarmNote): cloudwatch.IMetric {
  return m(NOTIFIER_METRIC.oldestPendingAge, {
    ...RUN_WATCH.drainsReporting,
    label: withNotes(
      'drains reporting per hour',
      ...note('NotifierHeartbeat', 'none for the heartbeat window'),
    ),
  });
}
