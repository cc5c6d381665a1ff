/**
 * The CloudWatch dashboard of a `CredentialHygiene` worker: what the sweeps
 * did, what the notifier delivered, whether owner notices reach their owners,
 * how the owner subscriptions stand, and whether anything is failing. Every
 * alarm's metric is on it (lib/hygiene-alarms.ts, lib/owner-email-relay.ts),
 * with the alarm's statistic and period (built by the alarms' own builders and
 * `RUN_WATCH`), so an operator sent by an alarm finds the datapoints it fired on.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  ACTION_METRICS,
  NOTIFIER_METRIC,
  RECONCILER_METRIC,
  RELAY_METRIC,
  SES_EVENTS_METRIC,
  SWEEP_METRIC,
} from '../lambdas/handlers/metric-names';
import type { DeadLetterQueueSenders } from './dead-letter-queue';
import {
  deadLetterArrivals,
  deadLetterDepth,
  deadLetterSendFailures,
  destinationDeliveryFailures,
  functionErrors,
  notificationsFailed,
  oldestMessageAge,
  RUN_WATCH,
  runMetric,
  scheduleGroups,
} from './hygiene-alarms';
import type { HygieneFunction } from './hygiene-function';

/** The parts of the `relay` route the dashboard shows (an `OwnerEmailRelay` fits). */
export interface DashboardRelay {
  readonly relayFunction: HygieneFunction;
  readonly sesEventsFunction: HygieneFunction;
  /** The relay queue: the age of its oldest digest (the `OldestDigestTooOld` alarm's metric). */
  readonly queue: sqs.IQueue;
  /** The relay queue's own dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
}

/** What the dashboard shows. */
export interface HygieneDashboardOptions {
  readonly sweep: HygieneFunction;
  readonly notifier: HygieneFunction;
  /** The subscription reconciler: its own row (owner subscriptions against the quota). */
  readonly reconciler?: HygieneFunction;
  /**
   * The `relay` route, when deployed: the owner reach row shows SES bounces and
   * complaints, and the errors graph its two functions and its dead-letter queue.
   */
  readonly relay?: DashboardRelay;
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * What sends to `deadLetterQueue`: what each failed to send there is shown beside it (the
   * `FunctionDeadLetterDeliveryFailed` and `ScheduleDeadLetterDeliveryFailed` alarms' metrics).
   */
  readonly deadLetterSenders: DeadLetterQueueSenders;
  /**
   * The notification topic: its failed deliveries are shown with the owner notices (the `NotificationsFailed`
   * alarm's metric).
   */
  readonly topic: sns.ITopic;
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

/** A run metric of this worker, daily unless told otherwise (an alarm's: as it watches it, `RUN_WATCH`). */
type RunMetric = (
  name: string,
  extra?: { statistic?: string; period?: Duration; label?: string },
) => cloudwatch.Metric;

/** Creates the dashboard: one row per question an operator asks, top to bottom. */
export function addHygieneDashboard(
  scope: Construct,
  options: HygieneDashboardOptions,
): cloudwatch.Dashboard {
  const { metricsNamespace: ns, serviceName: service } = options;
  const m: RunMetric = (name, extra = {}) =>
    runMetric(ns, service, name, { period: Duration.days(1), ...extra });
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    defaultInterval: Duration.days(14),
  });
  dashboard.addWidgets(headerWidget());
  dashboard.addWidgets(...transitionWidgets(m));
  dashboard.addWidgets(...sweepHealthWidgets(m));
  dashboard.addWidgets(...deliveryWidgets(m, options));
  dashboard.addWidgets(...reachWidgets(m, options.relay !== undefined));
  if (options.reconciler !== undefined) dashboard.addWidgets(...subscriptionWidgets(m, options.reconciler));
  return dashboard;
}

/** What the dashboard shows and how to read it. */
function headerWidget(): cloudwatch.IWidget {
  return new cloudwatch.TextWidget({
    markdown:
      '## Credential hygiene\nSweep: one run a day (per-run counts). In `audit` mode nothing is written: *Applied* counts what enforce would have written. ' +
      'Guard tripped = deletions held back; invalid records = listed in the admin run summary.',
    width: 24,
    height: 2,
  });
}

/** A graph of `left` (and `right`) metrics, a third of a row wide unless `width` says otherwise. */
function graph(
  title: string,
  left: cloudwatch.IMetric[],
  options: Pick<cloudwatch.GraphWidgetProps, 'right' | 'stacked' | 'width'> = {},
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: 8, ...options });
}

/** What the sweeps planned and applied, per action type. */
function transitionWidgets(m: RunMetric): cloudwatch.IWidget[] {
  return [
    graph(
      'Planned transitions per sweep',
      ACTION_METRICS.map((a) => m(a.planned, { label: a.type })),
      { stacked: true, width: 12 },
    ),
    graph(
      'Applied transitions per sweep',
      ACTION_METRICS.map((a) => m(a.applied, { label: a.type })),
      { stacked: true, width: 12 },
    ),
  ];
}

/** How each sweep went: records, guard, status, duration. */
function sweepHealthWidgets(m: RunMetric): cloudwatch.IWidget[] {
  return [
    graph('Records scanned / invalid', [m(SWEEP_METRIC.scanned, { label: 'scanned' })], {
      right: [m(SWEEP_METRIC.invalid, { ...RUN_WATCH.lastRun, label: 'invalid' })],
    }),
    graph('Guard and run status', [
      m(SWEEP_METRIC.completed, { ...RUN_WATCH.perHour, label: 'completed (heartbeat)' }),
      m(SWEEP_METRIC.guardTripped, { ...RUN_WATCH.lastRun, label: 'guard tripped' }),
      m(SWEEP_METRIC.incomplete, { label: 'incomplete (checkpointed)', statistic: 'Maximum' }),
      m(SWEEP_METRIC.aborted, { label: 'aborted (too many failed writes)', statistic: 'Maximum' }),
      m(SWEEP_METRIC.skippedChanged, { label: 'skipped: changed since read' }),
      m(SWEEP_METRIC.writeFailures, { ...RUN_WATCH.perHour, label: 'write failures' }),
      m(SWEEP_METRIC.writtenAlone, { label: 'written alone (batch fallback)' }),
      m(SWEEP_METRIC.adminSummaryFailed, { ...RUN_WATCH.lastRun, label: 'admin summary not published' }),
      m(SWEEP_METRIC.scheduledTimeRejected, { ...RUN_WATCH.lastRun, label: 'scheduled time rejected' }),
    ]),
    graph('Sweep duration (ms)', [m(SWEEP_METRIC.duration, { label: 'duration', statistic: 'Maximum' })]),
  ];
}

/**
 * Whether notices reach SNS and their subscribers, whether anything is failing, and what the
 * dead-letter queue could not keep: one row.
 */
function deliveryWidgets(m: RunMetric, options: HygieneDashboardOptions): cloudwatch.IWidget[] {
  const hourly = { period: Duration.hours(1) };
  const { relay, topic, deadLetterSenders } = options;
  const share = { width: 6 }; // a quarter of the row
  return [
    graph(
      'Owner notices',
      [
        m(SWEEP_METRIC.eventsQueued, { label: 'queued by sweeps' }),
        m(NOTIFIER_METRIC.eventsPublished, { ...hourly, label: 'published' }),
        m(NOTIFIER_METRIC.eventsFailed, { ...hourly, label: 'failed (retried next drain)' }),
        m(NOTIFIER_METRIC.duplicatesSent, { ...hourly, label: 'sent twice (another drain had marked them)' }),
        m(NOTIFIER_METRIC.malformedEvents, { ...hourly, label: 'malformed outbox entries (never sent)' }),
        notificationsFailed(topic, 'not delivered by SNS to a subscriber'),
      ],
      share,
    ),
    graph(
      'Oldest pending notice (s), drains reporting',
      [
        m(NOTIFIER_METRIC.oldestPendingAge, { ...RUN_WATCH.oldestPending, label: 'oldest pending' }),
        ...(relay === undefined ? [] : [oldestMessageAge(relay.queue, 'oldest digest in the relay queue')]),
      ],
      { ...share, right: [drainsReporting(m)] },
    ),
    graph('Errors and dead letters', errorMetrics(m, options), share),
    graph('Not kept by the dead-letter queue', lostFailures(deadLetterSenders), share),
  ];
}

/**
 * The drains that reported in each hour (right axis): what `NotifierHeartbeat` watches, silent hours for its whole
 * window alarming. A notifier that stops running draws nothing on the left axis either: this line shows it.
 */
function drainsReporting(m: RunMetric): cloudwatch.IMetric {
  return m(NOTIFIER_METRIC.oldestPendingAge, {
    ...RUN_WATCH.drainsReporting,
    label: 'drains reporting per hour (none for the heartbeat window: NotifierHeartbeat)',
  });
}

/**
 * What each sender of the dead-letter queue failed to send there (a denied send, a deleted queue, an oversized
 * message): lost, in neither the queue nor its graphs. One line per function and per schedule group, the metrics
 * the `FunctionDeadLetterDeliveryFailed` and `ScheduleDeadLetterDeliveryFailed` alarms sum.
 */
function lostFailures(senders: DeadLetterQueueSenders): cloudwatch.IMetric[] {
  return [
    ...senders.functions.map((fn) =>
      destinationDeliveryFailures(fn, `${fn.node.id}: failed invocations not sent (Lambda)`),
    ),
    ...scheduleGroups(senders.schedules).map((group) =>
      deadLetterSendFailures(group, `schedule group ${group}: undelivered invocations not sent (Scheduler)`),
    ),
  ];
}

/**
 * The sweep's, notifier's (and on `relay`, the relay's and SES events') function errors — the reconciler's are on
 * its own row —, the notifier's store errors, and what waits in (and arrives at) the dead-letter queues.
 */
function errorMetrics(m: RunMetric, options: HygieneDashboardOptions): cloudwatch.IMetric[] {
  const { relay } = options;
  return [
    functionErrors(options.sweep, 'sweep errors'),
    functionErrors(options.notifier, 'notifier errors'),
    m(NOTIFIER_METRIC.storeErrors, {
      ...RUN_WATCH.perHour,
      label: 'notifier store errors (lease, read, mark)',
    }),
    ...(relay === undefined
      ? []
      : [
          functionErrors(relay.relayFunction, 'relay errors'),
          functionErrors(relay.sesEventsFunction, 'SES events errors'),
        ]),
    deadLetterDepth(options.deadLetterQueue, 'dead-letter messages'),
    deadLetterArrivals(options.deadLetterQueue, 'arrived in the dead-letter queue'),
    ...(relay === undefined ? [] : [deadLetterDepth(relay.deadLetterQueue, 'relay dead-letter messages')]),
  ];
}

/** Whether owner notices reach a person: unreachable owners, the owner directory, bounces (relay route). */
function reachWidgets(m: RunMetric, relay: boolean): cloudwatch.IWidget[] {
  const hourly = { period: Duration.hours(1) };
  const { perHour, lastSweep } = RUN_WATCH;
  const width = relay ? 8 : 12;
  const widgets: cloudwatch.IWidget[] = [
    graph(
      'Unreachable owners',
      [
        m(SWEEP_METRIC.unreachableOwners, { ...lastSweep, label: 'forecast by the sweep' }),
        m(NOTIFIER_METRIC.unreachableOwners, { ...perHour, label: 'reported to the admins by drains' }),
        ...(relay
          ? [
              m(RELAY_METRIC.unreportedUnreachable, {
                ...perHour,
                label: 'not emailed by the relay and not reported (retried, then the relay DLQ)',
              }),
            ]
          : []),
      ],
      { width },
    ),
    graph(
      'Owner directory and misaddressed events',
      [
        m(SWEEP_METRIC.directoryUnusable, { ...lastSweep, label: 'directory unusable (1 = yes)' }),
        m(NOTIFIER_METRIC.reachUnverified, { ...hourly, statistic: 'Maximum', label: 'reach unverified' }),
        m(NOTIFIER_METRIC.mismatchedEvents, { ...perHour, label: 'events addressed to another owner' }),
      ],
      { width },
    ),
  ];
  if (relay) {
    widgets.push(
      graph(
        'Owner email: bounces and complaints',
        [
          m(SES_EVENTS_METRIC.bounces, { ...perHour, label: 'permanent bounces and complaints' }),
          m(SES_EVENTS_METRIC.complaints, { ...hourly, label: 'of which complaints' }),
          m(SES_EVENTS_METRIC.marked, { ...hourly, label: 'owners marked bouncing' }),
          m(SES_EVENTS_METRIC.optedOut, { ...hourly, label: 'owners recorded unsubscribed by a complaint' }),
          m(SES_EVENTS_METRIC.digestsReported, {
            ...hourly,
            label: 'bounced digests reported to the admins',
          }),
          m(SES_EVENTS_METRIC.digestsUnreadable, {
            ...hourly,
            label: 'of which without their events (not read back)',
          }),
          m(SES_EVENTS_METRIC.notSpam, { ...hourly, label: 'not-spam reports (no opt-out)' }),
        ],
        { width },
      ),
    );
  }
  return widgets;
}

/** Owner subscriptions (`sns-email` route): how close to the quota, what the reconciler changed, what failed. */
function subscriptionWidgets(m: RunMetric, reconciler: HygieneFunction): cloudwatch.IWidget[] {
  const hourly = { period: Duration.hours(1) };
  return [
    graph('Owner subscriptions: filter policies and pending owners', [
      m(RECONCILER_METRIC.filterPolicies, {
        ...hourly,
        statistic: 'Maximum',
        label: 'filter policies (quota 200 by default)',
      }),
      m(RECONCILER_METRIC.pendingOwners, {
        ...hourly,
        statistic: 'Maximum',
        label: 'owners pending confirmation',
      }),
      m(RECONCILER_METRIC.unsubscribedOwners, {
        ...hourly,
        statistic: 'Maximum',
        label: 'owners who unsubscribed',
      }),
    ]),
    graph('Subscription reconciler changes', [
      m(RECONCILER_METRIC.created, { ...hourly, label: 'created' }),
      m(RECONCILER_METRIC.repaired, { ...hourly, label: 'repaired' }),
      m(RECONCILER_METRIC.removed, { ...hourly, label: 'removed' }),
      m(RECONCILER_METRIC.withdrawn, {
        ...hourly,
        label: 'created, then withdrawn (owner changed meanwhile)',
      }),
    ]),
    graph('Subscription reconciler problems', [
      m(RECONCILER_METRIC.quotaExceeded, { ...RUN_WATCH.lastRun, label: 'quota exceeded' }),
      m(RECONCILER_METRIC.failed, { ...RUN_WATCH.perHour, label: 'operations refused by SNS' }),
      m(RECONCILER_METRIC.conflicts, { ...hourly, statistic: 'Maximum', label: 'address conflicts' }),
      functionErrors(reconciler, 'reconciler errors'),
    ]),
  ];
}
