/**
 * The default stack, as `cdk synth` builds it from cdk.json: one precise
 * assertion per behaviour, and cdk-nag AwsSolutions with zero unacknowledged findings.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import {
  DEFAULT_METRICS_NAMESPACE,
  NOTIFIER_METRIC,
  RECONCILER_METRIC,
  SWEEP_METRIC,
} from '../../lambdas/handlers/metric-names';
import { expectKeyStatement, logicalIdOf, synthApp } from './synth';

let template: Template;
let app: ReturnType<typeof synthApp>['app'];

const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });

/** Statements several functions' policies share, as the template writes them. */
/** An `Allow` statement as CDK writes it. */
const allow = (action: string | string[], resource: unknown) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
});
const publishToTopic = () => allow('sns:Publish', { Ref: Match.stringLikeRegexp('^HygieneTopic') });
const useTopicKey = () =>
  allow(['kms:GenerateDataKey', 'kms:Decrypt'], getAtt(logicalIdOf(template, 'AWS::KMS::Key')));
const sendToDeadLetterQueue = () =>
  allow('sqs:SendMessage', getAtt(logicalIdOf(template, 'AWS::SQS::Queue')));
/** The statement that lets a function write its log group (the first of its default policy). */
const writeLogs = () => Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] });

/** A schedule's target: the function, retried 3 times within an hour (by default), then dead-lettered. */
const retriedTarget = (description: string, retrySeconds = 3600) => ({
  Arn: getAtt(functionId(description)),
  RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: retrySeconds },
  DeadLetterConfig: { Arn: getAtt(logicalIdOf(template, 'AWS::SQS::Queue')) },
});
/** A schedule's input: the job and the scheduled time. */
const jobInput = (job: string) =>
  Match.serializedJson(Match.objectLike({ job, scheduledTime: '<aws.scheduler.scheduled-time>' }));

/** The policy of the function with logical id `fnId` (matching `extra` too) holds exactly `statements`, in order. */
function expectFunctionPolicy(
  fnId: string,
  statements: unknown[],
  extra: Record<string, unknown> = {},
): void {
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: roleIdOf(fnId) }],
    ...extra,
    PolicyDocument: { Statement: statements },
  });
}

function functionId(descriptionStart: string): string {
  return logicalIdOf(template, 'AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp(`^${descriptionStart}`),
  });
}

/** The credentials table (the one with the outbox index; issue 11 added the owner directory table). */
function credentialsTableId(): string {
  return logicalIdOf(template, 'AWS::DynamoDB::Table', { GlobalSecondaryIndexes: Match.anyValue() });
}

/** The owner directory table (keyed by userId, issue 11). */
function directoryTableId(): string {
  return logicalIdOf(template, 'AWS::DynamoDB::Table', {
    KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
  });
}

function roleIdOf(fnId: string): string {
  const fn = template.findResources('AWS::Lambda::Function')[fnId]!;
  return (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

beforeAll(() => {
  ({ app, template } = synthApp());
});

let relay: ReturnType<typeof synthApp> | undefined;
/** The app on route relay (its relay and SES events functions), synthesized once. */
function relayApp(): ReturnType<typeof synthApp> {
  relay ??= synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
  return relay;
}
/** The stack on route relay. */
function relayTemplate(): Template {
  return relayApp().template;
}

/** The logical id of the resource behind a `Fn::GetAtt` (of a role's or function's ARN). */
const getAttId = (value: unknown) => (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

/**
 * `t`'s functions are exactly those whose descriptions start with `descriptions`, and each has its own
 * `XRayPolicy` holding only the X-Ray statement, which the function waits for (Lambda checks the role may trace when
 * active tracing is set).
 */
function expectXRayPolicies(t: Template, descriptions: readonly string[]): void {
  const functions = t.findResources('AWS::Lambda::Function');
  const ids = descriptions.map((description) =>
    logicalIdOf(t, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp(`^${description}`) }),
  );
  expect(Object.keys(functions).sort()).toEqual([...ids].sort());
  for (const fnId of ids) {
    const roleId = getAttId(functions[fnId]!.Properties.Role);
    const xrayPolicyId = logicalIdOf(t, 'AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('XRayPolicy'),
      Roles: [{ Ref: roleId }],
      PolicyDocument: { Statement: [allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*')] },
    });
    expect(functions[fnId]!.DependsOn, fnId).toContain(xrayPolicyId);
  }
}

/**
 * `t`'s schedules are exactly one per function of `descriptions`, and each schedule's execution role may only
 * invoke that function and send to the dead-letter queue its target names (its policy, and no other, on that role).
 */
function expectSchedulePolicies(t: Template, descriptions: readonly string[]): void {
  const schedules = Object.values(t.findResources('AWS::Scheduler::Schedule'));
  const targets = schedules.map((schedule) => schedule.Properties.Target);
  const fnIds = descriptions.map((description) =>
    logicalIdOf(t, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp(`^${description}`) }),
  );
  expect(targets.map((target) => getAttId(target.Arn)).sort()).toEqual([...fnIds].sort());
  const queueIds = Object.keys(t.findResources('AWS::SQS::Queue'));
  const queueArn = getAtt(queueIds.find((id) => id.startsWith('HygieneScheduleDeadLetterQueue'))!);
  for (const target of targets) {
    expect(target.DeadLetterConfig).toEqual({ Arn: queueArn });
    const policies = t.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: getAttId(target.RoleArn) }] },
    });
    expect(Object.values(policies).map((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      [allow('lambda:InvokeFunction', target.Arn), allow('sqs:SendMessage', queueArn)],
    ]);
  }
}

/** The SNS actions of the role of `t`'s function whose description starts with `description`, each with its resource. */
function snsActionsOf(t: Template, description: string): [string, unknown][] {
  const fnId = logicalIdOf(t, 'AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp(`^${description}`),
  });
  const fn = t.findResources('AWS::Lambda::Function')[fnId]!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    )
    .flatMap((st) =>
      [st.Action]
        .flat()
        .filter((a) => a.startsWith('sns:'))
        .map((a): [string, unknown] => [a, st.Resource]),
    );
}

describe('credentials table', () => {
  it('has the shared key, the sparse outbox index, TTL, PITR, deletion protection, encryption and on-demand billing', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'hygiene-outbox',
          KeySchema: [
            { AttributeName: 'hygieneOutboxOwner', KeyType: 'HASH' },
            { AttributeName: 'hygieneOutboxSince', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: 'hygienePurgeAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('is retained when the stack is deleted or the table replaced', () => {
    // Its own resource: the owner directory table is retained too, so "some table is" proves nothing here.
    expect(template.toJSON().Resources[credentialsTableId()]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('topics', () => {
  it('encrypts both topics with the rotating customer-managed key', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourcePropertiesCountIs('AWS::SNS::Topic', { KmsMasterKeyId: getAtt(keyId) }, 2);
  });

  it('denies publishing over plain HTTP (enforceSSL)', () => {
    template.resourcePropertiesCountIs(
      'AWS::SNS::TopicPolicy',
      {
        PolicyDocument: {
          // Among the other statements of issue 13 (CloudWatch may publish alarms, the allow-lists).
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
      2,
    );
  });

  it('lets CloudWatch alarms use the key to publish to the encrypted alarm topic', () => {
    expectKeyStatement(template, {
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    });
  });
});

describe('functions', () => {
  it('run on Node.js 24, ARM64, with active tracing, source maps and an explicit log group', () => {
    for (const description of ['Credential hygiene sweep', 'Credential hygiene notifier']) {
      const id = functionId(description);
      const logGroupId = template.findResources('AWS::Lambda::Function')[id]!.Properties.LoggingConfig
        .LogGroup.Ref as string;
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(`^${description}`),
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logGroupId } },
        Environment: {
          Variables: Match.objectLike({
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'personal-client-hygiene',
            POWERTOOLS_METRICS_NAMESPACE: DEFAULT_METRICS_NAMESPACE,
            [HANDLER_ENV.tableName]: { Ref: credentialsTableId() },
            [HANDLER_ENV.topicArn]: { Ref: Match.stringLikeRegexp('^HygieneTopic') },
          }),
        },
      });
    }
    // Sweep, notifier and (issue 11) the subscription reconciler.
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 365 }, 3);
  });

  it('keep every log group when the stack is deleted or a group replaced (logs are evidence), the relay’s too', () => {
    const retained = { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' };
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResources('AWS::Logs::LogGroup', retained);
    relayTemplate().resourceCountIs('AWS::Logs::LogGroup', 5);
    relayTemplate().allResources('AWS::Logs::LogGroup', retained);
  });

  it('caps the sweep at one concurrent execution, with a 15-minute timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Credential hygiene sweep'),
      ReservedConcurrentExecutions: 1,
      Timeout: 900,
      MemorySize: 1024,
    });
  });

  it('passes the validated config as HYGIENE_* variables, in audit mode by default', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({
            HYGIENE_mode: 'audit',
            HYGIENE_expiryNoticeDays: '30,7,1',
            HYGIENE_staleAfterDays: '90',
            HYGIENE_staleGraceDays: '14',
            HYGIENE_maxDeletesPerRun: '500',
            HYGIENE_maxDeletePercent: '10',
          }),
        },
      },
      3, // sweep, notifier, reconciler (issue 11)
    );
  });
});

describe('least privilege', () => {
  it('lets the sweep only Scan, UpdateItem and PartiQLUpdate the table, publish (with the key) to the topic and list the alarm topic', () => {
    expectFunctionPolicy(functionId('Credential hygiene sweep'), [
      allow(
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        getAtt(Match.stringLikeRegexp('^HygieneSweepLogGroup') as never),
      ),
      // Batched transitions are PartiQL UPDATEs in BatchExecuteStatement, authorised as PartiQLUpdate.
      allow(['dynamodb:Scan', 'dynamodb:UpdateItem', 'dynamodb:PartiQLUpdate'], getAtt(credentialsTableId())),
      publishToTopic(),
      useTopicKey(),
      // The owner directory (issue 11): its freshness item, the departed owners (orphan rule) and the run's
      // owners read by key for the summary's reach (a BatchGetItem per 100 owners).
      allow(['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:BatchGetItem'], getAtt(directoryTableId())),
      // Its on-failure destination (issue 13): a run failing after Lambda's retries is dead-lettered.
      sendToDeadLetterQueue(),
      // The alarm topic's subscriptions, listed after each run: does any alarm reach anyone? On that topic only.
      allow('sns:ListSubscriptionsByTopic', { Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') }),
    ]);
  });

  it('lets the notifier only lease/read/mark on the table (UpdateItem, BatchGetItem, PartiQLUpdate), Scan the outbox index, publish (with the key) to the topic and list its subscriptions', () => {
    const tableId = credentialsTableId();
    expectFunctionPolicy(functionId('Credential hygiene notifier'), [
      writeLogs(),
      allow(['dynamodb:UpdateItem', 'dynamodb:BatchGetItem', 'dynamodb:PartiQLUpdate'], getAtt(tableId)),
      allow('dynamodb:Scan', { 'Fn::Join': ['', [getAtt(tableId), '/index/hygiene-outbox']] }),
      publishToTopic(),
      useTopicKey(),
      // The owner directory (issue 11): its freshness item and the drain's owners by key (reach).
      allow(['dynamodb:GetItem', 'dynamodb:BatchGetItem'], getAtt(directoryTableId())),
      // The live reach check: the topic's subscriptions, listed once per drain; on the topic only.
      allow('sns:ListSubscriptionsByTopic', { Ref: Match.stringLikeRegexp('^HygieneTopic') }),
      // Its on-failure destination (issue 13): a run failing after Lambda's retries is dead-lettered.
      sendToDeadLetterQueue(),
    ]);
  });

  it('gives the notifier no SNS action on "*" (no GetSubscriptionAttributes: the listing alone is read)', () => {
    expect(snsActionsOf(template, 'Credential hygiene notifier')).toEqual([
      ['sns:Publish', { Ref: expect.stringMatching(/^HygieneTopic/) }],
      ['sns:ListSubscriptionsByTopic', { Ref: expect.stringMatching(/^HygieneTopic/) }],
    ]);
  });

  it('on route relay gives the notifier no ListSubscriptionsByTopic (it never lists: reach is the directory’s)', () => {
    expect(snsActionsOf(relayTemplate(), 'Credential hygiene notifier')).toEqual([
      ['sns:Publish', { Ref: expect.stringMatching(/^HygieneTopic/) }],
    ]);
  });

  it('lets the reconciler only list and subscribe (over email only) on the topic, Scan and UpdateItem the directory (issue 11)', () => {
    const fnId = functionId('Credential hygiene subscription reconciler');
    const topic = { Ref: Match.stringLikeRegexp('^HygieneTopic') };
    expectFunctionPolicy(
      fnId,
      [
        writeLogs(),
        allow('sns:ListSubscriptionsByTopic', topic),
        // It subscribes owners by email only; the topic's own protocol Deny lets https, sqs, lambda and firehose by.
        { ...allow('sns:Subscribe', topic), Condition: { StringEquals: { 'sns:Protocol': 'email' } } },
        allow(['dynamodb:Scan', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], getAtt(directoryTableId())),
        sendToDeadLetterQueue(),
      ],
      { PolicyName: Match.stringLikeRegexp('DefaultPolicy') },
    );
    // SNS authorizes these against "*" only (no subscription resource type): alone in their own policy.
    expectFunctionPolicy(
      fnId,
      [allow(['sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes', 'sns:Unsubscribe'], '*')],
      { PolicyName: Match.stringLikeRegexp('SubscriptionAttributesPolicy') },
    );
  });

  it('on route relay lets the reconciler only list the topic and read and remove subscriptions: no Subscribe, no SetSubscriptionAttributes (it wants no owner subscription)', () => {
    const topic = { Ref: expect.stringMatching(/^HygieneTopic/) };
    expect(snsActionsOf(relayTemplate(), 'Credential hygiene subscription reconciler')).toEqual([
      ['sns:ListSubscriptionsByTopic', topic],
      // Each listed subscription read, an owner's left over removed: still "*" only, in its own policy.
      ['sns:GetSubscriptionAttributes', '*'],
      ['sns:Unsubscribe', '*'],
    ]);
    // On sns-email, as before: it subscribes (email only) and repairs filter policies too.
    expect(snsActionsOf(template, 'Credential hygiene subscription reconciler')).toEqual([
      ['sns:ListSubscriptionsByTopic', topic],
      ['sns:Subscribe', topic],
      ['sns:GetSubscriptionAttributes', '*'],
      ['sns:SetSubscriptionAttributes', '*'],
      ['sns:Unsubscribe', '*'],
    ]);
  });

  it('runs the reconciler hourly with the same retry policy and dead-letter queue, and alarms when it hits the quota', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: retriedTarget('Credential hygiene subscription reconciler'),
    });
    // Each run's own figure (the largest in 5 minutes), the state kept between runs: the first run the quota does
    // not stop clears it, an invoked one in the same hour too.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SubscriptionQuotaExceeded',
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Credential hygiene subscription reconciler'),
      Environment: {
        Variables: Match.objectLike({
          [HANDLER_ENV.directoryTableName]: { Ref: directoryTableId() },
          [HANDLER_ENV.topicArn]: { Ref: Match.stringLikeRegexp('^HygieneTopic') },
        }),
      },
    });
  });

  it('keeps X-Ray, the one Resource "*" grant, in a policy of its own for every function (issue 13), the relay’s included', () => {
    expectXRayPolicies(template, [
      'Credential hygiene sweep',
      'Credential hygiene notifier',
      'Credential hygiene subscription reconciler',
    ]);
    expectXRayPolicies(relayTemplate(), [
      'Credential hygiene sweep',
      'Credential hygiene notifier',
      'Credential hygiene subscription reconciler',
      'Emails owner digests through SES',
      'Marks owner addresses bouncing',
    ]);
  });

  it('lets each schedule invoke exactly its function and write to the dead-letter queue (the relay adds none)', () => {
    const scheduled = [
      'Credential hygiene sweep',
      'Credential hygiene notifier',
      'Credential hygiene subscription reconciler',
    ];
    expectSchedulePolicies(template, scheduled);
    expectSchedulePolicies(relayTemplate(), scheduled);
  });

  it('grants no wildcard action anywhere', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const actions = Object.values(policies).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
    );
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('schedules', () => {
  it('runs the sweep daily at 03:00 UTC with a retry policy, the dead-letter queue and the scheduled time as input', () => {
    // Retried for a quarter of the one-hour skew: a later sweep would be refused as forged.
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      Target: { ...retriedTarget('Credential hygiene sweep', 900), Input: jobInput('sweep') },
    });
  });

  it('runs the notifier every 15 minutes with the same retry policy and dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: { ...retriedTarget('Credential hygiene notifier'), Input: jobInput('notify') },
    });
  });

  it('keeps undeliverable invocations in an encrypted, HTTPS-only dead-letter queue for 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    // Besides its two allow-list Denies (test/infra/shared-dlq-access.test.ts).
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('operations', () => {
  const alarmTopic = { Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') };

  it('alarms on errors of each function', () => {
    for (const description of ['Credential hygiene sweep', 'Credential hygiene notifier']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(description) } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [alarmTopic],
      });
    }
  });

  it('alarms on any message in the dead-letter queue, and again on each new one arriving (that queue’s)', () => {
    // The stack's only queue: the schedules' and the functions' on-failure dead-letter queue.
    const queueName = [
      { Name: 'QueueName', Value: getAtt(logicalIdOf(template, 'AWS::SQS::Queue'), 'QueueName') },
    ];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: queueName,
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [alarmTopic],
    });
    // While one message waits its 14 days the depth stays 1: a second failure would not alarm again.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NumberOfMessagesSent',
      Namespace: 'AWS/SQS',
      Dimensions: queueName,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [alarmTopic],
    });
  });

  it('alarms on failures a run survives: a drain’s store errors, subscription operations SNS refused, an admin summary not published, opt-outs held back', () => {
    for (const metricName of [
      NOTIFIER_METRIC.storeErrors,
      RECONCILER_METRIC.failed,
      SWEEP_METRIC.adminSummaryFailed,
      RECONCILER_METRIC.optOutsHeldBack,
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Namespace: DEFAULT_METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
        Statistic: 'Sum',
        Period: 3600,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [alarmTopic],
      });
    }
  });

  it('alarms when the guard trips, invalid records exist, transitions are too large, a scheduled time is rejected, or a notice waits over 6 hours', () => {
    const runMetricAlarm = (metricName: string, threshold: number, comparison: string, period: number) =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Namespace: DEFAULT_METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
        Statistic: 'Maximum',
        Period: period,
        EvaluationPeriods: 1,
        Threshold: threshold,
        ComparisonOperator: comparison,
        TreatMissingData: 'ignore',
        AlarmActions: [alarmTopic],
      });
    // The sweep's four read each run's own figure (the largest in 5 minutes; a run emits it once, when it ends), the
    // state kept between runs: the first run that finds the problem gone clears it, the same hour too (an hour's
    // largest would keep a bad run's 1 through a clean run after it, and then until the next run).
    runMetricAlarm(SWEEP_METRIC.guardTripped, 1, 'GreaterThanOrEqualToThreshold', 300);
    runMetricAlarm(SWEEP_METRIC.invalid, 1, 'GreaterThanOrEqualToThreshold', 300);
    runMetricAlarm(SWEEP_METRIC.tooLarge, 1, 'GreaterThanOrEqualToThreshold', 300);
    runMetricAlarm(NOTIFIER_METRIC.oldestPendingAge, 6 * 3600, 'GreaterThanThreshold', 900);
    runMetricAlarm(SWEEP_METRIC.scheduledTimeRejected, 1, 'GreaterThanOrEqualToThreshold', 300);
    // Six alarms before issue 13; then the heartbeat, SNS delivery failures and rejected scheduled times;
    // then (issue 11) the reconciler's errors and its filter-policy quota; then owner reach (unreachable
    // owners by drains and by the sweep, an unusable directory, misaddressed events: reach-alarms.test.ts);
    // then the notifier's heartbeat; then an admin run summary not published (admin-summary-alarm.test.ts);
    // then new dead letters, the notifier's store errors and refused subscription operations; then a sweep's
    // failed writes (write-failures-alarm.test.ts); then failures the dead-letter queue could not keep, of the
    // functions and of the schedules (dead-letter-delivery-alarms.test.ts); then opt-outs the reconciler's
    // mass-unsubscribe guard held back (mass-unsubscribe-alarm.test.ts); then a notification topic without an
    // admin subscription (admin-subscriptions-alarm.test.ts); then the reconciler's heartbeat
    // (reconciler-heartbeat.test.ts); then an admin email subscription that also receives the owner digests
    // (wide-admin-email-alarm.test.ts); then transitions too large to write, stuck credentials
    // (too-large-alarm.test.ts).
    template.resourceCountIs('AWS::CloudWatch::Alarm', 28);
  });

  it('alarms when no drain has reported for the notices’ 6 hours, counting silence as failure', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: NOTIFIER_METRIC.oldestPendingAge,
      Namespace: DEFAULT_METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
      Statistic: 'SampleCount',
      Period: 3600,
      EvaluationPeriods: 6,
      DatapointsToAlarm: 6,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [alarmTopic],
    });
  });

  it('alarms when no sweep has completed for 26 hours, counting silence as failure', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: SWEEP_METRIC.completed,
      Namespace: DEFAULT_METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [alarmTopic],
    });
  });

  it('alarms when SNS fails to deliver a notification of the notification topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NumberOfNotificationsFailed',
      Namespace: 'AWS/SNS',
      Dimensions: [
        {
          Name: 'TopicName',
          Value: getAtt(
            logicalIdOf(template, 'AWS::SNS::Topic', { DisplayName: 'Personal client credential hygiene' }),
            'TopicName',
          ),
        },
      ],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [alarmTopic],
    });
  });

  it('dead-letters a scheduled run that fails after Lambda’s two retries; a sweep queued past its share of the skew too', () => {
    const queueArn = getAtt(logicalIdOf(template, 'AWS::SQS::Queue'));
    // The skew (3,600 s) less the schedule's retries (900 s) and a minute for the start.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId('Credential hygiene sweep') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 2640,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId('Credential hygiene notifier') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: Match.absent(),
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Credential hygiene sweep'),
      Environment: { Variables: Match.objectLike({ [HANDLER_ENV.maxScheduleSkewSeconds]: '3600' }) },
    });
  });

  it('shows the owner subscriptions against the quota and the reconciler’s changes and problems (issue 11)', () => {
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const metric of [
      'SubscriptionFilterPolicies',
      'OwnerSubscriptionsPending',
      'OwnerSubscriptionsUnsubscribed',
      'SubscriptionsCreated',
      'SubscriptionsRemoved',
      'SubscriptionsWithdrawn',
      'SubscriptionQuotaExceeded',
      'SubscriptionOperationsFailed',
    ]) {
      expect(body).toContain(`\\"${metric}\\"`);
    }
  });

  it('has a dashboard of the run metrics', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    // The body is an Fn::Join of JSON text and tokens (region, function names): put placeholders in.
    const parts = dashboards[0]!.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('')) as {
      widgets: { properties: { metrics?: string[][] } }[];
    };
    const shown = body.widgets.flatMap((w) => (w.properties.metrics ?? []).map((m) => m[1]));
    expect(shown).toEqual(
      expect.arrayContaining([
        'PlannedDeleteExpired',
        'AppliedDeleteStale',
        SWEEP_METRIC.scanned,
        SWEEP_METRIC.invalid,
        SWEEP_METRIC.guardTripped,
        SWEEP_METRIC.incomplete,
        SWEEP_METRIC.aborted,
        SWEEP_METRIC.duration,
        NOTIFIER_METRIC.eventsPublished,
        NOTIFIER_METRIC.oldestPendingAge,
        'Errors',
        'ApproximateNumberOfMessagesVisible',
      ]),
    );
  });
});

describe('cdk-nag', () => {
  it('reports zero unacknowledged AwsSolutions findings on the whole app, on either route', () => {
    for (const scope of [app, relayApp().app]) {
      const report = new AwsSolutionsChecks().validateScope(scope);
      expect(
        report.violations.map(
          (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
        ),
      ).toEqual([]);
      expect(report.success).toBe(true);
    }
  });
});
