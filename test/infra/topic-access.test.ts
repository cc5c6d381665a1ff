/**
 * The notification topic is not an open mailbox: explicit Deny statements
 * allow-list, by `aws:PrincipalArn`, who may publish (the worker's function
 * roles, the operators) and who may subscribe or change subscriptions (the
 * operators, the role CloudFormation deploys with, the reconciler on `sns-email`: on `relay` it subscribes no one,
 * and the Deny's Sid names only those it spares); and every role the stack itself uses can still do what it does.
 */
import { App, CliCredentialsStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import type { OwnerDeliveryRoute } from '../../lambdas/hygiene/owner-directory';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import { CredentialHygiene, CredentialHygienePropsError } from '../../lib/credential-hygiene';
import { TopicAllowList } from '../../lib/notification-topics';
import { type CfnStatement, type CfnTemplate, topicAccessCheck } from './structural-checks';
import { logicalIdOf, SKIP_BUNDLING, synthApp } from './synth';

const OPERATOR =
  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SecOps_*';
const CFN_EXEC_ROLE = {
  'Fn::Sub':
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript
    'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
};
const topicRef = { Ref: Match.stringLikeRegexp('^HygieneTopic') };
/** The Sids of the notification topic's Subscribe Deny: on `sns-email` it spares the reconciler, on `relay` not. */
const SUBSCRIBE_SID = {
  snsEmail: 'SubscribeOnlyByReconcilerOperatorsAndDeployment',
  relay: 'SubscribeOnlyByOperatorsAndDeployment',
} as const;

function roleArnOf(template: Template, descriptionStart: string) {
  const fnId = logicalIdOf(template, 'AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp(`^${descriptionStart}`),
  });
  const role = template.findResources('AWS::Lambda::Function')[fnId]!.Properties.Role;
  return role as { 'Fn::GetAtt': [string, string] };
}

describe('the notification topic policy', () => {
  const { template } = synthApp({ operatorPrincipalArns: OPERATOR, adminEmails: 'security@example.com' });

  it('denies publishing to everyone but the sweep and notifier roles and the operators', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'PublishOnlyByTheWorkerAndOperators',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sns:Publish',
            Resource: topicRef,
            Condition: {
              ArnNotLike: {
                'aws:PrincipalArn': [
                  roleArnOf(template, 'Credential hygiene sweep'),
                  roleArnOf(template, 'Credential hygiene notifier'),
                  OPERATOR,
                ],
              },
            },
          },
        ]),
      },
    });
  });

  it('denies subscribing to everyone but the reconciler, the operators and the CloudFormation execution role', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: SUBSCRIBE_SID.snsEmail,
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sns:Subscribe',
            Resource: topicRef,
            Condition: {
              ArnNotLike: {
                'aws:PrincipalArn': [
                  roleArnOf(template, 'Credential hygiene subscription reconciler'),
                  OPERATOR,
                  CFN_EXEC_ROLE,
                ],
              },
            },
          },
        ]),
      },
    });
  });

  it('denies subscribing over plain HTTP, SMS or mobile push, whoever asks', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'SubscribeOnlyOverSafeProtocols',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sns:Subscribe',
            Resource: topicRef,
            Condition: {
              StringNotEquals: {
                'sns:Protocol': ['email', 'email-json', 'sqs', 'lambda', 'https', 'firehose'],
              },
            },
          },
        ]),
      },
    });
  });

  it('still lets every role of the stack do what it is granted, and the deployment create the admin subscriptions', () => {
    const result = topicAccessCheck(template.toJSON() as CfnTemplate);
    expect(result.checked).toBe(1);
    expect(result.problems).toEqual([]);
  });

  it('uses the default stack’s lists without operators', () => {
    const { template: plain } = synthApp();
    const result = topicAccessCheck(plain.toJSON() as CfnTemplate);
    expect(result).toEqual({ checked: 1, problems: [] });
  });
});

describe('the notification topic policy on the relay route', () => {
  const { template } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' });

  it('lets the SES events function publish its bounce reports, and still every other role what it is granted', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'PublishOnlyByTheWorkerAndOperators',
            Condition: {
              ArnNotLike: {
                'aws:PrincipalArn': [
                  roleArnOf(template, 'Credential hygiene sweep'),
                  roleArnOf(template, 'Credential hygiene notifier'),
                  roleArnOf(template, 'Marks owner addresses bouncing'),
                ],
              },
            },
          }),
        ]),
      },
    });
    expect(topicAccessCheck(template.toJSON() as CfnTemplate)).toEqual({ checked: 1, problems: [] });
  });

  it('does not spare the reconciler from the Subscribe Deny, nor name it in its Sid: on relay it subscribes no one (no operators here: only the deployment role)', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: SUBSCRIBE_SID.relay,
            Condition: { ArnNotLike: { 'aws:PrincipalArn': [CFN_EXEC_ROLE] } },
          }),
        ]),
      },
    });
    expect(notificationTopicSids(template)).not.toContain(SUBSCRIBE_SID.snsEmail);
  });

  it('spares the operators and the deployment role, still not the reconciler, when there are operators', () => {
    const { template: withOperators } = synthApp({
      ownerDelivery: 'relay',
      senderIdentity: 'hygiene@corp.example',
      operatorPrincipalArns: OPERATOR,
    });
    const { sid, spared } = subscribeDenyOf(withOperators);
    expect(sid).toBe(SUBSCRIBE_SID.relay);
    expect(spared).toEqual([OPERATOR, CFN_EXEC_ROLE]);
    expect(spared).not.toContainEqual(roleArnOf(withOperators, 'Credential hygiene subscription reconciler'));
  });
});

describe('the Subscribe Deny’s Sid, by route (TopicAllowList)', () => {
  /** The Sids of the policy a bare topic gets from an allow-list built for `route`. */
  function sidsOf(route: OwnerDeliveryRoute): string[] {
    const stack = new Stack(new App(), 'Test');
    const allowList = new TopicAllowList(new sns.Topic(stack, 'HygieneTopic'), route);
    allowList.allowPublish('arn:aws:iam::123456789012:role/Publisher');
    allowList.allowSubscriptionManagement('arn:aws:iam::123456789012:role/Deployer');
    return notificationTopicSids(Template.fromStack(stack));
  }

  it('names the reconciler on sns-email, and not on relay', () => {
    expect(sidsOf('sns-email')).toContain(SUBSCRIBE_SID.snsEmail);
    expect(sidsOf('relay')).toContain(SUBSCRIBE_SID.relay);
    expect(sidsOf('relay')).not.toContain(SUBSCRIBE_SID.snsEmail);
  });
});

/** The Sids of the notification topic's policy in `template`. */
function notificationTopicSids(template: Template): string[] {
  return notificationTopicStatements(template).map((s) => s.Sid ?? '');
}

/**
 * The notification topic's Subscribe allow-list Deny (the one Deny of `sns:Subscribe` with an `ArnNotLike`): its Sid
 * and the `aws:PrincipalArn` values it spares.
 */
function subscribeDenyOf(template: Template): { sid: string | undefined; spared: unknown[] } {
  const denies = notificationTopicStatements(template).flatMap((s) => {
    const allowList = s.Condition?.ArnNotLike?.['aws:PrincipalArn'];
    const isAllowList = s.Effect === 'Deny' && s.Action === 'sns:Subscribe' && Array.isArray(allowList);
    return isAllowList ? [{ sid: s.Sid, spared: allowList }] : [];
  });
  expect(denies).toHaveLength(1);
  return denies[0]!;
}

/** The statements of the only topic policy of the notification topic in `template`. */
function notificationTopicStatements(template: Template): CfnStatement[] {
  const policies = Object.values(
    template.findResources('AWS::SNS::TopicPolicy', { Properties: { Topics: [topicRef] } }),
  );
  expect(policies).toHaveLength(1);
  return (policies[0]!.Properties as { PolicyDocument: { Statement: CfnStatement[] } }).PolicyDocument
    .Statement;
}

describe('the check itself', () => {
  const { template } = synthApp({ adminEmails: 'security@example.com' });
  const json = template.toJSON() as CfnTemplate;

  /** A copy with `drop` removed from the allow-list of the Deny with this Sid. */
  function withoutExemption(sid: string, drop: (value: unknown) => boolean): CfnTemplate {
    const copy = structuredClone(json) as {
      Resources: Record<
        string,
        { Type: string; Properties: { PolicyDocument: { Statement: CfnStatement[] } } }
      >;
    };
    for (const resource of Object.values(copy.Resources)) {
      if (resource.Type !== 'AWS::SNS::TopicPolicy') continue;
      for (const statement of resource.Properties.PolicyDocument.Statement) {
        if (statement.Sid !== sid) continue;
        const byKey = statement.Condition!.ArnNotLike! as { 'aws:PrincipalArn': unknown[] };
        byKey['aws:PrincipalArn'] = byKey['aws:PrincipalArn'].filter((v) => !drop(v));
      }
    }
    return copy as unknown as CfnTemplate;
  }

  it('fails when a role granted sns:Publish is not on the publish list', () => {
    const notifierRole = roleArnOf(template, 'Credential hygiene notifier')['Fn::GetAtt'][0];
    const broken = withoutExemption('PublishOnlyByTheWorkerAndOperators', (v) =>
      JSON.stringify(v).includes(notifierRole),
    );
    expect(topicAccessCheck(broken).problems).toEqual([
      expect.stringMatching(
        new RegExp(`role ${notifierRole} is granted sns:Publish but the topic policy denies it`),
      ),
    ]);
  });

  it('fails when the deployment role may not create the admin subscriptions', () => {
    const broken = withoutExemption(SUBSCRIBE_SID.snsEmail, (v) =>
      JSON.stringify(v).includes('cfn-exec-role'),
    );
    expect(topicAccessCheck(broken).problems).toEqual([
      expect.stringMatching(/the deployment role may not sns:Subscribe: the next deploy fails/),
    ]);
  });

  it('fails when the template subscribes with a protocol the policy refuses', () => {
    const copy = structuredClone(json) as {
      Resources: Record<string, { Type: string; Properties: { Protocol?: string } }>;
    };
    const subscription = Object.values(copy.Resources).find((r) => r.Type === 'AWS::SNS::Subscription')!;
    subscription.Properties.Protocol = 'sms';
    expect(topicAccessCheck(copy as unknown as CfnTemplate).problems).toEqual([
      expect.stringMatching(/subscription \w+ over sms is refused by the topic policy/),
    ]);
  });

  it('fails when there is no allow-list at all', () => {
    const copy = structuredClone(json) as { Resources: Record<string, { Type: string }> };
    for (const [id, resource] of Object.entries(copy.Resources)) {
      if (resource.Type === 'AWS::SNS::TopicPolicy') delete copy.Resources[id];
    }
    expect(topicAccessCheck(copy as CfnTemplate).problems).toEqual([
      expect.stringMatching(/no Deny of sns:Publish unless aws:PrincipalArn is allow-listed/),
      expect.stringMatching(/no Deny of sns:Subscribe unless aws:PrincipalArn is allow-listed/),
    ]);
  });
});

describe('operator principals and the deployment role', () => {
  it('reads operatorPrincipalArns from context as a list and names a bad one, with a hint for a role session', () => {
    const settings = readDeploymentSettings((key) =>
      key === 'operatorPrincipalArns' ? `${OPERATOR}, arn:aws:iam::123456789012:user/ops` : undefined,
    );
    expect(settings.operatorPrincipalArns).toEqual([OPERATOR, 'arn:aws:iam::123456789012:user/ops']);
    let error: unknown;
    try {
      readDeploymentSettings((key) =>
        key === 'operatorPrincipalArns'
          ? '["*", "arn:aws:sts::123456789012:assumed-role/Ops/session"]'
          : undefined,
      );
    } catch (e: unknown) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContextError);
    expect((error as ContextError).problems).toEqual([
      expect.stringMatching(/^operatorPrincipalArns: "\*" is not an IAM role, user or account-root ARN/),
      expect.stringMatching(/assumed-role\/Ops\/session" is not .*give the role ARN/),
    ]);
  });

  it('refuses a synthesizer that does not name the deployment role unless deploymentRoleArn is given', () => {
    const stackWith = () =>
      new Stack(new App({ context: SKIP_BUNDLING }), 'Test', {
        synthesizer: new CliCredentialsStackSynthesizer(),
      });
    expect(() => new CredentialHygiene(stackWith(), 'Hygiene')).toThrow(CredentialHygienePropsError);
    expect(() => new CredentialHygiene(stackWith(), 'Hygiene')).toThrow(/give `deploymentRoleArn`/);
    const stack = stackWith();
    new CredentialHygiene(stack, 'Hygiene', { deploymentRoleArn: 'arn:aws:iam::123456789012:role/Deployer' });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: SUBSCRIBE_SID.snsEmail,
            Condition: {
              ArnNotLike: {
                'aws:PrincipalArn': [Match.anyValue(), 'arn:aws:iam::123456789012:role/Deployer'],
              },
            },
          }),
        ]),
      },
    });
  });

  it('takes operators for a topic it does not own: they still read the shared dead-letter queue', () => {
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
    new CredentialHygiene(stack, 'Hygiene', {
      topic: sns.Topic.fromTopicArn(stack, 'Given', 'arn:aws:sns:eu-west-1:123456789012:given'),
      operatorPrincipalArns: [OPERATOR],
    });
    const template = Template.fromStack(stack);
    const naming = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p) =>
      JSON.stringify(p).includes(OPERATOR),
    );
    expect(naming).toHaveLength(1);
  });

  it('takes operators with a topic it does not own on the relay route: they go to the queues', () => {
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
    new CredentialHygiene(stack, 'Hygiene', {
      topic: sns.Topic.fromTopicArn(stack, 'Given', 'arn:aws:sns:eu-west-1:123456789012:given'),
      operatorPrincipalArns: [OPERATOR],
      config: { ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' },
    });
    const policies = Template.fromStack(stack).findResources('AWS::SQS::QueuePolicy');
    const naming = Object.values(policies).filter((p) => JSON.stringify(p).includes(OPERATOR));
    // The relay queue, its DLQ, the relay subscription DLQ and the SES events DLQ (their readers) and the shared
    // dead-letter queue all list the operator.
    expect(naming).toHaveLength(5);
  });
});
