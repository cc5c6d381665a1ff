/**
 * The relay queue's, its DLQ's and the ledger's lifetimes against each other
 * (docs/deploy.md, "Redriving the relay DLQ"), read from the synthesized
 * stack. SQS moves a standard queue's message to its DLQ with its original
 * enqueue time, so the DLQ's retention counts from the digest's arrival in the
 * relay queue: the queue must keep a digest for less, or a digest that waited
 * there has little or no time left in the DLQ. A redrive sends the digest back
 * as a new message whose retention starts again, so the ledger entry that says
 * it was sent must outlive the DLQ's retention plus the queue's.
 */
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_RETENTION_DAYS,
  RELAY_LEDGER_RETENTION_DAYS,
  RELAY_QUEUE_RETENTION_DAYS,
} from '../../lambdas/aws/relay-ledger-table-definition';
import { scheduleDeadLetterQueues } from './queue-access-check';
import type { CfnTemplate } from './structural-checks';
import { logicalIdOf, synthApp } from './synth';

const DAY = 86_400;

describe('the relay’s retentions', () => {
  const { template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
  const queues = template.findResources('AWS::SQS::Queue');
  /** The relay queue: the SQS endpoint of the topic's subscription. */
  const queueId = (() => {
    const subscription = Object.values(template.findResources('AWS::SNS::Subscription')).find(
      (s) => s.Properties.Protocol === 'sqs',
    );
    return subscription!.Properties.Endpoint['Fn::GetAtt'][0] as string;
  })();
  const dlqId = queues[queueId]!.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
  const retention = (id: string) => queues[id]!.Properties.MessageRetentionPeriod as number;

  it('are the ones the ledger is reasoned from', () => {
    expect(retention(queueId)).toBe(RELAY_QUEUE_RETENTION_DAYS * DAY);
    expect(retention(dlqId)).toBe(DEAD_LETTER_RETENTION_DAYS * DAY);
  });

  it('every dead-letter queue, the worker’s too, keeps a message the days the ledger’s TTL is computed from', () => {
    const [workerDlqId] = scheduleDeadLetterQueues(template.toJSON() as CfnTemplate);
    expect([workerDlqId!, dlqId].map(retention)).toEqual([
      DEAD_LETTER_RETENTION_DAYS * DAY,
      DEAD_LETTER_RETENTION_DAYS * DAY,
    ]);
  });

  it('the queue keeps a digest 7 days, so one moved to the DLQ (with its enqueue time) has a week there', () => {
    expect(retention(queueId)).toBe(7 * DAY);
    expect(retention(dlqId) - retention(queueId)).toBeGreaterThanOrEqual(7 * DAY);
  });

  it('the ledger outlives a redrive: the DLQ’s retention, then the queue’s again for the redriven message, and a day', () => {
    expect(RELAY_LEDGER_RETENTION_DAYS * DAY).toBeGreaterThanOrEqual(
      retention(dlqId) + retention(queueId) + DAY,
    );
    expect(RELAY_LEDGER_RETENTION_DAYS).toBe(22);
  });

  it('the queue’s age alarm says how long the queue keeps a digest', () => {
    const alarmId = logicalIdOf(template, 'AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
    const description =
      template.findResources('AWS::CloudWatch::Alarm')[alarmId]!.Properties.AlarmDescription;
    expect(description).toContain('The queue deletes a digest after 7 days.');
  });
});
