/**
 * The dashboard's failure graphs, read from the synthesized body with each
 * token put back as the logical id it names: every function's errors (the
 * relay's two on the relay route), both dead-letter queues, and the notifier's
 * figures that no other graph showed (store errors, duplicates, malformed entries).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { NOTIFIER_METRIC } from '../../lambdas/handlers/metric-names';
import { referencedId } from './structural-checks';
import { logicalIdOf, synthApp } from './synth';

/** One graph line: namespace, metric name, and its dimension value (a logical id for a resource). */
interface Line {
  readonly namespace: string;
  readonly metric: string;
  readonly dimension: string;
}

/** The lines of the dashboard graph titled `title`. */
function graphLines(template: Template, title: string): Line[] {
  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!;
  const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts.map((p) => (typeof p === 'string' ? p : (referencedId(p) ?? 'TOKEN'))).join('');
  const body = JSON.parse(text) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] };
  const graph = body.widgets.find((w) => w.properties.title === title);
  if (graph === undefined) throw new Error(`no graph "${title}"`);
  return (graph.properties.metrics ?? []).map(([namespace, metric, , dimension]) => ({
    namespace: String(namespace),
    metric: String(metric),
    dimension: String(dimension),
  }));
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
