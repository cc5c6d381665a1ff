/**
 * Every alarm can notify: walk each alarm of the synthesized template → each
 * action → its topic → the topic policy lets CloudWatch publish (scoped to this
 * account's alarms) → the topic's key lets CloudWatch use it. Without the
 * CloudWatch statement every alarm action fails with "no resource-based policy
 * allows the SNS:Publish action" and nobody hears of it.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { alarmNotificationCheck, type CfnStatement, type CfnTemplate } from './structural-checks';
import { expectKeyStatement, synthApp } from './synth';

let template: Template;
let json: CfnTemplate;

beforeAll(() => {
  ({ template } = synthApp());
  json = template.toJSON() as CfnTemplate;
});

describe('alarm → action → topic → key', () => {
  it('every alarm action reaches a topic CloudWatch may publish to, with a key CloudWatch may use', () => {
    const result = alarmNotificationCheck(json);
    expect(result.checked).toBeGreaterThan(0);
    expect(result.problems).toEqual([]);
  });

  it('scopes CloudWatch’s publish to this account’s alarms', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':cloudwatch:',
                      { Ref: 'AWS::Region' },
                      ':',
                      { Ref: 'AWS::AccountId' },
                      ':alarm:*',
                    ],
                  ],
                },
              },
            },
          },
        ]),
      },
    });
  });

  it('scopes CloudWatch’s use of the key to this account', () => {
    expectKeyStatement(template, {
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
  });
});

describe('the check itself', () => {
  /** A copy of the template with the statements matching `drop` removed from one resource type's policy. */
  function without(type: string, drop: (s: CfnStatement) => boolean): CfnTemplate {
    const copy = structuredClone(json) as { Resources: Record<string, { Type: string; Properties: never }> };
    for (const resource of Object.values(copy.Resources)) {
      if (resource.Type !== type) continue;
      const document = (resource.Properties as Record<string, { Statement: CfnStatement[] }>)[
        type === 'AWS::KMS::Key' ? 'KeyPolicy' : 'PolicyDocument'
      ]!;
      document.Statement = document.Statement.filter((s) => !drop(s));
    }
    return copy;
  }
  const isCloudWatch = (s: CfnStatement) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com');

  it('fails every alarm when the topic policy does not let CloudWatch publish', () => {
    const result = alarmNotificationCheck(without('AWS::SNS::TopicPolicy', isCloudWatch));
    expect(result.problems).toHaveLength(result.checked);
    expect(result.problems[0]).toMatch(
      /no topic policy statement allows cloudwatch\.amazonaws\.com to sns:Publish/,
    );
  });

  it('fails every alarm when the key does not let CloudWatch encrypt', () => {
    const result = alarmNotificationCheck(without('AWS::KMS::Key', isCloudWatch));
    expect(result.problems).toHaveLength(result.checked);
    expect(result.problems[0]).toMatch(
      /does not grant cloudwatch\.amazonaws\.com kms:Decrypt, kms:GenerateDataKey/,
    );
  });

  it('fails an alarm whose action is not a topic it can see', () => {
    const alarmId = Object.keys(json.Resources).find(
      (id) => json.Resources[id]!.Type === 'AWS::CloudWatch::Alarm',
    )!;
    const copy = structuredClone(json) as {
      Resources: Record<string, { Properties: Record<string, unknown> }>;
    };
    copy.Resources[alarmId]!.Properties.OKActions = ['arn:aws:sns:us-east-1:123456789012:elsewhere'];
    expect(alarmNotificationCheck(copy as unknown as CfnTemplate).problems).toEqual([
      expect.stringMatching(/elsewhere.*not a topic of this template/),
    ]);
  });

  it('counts the alarms it walked (a template without alarms is no pass by accident)', () => {
    const resources = Object.fromEntries(
      Object.entries(json.Resources).filter(([, r]) => r.Type !== 'AWS::CloudWatch::Alarm'),
    );
    expect(alarmNotificationCheck({ Resources: resources }).checked).toBe(0);
  });
});
