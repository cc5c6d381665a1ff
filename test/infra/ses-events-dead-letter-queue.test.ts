import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_READ_ACTIONS,
  queuePolicyStatements,
  rolesGranted,
  subscriptionDeadLetterQueueStatements,
} from './queue-access-check';
import {
  alarmNotificationCheck,
  type CfnStatement,
  type CfnTemplate,
  type CheckResult,
  isEveryone,
  isTlsOnlyDeny,
  policyStatements,
  referencedId,
  statementCovers,
} from './structural-checks';
import { relayInStack } from './support/relay-in-stack';
import { synthApp } from './synth';

const OPERATORS = [
  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SecOps_*',
  'arn:aws:iam::123456789012:role/HygieneOperator',
];
const RELAY = { ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' } as const;
const DAY = 86_400;
const SNS_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The relay in a stack of its own, with the operators ({@link relayInStack}). */
const build = () => relayInStack({ stackName: 'SesEventsDlqTest', operators: OPERATORS });

/** The queues SNS subscriptions to a Lambda function dead-letter to: subscription id → queue id. */
function lambdaSubscriptionDeadLetterQueues(template: CfnTemplate): Map<string, string | undefined> {
  const subscriptions = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::SNS::Subscription' && r.Properties?.Protocol === 'lambda',
  );
  return new Map(
    subscriptions.map(([id, r]) => {
      const redrive = r.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
      return [id, referencedId(redrive?.deadLetterTargetArn)];
    }),
  );
}

/** The account root user's ARN as a template writes it (literal, or the `Fn::Join` of an env-agnostic stack). */
function isRoot(value: unknown): boolean {
  return /:iam::.*:root("\]|$)/.test(typeof value === 'string' ? value : JSON.stringify(value));
}

/** The key encrypts the queue, and its policy lets the root user administer it and SNS use it, nothing more. */
function keyProblems(template: CfnTemplate, where: string, queueId: string): string[] {
  const keyId = referencedId(template.Resources[queueId]?.Properties?.KmsMasterKeyId);
  const key = keyId === undefined ? undefined : template.Resources[keyId];
  if (key?.Type !== 'AWS::KMS::Key') return [`${where}: not encrypted with a KMS key of this template`];
  const snsUse = (s: CfnStatement) =>
    s.Effect === 'Allow' &&
    same(s.Principal, { Service: 'sns.amazonaws.com' }) &&
    same(s.Action, SNS_KEY_ACTIONS) &&
    same(Object.keys(s.Condition ?? {}), ['StringEquals']) &&
    same(Object.keys(s.Condition?.StringEquals ?? {}), ['aws:SourceAccount']);
  const rootAdmin = (s: CfnStatement) =>
    s.Effect === 'Allow' && isRoot((s.Principal as { AWS?: unknown })?.AWS);
  const statements = policyStatements(key.Properties?.KeyPolicy);
  return [
    ...(statements.some(snsUse)
      ? []
      : [`${where} → key ${keyId}: SNS may not use the key (it would lose each event)`]),
    ...statements
      .filter((s) => !snsUse(s) && !rootAdmin(s))
      .map((s) => `${where} → key ${keyId}: the key policy also allows ${JSON.stringify(s)}`),
  ];
}

/**
 * The queue policy: TLS only; the one Allow is SNS sending from the topic (`aws:SourceArn`); `sqs:SendMessage` denied
 * to every principal that is not an AWS service, no one excepted; reading denied to all but the root user and
 * `operators` (AWS services too: none reads it).
 */
function queuePolicyProblems(
  template: CfnTemplate,
  where: string,
  queueId: string,
  topicId: unknown,
  operators: readonly string[],
): string[] {
  const statements = queuePolicyStatements(template, queueId);
  const problems: string[] = [];
  if (!statements.some((s) => s.Effect === 'Deny' && isTlsOnlyDeny(s)))
    problems.push(`${where}: no TLS-only Deny`);
  const snsFromTopic = (s: CfnStatement) =>
    same(s.Principal, { Service: 'sns.amazonaws.com' }) &&
    same(s.Action, 'sqs:SendMessage') &&
    same(s.Condition, { ArnEquals: { 'aws:SourceArn': { Ref: topicId } } });
  const allows = statements.filter((s) => s.Effect === 'Allow');
  if (!allows.some(snsFromTopic)) problems.push(`${where}: no Allow for SNS sending from topic ${topicId}`);
  for (const other of allows.filter((s) => !snsFromTopic(s))) {
    problems.push(`${where}: Allow ${JSON.stringify(other)} lets in more than SNS sending from the topic`);
  }
  const sendDeny = (s: CfnStatement) =>
    s.Effect === 'Deny' &&
    isEveryone(s) &&
    statementCovers(s, 'sqs:SendMessage') &&
    same(s.Condition, { Bool: { 'aws:PrincipalIsAWSService': 'false' } });
  if (!statements.some(sendDeny))
    problems.push(`${where}: sqs:SendMessage not denied to every IAM principal`);
  for (const action of DEAD_LETTER_READ_ACTIONS) {
    const readDeny = statements.find(
      (s) =>
        s.Effect === 'Deny' &&
        isEveryone(s) &&
        statementCovers(s, action) &&
        same(Object.keys(s.Condition ?? {}), ['ArnNotLike']),
    );
    const listed = [readDeny?.Condition?.ArnNotLike?.['aws:PrincipalArn'] ?? []].flat();
    if (readDeny === undefined) problems.push(`${where}: ${action} not denied to all but the operators`);
    else if (!listed.some(isRoot))
      problems.push(`${where}: the root user may not ${action} (no break-glass)`);
    for (const stranger of listed.filter((v) => !isRoot(v) && !operators.includes(v as string))) {
      problems.push(`${where}: ${JSON.stringify(stranger)} may ${action} but is no operator`);
    }
  }
  return problems;
}

/** No role of the template is granted a send or a read on the queue (SNS sends; the operators read). */
function grantProblems(template: CfnTemplate, where: string, queueId: string): string[] {
  return ['sqs:SendMessage', ...DEAD_LETTER_READ_ACTIONS].flatMap((action) =>
    rolesGranted(template, queueId, action).map((role) => `${where}: ${JSON.stringify(role)} may ${action}`),
  );
}

/** A depth alarm (visible messages, ≥ 1) on the queue, which notifies someone. */
function alarmProblems(template: CfnTemplate, where: string, queueId: string): string[] {
  const onQueue = Object.values(template.Resources).filter(
    (r) =>
      r.Type === 'AWS::CloudWatch::Alarm' &&
      r.Properties?.Namespace === 'AWS/SQS' &&
      r.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
      same(r.Properties?.Dimensions, [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } },
      ]) &&
      r.Properties?.Threshold === 1 &&
      r.Properties?.ComparisonOperator === 'GreaterThanOrEqualToThreshold',
  );
  if (onQueue.length === 0) return [`${where}: no alarm on its depth`];
  return onQueue.some((r) => [r.Properties?.AlarmActions ?? []].flat().length > 0)
    ? []
    : [`${where}: its depth alarm notifies no one`];
}

/**
 * Every SNS subscription of a Lambda function has a dead-letter queue of the template, kept 14 days and named as
 * dead-letter queue by no queue, with a key SNS may use, a policy that lets only SNS from the subscription's topic
 * send and only the root user and `operators` read, no role granted either, and a depth alarm that notifies.
 * `checked` counts the subscriptions.
 */
function subscriptionDeadLetterCheck(template: CfnTemplate, operators: readonly string[] = []): CheckResult {
  const problems: string[] = [];
  const queues = lambdaSubscriptionDeadLetterQueues(template);
  for (const [subscriptionId, queueId] of queues) {
    const queue = queueId === undefined ? undefined : template.Resources[queueId];
    if (queueId === undefined || queue?.Type !== 'AWS::SQS::Queue') {
      problems.push(
        `subscription ${subscriptionId}: no dead-letter queue (an event SNS cannot deliver is dropped)`,
      );
      continue;
    }
    const where = `subscription ${subscriptionId} → queue ${queueId}`;
    if (queue.Properties?.MessageRetentionPeriod !== 14 * DAY) problems.push(`${where}: not kept 14 days`);
    if (!same(queue.Properties?.RedriveAllowPolicy, { redrivePermission: 'denyAll' })) {
      problems.push(`${where}: a queue may name it as its dead-letter queue`);
    }
    const topicId = referencedId(template.Resources[subscriptionId]?.Properties?.TopicArn);
    problems.push(
      ...keyProblems(template, where, queueId),
      ...queuePolicyProblems(template, where, queueId, topicId, operators),
      ...grantProblems(template, where, queueId),
      ...alarmProblems(template, where, queueId),
    );
  }
  return { checked: queues.size, problems };
}

/** A copy of the template with `change` applied to the resource `id`'s properties. */
function changed(
  json: CfnTemplate,
  id: string,
  change: (properties: Record<string, unknown>) => void,
): CfnTemplate {
  const copy = structuredClone(json) as {
    Resources: Record<string, { Properties: Record<string, unknown> }>;
  };
  change(copy.Resources[id]!.Properties);
  return copy as unknown as CfnTemplate;
}

/** The statements of a copied resource's policy document (`PolicyDocument`, `KeyPolicy`), to change them. */
function statementsOf(properties: Record<string, unknown>, document: string): CfnStatement[] {
  return (properties[document] as { Statement: CfnStatement[] }).Statement;
}

describe('the SES events dead-letter queue (construct)', () => {
  const built = build();
  const { relay, resolve, idOf, root } = built;
  const queueArn = resolve(relay.sesEventsDeadLetterQueue.queueArn);

  it('is the SES events subscription’s redrive target, encrypted with its own rotating key, kept 14 days, no redrive source', () => {
    const subscriptions = built.template.findResources('AWS::SNS::Subscription', {
      Properties: { Protocol: 'lambda' },
    });
    expect(
      Object.values(subscriptions).map((s) => [s.Properties.TopicArn, s.Properties.RedrivePolicy]),
    ).toEqual([[resolve(relay.sesEventsTopic.topicArn), { deadLetterTargetArn: queueArn }]]);
    const queue = built.json.Resources[idOf(relay.sesEventsDeadLetterQueue)]!;
    const keyId = referencedId(queue.Properties?.KmsMasterKeyId)!;
    expect(queue.Properties).toEqual({
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      MessageRetentionPeriod: 14 * DAY,
      RedriveAllowPolicy: { redrivePermission: 'denyAll' },
    });
    expect(built.json.Resources[keyId]?.Properties?.EnableKeyRotation).toBe(true);
  });

  it('has a key policy that lets SNS use the key for this account, and nothing else new (the statements, exactly)', () => {
    const keyId = referencedId(
      built.json.Resources[idOf(relay.sesEventsDeadLetterQueue)]!.Properties?.KmsMasterKeyId,
    )!;
    expect(policyStatements(built.json.Resources[keyId]!.Properties?.KeyPolicy)).toEqual([
      { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: root }, Resource: '*' },
      {
        Sid: 'AllowSnsToKeepUndeliveredSesEvents',
        Action: SNS_KEY_ACTIONS,
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Resource: '*',
      },
    ]);
  });

  it('lets only SNS from the SES events topic send, and only the operators and the root user read (the statements, exactly)', () => {
    expect(queuePolicyStatements(built.json, idOf(relay.sesEventsDeadLetterQueue))).toEqual(
      subscriptionDeadLetterQueueStatements(queueArn, resolve(relay.sesEventsTopic.topicArn), [
        ...OPERATORS,
        root,
      ]),
    );
  });

  it('passes the structural check with the operators, and cdk-nag (AwsSolutions)', () => {
    expect(subscriptionDeadLetterCheck(built.json, OPERATORS)).toEqual({ checked: 1, problems: [] });
    expect(new AwsSolutionsChecks().validateScope(built.app).violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('the SES events dead-letter queue (the shipped stack, route relay)', () => {
  const { template } = synthApp(RELAY);
  const json = template.toJSON() as CfnTemplate;
  const [[subscriptionId, queueId]] = [...lambdaSubscriptionDeadLetterQueues(json)] as [[string, string]];
  const policyId = Object.keys(json.Resources).find(
    (id) =>
      json.Resources[id]?.Type === 'AWS::SQS::QueuePolicy' &&
      referencedId((json.Resources[id]?.Properties?.Queues as unknown[] | undefined)?.[0]) === queueId,
  )!;
  const keyId = referencedId(json.Resources[queueId]?.Properties?.KmsMasterKeyId)!;
  const subscriptionTopicId = referencedId(json.Resources[subscriptionId]?.Properties?.TopicArn)!;
  const alarmId = Object.keys(json.Resources).find(
    (id) =>
      json.Resources[id]?.Type === 'AWS::CloudWatch::Alarm' && id.includes('SesEventsDeadLetterMessages'),
  )!;

  it('passes the structural check: redrive target, key, policy, no role granted, depth alarm', () => {
    expect(queueId).toMatch(/^HygieneRelaySesEventsDeadLetterQueue/);
    expect(subscriptionDeadLetterCheck(json)).toEqual({ checked: 1, problems: [] });
  });

  it('its depth alarm is among those the alarm → topic → key walk checks, and notifies the alarm topic', () => {
    expect(json.Resources[alarmId]?.Properties?.AlarmActions).toEqual([
      { Ref: expect.stringMatching(/^HygieneAlarmTopic/) },
    ]);
    const walk = alarmNotificationCheck(json);
    expect(walk.problems).toEqual([]);
    const silenced = changed(json, alarmId, (p) => {
      delete p.AlarmActions;
    });
    expect(alarmNotificationCheck(silenced).problems).toEqual([
      `alarm ${alarmId} has no action: it notifies no one`,
    ]);
  });

  it.each([
    [
      'no redrive policy',
      subscriptionId,
      (p: Record<string, unknown>) => delete p.RedrivePolicy,
      /no dead-letter queue/,
    ],
    [
      'no send Deny',
      policyId,
      (p: Record<string, unknown>) => {
        const document = p.PolicyDocument as { Statement: CfnStatement[] };
        document.Statement = statementsOf(p, 'PolicyDocument').filter((s) => s.Sid !== 'SendOnlyBySns');
      },
      /sqs:SendMessage not denied to every IAM principal/,
    ],
    [
      'no read Deny',
      policyId,
      (p: Record<string, unknown>) => {
        const document = p.PolicyDocument as { Statement: CfnStatement[] };
        document.Statement = statementsOf(p, 'PolicyDocument').filter(
          (s) => s.Sid !== 'ReceiveOnlyByOperators',
        );
      },
      /sqs:ReceiveMessage not denied to all but the operators/,
    ],
    [
      'an Allow not scoped to the topic',
      policyId,
      (p: Record<string, unknown>) => {
        const allow = statementsOf(p, 'PolicyDocument').find((s) => s.Effect === 'Allow') as {
          Condition?: unknown;
        };
        delete allow.Condition;
      },
      /lets in more than SNS sending from the topic/,
    ],
    [
      'a key SNS may not use',
      keyId,
      (p: Record<string, unknown>) => {
        const document = p.KeyPolicy as { Statement: CfnStatement[] };
        document.Statement = statementsOf(p, 'KeyPolicy').filter((s) => s.Sid === undefined);
      },
      /SNS may not use the key/,
    ],
    [
      'a key open to another principal',
      keyId,
      (p: Record<string, unknown>) => {
        statementsOf(p, 'KeyPolicy').push({
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'kms:Decrypt',
        });
      },
      /the key policy also allows/,
    ],
    [
      'a 4-day retention',
      queueId,
      (p: Record<string, unknown>) => {
        p.MessageRetentionPeriod = 4 * DAY;
      },
      /not kept 14 days/,
    ],
    [
      'no depth alarm',
      alarmId,
      (p: Record<string, unknown>) => {
        p.MetricName = 'NumberOfMessagesSent';
      },
      /no alarm on its depth/,
    ],
  ])('reports %s', (_what, id, change, problem) => {
    expect(subscriptionDeadLetterCheck(changed(json, id, change)).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(problem)]),
    );
  });

  it('puts beside the events SNS could not deliver those it could not keep in the queue either, on the dashboard', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard).toBeDefined();
    const parts = (dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const at = parts.findIndex(
      (part) =>
        typeof part === 'string' &&
        part.endsWith('"NumberOfNotificationsFailedToRedriveToDlq","TopicName","'),
    );
    expect(parts[at + 1]).toEqual({ 'Fn::GetAtt': [subscriptionTopicId, 'TopicName'] });
    expect(parts[at + 2]).toMatch(/^",\{"label":"[^"]*\(lost\)","period":3600,"stat":"Sum"\}/);
  });

  it('reports a role of the stack granted a read there (no worker role may receive or send)', () => {
    const [roleId] = Object.entries(json.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role')!;
    const granted = structuredClone(json) as { Resources: Record<string, unknown> };
    granted.Resources.ExtraPolicy = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'Extra',
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          ],
        },
      },
    };
    expect(subscriptionDeadLetterCheck(granted as unknown as CfnTemplate).problems).toEqual([
      `subscription ${subscriptionId} → queue ${queueId}: ${JSON.stringify({ 'Fn::GetAtt': [roleId, 'Arn'] })} may sqs:ReceiveMessage`,
    ]);
  });
});
