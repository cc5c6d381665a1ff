/**
 * The subscription reconciler's row of the dashboard (lib/hygiene-dashboard.ts), drawn when the worker has one: the
 * topic's subscriptions as it counts them (and the alarm topic's, as each sweep counts them), its runs and changes,
 * and its problems.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { RECONCILER_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { functionErrors, RUN_WATCH } from '../hygiene-alarms';
import type { HygieneFunction } from '../hygiene-function';
import { type AlarmNote, graph, type RunMetric, withNotes } from './graph';

/**
 * The topic's subscriptions as the reconciler counts them (its graph: {@link subscriptionsGraph}); what each run
 * changed, the completed runs (the `ReconcilerHeartbeat` alarm's metric), those its time budget stopped and those the
 * filter-policy quota stopped (each run's own figure, as `SubscriptionQuotaExceeded` reads it: the largest in 5
 * minutes, `RUN_WATCH.lastRun`); and what went wrong.
 */
export function subscriptionWidgets(
  m: RunMetric,
  note: AlarmNote,
  reconciler: HygieneFunction,
  sweepCountsAlarmTopic: boolean,
): cloudwatch.IWidget[] {
  const { perHour, lastRun, largestInAnHour } = RUN_WATCH;
  return [
    subscriptionsGraph(m, note, sweepCountsAlarmTopic),
    graph(
      'Subscription reconciler runs and changes',
      [
        m(RECONCILER_METRIC.completed, {
          ...perHour,
          label: withNotes(
            'completed runs',
            'per hour',
            ...note('ReconcilerHeartbeat', 'none for the heartbeat window'),
          ),
        }),
        m(RECONCILER_METRIC.incomplete, {
          ...perHour,
          label: 'runs stopped at their time budget (incomplete: the next run continues; per hour)',
        }),
        m(RECONCILER_METRIC.created, { ...perHour, label: 'created (per hour)' }),
        m(RECONCILER_METRIC.repaired, { ...perHour, label: 'repaired (per hour)' }),
        m(RECONCILER_METRIC.removed, { ...perHour, label: 'removed (per hour)' }),
        m(RECONCILER_METRIC.withdrawn, {
          ...perHour,
          label: 'created, then withdrawn (owner changed meanwhile; per hour)',
        }),
      ],
      {
        right: [
          m(RECONCILER_METRIC.quotaExceeded, {
            ...lastRun,
            label: 'run stopped at the filter-policy quota (1 = yes; each run’s, largest in 5 min)',
          }),
        ],
      },
    ),
    graph(
      'Subscription reconciler problems',
      [
        m(RECONCILER_METRIC.failed, { ...perHour, label: 'operations refused by SNS (per hour)' }),
        m(RECONCILER_METRIC.optOutsHeldBack, {
          ...perHour,
          label: 'opt-outs held back by the mass-unsubscribe guard (per hour)',
        }),
        m(RECONCILER_METRIC.conflicts, {
          ...largestInAnHour,
          label: 'address conflicts (largest in an hour)',
        }),
      ],
      { right: [functionErrors(reconciler, 'reconciler errors (per 15 min)')] },
    ),
  ];
}

/**
 * Owner subscriptions (`sns-email` route): how close to the quota, who is pending or unsubscribed, and who was sent
 * no more confirmation links (`ConfirmationExhaustedOwners`, no alarm), the largest in an hour; the email
 * subscriptions that admit every admin message but also receive owner digests (the `WideAdminEmailSubscription`
 * alarm's metric, the largest in an hour); on the right axis, each run's own count, the fewest in 5 minutes
 * (`RUN_WATCH.lastRunFewest`): the admin subscriptions (every route: the `NoAdminSubscription` alarm's metric, as it
 * reads it), beside the alarm topic's confirmed subscriptions as each sweep counts them when there is an alarm topic
 * (`AlarmTopicSubscriptions`, no alarm: the admin run summary says when there is none).
 */
function subscriptionsGraph(
  m: RunMetric,
  note: AlarmNote,
  sweepCountsAlarmTopic: boolean,
): cloudwatch.GraphWidget {
  const { largestInAnHour, lastRunFewest } = RUN_WATCH;
  const alarmTopicLine = m(SWEEP_METRIC.alarmTopicSubscriptions, {
    ...lastRunFewest,
    label:
      'alarm topic subscriptions, confirmed (each sweep’s, fewest in 5 min; 0: the admin summary says ALARMS REACH NO ONE)',
  });
  return graph(
    `Subscriptions: filter policies, pending owners, admin${sweepCountsAlarmTopic ? ' and alarm' : ''} subscriptions`,
    [
      m(RECONCILER_METRIC.filterPolicies, {
        ...largestInAnHour,
        label: 'filter policies (quota 200 by default; largest in an hour)',
      }),
      m(RECONCILER_METRIC.pendingOwners, {
        ...largestInAnHour,
        label: 'owners pending confirmation (largest in an hour)',
      }),
      m(RECONCILER_METRIC.unsubscribedOwners, {
        ...largestInAnHour,
        label: 'owners who unsubscribed (largest in an hour)',
      }),
      m(RECONCILER_METRIC.confirmationExhaustedOwners, {
        ...largestInAnHour,
        label: 'owners sent no more confirmation links (every link unanswered; largest in an hour)',
      }),
      m(RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests, {
        ...largestInAnHour,
        label: withNotes(
          'admin email subscriptions also receiving owner digests',
          'largest in an hour',
          ...note('WideAdminEmailSubscription', '1 or more'),
        ),
      }),
    ],
    {
      right: [
        m(RECONCILER_METRIC.adminSubscriptions, {
          ...lastRunFewest,
          label: withNotes(
            'admin subscriptions',
            'each run’s, fewest in 5 min',
            ...note('NoAdminSubscription', '0'),
          ),
        }),
        ...(sweepCountsAlarmTopic ? [alarmTopicLine] : []),
      ],
    },
  );
}
