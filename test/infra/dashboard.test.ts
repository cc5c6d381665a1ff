/**
 * The dashboard's graphs, read from the synthesized body with each token put
 * back as the logical id it names: every function's errors (the relay's two on
 * the relay route), both dead-letter queues, the notifier's figures that no
 * other graph showed (store errors, duplicates, malformed entries), what the
 * dead-letter queue could not keep, and every alarm's metric (an operator sent
 * by an alarm finds its history there).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { NOTIFIER_METRIC } from '../../lambdas/handlers/metric-names';
import { type CfnResource, type CfnTemplate, referencedId } from './structural-checks';
import { logicalIdOf, synthApp } from './synth';

/** One graph line: namespace, metric name, and its dimension value (a logical id for a resource). */
interface Line {
  readonly namespace: string;
  readonly metric: string;
  readonly dimension: string;
}

/** The dashboard's graphs: title and metrics. */
function graphs(template: Template): { properties: { title?: string; metrics?: unknown[][] } }[] {
  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!;
  const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts.map((p) => (typeof p === 'string' ? p : (referencedId(p) ?? 'TOKEN'))).join('');
  return (JSON.parse(text) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] })
    .widgets;
}

/** A graph's metric as a line: `[namespace, name, dimension name, dimension value, options]`. */
const lineOf = ([namespace, metric, , dimension]: unknown[]): Line => ({
  namespace: String(namespace),
  metric: String(metric),
  dimension: String(dimension),
});

/** The lines of the dashboard graph titled `title`. */
function graphLines(template: Template, title: string): Line[] {
  const graph = graphs(template).find((w) => w.properties.title === title);
  if (graph === undefined) throw new Error(`no graph "${title}"`);
  return (graph.properties.metrics ?? []).map(lineOf);
}

/** Every line of every graph of the dashboard. */
const allLines = (template: Template): Line[] =>
  graphs(template).flatMap((w) => (w.properties.metrics ?? []).map(lineOf));

interface CfnMetric {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions?: readonly { Name: string; Value: unknown }[];
}

/** Every metric an alarm watches (its one metric, or each of its math expression), as a line. */
function alarmLines(alarm: CfnResource): Line[] {
  const p = alarm.Properties ?? {};
  const metrics =
    p.MetricName !== undefined
      ? [p as unknown as CfnMetric]
      : (p.Metrics as { MetricStat?: { Metric: CfnMetric } }[]).flatMap((m) =>
          m.MetricStat === undefined ? [] : [m.MetricStat.Metric],
        );
  return metrics.map((m) => {
    const value = m.Dimensions?.[0]?.Value;
    return {
      namespace: m.Namespace,
      metric: m.MetricName,
      dimension: String(typeof value === 'string' ? value : referencedId(value)),
    };
  });
}

/** The alarms of a template, by logical id. */
const alarmsOf = (template: Template) =>
  Object.entries((template.toJSON() as CfnTemplate).Resources).filter(
    ([, r]) => r.Type === 'AWS::CloudWatch::Alarm',
  );

/** The lines of the alarm whose logical id starts with `Hygiene<name>`. */
function linesOfAlarm(template: Template, name: string): Line[] {
  const found = alarmsOf(template).filter(([id]) => id.startsWith(`Hygiene${name}`));
  expect(found).toHaveLength(1);
  return alarmLines(found[0]![1]);
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
  it('sns-email: the sweep’s and notifier’s errors, the notifier’s store errors, the dead-letter queue’s depth and arrivals', () => {
    const { template } = synthApp();
    const queue = logicalIdOf(template, 'AWS::SQS::Queue');
    expect(graphLines(template, 'Errors and dead letters')).toEqual([
      errorsOf(functionId(template, 'Credential hygiene sweep')),
      errorsOf(functionId(template, 'Credential hygiene notifier')),
      runLine(NOTIFIER_METRIC.storeErrors),
      queueLine('ApproximateNumberOfMessagesVisible', queue),
      queueLine('NumberOfMessagesSent', queue),
    ]);
  });

  it('relay: also the relay’s and the SES events function’s errors, and the relay’s dead-letter queue', () => {
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
          id(stack.hygiene.deadLetterQueue.node.defaultChild as never),
        ),
      ]),
    );
    expect(lines).toHaveLength(8);
  });
});

describe('the dashboard’s "Owner notices" graph', () => {
  it('shows events sent twice and malformed outbox entries beside the published and failed ones', () => {
    expect(graphLines(synthApp().template, 'Owner notices').map((l) => l.metric)).toEqual(
      expect.arrayContaining([
        NOTIFIER_METRIC.eventsPublished,
        NOTIFIER_METRIC.eventsFailed,
        NOTIFIER_METRIC.duplicatesSent,
        NOTIFIER_METRIC.malformedEvents,
      ]),
    );
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
      const functions = linesOfAlarm(template, 'FunctionDeadLetterDeliveryFailed');
      const schedules = linesOfAlarm(template, 'ScheduleDeadLetterDeliveryFailed');
      expect(functions.length).toBeGreaterThanOrEqual(3);
      expect(schedules).toEqual([
        {
          namespace: 'AWS/Scheduler',
          metric: 'InvocationsFailedToBeSentToDeadLetterCount',
          dimension: 'default',
        },
      ]);
      expect(graphLines(template, 'Not kept by the dead-letter queue')).toEqual([...functions, ...schedules]);
    });
  },
);

describe.each(ROUTES)('the dashboard (route %s)', (_route, context) => {
  it('shows every alarm’s metric, with the alarm’s namespace and dimension', () => {
    const { template } = synthApp(context);
    const shown = allLines(template);
    const missing = alarmsOf(template).flatMap(([id, alarm]) =>
      alarmLines(alarm)
        .filter((line) => !shown.some((s) => JSON.stringify(s) === JSON.stringify(line)))
        .map((line) => `${id}: ${line.namespace} ${line.metric} ${line.dimension}`),
    );
    expect(alarmsOf(template).length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
