/**
 * The SES email relay construct (template assertions, cdk-nag): the queue's
 * `audience=owner` subscription (raw delivery off), the encryption and TLS of
 * the relay queue and of its DLQ (each found by its logical id), the DLQ,
 * the event source with partial batch responses (the mapping exactly), `ses:SendEmail` and
 * `ses:SendRawEmail` (the relay sends raw MIME) scoped to the identity and the
 * configuration set, the relay function's permissions
 * (exactly: on its queue only the three actions Lambda's poller calls), the configuration set's bounce and complaint
 * destination, its TLS requirement, its
 * suppression list (bounces and complaints, whatever the account's setting), the ledger's AWS-managed key,
 * the SES events key's statement for SES (exactly: this account and this
 * configuration set), the SES events function's permissions (exactly: the
 * directory, the ledger's read and update, publishing the bounce reports to
 * the notification topic with its key, and being on the topic's publish
 * allow-list), its reserved concurrency of 1 (bounce reports paced across
 * invocations; no alarm on throttles), the alarms (among them: each digest given up on, the relay's
 * `RELAY_MAX_RECEIVE_COUNT` being the redrive policy's own value; SES events
 * SNS could not deliver or the function could not read; providers' auth-failure or virus reports), no per-owner
 * resource, and the synth error naming `senderIdentity` when it is missing.
 */
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { RELAY_METRIC, SES_EVENTS_METRIC } from '../../lambdas/handlers/metric-names';
import { parseConfig } from '../../lambdas/hygiene/config';
import { addDeadLetterQueue } from '../../lib/dead-letter-queue';
import { TopicAllowList } from '../../lib/notification-topics';
import {
  OwnerEmailRelay,
  OwnerEmailRelayConfigError,
  type OwnerEmailRelayProps,
} from '../../lib/owner-email-relay';
import { failureCountAlarmShape } from './failure-count-alarm-shape';
import { queuePolicyStatements } from './queue-access-check';
import { rolePolicySet } from './role-checks';
import type { CfnTemplate } from './structural-checks';
import { constructRoleStatements } from './support/construct-role-statements';
import { logicalIdOf, SKIP_BUNDLING } from './synth';

const DEPLOYER = 'arn:aws:iam::123456789012:role/Deployer';

function build(
  config: Record<string, unknown> = {},
  directoryKey?: 'customer-managed',
  allowList = false,
  /** `null`: none given. */
  deploymentRoleArn: string | null = DEPLOYER,
  props: Pick<OwnerEmailRelayProps, 'maxReceiveCount'> = {},
) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'RelayTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
  const topicAllowList = allowList ? new TopicAllowList(topic, 'relay') : undefined;
  topicAllowList?.allowSubscriptionManagement(DEPLOYER);
  const tableKey =
    directoryKey === undefined ? undefined : new kms.Key(stack, 'DirectoryKey', { enableKeyRotation: true });
  const directoryTable = new dynamodb.Table(stack, 'Directory', {
    partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(tableKey !== undefined && {
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: tableKey,
    }),
  });
  const failedInvocationQueue = addDeadLetterQueue(stack, 'Failed', 'the test');
  const alarmTopic = new sns.Topic(stack, 'Alarms', { masterKey: key, enforceSSL: true });
  const relay = new OwnerEmailRelay(stack, 'Relay', {
    topic,
    ...(topicAllowList !== undefined && { topicAllowList }),
    ...(deploymentRoleArn !== null && { deploymentRoleArn }),
    directoryTable,
    failedInvocationQueue,
    config: parseConfig({
      ownerDelivery: 'relay',
      senderIdentity: 'Hygiene <hygiene@corp.example>',
      sesConfigurationSet: 'pc-relay',
      ...config,
    }),
    metricsNamespace: 'PersonalClientHygiene',
    serviceName: 'personal-client-hygiene',
    alarmAction: new cloudwatchActions.SnsAction(alarmTopic),
    ...props,
  });
  return {
    app,
    stack,
    relay,
    topic,
    topicKey: key,
    failedInvocationQueue,
    tableKey,
    directoryTable,
    template: Template.fromStack(stack),
  };
}

/** The logical id of a construct's CloudFormation resource. */
function idOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** The statements of `role`'s default policy, which must be its only one. */
function defaultPolicyStatements(template: Template, stack: Stack, role: iam.IRole): unknown[] {
  const [policy, ...others] = Object.values(
    template.findResources('AWS::IAM::Policy', {
      Properties: {
        Roles: [stack.resolve((role as iam.Role).roleName)],
        PolicyName: Match.stringLikeRegexp('DefaultPolicy'),
      },
    }),
  );
  expect(others).toEqual([]);
  return policy?.Properties.PolicyDocument.Statement;
}

/** The relay's configuration set's ARN, as the template writes it. */
function configurationSetArn(stack: Stack, relay: OwnerEmailRelay): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':ses:eu-west-1:123456789012:configuration-set/',
        stack.resolve(relay.configurationSet.configurationSetName),
      ],
    ],
  };
}

/**
 * The relay's send grant: `ses:SendRawEmail` (how SES authorizes the relay's raw-content `SendEmail`) beside
 * `ses:SendEmail`, from the sender's address, as the identity (or its domain), through the set.
 */
function sesSendStatement(stack: Stack, relay: OwnerEmailRelay): Record<string, unknown> {
  const identityArn = (name: string) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ses:eu-west-1:123456789012:identity/${name}`]],
  });
  return {
    Action: ['ses:SendEmail', 'ses:SendRawEmail'],
    Effect: 'Allow',
    Condition: { StringEquals: { 'ses:FromAddress': 'hygiene@corp.example' } },
    Resource: [
      identityArn('hygiene@corp.example'),
      identityArn('corp.example'),
      configurationSetArn(stack, relay),
    ],
  };
}

/** The statements of the SES events topic's policy (found by the topic it names). */
function sesEventsTopicStatements(
  template: Template,
  stack: Stack,
  relay: OwnerEmailRelay,
): Record<string, unknown>[] {
  const topics = JSON.stringify([stack.resolve(relay.sesEventsTopic.topicArn)]);
  const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy')).find(
    (p) => JSON.stringify(p.Properties.Topics) === topics,
  );
  return policy?.Properties.PolicyDocument.Statement ?? [];
}

/** Asserts that `role`'s default policy holds `statement`. */
function expectPolicyOf(
  template: Template,
  stack: Stack,
  role: iam.IRole,
  statement: Record<string, unknown>,
) {
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [stack.resolve((role as iam.Role).roleName)],
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) },
  });
}

describe('OwnerEmailRelay', () => {
  it('subscribes one queue to owner digests only, raw message delivery off', () => {
    const { template } = build();

    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: false,
      FilterPolicy: { audience: ['owner'] },
    });
    // The other subscription is the SES events function's; none is an owner's email.
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
  });

  it('encrypts the relay queue and its DLQ, enforces TLS on each, and moves a message to the DLQ after 5 receives', () => {
    const { template, stack, relay } = build();
    const queues = template.findResources('AWS::SQS::Queue');

    // Each queue of the relay by its own logical id: the fixture's `Failed` queue satisfies none of these.
    expect(queues[idOf(stack, relay.queue)]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: stack.resolve(relay.deadLetterQueue.queueArn),
        maxReceiveCount: 5,
      },
    });
    expect(queues[idOf(stack, relay.deadLetterQueue)]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    for (const queue of [relay.queue, relay.deadLetterQueue]) {
      expect(queuePolicyStatements(template.toJSON() as CfnTemplate, idOf(stack, queue))).toContainEqual({
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: stack.resolve(queue.queueArn),
      });
    }
  });

  it('feeds the relay function with partial batch responses (the mapping, exactly)', () => {
    const { template, stack, relay } = build();

    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings.map((m) => m.Properties)).toEqual([
      {
        EventSourceArn: stack.resolve(relay.queue.queueArn),
        FunctionName: stack.resolve(relay.relayFunction.function.functionName),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      },
    ]);
  });

  it('allows ses:SendEmail and ses:SendRawEmail only from the identity through the configuration set', () => {
    const { template, stack, relay } = build();

    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('ses:'));

    expect(statements).toEqual([sesSendStatement(stack, relay)]);
  });

  it('gives the relay function exactly its permissions: its queue, sending as the identity, reading the directory, writing and reading a part of the ledger', () => {
    const { template, stack, relay, directoryTable } = build();
    const role = relay.relayFunction.role;

    expect(defaultPolicyStatements(template, stack, role)).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: stack.resolve(relay.relayFunction.logGroup.logGroupArn),
      },
      // The event source mapping polls as the role: what Lambda's poller calls, no GetQueueUrl (neither it nor the
      // relay calls it).
      {
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Effect: 'Allow',
        Resource: stack.resolve(relay.queue.queueArn),
      },
      // The relay's hold of a digest SES refused for its spent daily quota: on its own queue only.
      {
        Action: 'sqs:ChangeMessageVisibility',
        Effect: 'Allow',
        Resource: stack.resolve(relay.queue.queueArn),
      },
      sesSendStatement(stack, relay),
      // The owners' current addresses (a consistent read): nothing else on the directory.
      { Action: 'dynamodb:BatchGetItem', Effect: 'Allow', Resource: stack.resolve(directoryTable.tableArn) },
      // The ledger's claim, mark and release, and the read of one part's state: no batch, query or scan.
      {
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem'],
        Effect: 'Allow',
        Resource: [stack.resolve(relay.ledgerTable.tableArn)],
      },
    ]);
    // Its only other policy is X-Ray's; the role has no inline or managed policy of its own.
    expect(rolePolicySet(template.toJSON() as CfnTemplate, idOf(stack, role))).toEqual({
      attached: [
        idOf(stack, role.node.findChild('DefaultPolicy')),
        idOf(stack, relay.relayFunction.node.findChild('XRayPolicy')),
      ].sort(),
      inline: [],
      managed: [],
    });
  });

  it('gives the relay its sender and configuration set through the config variables', () => {
    const { template, stack, relay } = build();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          HYGIENE_ownerDelivery: 'relay',
          HYGIENE_senderIdentity: 'Hygiene <hygiene@corp.example>',
          HYGIENE_sesConfigurationSet: stack.resolve(relay.configurationSet.configurationSetName),
          RELAY_LEDGER_TABLE_NAME: stack.resolve(relay.ledgerTable.tableName),
        }),
      },
    });
  });

  it('sends bounces, complaints and rejects of the configuration set to the SES events topic, which SES may use', () => {
    const { template, stack, relay } = build();

    template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'pc-relay' });
    // Exactly these: a reject (SES found a virus and sent nothing) is a digest that reached no one, reported too.
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        MatchingEventTypes: ['bounce', 'complaint', 'reject'],
        SnsDestination: { TopicARN: stack.resolve(relay.sesEventsTopic.topicArn) },
      },
    });
  });

  it('requires TLS to the recipient’s mail server in the configuration set: never a digest in plain text', () => {
    const { template, stack, relay } = build();
    const set = template.findResources('AWS::SES::ConfigurationSet')[idOf(stack, relay.configurationSet)];

    expect(set?.Properties.DeliveryOptions).toEqual({ TlsPolicy: 'REQUIRE' });
  });

  it('encrypts the ledger table with the AWS-managed key (aws/dynamodb), not left to the AWS-owned default', () => {
    const { template, stack, relay } = build();
    const ledger = template.findResources('AWS::DynamoDB::Table')[idOf(stack, relay.ledgerTable)];

    // SSE on with no key named: DynamoDB's AWS-managed key. Without `encryption` the template has no SSESpecification.
    expect(ledger?.Properties.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('turns SES’s suppression list on for bounces and complaints in the set itself, not left to the account', () => {
    const { template, stack, relay } = build();
    const set = template.findResources('AWS::SES::ConfigurationSet')[idOf(stack, relay.configurationSet)];

    // Exactly these two: the shared-mailbox sequence relies on complaints (docs/notifications.md, "Email relay").
    expect(set?.Properties.SuppressionOptions).toEqual({ SuppressedReasons: ['BOUNCE', 'COMPLAINT'] });
  });

  it('lets SES use the SES events key only for this account’s configuration set (the key statement, exactly)', () => {
    const { template, stack, relay } = build();
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', {
      Description: 'Encrypts the SES bounce and complaint events of the owner email relay',
    });
    const statements = template.findResources('AWS::KMS::Key')[keyId]?.Properties.KeyPolicy.Statement as {
      Sid?: string;
    }[];

    expect(stack.resolve(relay.sesEventsTopic.masterKey?.keyArn)).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(statements.filter((s) => s.Sid === 'AllowSesToPublishEncryptedEvents')).toEqual([
      {
        Sid: 'AllowSesToPublishEncryptedEvents',
        Effect: 'Allow',
        Principal: { Service: 'ses.amazonaws.com' },
        // What the SNS guide gives a service publishing to an encrypted topic.
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: '*',
        // This account only; not the configuration set's ARN, which no AWS source says SNS's KMS request carries.
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
    // Besides it, only the key's default statement (the account's IAM policies decide).
    expect(statements).toHaveLength(2);
  });

  it('lets only SES publish to the SES events topic and only the deployment role subscribe to it', () => {
    const { template, stack, relay } = build();
    const topicArn = stack.resolve(relay.sesEventsTopic.topicArn);
    const statements = sesEventsTopicStatements(template, stack, relay);
    const sid = (name: string) => statements.find((s) => s.Sid === name);

    // a complaint written by anyone but SES would opt an owner out: only an AWS service may publish
    expect(sid('PublishOnlyBySes')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
    });
    expect(sid('SubscribeOnlyByTheDeployment')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sns:Subscribe',
      Resource: topicArn,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [DEPLOYER] } },
    });
    // SES itself is still allowed (the configuration set's event destination adds it), and only for this account's
    // configuration set (confused-deputy protection): the topic's one Allow.
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { Service: 'ses.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: {
          StringEquals: {
            'AWS:SourceAccount': '123456789012',
            'AWS:SourceArn': configurationSetArn(stack, relay),
          },
        },
      },
    ]);
  });

  it('refuses publishing to the SES events topic without TLS', () => {
    const { template, stack, relay } = build();

    expect(sesEventsTopicStatements(template, stack, relay)).toContainEqual({
      Sid: 'AllowPublishThroughSSLOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: stack.resolve(relay.sesEventsTopic.topicArn),
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('without a deployment role leaves Subscribe to IAM, and still lets only SES publish', () => {
    const { template } = build({}, undefined, false, null);
    const statements = Object.values(template.findResources('AWS::SNS::TopicPolicy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Sid?: string }[],
    );
    expect(statements.map((s) => s.Sid)).toContain('PublishOnlyBySes');
    expect(statements.map((s) => s.Sid)).not.toContain('SubscribeOnlyByTheDeployment');
  });

  it('keeps ledger entries with TTL and alarms on the DLQ, on bounces and on owners nobody was told of', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmActions: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'EmailBounces',
      Namespace: 'PersonalClientHygiene',
      Threshold: 3,
    });
    // At the first failed delivery, not only after the queue's retries (the DLQ alarm).
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...failureCountAlarmShape('UnreportedUnreachableOwners'),
      AlarmActions: Match.anyValue(),
    });
  });

  it('keeps an SES events invocation that still fails after Lambda’s retries (an event the function was given is not dropped)', () => {
    const { template, stack, relay, failedInvocationQueue } = build();
    const queueArn = stack.resolve(failedInvocationQueue.queueArn);

    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: stack.resolve(relay.sesEventsFunction.function.functionName),
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    expectPolicyOf(template, stack, relay.sesEventsFunction.role, {
      Action: 'sqs:SendMessage',
      Effect: 'Allow',
      Resource: queueArn,
    });
  });

  it('runs the SES events function one invocation at a time, its throttled events kept 6 hours (Lambda’s default), so bounce reports are paced across invocations', () => {
    const { template, stack, relay } = build();
    const functionName = stack.resolve(relay.sesEventsFunction.function.functionName);
    const logicalId = idOf(stack, relay.sesEventsFunction.function);
    const resources = template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;

    expect(resources[logicalId]?.Properties.ReservedConcurrentExecutions).toBe(1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: functionName,
      MaximumEventAgeInSeconds: Match.absent(),
    });
    // Throttling is now expected in a burst: no alarm reads it as a failure.
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Throttles' }, 0);
  });

  it.each([
    ['the default', undefined, 5],
    ['a configured', 3, 3],
  ])(
    'tells the relay function %s maxReceiveCount, the very value of its queue’s redrive policy',
    (_, maxReceiveCount, expected) => {
      const { template, stack, relay } = build({}, undefined, false, DEPLOYER, {
        ...(maxReceiveCount !== undefined && { maxReceiveCount }),
      });
      const resources = template.toJSON().Resources as Record<
        string,
        {
          Properties: {
            RedrivePolicy?: { maxReceiveCount: number };
            Environment?: { Variables: Record<string, unknown> };
          };
        }
      >;
      const redrive = resources[idOf(stack, relay.queue)]?.Properties.RedrivePolicy;
      const variables =
        resources[idOf(stack, relay.relayFunction.function)]?.Properties.Environment?.Variables;

      expect(redrive?.maxReceiveCount).toBe(expected);
      expect(variables?.[HANDLER_ENV.relayMaxReceiveCount]).toBe(String(redrive?.maxReceiveCount));
      expect(relay.maxReceiveCount).toBe(expected);
    },
  );

  it('alarms at each hour with a digest the relay gave up on (failure-count shape: hourly sum ≥ 1, missing data not breaching)', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...failureCountAlarmShape(RELAY_METRIC.gaveUp),
      AlarmActions: Match.anyValue(),
      AlarmDescription: Match.stringLikeRegexp('last delivery \\(the queue’s maxReceiveCount, 5\\)'),
    });
    // The alarm counts the last failure; SQS moves the digest one visibility timeout (the queue's own) later.
    const visibility = Duration.seconds(
      Object.values(template.findResources('AWS::SQS::Queue')).find((q) => q.Properties.RedrivePolicy)
        ?.Properties.VisibilityTimeout,
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: RELAY_METRIC.gaveUp,
      AlarmDescription: Match.stringLikeRegexp(
        `SQS moves them to the relay DLQ when their visibility timeout ends \\(${visibility.toHumanString()} after`,
      ),
    });
    // The DLQ's depth alarm stays: it says something waits there.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmDescription: Match.stringLikeRegexp('relay DLQ'),
    });
  });

  it('alarms on a digest in the relay DLQ for 4 days, at least 3 days before SQS deletes it, on the alarm topic', () => {
    const { template, stack, relay } = build();
    const queues = template.findResources('AWS::SQS::Queue');
    const days = (queue: { node: { defaultChild?: unknown } }) =>
      Duration.seconds(queues[idOf(stack, queue)]?.Properties.MessageRetentionPeriod).toDays();
    const threshold = Duration.days(4).toSeconds();
    // The DLQ deletes a digest its retention after it entered the relay queue; the DLQ's age counts from the move,
    // which comes at the latest after the relay queue's retention.
    expect(Duration.seconds(threshold).toDays()).toBeLessThanOrEqual(
      days(relay.deadLetterQueue) - days(relay.queue) - 3,
    );

    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: threshold },
    });
    expect(Object.values(alarms).map((a) => a.Properties)).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: stack.resolve(relay.deadLetterQueue.queueName) }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [stack.resolve((stack.node.findChild('Alarms') as sns.Topic).topicArn)],
        AlarmDescription: expect.stringContaining('"Runbook: Relay dead letters expiring"'),
      }),
    ]);
    // The notice is a floor: SQS deletes the digest no sooner than 3 days from the alarm (usually about 10).
    const [description] = Object.values(alarms).map((a) => a.Properties.AlarmDescription as string);
    expect(description).toContain('no sooner than 3 days from now (usually about 10:');
    expect(description).not.toMatch(/at the latest/);
  });

  it('alarms when SNS could not deliver an SES event to the SES events function, on that topic', () => {
    const { template, stack, relay } = build();

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Dimensions: [{ Name: 'TopicName', Value: stack.resolve(relay.sesEventsTopic.topicName) }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: Match.anyValue(),
    });
  });

  it('alarms on SES events the function could not read; bounces nothing was recorded for are not alarmed (their digest is reported)', () => {
    const { template } = build();
    const onMetric = (metricName: string) =>
      Object.keys(
        template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }),
      );

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...failureCountAlarmShape(SES_EVENTS_METRIC.unreadable),
      AlarmActions: Match.anyValue(),
    });
    expect(onMetric(SES_EVENTS_METRIC.unattributed)).toEqual([]);
  });

  it('alarms on any provider’s auth-failure or virus report in an hour, citing its runbook', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...failureCountAlarmShape(SES_EVENTS_METRIC.authOrVirusReports),
      AlarmActions: Match.anyValue(),
      AlarmDescription: Match.stringLikeRegexp(
        'failing authentication.*carrying a virus.*docs/deploy.md, "Runbook: Email authentication or virus reports"',
      ),
    });
  });

  it('lets the SES events function read an owner’s current address and mark it, nothing more on the directory', () => {
    const { template, stack, relay, directoryTable } = build();
    const tableArn = stack.resolve(directoryTable.tableArn);
    const onDirectory = constructRoleStatements(template, stack, relay.sesEventsFunction.role).filter(
      (statement) => JSON.stringify(statement.Resource) === JSON.stringify(tableArn),
    );
    // BatchGetItem: the bounce is attributed to the address the directory holds now (a consistent read).
    expect(onDirectory.map((statement) => statement.Action)).toEqual([
      ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
    ]);
  });

  it('gives the SES events function exactly its permissions: directory, ledger read/update, publish to the topic with its key', () => {
    const { template, stack, relay, topic, topicKey, directoryTable, failedInvocationQueue } = build();
    const role = stack.resolve((relay.sesEventsFunction.role as iam.Role).roleName);
    const [policy, ...others] = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [role], PolicyName: Match.stringLikeRegexp('DefaultPolicy') },
      }),
    );

    expect(others).toEqual([]);
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: stack.resolve(relay.sesEventsFunction.logGroup.logGroupArn),
      },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: stack.resolve(failedInvocationQueue.queueArn) },
      {
        Action: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: stack.resolve(directoryTable.tableArn),
      },
      // The bounced part's events (a consistent read), the report's claim and mark: on the ledger only.
      {
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: [stack.resolve(relay.ledgerTable.tableArn)],
      },
      // The report to the admins: the notification topic only, and its key.
      { Action: 'sns:Publish', Effect: 'Allow', Resource: stack.resolve(topic.topicArn) },
      {
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        // Only through SNS in the topic's region.
        Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-west-1.amazonaws.com' } },
        Effect: 'Allow',
        Resource: stack.resolve(topicKey.keyArn),
      },
    ]);
  });

  it('tells the SES events function its ledger table and the notification topic', () => {
    const { template, stack, relay, topic } = build();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: stack.resolve((relay.sesEventsFunction.role as iam.Role).roleArn),
      Environment: {
        Variables: Match.objectLike({
          RELAY_LEDGER_TABLE_NAME: stack.resolve(relay.ledgerTable.tableName),
          TOPIC_ARN: stack.resolve(topic.topicArn),
        }),
      },
    });
  });

  it('puts the SES events function on the topic’s publish allow-list when given one', () => {
    const { template, stack, relay } = build({}, undefined, true);

    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'PublishOnlyByTheWorkerAndOperators',
            Condition: {
              ArnNotLike: { 'aws:PrincipalArn': [stack.resolve(relay.sesEventsFunction.role.roleArn)] },
            },
          }),
        ]),
      },
    });
  });

  it('grants the relay and the SES events function the directory’s customer-managed key', () => {
    const { template, stack, relay, tableKey } = build({}, 'customer-managed');
    const keyArn = stack.resolve(tableKey?.keyArn);

    for (const fn of [relay.relayFunction, relay.sesEventsFunction]) {
      expectPolicyOf(template, stack, fn.role, {
        Action: Match.arrayWith(['kms:Decrypt']),
        Effect: 'Allow',
        Resource: keyArn,
      });
    }
  });

  it('refuses to synthesize a relay without a sender, naming the context key', () => {
    expect(() => build({ senderIdentity: undefined })).toThrow(OwnerEmailRelayConfigError);
    expect(() => build({ senderIdentity: undefined })).toThrow(/set the context key senderIdentity/);
  });

  it.each([0, 1001, 2.5, Number.NaN])(
    'refuses to synthesize a maxReceiveCount SQS would refuse (%s), naming it',
    (count) => {
      expect(() => build({}, undefined, false, DEPLOYER, { maxReceiveCount: count })).toThrow(
        new OwnerEmailRelayConfigError(`maxReceiveCount must be an integer from 1 to 1000, got ${count}`),
      );
    },
  );

  it('synthesizes the ends of the range SQS accepts', () => {
    for (const maxReceiveCount of [1, 1000]) {
      expect(build({}, undefined, false, DEPLOYER, { maxReceiveCount }).relay.maxReceiveCount).toBe(
        maxReceiveCount,
      );
    }
  });

  it('passes cdk-nag (AwsSolutions) with only the acknowledged findings', () => {
    const { app } = build();

    const report = new AwsSolutionsChecks().validateScope(app);

    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('would report an unacknowledged wildcard on the relay role (so the clean report means something)', () => {
    const { app, relay } = build();
    relay.relayFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ses:*'], resources: [relay.ledgerTable.tableArn] }),
    );

    const report = new AwsSolutionsChecks().validateScope(app);

    expect(report.violations.map((v) => v.ruleName)).toEqual(['AwsSolutions-IAM5[Action::ses:*]']);
    expect(JSON.stringify(report.violations[0]?.violatingResources)).toContain('Relay/RelayFunction/Role');
  });
});
