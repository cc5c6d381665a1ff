/**
 * The outputs the stack-aware CLI reads (`--stack`, cli/aws/deployment-lookup.ts)
 * exist under the names it looks for, and the sweep function's environment
 * carries the deployed config it reads back (docs/deploy.md, "Operating a
 * deployment"); and the outputs the runbooks name (the schedules, the queues:
 * docs/deploy.md, "Upgrading: the relay queue is replaced", "Runbook:
 * Reconciler heartbeat") are there, each the value of what it names.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STACK_OUTPUT } from '../../cli/aws/deployment-lookup';
import { configFromEnvironment } from '../../lambdas/handlers/environment';
import { synthApp } from './synth';

describe('stack outputs for pc-hygiene --stack', () => {
  // With a raised filterPolicyQuota: its output (FilterPolicyQuota) is declared only then.
  const { template, stack } = synthApp({ mode: 'enforce', staleAfterDays: '60', filterPolicyQuota: '1000' });

  it('declares every output the CLI reads', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(Object.values(STACK_OUTPUT)));
  });

  it("the sweep function's environment reads back as the deployed config", () => {
    const fn = stack.hygiene.sweepFunction.function;
    const resource = template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)] as {
      Properties: { Environment: { Variables: Record<string, string> } };
    };
    const config = configFromEnvironment(resource.Properties.Environment.Variables);
    expect(config).toMatchObject({ mode: 'enforce', staleAfterDays: 60 });
  });
});

describe('stack outputs the runbooks name', () => {
  /** The value of the output `id` (undefined when the template has none). */
  const outputValue = (template: Template, id: string): unknown => template.findOutputs(id)[id]?.Value;

  it('names the three schedules and the dead-letter queue, and no relay queue without the relay', () => {
    const { template, stack } = synthApp();
    const { hygiene } = stack;
    expect(outputValue(template, 'SweepScheduleName')).toEqual(
      stack.resolve(hygiene.sweepSchedule.scheduleName),
    );
    expect(outputValue(template, 'NotifierScheduleName')).toEqual(
      stack.resolve(hygiene.notifierSchedule.scheduleName),
    );
    expect(outputValue(template, 'ReconcilerScheduleName')).toEqual(
      stack.resolve(hygiene.reconcilerSchedule.scheduleName),
    );
    expect(outputValue(template, 'DeadLetterQueueUrl')).toEqual(
      stack.resolve(hygiene.deadLetterQueue.queueUrl),
    );
    expect(Object.keys(template.findOutputs('*')).filter((id) => id.startsWith('Relay'))).toEqual([]);
  });

  it('on relay, names the relay queue and its DLQ, each its own', () => {
    const { template, stack } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
    const relay = stack.hygiene.relay!;
    expect(outputValue(template, 'RelayQueueUrl')).toEqual(stack.resolve(relay.queue.queueUrl));
    expect(outputValue(template, 'RelayDeadLetterQueueUrl')).toEqual(
      stack.resolve(relay.deadLetterQueue.queueUrl),
    );
    expect(outputValue(template, 'RelayQueueUrl')).not.toEqual(
      outputValue(template, 'RelayDeadLetterQueueUrl'),
    );
    // The runbook's replay reads the SES events DLQ from this output (docs/deploy.md, "Runbook: SES events not delivered").
    expect(outputValue(template, 'SesEventsDeadLetterQueueUrl')).toEqual(
      stack.resolve(relay.sesEventsDeadLetterQueue.queueUrl),
    );
    // The runbook's move reads the relay subscription's DLQ from this output (docs/deploy.md, "Runbook: Relay
    // subscription dead letters").
    expect(outputValue(template, 'RelaySubscriptionDeadLetterQueueUrl')).toEqual(
      stack.resolve(relay.relaySubscriptionDeadLetterQueue.queueUrl),
    );
    expect(outputValue(template, 'SesEventsFunctionName')).toEqual(
      stack.resolve(relay.sesEventsFunction.function.functionName),
    );
  });
});
