/**
 * The relay queue's subscription to the notification topic keeps what SNS cannot deliver to the queue: the notifier
 * marks an owner's notices sent once SNS accepts the publish, so a digest SNS drops (the queue's policy or key changed
 * by hand, the queue deleted) reaches no one. Its dead-letter queue is built and locked as the SES events
 * subscription's is (test/infra/ses-events-dead-letter-queue.test.ts): its own key SNS may use, only SNS from the
 * topic sending, only the operators and the root user reading, kept 14 days, and a depth alarm that notifies
 * (docs/deploy.md, "Runbook: Relay subscription dead letters").
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_READ_ACTIONS,
  queuePolicyStatements,
  rolesGranted,
  subscriptionDeadLetterQueueStatements,
} from './queue-access-check';
import { type CfnTemplate, policyStatements, referencedId } from './structural-checks';
import { relayInStack } from './support/relay-in-stack';
import { synthApp } from './synth';

const OPERATORS = ['arn:aws:iam::123456789012:role/HygieneOperator'];
const DAY = 86_400;

/** The SQS subscriptions of the template: their topic and redrive policy. */
function sqsSubscriptions(template: CfnTemplate): { topic: unknown; redrive: unknown }[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::SNS::Subscription' && r.Properties?.Protocol === 'sqs')
    .map((r) => ({ topic: r.Properties?.TopicArn, redrive: r.Properties?.RedrivePolicy }));
}

describe('the relay subscription dead-letter queue (construct)', () => {
  const built = relayInStack({ stackName: 'RelaySubscriptionDlqTest', operators: OPERATORS });
  const { relay, resolve, idOf, root, json } = built;
  const queue = relay.relaySubscriptionDeadLetterQueue;
  const queueArn = resolve(queue.queueArn);

  it('is the relay queue subscription’s redrive target, encrypted with its own rotating key, kept 14 days, no redrive source', () => {
    expect(sqsSubscriptions(json)).toEqual([
      { topic: resolve(built.topic.topicArn), redrive: { deadLetterTargetArn: queueArn } },
    ]);
    const keyId = referencedId(json.Resources[idOf(queue)]!.Properties?.KmsMasterKeyId)!;
    expect(json.Resources[idOf(queue)]!.Properties).toEqual({
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      MessageRetentionPeriod: 14 * DAY,
      RedriveAllowPolicy: { redrivePermission: 'denyAll' },
    });
    expect(json.Resources[keyId]?.Properties?.EnableKeyRotation).toBe(true);
    expect(keyId).not.toBe(
      referencedId(json.Resources[idOf(relay.sesEventsDeadLetterQueue)]!.Properties?.KmsMasterKeyId),
    );
  });

  it('has a key policy that lets SNS use the key for this account, and nothing else new (the statements, exactly)', () => {
    const keyId = referencedId(json.Resources[idOf(queue)]!.Properties?.KmsMasterKeyId)!;
    expect(policyStatements(json.Resources[keyId]!.Properties?.KeyPolicy)).toEqual([
      { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: root }, Resource: '*' },
      {
        Sid: 'AllowSnsToKeepUndeliveredDigests',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Resource: '*',
      },
    ]);
  });

  it('lets only SNS from the notification topic send, and only the operators and the root user read (the statements, exactly)', () => {
    expect(queuePolicyStatements(json, idOf(queue))).toEqual(
      subscriptionDeadLetterQueueStatements(queueArn, resolve(built.topic.topicArn), [...OPERATORS, root]),
    );
  });

  it('grants no role of the stack a send or a read there (SNS sends; the operators read)', () => {
    for (const action of ['sqs:SendMessage', ...DEAD_LETTER_READ_ACTIONS]) {
      expect(rolesGranted(json, idOf(queue), action), action).toEqual([]);
    }
  });

  it('alarms while any digest is there, on the alarm topic, citing its runbook', () => {
    const alarms = built.template.findResources('AWS::CloudWatch::Alarm', {
      Properties: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: resolve(queue.queueName) }],
      },
    });
    expect(Object.values(alarms).map((a) => a.Properties)).toEqual([
      expect.objectContaining({
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [resolve(built.alarmTopic.topicArn)],
        AlarmDescription: expect.stringContaining('"Runbook: Relay subscription dead letters"'),
      }),
    ]);
  });

  it('passes cdk-nag (AwsSolutions)', () => {
    expect(new AwsSolutionsChecks().validateScope(built.app).violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('the relay subscription dead-letter queue (the shipped stack, route relay)', () => {
  const { template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
  const json = template.toJSON() as CfnTemplate;

  it('is the redrive target of the relay queue’s subscription to the notification topic, and its alarm notifies the alarm topic', () => {
    const [subscription] = sqsSubscriptions(json);
    expect(referencedId(subscription?.topic)).toMatch(/^HygieneTopic/);
    const queueId = referencedId(
      (subscription?.redrive as { deadLetterTargetArn?: unknown })?.deadLetterTargetArn,
    );
    expect(queueId).toMatch(/^HygieneRelayRelaySubscriptionDeadLetterQueue/);
    const [alarm] = Object.entries(json.Resources).filter(
      ([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && id.includes('RelaySubscriptionDeadLetterMessages'),
    );
    expect(alarm?.[1].Properties?.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } },
    ]);
    expect(alarm?.[1].Properties?.AlarmActions).toEqual([
      { Ref: expect.stringMatching(/^HygieneAlarmTopic/) },
    ]);
  });
});
