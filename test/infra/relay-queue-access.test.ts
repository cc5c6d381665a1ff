/**
 * The relay queue and its DLQ are locked like the topics (docs/deploy.md,
 * "Security choices"): the exact Deny statements of both queue policies as
 * synthesized, the SNS Allow still scoped by `aws:SourceArn`, the relay role's
 * exception, the operators' redrive, the root user's break-glass; the
 * structural check over the template (`queue-access-check.ts`) on the construct
 * and on the stack, and that it reports each Deny removed; the redrive allow
 * policies (no queue may dead-letter into the relay queue, only the relay queue
 * into its DLQ, named by the queue's fixed name in the stack's account and
 * region: no dependency cycle) and that the check reports each one opened or
 * naming another account's or region's queue; the queue's 7-day retention and its
 * oldest-digest age alarm; cdk-nag.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { addDeadLetterQueue } from '../../lib/dead-letter-queue';
import { OwnerEmailRelay } from '../../lib/owner-email-relay';
import { queuePolicyStatements, relayQueueAccessCheck, stackEnv } from './queue-access-check';
import { alarmNotificationCheck, type CfnStatement, type CfnTemplate } from './structural-checks';
import { relayInStack } from './support/relay-in-stack';
import { logicalIdOf, SKIP_BUNDLING, synthApp } from './synth';

const OPERATORS = [
  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SecOps_*',
  'arn:aws:iam::123456789012:role/HygieneOperator',
];
const RECEIVE = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:PurgeQueue'];
const NOT_A_SERVICE = { 'aws:PrincipalIsAWSService': 'false' };
const DAYS = 86_400;

/** The relay in a stack of its own ({@link relayInStack}). */
const build = relayInStack;

type Built = ReturnType<typeof build>;

/** The statements of a queue's policy, by the queue's logical id. */
function statementsOf(built: Built, queue: 'queue' | 'deadLetterQueue'): CfnStatement[] {
  return queuePolicyStatements(built.json, built.idOf(built.relay[queue]));
}

/** A queue policy statement of a copied template, to change. */
interface Editable {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Condition?: { ArnNotLike?: { 'aws:PrincipalArn': unknown[] } } & Record<string, unknown>;
}

/** A copy of the template, and the statement lists of its queue policies to change it through. */
function editable(json: CfnTemplate): { copy: CfnTemplate; policies: { Statement: Editable[] }[] } {
  const copy = structuredClone(json);
  const policies = Object.values(copy.Resources)
    .filter((r) => r.Type === 'AWS::SQS::QueuePolicy')
    .map((r) => r.Properties?.PolicyDocument as { Statement: Editable[] });
  return { copy, policies };
}

/** The template with the statement `sid` taken out of every queue policy. */
function without(json: CfnTemplate, sid: string): CfnTemplate {
  const { copy, policies } = editable(json);
  for (const policy of policies) policy.Statement = policy.Statement.filter((s) => s.Sid !== sid);
  return copy;
}

describe('the relay queue policy', () => {
  const built = build({ operators: OPERATORS });
  const { relay, topic, resolve, root } = built;
  const queueArn = resolve(relay.queue.queueArn);
  const relayRole = resolve(relay.relayFunction.role.roleArn);
  const tlsOnly = {
    Action: 'sqs:*',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Resource: queueArn,
  };

  it('lets only SNS from the topic and the operators send, and only the relay and the operators receive (exactly these statements)', () => {
    expect(statementsOf(built, 'queue')).toEqual([
      tlsOnly,
      // The subscription's Allow: the only service the policy lets in, from this topic only.
      {
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': resolve(topic.topicArn) } },
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Resource: queueArn,
      },
      {
        Sid: 'SendOnlyBySnsAndOperators',
        Action: 'sqs:SendMessage',
        Condition: { Bool: NOT_A_SERVICE, ArnNotLike: { 'aws:PrincipalArn': [...OPERATORS, root] } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: queueArn,
      },
      {
        Sid: 'ReceiveOnlyByTheRelayAndOperators',
        Action: RECEIVE,
        Condition: {
          Bool: NOT_A_SERVICE,
          ArnNotLike: { 'aws:PrincipalArn': [relayRole, ...OPERATORS, root] },
        },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: queueArn,
      },
    ]);
  });

  it('lets only the operators (and the root user) receive, redrive or send on the DLQ, and allows no one', () => {
    const dlqArn = resolve(relay.deadLetterQueue.queueArn);
    const keepers = { Bool: NOT_A_SERVICE, ArnNotLike: { 'aws:PrincipalArn': [...OPERATORS, root] } };
    expect(statementsOf(built, 'deadLetterQueue')).toEqual([
      { ...tlsOnly, Resource: dlqArn },
      {
        Sid: 'SendOnlyByOperators',
        Action: 'sqs:SendMessage',
        Condition: keepers,
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: dlqArn,
      },
      {
        Sid: 'ReceiveOrRedriveOnlyByOperators',
        Action: [...RECEIVE, 'sqs:StartMessageMoveTask'],
        Condition: keepers,
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: dlqArn,
      },
    ]);
  });

  it('still lets the relay’s event source mapping receive, and every redriver send back (structural check)', () => {
    expect(relayQueueAccessCheck(built.json, stackEnv(built.stack))).toEqual({ checked: 1, problems: [] });
  });

  it.each([
    ['SendOnlyBySnsAndOperators', /no Deny of sqs:SendMessage .*open to any IAM grant/],
    ['ReceiveOnlyByTheRelayAndOperators', /no Deny of sqs:ReceiveMessage .*open to any IAM grant/],
    ['SendOnlyByOperators', /no Deny of sqs:SendMessage .*open to any IAM grant/],
    ['ReceiveOrRedriveOnlyByOperators', /no Deny of sqs:StartMessageMoveTask .*open to any IAM grant/],
  ])('reports the template without %s', (sid, problem) => {
    const { problems } = relayQueueAccessCheck(without(built.json, sid), stackEnv(built.stack));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('reports a relay role left off the receive list, an operator who could redrive but not send back, a wider Allow, and a Deny of administration', () => {
    const { copy, policies } = editable(built.json);
    const statements = policies.flatMap((p) => p.Statement);
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;
    const receivers = bySid('ReceiveOnlyByTheRelayAndOperators').Condition!.ArnNotLike!;
    receivers['aws:PrincipalArn'] = receivers['aws:PrincipalArn'].slice(1);
    bySid('SendOnlyBySnsAndOperators').Condition!.ArnNotLike!['aws:PrincipalArn'] = [root];
    delete statements.find((s) => s.Effect === 'Allow')!.Condition;
    (bySid('ReceiveOrRedriveOnlyByOperators').Action as string[]).push('sqs:SetQueueAttributes');

    const { problems } = relayQueueAccessCheck(copy, stackEnv(built.stack));

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/needs sqs:ReceiveMessage but the queue policy denies it/),
        expect.stringMatching(/HygieneOperator.*may redrive but not send to/),
        expect.stringMatching(/lets in more than SNS delivering from the topic/),
        expect.stringMatching(/no Allow for SNS delivering from topic/),
        expect.stringMatching(/takes sqs:SetQueueAttributes from the account/),
      ]),
    );
  });

  it('passes cdk-nag (AwsSolutions) with operators on the queues', () => {
    expect(new AwsSolutionsChecks().validateScope(built.app).violations.map((v) => v.ruleName)).toEqual([]);
  });
});

/** A `byQueue` policy naming the relay queue (`NAME`) by an ARN of the stack's partition and `middle`. */
const byName = (middle: string) => ({
  redrivePermission: 'byQueue',
  sourceQueueArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `${middle}NAME`]] }],
});

describe('the relay queues’ redrive allow policies (SQS’s move into a dead-letter queue is no SendMessage)', () => {
  const built = build();
  const queueId = built.idOf(built.relay.queue);
  const dlqId = built.idOf(built.relay.deadLetterQueue);
  const queues = built.template.findResources('AWS::SQS::Queue');
  const queueName = queues[queueId]?.Properties.QueueName as string;

  it('lets no queue make the relay queue its dead-letter queue, and only the relay queue the DLQ', () => {
    expect(queues[queueId]?.Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'denyAll' });
    expect(queues[dlqId]?.Properties.RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      // By the queue's fixed name: a reference to the queue would be a cycle (its redrive policy names the DLQ).
      sourceQueueArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sqs:eu-west-1:123456789012:${queueName}`]] },
      ],
    });
  });

  it('names the relay queue after the stack and the construct path, hashed, within SQS’s 80 characters', () => {
    expect(queueName).toMatch(/^RelayQueueTest-Relay-[0-9A-F]{8}-queue$/);
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, `A${'x'.repeat(120)}`, {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const key = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
    const props = {
      topic,
      directoryTable: new dynamodb.Table(stack, 'Directory', {
        partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
      }),
      failedInvocationQueue: addDeadLetterQueue(stack, 'Failed', 'the test'),
      config: parseConfig({ ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' }),
      metricsNamespace: 'PersonalClientHygiene',
      serviceName: 'personal-client-hygiene',
    };
    const names = [
      new OwnerEmailRelay(stack, 'Relay', props),
      new OwnerEmailRelay(stack, `Relay${'y'.repeat(60)}`, { ...props, serviceName: 'second' }),
    ].map((relay) => stack.resolve((relay.queue.node.defaultChild as sqs.CfnQueue).queueName) as string);

    for (const name of names) expect(name.length).toBeLessThanOrEqual(80);
    expect(new Set(names).size).toBe(2);
  });

  it.each([
    [
      'the queue opened to every source',
      'queue',
      { redrivePermission: 'allowAll' },
      /RelayQueue\w+: any queue may/,
    ],
    ['the queue without a policy', 'queue', undefined, /RelayQueue\w+: any queue may/],
    ['the DLQ opened to every source', 'dlq', { redrivePermission: 'allowAll' }, /not only queue RelayQueue/],
    [
      'the DLQ naming another queue',
      'dlq',
      { redrivePermission: 'byQueue', sourceQueueArns: ['arn:aws:sqs:eu-west-1:123456789012:attacker'] },
      /names "arn:aws:sqs:eu-west-1:123456789012:attacker", not queue RelayQueue/,
    ],
    [
      'the DLQ referring to the queue (a cycle)',
      'dlq',
      { redrivePermission: 'byQueue', sourceQueueArns: [{ 'Fn::GetAtt': ['QUEUE', 'Arn'] }] },
      /a dependency cycle/,
    ],
    [
      'the DLQ naming a queue of the relay queue’s name in another account',
      'dlq',
      byName(':sqs:eu-west-1:210987654321:'),
      /names .*, not queue RelayQueue\w+ .*account 210987654321, not 123456789012/,
    ],
    [
      'the DLQ naming a queue of the relay queue’s name in another region',
      'dlq',
      byName(':sqs:eu-central-1:123456789012:'),
      /names .*, not queue RelayQueue\w+ .*region eu-central-1, not eu-west-1/,
    ],
  ])('the check reports %s', (_what, which, policy, problem) => {
    const copy = structuredClone(built.json);
    const target = copy.Resources[which === 'queue' ? queueId : dlqId]!.Properties!;
    const json = JSON.stringify(policy)?.replace('QUEUE', queueId).replace('NAME', queueName);
    if (json === undefined) delete target.RedriveAllowPolicy;
    else target.RedriveAllowPolicy = JSON.parse(json);

    expect(relayQueueAccessCheck(copy, stackEnv(built.stack)).problems).toEqual([
      expect.stringMatching(problem),
    ]);
  });
});

describe('the relay queues without operators', () => {
  it('leave receiving, redriving and sending to the root user (and receiving from the queue to the relay)', () => {
    const built = build();
    const lists = [...statementsOf(built, 'queue'), ...statementsOf(built, 'deadLetterQueue')]
      .filter((s) => s.Effect === 'Deny' && s.Sid !== undefined)
      .map((s) => [s.Sid, s.Condition?.ArnNotLike?.['aws:PrincipalArn']]);
    const relayRole = built.resolve(built.relay.relayFunction.role.roleArn);

    expect(Object.fromEntries(lists)).toEqual({
      SendOnlyBySnsAndOperators: [built.root],
      ReceiveOnlyByTheRelayAndOperators: [relayRole, built.root],
      SendOnlyByOperators: [built.root],
      ReceiveOrRedriveOnlyByOperators: [built.root],
    });
    expect(relayQueueAccessCheck(built.json, stackEnv(built.stack))).toEqual({ checked: 1, problems: [] });
  });

  it('pass the structural check in the deployed stack (route relay), where the root user is the account’s', () => {
    const { stack, template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
    expect(relayQueueAccessCheck(template.toJSON() as CfnTemplate, stackEnv(stack))).toEqual({
      checked: 1,
      problems: [],
    });
  });

  it('in the deployed stack (no env), the check reports a DLQ source named in a fixed account, not the stack’s', () => {
    const { stack, template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
    const copy = structuredClone(template.toJSON() as CfnTemplate);
    const [dlqId, dlq] = Object.entries(copy.Resources).find(
      ([, r]) =>
        (r.Properties?.RedriveAllowPolicy as { redrivePermission?: string })?.redrivePermission === 'byQueue',
    )!;
    const policy = dlq.Properties!.RedriveAllowPolicy as { sourceQueueArns: unknown[] };
    policy.sourceQueueArns = JSON.parse(
      JSON.stringify(policy.sourceQueueArns).replace('{"Ref":"AWS::AccountId"}', '"210987654321"'),
    );

    expect(relayQueueAccessCheck(copy, stackEnv(stack)).problems).toEqual([
      expect.stringMatching(new RegExp(`queue ${dlqId}: .*account 210987654321, not \\{AWSAccountId\\}`)),
    ]);
  });

  it('are not there on route sns-email (nothing to check)', () => {
    const { template } = synthApp({ ownerDelivery: 'sns-email' });
    expect(relayQueueAccessCheck(template.toJSON() as CfnTemplate)).toEqual({ checked: 0, problems: [] });
  });
});

describe('the relay queue’s retention and age alarm', () => {
  const built = build();
  const queueId = built.idOf(built.relay.queue);
  const dlqId = built.idOf(built.relay.deadLetterQueue);

  it('keeps a digest 7 days, less than its DLQ’s 14 (a moved digest keeps its enqueue time: relay-retention.test.ts)', () => {
    const queues = built.template.findResources('AWS::SQS::Queue');
    expect(queues[queueId]?.Properties.MessageRetentionPeriod).toBe(7 * DAYS);
    expect(queues[dlqId]?.Properties.MessageRetentionPeriod).toBe(14 * DAYS);
  });

  it('alarms on the alarm topic when the queue’s oldest digest is an hour old (twice 5 deliveries × 6 minutes)', () => {
    const alarmId = logicalIdOf(built.template, 'AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
    const alarm = built.template.findResources('AWS::CloudWatch::Alarm')[alarmId]!.Properties;

    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 3600,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [built.resolve(built.alarmTopic.topicArn)],
    });
  });

  it('notifies the stack’s alarm topic, which lets CloudWatch publish (structural check)', () => {
    const { template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') }],
    });
    expect(alarmNotificationCheck(template.toJSON() as CfnTemplate).problems).toEqual([]);
  });

  it('scales the threshold with the deliveries a digest is allowed before the DLQ', () => {
    const { template } = build({ maxReceiveCount: 3 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 2 * 3 * 360,
    });
  });
});
