/**
 * The CloudWatch dashboard of a `CredentialHygiene` worker: what the sweeps
 * did, what the notifier delivered, whether owner notices reach their owners,
 * how the owner and admin subscriptions stand (the alarm topic's too, when
 * there is one), and whether anything is failing. Every
 * alarm's metric is on it (lib/hygiene-alarms.ts, lib/owner-email-relay.ts),
 * with the alarm's statistic and period (built by the alarms' own builders and
 * `RUN_WATCH`), so an operator sent by an alarm finds the datapoints it fired on.
 * Those periods differ (5 and 15 minutes, an hour, a day), and counts summed
 * over different periods cannot share a scale: every line of a graph's axis has
 * the same period, a graph with two periods draws the other on its right axis,
 * and there each line's label says its period ("per hour", "largest in a day").
 * Each graph keeps those periods whatever the time range shown (period override
 * `inherit`: CloudWatch's default, `auto`, redraws every graph at one period
 * chosen from the range, and an alarm's threshold no longer reads on it). The
 * sweep's daily lines are sums over a day, not one run's figures: every run of
 * the day adds up (a faster `sweepSchedule`, an operator's CLI sweep, a retry).
 * A label names an alarm ("0: NoAdminSubscription") only when that alarm is
 * built: not with `alarms: false`, nor a heartbeat its schedule leaves out.
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
  /** The relay queue's own dead-letter queue: its depth, and its oldest digest's age (`RelayDeadLetterExpiring`). */
  readonly deadLetterQueue: sqs.IQueue;
  /** The topic SES publishes bounces and complaints to: what it could not deliver (`SesEventsNotificationsFailed`). */
  readonly sesEventsTopic: sns.ITopic;
  /**
   * Where SNS keeps the SES events it could not deliver to the SES events function (`SesEventsDeadLetterMessages`).
   */
  readonly sesEventsDeadLetterQueue: sqs.IQueue;
  /**
   * Where SNS keeps the owner digests it could not deliver to the relay queue
   * (`RelaySubscriptionDeadLetterMessages`).
   */
  readonly relaySubscriptionDeadLetterQueue: sqs.IQueue;
}

/** What the dashboard shows. */
export interface HygieneDashboardOptions {
  readonly sweep: HygieneFunction;
  readonly notifier: HygieneFunction;
  /** The subscription reconciler: its own row (owner subscriptions against the quota, admin subscriptions). */
  readonly reconciler?: HygieneFunction;
  /**
   * Whether each sweep counts the alarm topic's confirmed subscriptions (`AlarmTopicSubscriptions`, drawn beside the
   * admin subscriptions): the worker has an alarm topic (alarms on). Without one the sweep gets no `ALARM_TOPIC_ARN`
   * and counts nothing, so the line would stay empty: it is not drawn.
   */
  readonly sweepCountsAlarmTopic: boolean;
  /**
   * The `relay` route, when deployed: the owner reach row shows SES bounces and
   * complaints (and the SES events not delivered, not kept, not read or not attributed), the relay queue's oldest
   * digest and the relay's failed records (those out of time, and those given up on, apart), and the errors graph its
   * two functions and its three dead-letter queues (the relay queue's, the SES events subscription's, the relay
   * queue's subscription's).
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

/**
 * Creates the dashboard: one row per question an operator asks, top to bottom. Build it after the alarms, in their
 * scope (`addHygieneAlarms`): a label names an alarm only when it finds it there.
 */
export function addHygieneDashboard(
  scope: Construct,
  options: HygieneDashboardOptions,
): cloudwatch.Dashboard {
  const { metricsNamespace: ns, serviceName: service } = options;
  const m: RunMetric = (name, extra = {}) =>
    runMetric(ns, service, name, { period: Duration.days(1), ...extra });
  const note: AlarmNote = (id, when) =>
    scope.node.tryFindChild(id) instanceof cloudwatch.Alarm ? [`${when}: ${id}`] : [];
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    defaultInterval: Duration.days(14),
    // Each graph keeps its metrics' periods, the alarms' own, whatever the time range (`auto` would not).
    periodOverride: cloudwatch.PeriodOverride.INHERIT,
  });
  dashboard.addWidgets(headerWidget());
  dashboard.addWidgets(...transitionWidgets(m));
  dashboard.addWidgets(...sweepHealthWidgets(m));
  dashboard.addWidgets(...deliveryWidgets(m, note, options));
  dashboard.addWidgets(...reachWidgets(m, options.relay));
  if (options.reconciler !== undefined) {
    dashboard.addWidgets(...subscriptionWidgets(m, note, options.reconciler, options.sweepCountsAlarmTopic));
  }
  return dashboard;
}

/**
 * `["<when>: <id>"]` when the alarm `id` is built in the dashboard's scope (lib/credential-hygiene.ts builds the
 * alarms before the dashboard), else `[]`: with `alarms: false`, or a heartbeat its schedule leaves out
 * (lib/heartbeat-windows.ts), no label names an alarm that is not there.
 */
type AlarmNote = (id: string, when: string) => string[];

/** `text`, then its `notes` in parentheses, `; `-separated: "admin subscriptions (each run’s, fewest in 5 min; 0: NoAdminSubscription)". */
function withNotes(text: string, ...notes: string[]): string {
  return notes.length === 0 ? text : `${text} (${notes.join('; ')})`;
}

/** What the dashboard shows and how to read it. */
function headerWidget(): cloudwatch.IWidget {
  return new cloudwatch.TextWidget({
    markdown:
      '## Credential hygiene\nSweep: counts per day, every run of the day summed (the scheduled sweep, CLI sweeps, retries). In `audit` mode nothing is written: *Applied* counts what enforce would have written. ' +
      'Guard tripped = deletions held back; invalid records = listed in the admin run summary. ' +
      'Each axis of a graph draws one period: where a graph has two, the right axis has the other and each line’s label says its period.',
    width: 24,
    height: 2,
  });
}

/**
 * A graph of `left` (and `right`) metrics, a third of a row wide unless `width` says otherwise. Every line of an axis
 * has the same period (test/infra/dashboard.test.ts): a line of another period goes on the other axis.
 */
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
      'Planned transitions per day',
      ACTION_METRICS.map((a) => m(a.planned, { label: a.type })),
      { stacked: true, width: 12 },
    ),
    graph(
      'Applied transitions per day',
      ACTION_METRICS.map((a) => m(a.applied, { label: a.type })),
      { stacked: true, width: 12 },
    ),
  ];
}

/**
 * How each sweep went: records scanned beside each sweep's own findings (invalid records, deletions held back by the
 * guard, transitions too large, a scheduled time rejected: the largest in 5 minutes, as their alarms read them,
 * `RUN_WATCH.lastRun`; a run that resumed a checkpoint counts invalid records and transitions too large over its pass
 * so far, docs/sweep.md, "Time budget and checkpoint"), its status, duration.
 */
function sweepHealthWidgets(m: RunMetric): cloudwatch.IWidget[] {
  const { lastRun, perHour } = RUN_WATCH;
  return [
    graph(
      'Records scanned; each sweep’s findings',
      [m(SWEEP_METRIC.scanned, { label: 'scanned (per day)' })],
      {
        right: [
          m(SWEEP_METRIC.invalid, {
            ...lastRun,
            label: 'invalid records (each sweep’s pass so far, largest in 5 min)',
          }),
          m(SWEEP_METRIC.guardTripped, {
            ...lastRun,
            label: 'deletions held back by the guard (1 = yes; each sweep’s, largest in 5 min)',
          }),
          m(SWEEP_METRIC.tooLarge, {
            ...lastRun,
            label: 'transitions too large: stuck credentials (each sweep’s pass so far, largest in 5 min)',
          }),
          m(SWEEP_METRIC.scheduledTimeRejected, {
            ...lastRun,
            label: 'scheduled time rejected (1 = yes; each invocation’s, largest in 5 min)',
          }),
        ],
      },
    ),
    graph(
      'Sweep run status',
      [
        m(SWEEP_METRIC.completed, { ...perHour, label: 'completed (heartbeat; per hour)' }),
        m(SWEEP_METRIC.writeFailures, { ...perHour, label: 'write failures (per hour)' }),
        m(SWEEP_METRIC.adminSummaryFailed, { ...perHour, label: 'admin summary not published (per hour)' }),
      ],
      {
        right: [
          m(SWEEP_METRIC.incomplete, {
            label: 'incomplete (checkpointed; largest in a day)',
            statistic: 'Maximum',
          }),
          m(SWEEP_METRIC.aborted, {
            label: 'aborted (failed writes, or an error after writing; largest in a day)',
            statistic: 'Maximum',
          }),
          m(SWEEP_METRIC.skippedChanged, { label: 'skipped: changed since read (per day)' }),
          m(SWEEP_METRIC.writtenAlone, { label: 'written alone (batch fallback; per day)' }),
        ],
      },
    ),
    graph('Sweep duration (ms)', [m(SWEEP_METRIC.duration, { label: 'duration', statistic: 'Maximum' })]),
  ];
}

/**
 * Whether notices reach SNS and their subscribers, whether anything is failing, and what the
 * dead-letter queue could not keep: one row.
 */
function deliveryWidgets(
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
 * The sweep's, notifier's (and on `relay`, the relay's and SES events') function errors, per 15 minutes — the
 * reconciler's are on its own row, the notifier's store errors with the owner notices.
 */
function errorMetrics(options: HygieneDashboardOptions): cloudwatch.IMetric[] {
  const { relay } = options;
  return [
    functionErrors(options.sweep, 'sweep errors (per 15 min)'),
    functionErrors(options.notifier, 'notifier errors (per 15 min)'),
    ...(relay === undefined
      ? []
      : [
          functionErrors(relay.relayFunction, 'relay errors (per 15 min)'),
          functionErrors(relay.sesEventsFunction, 'SES events errors (per 15 min)'),
        ]),
  ];
}

/** What waits in (and arrives at) the dead-letter queues, per 5 minutes (the right axis beside the errors). */
function deadLetterMetrics(options: HygieneDashboardOptions): cloudwatch.IMetric[] {
  const { relay } = options;
  return [
    deadLetterDepth(options.deadLetterQueue, 'dead-letter messages (largest in 5 min)'),
    deadLetterArrivals(options.deadLetterQueue, 'arrived in the dead-letter queue (per 5 min)'),
    ...(relay === undefined
      ? []
      : [
          deadLetterDepth(relay.deadLetterQueue, 'relay dead-letter messages (largest in 5 min)'),
          deadLetterDepth(
            relay.sesEventsDeadLetterQueue,
            'SES events dead-letter messages (to replay; largest in 5 min)',
          ),
          deadLetterDepth(
            relay.relaySubscriptionDeadLetterQueue,
            'digests SNS could not deliver to the relay queue (to move there; largest in 5 min)',
          ),
        ]),
  ];
}

/**
 * Whether owner notices reach a person: unreachable owners, the owner directory and, on `relay`, the owner email
 * (bounces, the relay queue's oldest digest, the relay's failed records). One row: halves, or quarters with the relay's two.
 */
function reachWidgets(m: RunMetric, relay: DashboardRelay | undefined): cloudwatch.IWidget[] {
  const { perHour, lastRun, largestInAnHour } = RUN_WATCH;
  const width = relay === undefined ? 12 : 6;
  return [
    graph(
      'Unreachable owners',
      [
        m(NOTIFIER_METRIC.unreachableOwners, {
          ...perHour,
          label: 'found unreachable by drains (per hour)',
        }),
        ...(relay === undefined
          ? []
          : [
              m(RELAY_METRIC.unreportedUnreachable, {
                ...perHour,
                label: 'not emailed by the relay and not reported (retried, then the relay DLQ; per hour)',
              }),
            ]),
      ],
      {
        width,
        right: [
          m(SWEEP_METRIC.unreachableOwners, {
            ...lastRun,
            label: 'forecast by each sweep (largest in 5 min)',
          }),
        ],
      },
    ),
    graph(
      'Owner directory and misaddressed events',
      [
        m(NOTIFIER_METRIC.reachUnverified, {
          ...largestInAnHour,
          label: 'reach unverified (largest in an hour)',
        }),
        m(NOTIFIER_METRIC.mismatchedEvents, {
          ...perHour,
          label: 'events addressed to another owner (per hour)',
        }),
      ],
      {
        width,
        right: [
          m(SWEEP_METRIC.directoryUnusable, {
            ...lastRun,
            label: 'directory unusable (1 = yes; each sweep’s, largest in 5 min)',
          }),
        ],
      },
    ),
    ...(relay === undefined ? [] : ownerEmailWidgets(m, relay, width)),
  ];
}

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
function ownerEmailWidgets(m: RunMetric, relay: DashboardRelay, width: number): cloudwatch.IWidget[] {
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

/**
 * The topic's subscriptions as the reconciler counts them (its graph: {@link subscriptionsGraph}); what each run
 * changed, the completed runs (the `ReconcilerHeartbeat` alarm's metric), those its time budget stopped and those the
 * filter-policy quota stopped (each run's own figure, as `SubscriptionQuotaExceeded` reads it: the largest in 5
 * minutes, `RUN_WATCH.lastRun`); and what went wrong.
 */
function subscriptionWidgets(
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
