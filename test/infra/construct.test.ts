/**
 * The `CredentialHygiene` construct's props: bring-your-own resources,
 * subscriptions, switches, and one readable error for bad props.
 */
import { App, Annotations as CoreAnnotations, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
  NO_ADMIN_SUBSCRIBER_WARNING,
} from '../../lib/credential-hygiene';
import { thrownBy } from '../support/thrown';
import { type CfnTemplate, ownerSubscriptionCheck, sweepDeliveryCheck } from './structural-checks';
import { SKIP_BUNDLING } from './synth';
import { TABLE_KEY_GRANT_ACTIONS } from './table-key-grant';

function build(
  props: CredentialHygieneProps = {},
  extend?: (stack: Stack) => Partial<CredentialHygieneProps>,
) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test');
  const hygiene = new CredentialHygiene(stack, 'Hygiene', { ...props, ...extend?.(stack) });
  return { app, stack, hygiene, template: () => Template.fromStack(stack) };
}

const propsError = (fn: () => unknown) => thrownBy(CredentialHygienePropsError, fn);

/** The properties of the schedule that runs the sweep. */
function sweepSchedule(template: Template): Record<string, unknown> {
  const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).filter((r) =>
    String(r.Properties.Target.Input).includes('"job":"sweep"'),
  );
  expect(schedules).toHaveLength(1);
  return schedules[0]?.Properties;
}

describe('bad props', () => {
  it('rejects a table and tableProps together, with every other problem, in one readable error', () => {
    const error = propsError(() =>
      build(
        { tableProps: { tableName: 'x' }, config: { staleAfterDays: 0, mode: 'on' as never } },
        (stack) => ({
          table: dynamodb.Table.fromTableName(stack, 'Existing', 'Existing'),
        }),
      ),
    );
    expect(error.message).toMatch(/^Invalid CredentialHygiene props: /);
    expect(error.problems).toEqual([
      'give either `table` (bring your own) or `tableProps` (create one), not both',
      expect.stringMatching(/^config\.mode = "on": must be one of audit, enforce/),
      expect.stringMatching(/^config\.staleAfterDays = 0: must be an integer from 1 to 3650/),
    ]);
  });

  it('rejects unknown config keys, bad emails and out-of-range schedule retry settings', () => {
    const error = propsError(() =>
      build({
        config: { staleDays: 3 } as never,
        ownerEmails: { 'user-1': 'not-an-email' },
        adminEmails: ['sec@example'],
        scheduleRetryAttempts: 500,
        scheduleMaxEventAge: Duration.days(2),
      }),
    );
    expect(error.problems).toEqual([
      expect.stringMatching(/^config\.unknown key\(s\) staleDays/),
      // Issue 11: owner subscriptions left the stack; the prop now points to the owner directory.
      expect.stringMatching(
        /^ownerEmails: owner subscriptions are no longer part of the stack .*pc-hygiene owners import FILE/,
      ),
      'adminEmails email "sec@example" has no dotted domain (such as example.com) after the @: messages go out as internet mail, which needs one (email address rule "a dotted domain", docs/deploy.md "Owner directory")',
      'scheduleRetryAttempts = 500: must be an integer from 0 to 185',
      'scheduleMaxEventAge = 172800 s: must be from 1 minute to 1 day',
    ]);
  });

  it('rejects route relay without a sender, naming the config prop (the same rule as CDK context)', () => {
    const error = propsError(() => build({ config: { ownerDelivery: 'relay' } }));
    expect(error.problems).toEqual([
      expect.stringMatching(
        /^config\.senderIdentity: ownerDelivery "relay" needs a sender, a verified SES identity/,
      ),
    ]);
  });

  it('rejects a config too large for the Lambda environment', () => {
    const exemptIds = Array.from({ length: 400 }, (_, i) => `credential-${i}`);
    const error = propsError(() => build({ config: { exemptIds } }));
    // The one environment check (lib/environment-budget.ts), shared with CDK context: it names exemptIds and the way out.
    expect(error.problems).toEqual([
      expect.stringMatching(
        /^exemptIds: 400 ids take \d+ bytes of the sweep function's environment .*pc-hygiene exempt ID --reason TEXT/,
      ),
    ]);
  });
});

describe('configuration', () => {
  it('passes an enforce config and custom schedules through', () => {
    const { template } = build({
      config: { mode: 'enforce', staleAfterDays: 60, expiryNoticeDays: [14, 3] },
      sweepSchedule: scheduler.ScheduleExpression.cron({ minute: '30', hour: '1' }),
      notifierSchedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
    });
    const t = template();
    t.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({
            HYGIENE_mode: 'enforce',
            HYGIENE_staleAfterDays: '60',
            HYGIENE_expiryNoticeDays: '14,3',
          }),
        },
      },
      3, // sweep, notifier, reconciler (issue 11)
    );
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 1 * * ? *)' });
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)' });
  });
});

describe('bring your own', () => {
  it('uses an existing customer-managed-key table: no table created, explicit key actions granted', () => {
    const { template, hygiene } = build({}, (stack) => {
      const key = new kms.Key(stack, 'TableKey', { enableKeyRotation: true });
      const table = new dynamodb.Table(stack, 'Own', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: key,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      });
      // The shape the worker needs (checked at synth: test/infra/brought-resources.test.ts).
      table.addGlobalSecondaryIndex({
        indexName: 'hygiene-outbox',
        partitionKey: { name: 'hygieneOutboxOwner', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'hygieneOutboxSince', type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.KEYS_ONLY,
      });
      return { table };
    });
    const t = template();
    t.resourceCountIs('AWS::DynamoDB::Table', 2); // the brought one, and the owner directory (issue 11)
    expect(hygiene.table.node.id).toBe('Own');
    t.resourcePropertiesCountIs(
      'AWS::IAM::Policy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TableKey'), 'Arn'] },
              // Only through DynamoDB in the table's region.
              Condition: {
                StringEquals: {
                  'kms:ViaService': {
                    'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
                  },
                },
              },
            },
          ]),
        },
      },
      2,
    );
  });

  it('applies alarms: false and logRetention to the relay’s functions too', () => {
    const relay = { ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' } as const;
    const quiet = build({
      alarms: false,
      logRetention: logs.RetentionDays.ONE_MONTH,
      config: relay,
    }).template();

    quiet.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    // Sweep, notifier, reconciler, relay and SES events functions: every log group keeps the given retention.
    quiet.resourceCountIs('AWS::Logs::LogGroup', 5);
    quiet.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 5);
  });

  it('publishes to a given topic and creates no notification topic', () => {
    const { template } = build({ alarms: false }, (stack) => ({
      topic: sns.Topic.fromTopicArn(stack, 'Given', 'arn:aws:sns:eu-west-1:123456789012:given'),
    }));
    const t = template();
    t.resourceCountIs('AWS::SNS::Topic', 0);
    t.resourceCountIs('AWS::KMS::Key', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.resourcePropertiesCountIs(
      'AWS::IAM::Policy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-1:123456789012:given' },
          ]),
        },
      },
      2,
    );
  });

  it('can leave out the dashboard', () => {
    build({ dashboard: false }).template().resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });
});

describe('subscriptions', () => {
  it('puts no owner address in the template: owners come from the owner directory (issue 11)', () => {
    const { hygiene, template } = build({ adminEmails: ['security@example.com'] });
    expect('subscribeOwner' in hygiene).toBe(false);
    const result = ownerSubscriptionCheck(template().toJSON() as CfnTemplate);
    expect(result.checked).toBe(2); // the admin's two subscriptions, and nothing else
    expect(result.problems).toEqual([]);
  });

  it('the owner-subscription check finds an owner email subscription added by hand', () => {
    const { hygiene, stack, template } = build();
    new sns.Subscription(stack, 'HandMade', {
      topic: hygiene.topic,
      protocol: sns.SubscriptionProtocol.EMAIL,
      endpoint: 'ada@example.com',
      filterPolicy: { userId: sns.SubscriptionFilter.stringFilter({ allowlist: ['user-1'] }) },
    });
    expect(ownerSubscriptionCheck(template().toJSON() as CfnTemplate).problems).toEqual([
      expect.stringMatching(
        /^subscription HandMade\w+: an owner's email \(ada@example\.com\) is in the template$/,
      ),
    ]);
  });

  it('subscribes the security team to the admin audience and to the alarms', () => {
    const { template } = build({ adminEmails: ['security@example.com'] });
    const t = template();
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^HygieneTopic') },
      FilterPolicy: { audience: ['admin'] },
    });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') },
      FilterPolicy: Match.absent(),
    });
  });

  it('rejects a bad admin email and a duplicate subscription with a readable error', () => {
    const { hygiene } = build();
    expect(() => hygiene.subscribeAdmin('nope')).toThrow(
      'Invalid CredentialHygiene props: admin email "nope" is not an email address',
    );
    hygiene.subscribeAdmin('security@example.com');
    expect(() => hygiene.subscribeAdmin('security@example.com')).toThrow(/already subscribed/);
  });
});

describe('the admin audience reaches someone', () => {
  const noAdmin = Match.stringLikeRegexp('^no admin subscriber: ');
  const warnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', noAdmin);
  const text = (stack: Stack) => String(warnings(stack)[0]?.entry.data);

  it('warns at synth when the construct made the topic and subscribed no admin', () => {
    const { stack } = build();
    expect(warnings(stack)).toHaveLength(1);
    expect(warnings(stack)[0]?.id).toBe('/Test/Hygiene');
    expect(text(stack)).toMatch(/owner-unreachable reports \(notification topic\), and every alarm/);
  });

  it('does not warn with adminEmails, or with subscribeAdmin called after construction', () => {
    expect(warnings(build({ adminEmails: ['security@example.com'] }).stack)).toEqual([]);
    const later = build();
    later.hygiene.subscribeAdmin('security@example.com');
    expect(warnings(later.stack)).toEqual([]);
  });

  it('can be acknowledged by its id, and does not check a brought topic', () => {
    const acknowledged = build();
    CoreAnnotations.of(acknowledged.hygiene).acknowledgeWarning(NO_ADMIN_SUBSCRIBER_WARNING, 'our SQS queue');
    expect(warnings(acknowledged.stack)).toEqual([]);
    const brought = build({}, (stack) => ({
      topic: new sns.Topic(stack, 'Mine'),
      alarmTopic: new sns.Topic(stack, 'MyAlarms'),
    }));
    expect(warnings(brought.stack)).toEqual([]);
  });

  it('still warns for the alarm topic it creates when the notification topic is brought', () => {
    const { stack } = build({}, (s) => ({ topic: new sns.Topic(s, 'Mine') }));
    expect(warnings(stack)).toHaveLength(1);
    expect(text(stack)).toMatch(
      /^no admin subscriber: every alarm \(the alarm topic this construct creates\) reach/,
    );
    expect(text(stack)).not.toContain('owner-unreachable');
    // no alarms, no alarm topic: nothing to warn about
    expect(warnings(build({ alarms: false }, (s) => ({ topic: new sns.Topic(s, 'Mine') })).stack)).toEqual(
      [],
    );
  });
});

describe('cdk-nag sensitivity', () => {
  it('is attached to the app as bin/ builds it: an unacknowledged finding fails the synth', () => {
    const { app, stack } = buildApp(new App({ context: SKIP_BUNDLING }));
    stack.hygiene.sweepFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: [stack.hygiene.table.tableArn] }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::dynamodb:\*\]/);
  });

  it('reports a Resource "*" grant added later through the public role (only the X-Ray policy is acknowledged)', () => {
    const { app, hygiene } = build();
    hygiene.notifierFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }),
    );
    const report = new AwsSolutionsChecks().validateScope(app);
    const found = report.violations.map((v) => [
      v.ruleName,
      v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId),
    ]);
    expect(found).toEqual([
      ['AwsSolutions-IAM5[Resource::*]', [expect.stringMatching(/Notifier\/Role\/DefaultPolicy/)]],
    ]);
  });

  it('reports an unacknowledged wildcard grant (so the clean app report means something)', () => {
    const { app, hygiene } = build();
    hygiene.sweepFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: [hygiene.table.tableArn] }),
    );
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([expect.stringContaining('AwsSolutions-IAM5')]);
  });
});

describe('heartbeat and skew props', () => {
  it('rejects a heartbeat window that is not whole hours within a week, and a skew outside 3 minutes to a day', () => {
    const error = propsError(() =>
      build({ heartbeatWindow: Duration.minutes(90), maxScheduleSkew: Duration.seconds(179) }),
    );
    expect(error.problems).toEqual([
      'heartbeatWindow = 5400 s: must be whole hours from 1 to 168',
      'maxScheduleSkew = 179 s: must be from 3 minutes to 1 day',
    ]);
    expect(propsError(() => build({ maxScheduleSkew: Duration.seconds(86_401) })).problems).toEqual([
      'maxScheduleSkew = 86401 s: must be from 3 minutes to 1 day',
    ]);
    expect(propsError(() => build({ heartbeatWindow: Duration.days(8) })).problems).toEqual([
      'heartbeatWindow = 691200 s: must be whole hours from 1 to 168',
    ]);
  });

  it('caps the sweep’s queued-invocation age at Lambda’s 6 hours when the skew is longer', () => {
    const { template } = build({ maxScheduleSkew: Duration.hours(12) });
    template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumEventAgeInSeconds: 6 * 3600,
    });
    expect(sweepDeliveryCheck(template().toJSON() as CfnTemplate)).toEqual({ checked: 1, problems: [] });
  });

  it('fits the sweep’s retries and queue inside the skew; the other schedules keep scheduleMaxEventAge', () => {
    const { template } = build({
      maxScheduleSkew: Duration.hours(1),
      scheduleMaxEventAge: Duration.minutes(10),
    });
    const sweepTarget = sweepSchedule(template()).Target as { RetryPolicy: unknown };
    expect(sweepTarget.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 });
    template().hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 } }),
    });
    template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumEventAgeInSeconds: 3600 - 600 - 60,
    });
  });

  it('at the smallest skew, 3 minutes, gives each window the services’ 1-minute minimum', () => {
    const { template } = build({ maxScheduleSkew: Duration.minutes(3) });
    const sweepTarget = sweepSchedule(template()).Target as { RetryPolicy: unknown };
    expect(sweepTarget.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60 });
    template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: 60 });
    expect(sweepDeliveryCheck(template().toJSON() as CfnTemplate)).toEqual({ checked: 1, problems: [] });
  });
});

describe('owner directory props (issue 11)', () => {
  it('rejects a directory table and directoryTableProps together, and a quota below 1', () => {
    const error = propsError(() =>
      build({ directoryTableProps: { tableName: 'Owners' }, filterPolicyQuota: 0 }, (stack) => ({
        directoryTable: dynamodb.Table.fromTableName(stack, 'Owners', 'Owners'),
      })),
    );
    expect(error.problems).toEqual([
      'give either `directoryTable` (bring your own) or `directoryTableProps` (create one), not both',
      'filterPolicyQuota = 0: must be a whole number, at least 1',
    ]);
  });

  it('grants the functions the brought directory’s customer-managed key', () => {
    const { template } = build({}, (stack) => ({
      directoryTable: dynamodb.Table.fromTableAttributes(stack, 'Owners', {
        tableName: 'Owners',
        encryptionKey: kms.Key.fromKeyArn(
          stack,
          'OwnersKey',
          'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        ),
      }),
    }));
    const keyGrant = (access: 'read' | 'write') => ({
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: [...TABLE_KEY_GRANT_ACTIONS[access]],
            Resource: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          }),
        ]),
      },
    });
    // The sweep and the notifier only read the directory; the reconciler also records subscription states.
    template().resourcePropertiesCountIs('AWS::IAM::Policy', keyGrant('read'), 2);
    template().resourcePropertiesCountIs('AWS::IAM::Policy', keyGrant('write'), 1);
  });
});
