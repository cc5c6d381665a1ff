/**
 * The dashboard's graphs, read from the synthesized body with each token put
 * back as the logical id it names: every function's errors (the relay's two on
 * the relay route), both dead-letter queues, the notifier's figures that no
 * other graph showed (store errors, duplicates, malformed and superseded entries), what the
 * dead-letter queue could not keep, the relay's suppressed sends beside its
 * bounces and complaints, the alarm topic's confirmed subscriptions (each
 * sweep's, no alarm; not with `alarms: false`: no alarm topic, nothing counted)
 * beside the admin subscriptions the reconciler counts, both each run's own
 * count as `NoAdminSubscription` reads it (the fewest in 5 minutes), the owners
 * sent no more confirmation links beside those pending and unsubscribed (no alarm),
 * and every alarm's metric with the alarm's
 * statistic and period (an operator sent by an alarm finds the datapoints it
 * fired on there), kept whatever the time range (period override `inherit`).
 * Those periods differ, so each axis of a graph draws one
 * period (a graph with two says each line's in its label), and every row of
 * widgets is full. The sweep's daily sums say "per day", not "per sweep"; the
 * relay's emails sent are drawn; and a label names an alarm only when the
 * stack has it (not with `alarms: false`, nor a heartbeat left out).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import {
  NOTIFIER_METRIC,
  RECONCILER_METRIC,
  RELAY_METRIC,
  SES_EVENTS_METRIC,
  SWEEP_METRIC,
} from '../../lambdas/handlers/metric-names';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import { type CfnResource, type CfnTemplate, referencedId } from './structural-checks';
import { environmentOf, logicalIdOf, SKIP_BUNDLING, synthApp } from './synth';

/** One graph line: namespace, metric name, and its dimension value (a logical id for a resource). */
interface Line {
  readonly namespace: string;
  readonly metric: string;
  readonly dimension: string;
}

/** A line as a graph draws it or an alarm watches it: also its statistic and period (seconds). */
interface Watch extends Line {
  readonly statistic: string;
  readonly period: number;
}

/** A graph's rendering defaults: CloudWatch's when neither the metric nor the graph says. */
interface GraphProperties {
  readonly title?: string;
  readonly metrics?: unknown[][];
  readonly stat?: string;
  readonly period?: number;
}

/** A widget of the dashboard: its row (`y`) and width (grid units) and, for a graph, what it draws. */
interface Widget {
  readonly y: number;
  readonly width: number;
  readonly properties: GraphProperties & { readonly markdown?: string };
}

/** The dashboard's body: its widgets and its dashboard-wide settings. */
interface DashboardBody {
  readonly widgets: Widget[];
  readonly periodOverride?: string;
}

/** The dashboard's synthesized body, each token put back as the logical id it names. */
function dashboardBody(template: Template): DashboardBody {
  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!;
  const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts.map((p) => (typeof p === 'string' ? p : (referencedId(p) ?? 'TOKEN'))).join('');
  return JSON.parse(text) as DashboardBody;
}

/** The dashboard's widgets (its graphs: title, metrics and their defaults). */
const graphs = (template: Template): Widget[] => dashboardBody(template).widgets;

/**
 * A graph's metric, `[namespace, name, dimension name, dimension value, …, options]`, as it is drawn: the options'
 * `stat` and `period`, else the graph's, else CloudWatch's defaults (Average, 5 minutes; CDK writes neither then).
 */
function watchOf(entry: unknown[], graph: GraphProperties): Watch {
  const [namespace, metric, , dimension] = entry;
  const last = entry.at(-1);
  const options = (typeof last === 'object' && last !== null ? last : {}) as {
    stat?: string;
    period?: number;
  };
  return {
    namespace: String(namespace),
    metric: String(metric),
    dimension: String(dimension),
    statistic: options.stat ?? graph.stat ?? 'Average',
    period: options.period ?? graph.period ?? 300,
  };
}

/** A graph line as the reader sees it: its axis, its period (seconds) and its label. */
interface Drawn {
  readonly axis: string;
  readonly period: number;
  readonly label: string;
}

/** Each line of a graph: its axis (left unless the options say right), period and label (else its metric name). */
function drawnLines(graph: GraphProperties): Drawn[] {
  return (graph.metrics ?? []).map((entry) => {
    const last = entry.at(-1);
    const options = (typeof last === 'object' && last !== null ? last : {}) as {
      yAxis?: string;
      label?: string;
    };
    return {
      axis: options.yAxis ?? 'left',
      period: watchOf(entry, graph).period,
      label: options.label ?? String(entry[1]),
    };
  });
}

/** How a line's label names its period (a whole word: "15 min" does not name 5 minutes). */
const PERIOD_WORDS: Record<number, RegExp> = {
  300: /\b5 min\b/,
  900: /\b15 min\b/,
  3600: /\bhour\b/,
  86400: /\bday\b/,
};

/** Only what a line shows: namespace, metric name and dimension. */
const lineOf = ({ namespace, metric, dimension }: Watch): Line => ({ namespace, metric, dimension });

/** The metrics of the dashboard graph titled `title`, as drawn. */
function graphWatches(template: Template, title: string): Watch[] {
  const graph = graphs(template).find((w) => w.properties.title === title);
  if (graph === undefined) throw new Error(`no graph "${title}"`);
  return (graph.properties.metrics ?? []).map((entry) => watchOf(entry, graph.properties));
}

/** The lines of the dashboard graph titled `title`. */
const graphLines = (template: Template, title: string): Line[] => graphWatches(template, title).map(lineOf);

/** Every metric of every graph of the dashboard, as drawn. */
const allWatches = (template: Template): Watch[] =>
  graphs(template).flatMap((w) => (w.properties.metrics ?? []).map((entry) => watchOf(entry, w.properties)));

interface CfnMetric {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions?: readonly { Name: string; Value: unknown }[];
}

/** The statistic and period of an alarm's metric, or of one metric of its math expression. */
interface CfnStat {
  readonly Statistic?: string;
  readonly ExtendedStatistic?: string;
  readonly Stat?: string;
  readonly Period: number;
}

/** Every metric an alarm watches (its one metric, or each of its math expression), with its statistic and period. */
function alarmWatches(alarm: CfnResource): Watch[] {
  const p = alarm.Properties ?? {};
  const stats: { metric: CfnMetric; stat: CfnStat }[] =
    p.MetricName !== undefined
      ? [{ metric: p as unknown as CfnMetric, stat: p as unknown as CfnStat }]
      : (p.Metrics as { MetricStat?: { Metric: CfnMetric } & CfnStat }[]).flatMap((m) =>
          m.MetricStat === undefined ? [] : [{ metric: m.MetricStat.Metric, stat: m.MetricStat }],
        );
  return stats.map(({ metric: m, stat }) => {
    const value = m.Dimensions?.[0]?.Value;
    return {
      namespace: m.Namespace,
      metric: m.MetricName,
      dimension: String(typeof value === 'string' ? value : referencedId(value)),
      statistic: String(stat.Statistic ?? stat.ExtendedStatistic ?? stat.Stat),
      period: stat.Period,
    };
  });
}

/** The alarms of a template, by logical id. */
const alarmsOf = (template: Template) =>
  Object.entries((template.toJSON() as CfnTemplate).Resources).filter(
    ([, r]) => r.Type === 'AWS::CloudWatch::Alarm',
  );

/** What the alarm whose logical id starts with `Hygiene<name>` watches. */
function watchesOfAlarm(template: Template, name: string): Watch[] {
  const found = alarmsOf(template).filter(([id]) => id.startsWith(`Hygiene${name}`));
  expect(found).toHaveLength(1);
  return alarmWatches(found[0]![1]);
}

const functionId = (template: Template, descriptionStart: string) =>
  Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]) =>
    String(r.Properties.Description).startsWith(descriptionStart),
  )![0];
const errorsOf = (id: string): Line => ({ namespace: 'AWS/Lambda', metric: 'Errors', dimension: id });
const queueLine = (metric: string, id: string): Line => ({ namespace: 'AWS/SQS', metric, dimension: id });
const runLine = (metric: string): Line => ({
  namespace: 'PersonalClientHygiene',
  metric,
  dimension: 'personal-client-hygiene',
});

describe('the dashboard’s "Errors and dead letters" graph', () => {
  it('sns-email: the sweep’s and notifier’s errors, the dead-letter queue’s depth and arrivals', () => {
    const { template } = synthApp();
    const queue = logicalIdOf(template, 'AWS::SQS::Queue');
    expect(graphLines(template, 'Errors and dead letters')).toEqual([
      errorsOf(functionId(template, 'Credential hygiene sweep')),
      errorsOf(functionId(template, 'Credential hygiene notifier')),
      queueLine('ApproximateNumberOfMessagesVisible', queue),
      queueLine('NumberOfMessagesSent', queue),
    ]);
  });

  it('relay: also the relay’s and the SES events function’s errors, the relay’s dead-letter queue, the SES events subscription’s and the relay queue subscription’s', () => {
    const { stack, template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
    const relay = stack.hygiene.relay!;
    const id = (construct: Parameters<typeof stack.getLogicalId>[0]) => stack.getLogicalId(construct);
    const lines = graphLines(template, 'Errors and dead letters');
    expect(lines).toEqual(
      expect.arrayContaining([
        errorsOf(functionId(template, 'Credential hygiene sweep')),
        errorsOf(functionId(template, 'Credential hygiene notifier')),
        errorsOf(id(relay.relayFunction.function.node.defaultChild as never)),
        errorsOf(id(relay.sesEventsFunction.function.node.defaultChild as never)),
        queueLine('ApproximateNumberOfMessagesVisible', id(relay.deadLetterQueue.node.defaultChild as never)),
        queueLine(
          'ApproximateNumberOfMessagesVisible',
          id(relay.sesEventsDeadLetterQueue.node.defaultChild as never),
        ),
        queueLine(
          'ApproximateNumberOfMessagesVisible',
          id(relay.relaySubscriptionDeadLetterQueue.node.defaultChild as never),
        ),
        queueLine(
          'ApproximateNumberOfMessagesVisible',
          id(stack.hygiene.deadLetterQueue.node.defaultChild as never),
        ),
      ]),
    );
    expect(lines).toHaveLength(9);
  });
});

describe('the dashboard’s "Owner notices" graph', () => {
  it('shows events sent twice, malformed outbox entries, superseded events and the notifier’s store errors beside the published and failed ones', () => {
    expect(graphLines(synthApp().template, 'Owner notices')).toEqual(
      expect.arrayContaining([
        runLine(NOTIFIER_METRIC.eventsPublished),
        runLine(NOTIFIER_METRIC.eventsFailed),
        runLine(NOTIFIER_METRIC.duplicatesSent),
        runLine(NOTIFIER_METRIC.malformedEvents),
        runLine(NOTIFIER_METRIC.supersededEvents),
        runLine(NOTIFIER_METRIC.storeErrors),
      ]),
    );
  });

  it('draws the superseded events as its neighbours, the other outbox counts: summed per hour, on the left axis', () => {
    const { template } = synthApp();
    const watches = graphWatches(template, 'Owner notices');
    const graph = graphs(template).find((w) => w.properties.title === 'Owner notices')!;
    const at = watches.findIndex((w) => w.metric === NOTIFIER_METRIC.supersededEvents);
    const perHour = (metric: string) => ({ ...runLine(metric), statistic: 'Sum', period: 3600 });

    expect(watches).toEqual(
      expect.arrayContaining([
        perHour(NOTIFIER_METRIC.duplicatesSent),
        perHour(NOTIFIER_METRIC.malformedEvents),
        perHour(NOTIFIER_METRIC.supersededEvents),
      ]),
    );
    expect(drawnLines(graph.properties)[at]).toMatchObject({
      axis: 'left',
      label: expect.stringMatching(/per hour/),
    });
  });
});

describe('the dashboard’s "Owner email: bounces and complaints" graph (relay)', () => {
  it('draws the suppressed sends beside the bounces and complaints they are counted in, and the bounces nobody was marked for, over the same period and statistic', () => {
    const { template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
    const watches = graphWatches(template, 'Owner email: bounces and complaints');
    const watch = (metric: string) => watches.find((w) => w.metric === metric);

    expect(watch(SES_EVENTS_METRIC.suppressed)).toEqual({
      ...runLine(SES_EVENTS_METRIC.suppressed),
      statistic: 'Sum',
      period: 3600,
    });
    for (const metric of [
      SES_EVENTS_METRIC.bounces,
      SES_EVENTS_METRIC.complaints,
      SES_EVENTS_METRIC.transient,
    ])
      expect(watch(metric)).toMatchObject({ statistic: 'Sum', period: 3600 });
  });
});

describe('the dashboard’s subscriptions graph', () => {
  /** The graph that draws the admin subscriptions: its title and its metrics, as drawn. */
  function subscriptionsGraph(template: Template): { title: string | undefined; watches: Watch[] } {
    const graph = graphs(template).find((w) =>
      (w.properties.metrics ?? []).some((entry) => entry[1] === RECONCILER_METRIC.adminSubscriptions),
    );
    if (graph === undefined) throw new Error('no graph draws the admin subscriptions');
    return {
      title: graph.properties.title,
      watches: (graph.properties.metrics ?? []).map((entry) => watchOf(entry, graph.properties)),
    };
  }

  it('draws the alarm topic’s confirmed subscriptions (each sweep’s) beside the admin subscriptions, as NoAdminSubscription watches those: each run’s, the fewest in 5 minutes, and their labels say so', () => {
    const { template } = synthApp();
    const { watches } = subscriptionsGraph(template);
    const admin = watchesOfAlarm(template, 'NoAdminSubscription');
    const fewestIn5Min = { statistic: 'Minimum', period: 300 };

    expect(admin).toEqual([{ ...runLine(RECONCILER_METRIC.adminSubscriptions), ...fewestIn5Min }]);
    expect(watches).toEqual(
      expect.arrayContaining([
        ...admin,
        { ...runLine(SWEEP_METRIC.alarmTopicSubscriptions), ...fewestIn5Min },
      ]),
    );
    const graph = graphs(template).find((w) => w.properties.title === subscriptionsGraph(template).title)!;
    const drawn = drawnLines(graph.properties).filter((_, i) => watches[i]!.period === 300);
    expect(drawn).toEqual([
      {
        axis: 'right',
        period: 300,
        label: 'admin subscriptions (each run’s, fewest in 5 min; 0: NoAdminSubscription)',
      },
      {
        axis: 'right',
        period: 300,
        label: expect.stringMatching(
          /^alarm topic subscriptions, confirmed \(each sweep’s, fewest in 5 min;/,
        ),
      },
    ]);
    // No alarm on it: it would publish to the topic it finds unheard.
    expect(
      alarmsOf(template).filter(([, a]) => a.Properties?.MetricName === SWEEP_METRIC.alarmTopicSubscriptions),
    ).toEqual([]);
  });

  it('draws the email subscriptions also receiving owner digests beside the admin subscriptions, as WideAdminEmailSubscription watches them', () => {
    const { template } = synthApp();
    const wide = watchesOfAlarm(template, 'WideAdminEmailSubscription');

    expect(wide).toEqual([
      {
        ...runLine(RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests),
        statistic: 'Maximum',
        period: 3600,
      },
    ]);
    expect(subscriptionsGraph(template).watches).toEqual(expect.arrayContaining(wide));
  });

  it('draws the owners sent no more confirmation links beside those pending and unsubscribed, each run’s figure, with no alarm on it', () => {
    const { template } = synthApp();
    const largestInAnHour = (metric: string) => ({ ...runLine(metric), statistic: 'Maximum', period: 3600 });

    expect(subscriptionsGraph(template).watches).toEqual(
      expect.arrayContaining([
        largestInAnHour(RECONCILER_METRIC.pendingOwners),
        largestInAnHour(RECONCILER_METRIC.unsubscribedOwners),
        largestInAnHour(RECONCILER_METRIC.confirmationExhaustedOwners),
      ]),
    );
    // UnreachableOwners fires for those of them with notices.
    expect(
      alarmsOf(template).filter(
        ([, a]) => a.Properties?.MetricName === RECONCILER_METRIC.confirmationExhaustedOwners,
      ),
    ).toEqual([]);
  });

  it('with alarms: false, draws no alarm topic line: the sweep gets no alarm topic to count', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Test');
    const hygiene = new CredentialHygiene(stack, 'Hygiene', { alarms: false });
    const template = Template.fromStack(stack);
    const { title, watches } = subscriptionsGraph(template);

    expect(hygiene.alarmTopic).toBeUndefined();
    expect(environmentOf(template, stack, hygiene.sweepFunction)).not.toHaveProperty(
      HANDLER_ENV.alarmTopicArn,
    );
    expect(watches.map((w) => w.metric)).toContain(RECONCILER_METRIC.adminSubscriptions);
    expect(watches.map((w) => w.metric)).not.toContain(SWEEP_METRIC.alarmTopicSubscriptions);
    expect(title).not.toMatch(/alarm/);
  });
});

const ROUTES = [
  ['sns-email', {}],
  ['relay', { ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' }],
] as const;

describe.each(ROUTES)(
  'the dashboard’s "Not kept by the dead-letter queue" graph (route %s)',
  (_route, context) => {
    it('shows, per sender, the metrics FunctionDeadLetterDeliveryFailed and ScheduleDeadLetterDeliveryFailed sum', () => {
      const { template } = synthApp(context);
      const functions = watchesOfAlarm(template, 'FunctionDeadLetterDeliveryFailed');
      const schedules = watchesOfAlarm(template, 'ScheduleDeadLetterDeliveryFailed');
      expect(functions.length).toBeGreaterThanOrEqual(3);
      expect(schedules.map(lineOf)).toEqual([
        {
          namespace: 'AWS/Scheduler',
          metric: 'InvocationsFailedToBeSentToDeadLetterCount',
          dimension: 'default',
        },
      ]);
      expect(graphWatches(template, 'Not kept by the dead-letter queue')).toEqual([
        ...functions,
        ...schedules,
      ]);
    });
  },
);

describe.each(ROUTES)('the dashboard (route %s)', (_route, context) => {
  it('shows every alarm’s metric as the alarm watches it: namespace, dimension, statistic and period', () => {
    const { template } = synthApp(context);
    const shown = allWatches(template);
    const missing = alarmsOf(template).flatMap(([id, alarm]) =>
      alarmWatches(alarm)
        .filter((watch) => !shown.some((s) => JSON.stringify(s) === JSON.stringify(watch)))
        .map((w) => `${id}: ${w.namespace} ${w.metric} ${w.dimension} ${w.statistic} over ${w.period} s`),
    );
    expect(alarmsOf(template).length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});

describe('the dashboard’s last-run figures', () => {
  /** The alarms that keep the state of the last run on each run's own figure (`RUN_WATCH.lastRun`). */
  const LAST_RUN_ALARMS = [
    'GuardTripped',
    'InvalidRecords',
    'TransitionsTooLarge',
    'ScheduledTimeRejected',
    'SubscriptionQuotaExceeded',
    'SweepUnreachableOwners',
    'DirectoryUnusable',
  ];

  it('draws each as its alarm reads it, the largest in 5 minutes, and its label says so', () => {
    const { template } = synthApp();
    const lines = graphs(template).flatMap(({ properties: graph }) =>
      (graph.metrics ?? []).map((entry, i) => ({
        watch: watchOf(entry, graph),
        drawn: drawnLines(graph)[i]!,
      })),
    );
    for (const id of LAST_RUN_ALARMS) {
      const [watch] = watchesOfAlarm(template, id);
      expect(watch, id).toEqual({ ...watch, statistic: 'Maximum', period: 300 });
      const shown = lines.filter((l) => JSON.stringify(l.watch) === JSON.stringify(watch));
      expect(shown.map((l) => l.drawn.label)).toEqual([expect.stringMatching(/largest in 5 min/)]);
    }
  });
});

describe.each(ROUTES)(
  'the dashboard’s axes (route %s, with the subscription reconciler’s row)',
  (_route, context) => {
    it('draws every line of an axis over one period, and labels each line with its period where a graph has two', () => {
      const { template } = synthApp(context);
      const drawn = graphs(template).filter((w) => w.properties.metrics !== undefined);
      expect(drawn.map((w) => w.properties.title)).toContain('Subscription reconciler problems');
      const mixedAxes = drawn.flatMap(({ properties: graph }) =>
        ['left', 'right'].flatMap((axis) => {
          const periods = new Set(
            drawnLines(graph)
              .filter((l) => l.axis === axis)
              .map((l) => l.period),
          );
          return periods.size > 1 ? [`${graph.title} (${axis}): ${[...periods].join(', ')} s`] : [];
        }),
      );
      const unnamed = drawn.flatMap(({ properties: graph }) => {
        const lines = drawnLines(graph);
        if (new Set(lines.map((l) => l.period)).size === 1) return [];
        return lines
          .filter((l) => !(PERIOD_WORDS[l.period]?.test(l.label) ?? false))
          .map((l) => `${graph.title}: "${l.label}" (${l.period} s)`);
      });
      expect(mixedAxes).toEqual([]);
      expect(unnamed).toEqual([]);
    });

    it('fills every row: the widths of the widgets side by side sum to 24', () => {
      const rows = new Map<number, number>();
      for (const w of graphs(synthApp(context).template)) rows.set(w.y, (rows.get(w.y) ?? 0) + w.width);
      expect([...rows.values()].filter((width) => width !== 24)).toEqual([]);
    });
  },
);

describe('the dashboard’s periods', () => {
  it('keeps each graph’s own periods whatever the time range: period override inherit, not CloudWatch’s auto', () => {
    // Without it CloudWatch redraws every graph at one period chosen from the range: an alarm's threshold
    // ("3 or more in an hour") no longer reads on its graph.
    expect(dashboardBody(synthApp().template).periodOverride).toBe('inherit');
  });
});

describe('the dashboard’s sweep counts', () => {
  it('are daily sums, and the titles and header say per day: every run of the day adds up, not one sweep’s', () => {
    const { template } = synthApp();
    const widgets = graphs(template);
    for (const title of ['Planned transitions per day', 'Applied transitions per day']) {
      const watches = graphWatches(template, title);
      expect(watches.length).toBeGreaterThan(0);
      expect(new Set(watches.map((w) => `${w.statistic} over ${w.period} s`))).toEqual(
        new Set(['Sum over 86400 s']),
      );
    }
    const header = widgets.map((w) => w.properties.markdown ?? '').join('');
    expect(header).toMatch(/Sweep: counts per day, every run of the day summed/);
    const text = [...widgets.map((w) => w.properties.title ?? ''), header].join('\n');
    expect(text).not.toMatch(/per sweep|per-run|one run a day/i);
  });
});

describe('the dashboard’s relay queue graph (relay)', () => {
  it('draws the emails SES accepted, summed per hour on the right axis, beside the relay’s failed records', () => {
    const { template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
    const graph = graphs(template).find((w) =>
      (w.properties.metrics ?? []).some((entry) => entry[1] === RELAY_METRIC.failed),
    );
    if (graph === undefined) throw new Error('no graph draws the relay’s failed records');
    const entries = graph.properties.metrics ?? [];
    const sent = entries.findIndex((entry) => entry[1] === RELAY_METRIC.sent);

    expect(sent).toBeGreaterThanOrEqual(0);
    expect(watchOf(entries[sent]!, graph.properties)).toEqual({
      ...runLine(RELAY_METRIC.sent),
      statistic: 'Sum',
      period: 3600,
    });
    expect(drawnLines(graph.properties)[sent]).toMatchObject({
      axis: 'right',
      label: expect.stringMatching(/per hour/),
    });
    expect(graph.properties.title).toMatch(/emails sent/);
  });
});

describe('the dashboard’s labels name only the alarms the stack has', () => {
  /** The alarms a label may name: where their metric is drawn. */
  const NAMED = [
    'NotifierHeartbeat',
    'ReconcilerHeartbeat',
    'NoAdminSubscription',
    'WideAdminEmailSubscription',
  ];

  /** Every line label of the dashboard. */
  const labelsOf = (template: Template): string[] =>
    graphs(template).flatMap((w) => drawnLines(w.properties).map((l) => l.label));

  /** Of `names`, those some label names (a whole word). */
  const namedIn = (labels: readonly string[], names: readonly string[]) =>
    names.filter((name) => labels.some((label) => new RegExp(`\\b${name}\\b`).test(label)));

  it('with alarms on, names each alarm where its metric is drawn', () => {
    const { stack, template } = synthApp();
    expect(stack.hygiene.alarms.map((a) => a.node.id)).toEqual(expect.arrayContaining(NAMED));
    expect(namedIn(labelsOf(template), NAMED)).toEqual(NAMED);
  });

  it('with alarms: false, names none of them (the lines are still drawn)', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Test');
    const hygiene = new CredentialHygiene(stack, 'Hygiene', { alarms: false });
    const labels = labelsOf(Template.fromStack(stack));

    expect(hygiene.alarms).toEqual([]);
    expect(namedIn(labels, NAMED)).toEqual([]);
    expect(labels).toEqual(
      expect.arrayContaining([
        'drains reporting per hour',
        'completed runs (per hour)',
        'admin subscriptions (each run’s, fewest in 5 min)',
        'admin email subscriptions also receiving owner digests (largest in an hour)',
      ]),
    );
  });

  it('with a weekly notifier and reconciler (no heartbeat can watch them), names no heartbeat', () => {
    const { stack, template } = synthApp({
      notifierSchedule: 'rate(7 days)',
      reconcilerSchedule: 'cron(0 3 ? * SUN *)',
    });
    const ids = stack.hygiene.alarms.map((a) => a.node.id);

    expect(ids).not.toContain('NotifierHeartbeat');
    expect(ids).not.toContain('ReconcilerHeartbeat');
    expect(namedIn(labelsOf(template), NAMED)).toEqual(['NoAdminSubscription', 'WideAdminEmailSubscription']);
  });
});
