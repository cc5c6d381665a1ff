/**
 * CDK context → deployment settings: the same schema as the Lambdas, one
 * clear error naming each bad key; and the context reaching the template.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import { thrownBy } from '../support/thrown';
import { synthApp } from './synth';
import { tableKeyGrant } from './table-key-grant';

const reader = (context: Record<string, unknown>) => (key: string) => context[key];

const contextError = (context: Record<string, unknown>) =>
  thrownBy(ContextError, () => readDeploymentSettings(reader(context)));

describe('readDeploymentSettings', () => {
  it('reads cdk.json-style values and -c strings through the shared schema', () => {
    const settings = readDeploymentSettings(
      reader({
        mode: 'enforce',
        expiryNoticeDays: '14,3',
        staleAfterDays: '60',
        maxDeletePercent: 5,
        adminEmails: 'sec@example.com, ops@example.com',
        sweepSchedule: 'cron(30 2 * * ? *)',
        notifierSchedule: 'rate(30 minutes)',
        existingTableName: 'PersonalClients',
      }),
    );
    expect(settings.config).toMatchObject({
      mode: 'enforce',
      expiryNoticeDays: [14, 3],
      staleAfterDays: 60,
      maxDeletePercent: 5,
    });
    expect(settings.adminEmails).toEqual(['sec@example.com', 'ops@example.com']);
    expect(settings.sweepSchedule?.expressionString).toBe('cron(30 2 * * ? *)');
    expect(settings.notifierSchedule?.expressionString).toBe('rate(30 minutes)');
    expect(settings.existingTableName).toBe('PersonalClients');
  });

  it('defaults to audit mode with no context at all', () => {
    expect(readDeploymentSettings(reader({})).config.mode).toBe('audit');
  });

  it('names every bad key, its value and what is allowed, in one error', () => {
    const error = contextError({
      mode: 'yolo',
      staleAfterDays: 'abc',
      sweepSchedule: 'daily',
      ownerEmails: '["ada@example.com"]',
      existingTableName: 'no spaces allowed',
    });
    expect(error.message).toMatch(/^Invalid CDK context: /);
    expect(error.problems).toEqual([
      expect.stringMatching(/^mode = "yolo": must be one of audit, enforce/),
      expect.stringMatching(/^staleAfterDays = "abc": must be an integer from 1 to 3650/),
      expect.stringMatching(
        /^sweepSchedule = "daily": EventBridge Scheduler refuses it \(not a rate, cron or at expression\)/,
      ),
      // Issue 11: any ownerEmails value now fails, pointing to the owner directory.
      expect.stringMatching(
        /^ownerEmails: owner subscriptions are no longer part of the stack .*pc-hygiene owners import/,
      ),
      expect.stringMatching(/^existingTableName = "no spaces allowed": must be a DynamoDB table name/),
    ]);
  });
});

describe('context in the synthesized stack', () => {
  it('deploys enforce mode and the schedules given as -c values', () => {
    const { template } = synthApp({
      mode: 'enforce',
      staleAfterDays: '60',
      sweepSchedule: 'cron(30 2 * * ? *)',
    });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({ HYGIENE_mode: 'enforce', HYGIENE_staleAfterDays: '60' }),
        },
      },
      3, // sweep, notifier, reconciler (issue 11)
    );
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 2 * * ? *)' });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('fails the synth on ownerEmails, pointing to pc-hygiene owners import (no owner address in a template)', () => {
    expect(contextError({ ownerEmails: '{"user-1":"ada@example.com"}' }).problems).toEqual([
      'ownerEmails: owner subscriptions are no longer part of the stack (no owner address in a template): load owners into the owner directory with `pc-hygiene owners import FILE`; the subscription reconciler subscribes them (docs/deploy.md, "Owner directory")',
    ]);
  });

  it('uses an existing table by name and creates none (bring your own table)', () => {
    const { template } = synthApp({ existingTableName: 'PersonalClients' });
    // No credentials table (the owner directory table is the only one, issue 11).
    template.resourcePropertiesCountIs(
      'AWS::DynamoDB::Table',
      { GlobalSecondaryIndexes: Match.anyValue() },
      0,
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            // The sweep's grant (its batched transitions are PartiQL UPDATEs).
            Action: ['dynamodb:Scan', 'dynamodb:UpdateItem', 'dynamodb:PartiQLUpdate'],
            Resource: {
              'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':table/PersonalClients$')])],
            },
          }),
        ]),
      },
    });
  });
});

describe('heartbeat window and schedule skew', () => {
  it('reads heartbeatWindowHours and maxScheduleSkewMinutes into the alarm and the sweep', () => {
    const { template } = synthApp({ heartbeatWindowHours: '50', maxScheduleSkewMinutes: 30 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SweepCompleted',
      EvaluationPeriods: 50,
      DatapointsToAlarm: 50,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Credential hygiene sweep'),
      Environment: { Variables: Match.objectLike({ MAX_SCHEDULE_SKEW_SECONDS: '1800' }) },
    });
    // 1,800 s of skew: Scheduler retries for 450 s, Lambda queues for 1,800 − 450 − 60.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: 1290 });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ RetryPolicy: Match.objectLike({ MaximumEventAgeInSeconds: 450 }) }),
    });
  });

  it('names a window or skew outside what CloudWatch and the sweep accept', () => {
    const error = contextError({ heartbeatWindowHours: '200', maxScheduleSkewMinutes: '1.5' });
    expect(error.problems).toEqual([
      'heartbeatWindowHours = "200": must be an integer from 1 to 168 (hours)',
      'maxScheduleSkewMinutes = "1.5": must be an integer from 3 to 1440 (minutes)',
    ]);
  });

  it('reads pendingNoticeMaxAgeHours, the notices’ window, as whole hours from 1 to 168', () => {
    expect(
      readDeploymentSettings(reader({ pendingNoticeMaxAgeHours: '26' })).pendingNoticeMaxAge?.toHours(),
    ).toBe(26);
    expect(readDeploymentSettings(reader({})).pendingNoticeMaxAge).toBeUndefined();
    for (const text of ['0', '169', '6.5', 'six']) {
      expect(contextError({ pendingNoticeMaxAgeHours: text }).problems).toEqual([
        `pendingNoticeMaxAgeHours = ${JSON.stringify(text)}: must be an integer from 1 to 168 (hours)`,
      ]);
    }
  });

  it('passes pendingNoticeMaxAgeHours to the stack: a daily notifier synthesizes with a 26-hour window', () => {
    const { template } = synthApp({ notifierSchedule: 'cron(0 8 * * ? *)', pendingNoticeMaxAgeHours: '26' });
    const notifierHeartbeat = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(
      ([id]) => id.includes('NotifierHeartbeat'),
    );
    expect(notifierHeartbeat).toHaveLength(1);
    expect(notifierHeartbeat[0]?.[1].Properties).toMatchObject({
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
    });
  });

  it("reads the deployment integer keys as text by the hygiene keys' rule: digits only", () => {
    const settings = readDeploymentSettings(
      reader({ heartbeatWindowHours: '024', maxScheduleSkewMinutes: '30', filterPolicyQuota: 500 }),
    );
    expect(settings.heartbeatWindow?.toHours()).toBe(24);
    expect(settings.maxScheduleSkew?.toMinutes()).toBe(30);
    expect(settings.filterPolicyQuota).toBe(500);
    // Number() reads each of these as an integer in range: each is shown as written and refused, naming its key.
    for (const text of ['0x18', '2.4e1', ' 24 ', '24.', '24.0', '24.0000000000000001', '+24']) {
      expect(
        contextError({ heartbeatWindowHours: text, maxScheduleSkewMinutes: text, filterPolicyQuota: text })
          .problems,
      ).toEqual([
        `heartbeatWindowHours = ${JSON.stringify(text)}: must be an integer from 1 to 168 (hours)`,
        `maxScheduleSkewMinutes = ${JSON.stringify(text)}: must be an integer from 3 to 1440 (minutes)`,
        `filterPolicyQuota = ${JSON.stringify(text)}: must be an integer from 1 to 1000000 (filter policies)`,
      ]);
    }
  });
});

describe('bring your own customer-managed-key table', () => {
  const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  it('grants both functions the key actions on the table key given by existingTableKeyArn', () => {
    const { template } = synthApp({ existingTableName: 'PersonalClients', existingTableKeyArn: KEY_ARN });
    // No credentials table (the owner directory table is the only one, issue 11).
    template.resourcePropertiesCountIs(
      'AWS::DynamoDB::Table',
      { GlobalSecondaryIndexes: Match.anyValue() },
      0,
    );
    // Only through DynamoDB in the table's region.
    template.resourcePropertiesCountIs('AWS::IAM::Policy', tableKeyGrant(KEY_ARN, 'write'), 2);
  });

  it('grants no key actions for a table brought without a key', () => {
    const { template } = synthApp({ existingTableName: 'PersonalClients' });
    const actions = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(actions).not.toContain('kms:DescribeKey');
  });

  it('names a bad key ARN, and a key without a table', () => {
    expect(
      contextError({ existingTableName: 'PersonalClients', existingTableKeyArn: 'alias/mine' }).problems,
    ).toEqual([expect.stringMatching(/^existingTableKeyArn = "alias\/mine": must be a KMS key ARN/)]);
    expect(contextError({ existingTableKeyArn: KEY_ARN }).problems).toEqual([
      'existingTableKeyArn is given without existingTableName: it is the key of the table you bring',
    ]);
  });
});

describe('owner directory and subscription reconciler (issue 11)', () => {
  it('uses an existing directory table, the reconciler schedule and the raised filter-policy quota', () => {
    const { template } = synthApp({
      existingDirectoryTableName: 'PersonalClientOwners',
      reconcilerSchedule: 'rate(30 minutes)',
      filterPolicyQuota: '500',
    });
    template.resourcePropertiesCountIs(
      'AWS::DynamoDB::Table',
      { KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }] },
      0,
    );
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(30 minutes)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Credential hygiene subscription reconciler'),
      Environment: {
        Variables: Match.objectLike({
          DIRECTORY_TABLE_NAME: 'PersonalClientOwners',
          SNS_FILTER_POLICY_QUOTA: '500',
        }),
      },
    });
  });

  it('names a bad directory table name, reconciler schedule or quota', () => {
    expect(
      contextError({ existingDirectoryTableName: 'a', reconcilerSchedule: 'hourly', filterPolicyQuota: '0' })
        .problems,
    ).toEqual([
      expect.stringMatching(
        /^reconcilerSchedule = "hourly": EventBridge Scheduler refuses it \(not a rate, cron or at expression\)/,
      ),
      expect.stringMatching(/^existingDirectoryTableName = "a": must be a DynamoDB table name/),
      'filterPolicyQuota = "0": must be an integer from 1 to 1000000 (filter policies)',
    ]);
  });
});

describe('owner routes in the stack (issue 12)', () => {
  it('relay: one SQS subscription filtered on audience=owner and the relay function, no per-owner resource', () => {
    const { template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: { Ref: Match.stringLikeRegexp('^HygieneTopic') },
      FilterPolicy: { audience: ['owner'] },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 2); // the relay queue, and SES events → their function
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Emails owner digests through SES'),
    });
  });

  it('sns-email (the default): no relay queue or function', () => {
    const { template } = synthApp({});
    template.resourceCountIs('AWS::SQS::Queue', 1); // the schedules' dead-letter queue only
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Description: Match.stringLikeRegexp('^Emails owner digests through SES') },
      0,
    );
  });

  it('relay without a sender fails the synth as a context problem, naming the -c key to give', () => {
    const sender =
      'senderIdentity: ownerDelivery "relay" needs a sender, a verified SES identity ' +
      '(context key senderIdentity, e.g. -c senderIdentity=hygiene@example.com)';
    expect(contextError({ ownerDelivery: 'relay' }).problems).toEqual([sender]);
    // The app's synth says it so too, not as the construct's props error (`config.senderIdentity`).
    const synth = thrownBy(ContextError, () => synthApp({ ownerDelivery: 'relay' }));
    expect(synth.message).toBe(`Invalid CDK context: ${sender}`);
  });
});
