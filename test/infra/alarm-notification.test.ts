/**
 * Every alarm can notify: walk each alarm of the synthesized template → each
 * action → its topic → the topic policy lets CloudWatch publish (scoped to this
 * account's alarms) → the topic's key lets CloudWatch use it. Without the
 * CloudWatch statement every alarm action fails with "no resource-based policy
 * allows the SNS:Publish action" and nobody hears of it. And only CloudWatch: the
 * alarm topic the construct creates denies publishing to every principal that is
 * not an AWS service, so no IAM grant in the account lets anyone post a message of
 * their own to the security team (a `cloudwatch:PutMetricAlarm` or `SetAlarmState`
 * grant still has CloudWatch publish an alarm of its holder's choosing: docs/deploy.md);
 * and only the deployment role (the `adminEmails` subscriptions), the operators and
 * the `alarmSubscriberPrincipalArns` (a chat channel through AWS Chatbot) may
 * subscribe, so no IAM grant lets anyone read every alarm. A stack with no deployment
 * role to name has no Subscribe Deny there (IAM decides, as on the SES events topic).
 * A brought alarm topic keeps its own publishers and subscribers.
 */
import { App, CliCredentialsStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import {
  alarmNotificationCheck,
  alarmTopicPublishersCheck,
  alarmTopicSubscribersCheck,
  type CfnStatement,
  type CfnTemplate,
} from './structural-checks';
import { expectKeyStatement, SKIP_BUNDLING, synthApp } from './synth';

const FORGERY_SID = 'PublishOnlyByCloudWatchAlarms';
const SUBSCRIBE_SID = 'SubscribeOnlyByOperatorsAndDeployment';
const OPERATOR = 'arn:aws:iam::123456789012:role/HygieneOperator';
/** AWS Chatbot's service-linked role: it subscribes a chat channel's endpoint (docs/deploy.md, "Security choices"). */
const CHATBOT =
  'arn:aws:iam::123456789012:role/aws-service-role/management.chatbot.amazonaws.com/AWSServiceRoleForAWSChatbot';
/** The CDK bootstrap CloudFormation execution role, as the default synthesizer names it. */
const CFN_EXEC_ROLE = {
  'Fn::Sub':
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript
    'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
};

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

  it('and by that only: no aws:SourceArn on the key (not documented for it: lib/notification-topics.ts)', () => {
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    const statement = (key!.Properties.KeyPolicy.Statement as CfnStatement[]).find(
      (s) => s.Sid === 'AllowCloudWatchAlarmsToUseTheKey',
    );
    expect(statement?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    });
  });
});

describe('only CloudWatch publishes to the alarm topic (no hand-made alarm)', () => {
  const alarmTopic = { Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') };

  it('denies sns:Publish to every principal that is not an AWS service, operators included', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [alarmTopic],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: FORGERY_SID,
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sns:Publish',
            Resource: alarmTopic,
            Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
          },
        ]),
      },
    });
    expect(alarmTopicPublishersCheck(json)).toEqual({ checked: 1, problems: [] });
  });

  it('still lets CloudWatch, a service principal, publish every alarm', () => {
    const statements = json.Resources[alarmTopicPolicyId()]!.Properties!.PolicyDocument as {
      Statement: CfnStatement[];
    };
    expect(statements.Statement.map((s) => s.Sid)).toContain(FORGERY_SID);
    expect(alarmNotificationCheck(json).problems).toEqual([]);
  });

  it('adds no Deny to a brought alarm topic (its publishers are its own): only CloudWatch’s Allow, or nothing', () => {
    /** The topic policies of a stack whose worker is given the alarm topic `bring` makes. */
    const topicPolicies = (bring: (stack: Stack) => sns.ITopic) => {
      const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
      new CredentialHygiene(stack, 'Hygiene', {
        alarmTopic: bring(stack),
        adminEmails: ['security@example.com'],
      });
      return Object.values(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'));
    };
    const built = topicPolicies((stack) => {
      const key = new kms.Key(stack, 'AlarmKey', { enableKeyRotation: true });
      return new sns.Topic(stack, 'Alarms', { masterKey: key, enforceSSL: true });
    });
    const alarms = built.filter((p) => JSON.stringify(p.Properties.Topics).includes('Alarms'));
    expect(alarms).toHaveLength(1);
    expect(JSON.stringify(alarms[0])).toContain('AllowCloudWatchAlarmsToPublish');
    expect(JSON.stringify(built)).not.toContain(FORGERY_SID);
    const imported = topicPolicies((stack) =>
      sns.Topic.fromTopicArn(stack, 'Alarms', 'arn:aws:sns:eu-west-1:123456789012:alarms'),
    );
    expect(imported).toHaveLength(1); // the notification topic's own
    expect(JSON.stringify(imported)).not.toContain(FORGERY_SID);
    expect(JSON.stringify([...built, ...imported])).not.toContain(SUBSCRIBE_SID);
  });
});

describe('only the deployment role, the operators and the alarm subscribers subscribe to the alarm topic', () => {
  const alarmTopic = { Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') };
  const withOperators = withOperatorsAndAdmin();
  const operatorsJson = withOperators.template.toJSON() as CfnTemplate;

  it('denies sns:Subscribe to every principal but the operators, the alarm subscribers and the deployment role', () => {
    withOperators.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [alarmTopic],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: SUBSCRIBE_SID,
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sns:Subscribe',
            Resource: alarmTopic,
            Condition: { ArnNotLike: { 'aws:PrincipalArn': [OPERATOR, CHATBOT, CFN_EXEC_ROLE] } },
          },
        ]),
      },
    });
    expect(alarmTopicSubscribersCheck(operatorsJson, subscribers)).toEqual({ checked: 1, problems: [] });
  });

  it('lets the alarm subscribers do nothing else: no other policy of the stack names them', () => {
    const policies = Object.entries(operatorsJson.Resources).filter(
      ([id]) =>
        id !== alarmTopicPolicyId(operatorsJson) &&
        JSON.stringify(operatorsJson.Resources[id]).includes(CHATBOT),
    );
    expect(policies).toEqual([]);
  });

  it('spares the deployment role alone when there are no operators', () => {
    expect(subscribeDeny(json)?.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': [CFN_EXEC_ROLE] } });
  });

  it('still lets CloudFormation create the adminEmails subscription to the alarm topic', () => {
    const policy = operatorsJson.Resources[alarmTopicPolicyId(operatorsJson)]!;
    const topicId = (policy.Properties!.Topics as { Ref: string }[])[0]!.Ref;
    withOperators.template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: { Ref: topicId },
      Protocol: 'email',
      Endpoint: 'security@example.com',
    });
    expect(subscribeDeny(operatorsJson)?.Condition?.ArnNotLike?.['aws:PrincipalArn']).toContainEqual(
      CFN_EXEC_ROLE,
    );
  });

  describe('on a synthesizer that names no deployment role (a brought notification topic: the alarm topic alone)', () => {
    const build = (deploymentRoleArn?: string) => {
      const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test', {
        synthesizer: new CliCredentialsStackSynthesizer(),
      });
      new CredentialHygiene(stack, 'Hygiene', {
        topic: sns.Topic.fromTopicArn(stack, 'Given', 'arn:aws:sns:eu-west-1:123456789012:given'),
        operatorPrincipalArns: [OPERATOR],
        ...(deploymentRoleArn !== undefined && { deploymentRoleArn }),
      });
      return Template.fromStack(stack).toJSON() as CfnTemplate;
    };
    const deployer = 'arn:aws:iam::123456789012:role/Deployer';
    const isDeployer = (value: unknown) => value === deployer;

    it('synthesizes as before, with no Subscribe Deny: IAM alone decides, as on the SES events topic', () => {
      const noRole = build();
      expect(alarmTopicPolicyId(noRole)).toBeDefined();
      expect(subscribeDeny(noRole)).toBeUndefined();
      expect(alarmTopicSubscribersCheck(noRole, { operators: [OPERATOR], isDeploymentRole: null })).toEqual({
        checked: 1,
        problems: [],
      });
      // Checked as a stack with a deployment role, the missing Deny is reported.
      expect(alarmTopicSubscribersCheck(noRole, { operators: [OPERATOR] }).problems).toEqual([
        expect.stringMatching(/no Deny of sns:Subscribe unless aws:PrincipalArn is allow-listed/),
      ]);
    });

    it('denies the rest once deploymentRoleArn is given, and the check then wants the Deny', () => {
      const withRole = build(deployer);
      expect(subscribeDeny(withRole)?.Condition).toEqual({
        ArnNotLike: { 'aws:PrincipalArn': [OPERATOR, deployer] },
      });
      const given = { operators: [OPERATOR], isDeploymentRole: isDeployer };
      expect(alarmTopicSubscribersCheck(withRole, given)).toEqual({ checked: 1, problems: [] });
      expect(alarmTopicSubscribersCheck(dropSubscribeDeny(withRole), given).problems).toEqual([
        expect.stringMatching(/no Deny of sns:Subscribe unless aws:PrincipalArn is allow-listed/),
      ]);
    });
  });

  it('accepts no Subscribe Deny only when the template has no deployment role to name', () => {
    const noRole = { operators: [], isDeploymentRole: null };
    // The default synthesizer names one (the notification topic's allow-list holds it too): told there is none,
    // the check refuses the template as it is, and without its alarm topic's Deny.
    expect(alarmTopicSubscribersCheck(json, noRole).problems).toEqual([
      expect.stringMatching(
        /the template names the deployment role \(the CDK bootstrap CloudFormation execution role\)/,
      ),
      expect.stringMatching(/a Deny of sns:Subscribe with no deployment role to spare/),
    ]);
    expect(alarmTopicSubscribersCheck(dropSubscribeDeny(json), noRole).problems).toEqual([
      expect.stringMatching(/the template names the deployment role/),
    ]);
  });

  it('checks only the alarm topics it is given: a brought one keeps its own subscribers and publishers', () => {
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
    const key = new kms.Key(stack, 'AlarmKey', { enableKeyRotation: true });
    new CredentialHygiene(stack, 'Hygiene', {
      alarmTopic: new sns.Topic(stack, 'Alarms', { masterKey: key, enforceSSL: true }),
    });
    const brought = Template.fromStack(stack).toJSON() as CfnTemplate;
    expect(alarmTopicSubscribersCheck(brought, { operators: [] }, [])).toEqual({ checked: 0, problems: [] });
    expect(alarmTopicPublishersCheck(brought, [])).toEqual({ checked: 0, problems: [] });
    expect(alarmTopicSubscribersCheck(brought, { operators: [] }).problems).toEqual([
      expect.stringMatching(
        /^topic Alarms\w+: no Deny of sns:Subscribe unless aws:PrincipalArn is allow-listed/,
      ),
    ]);
  });
});

let operatorsAndAdmin: ReturnType<typeof synthApp> | undefined;
/** The app with an operator, AWS Chatbot as alarm subscriber and an admin address (synthesized once). */
function withOperatorsAndAdmin(): ReturnType<typeof synthApp> {
  operatorsAndAdmin ??= synthApp({
    operatorPrincipalArns: OPERATOR,
    alarmSubscriberPrincipalArns: CHATBOT,
    adminEmails: 'security@example.com',
  });
  return operatorsAndAdmin;
}
/** Who may subscribe to the alarm topic of {@link withOperatorsAndAdmin}. */
const subscribers = { operators: [OPERATOR], alarmSubscribers: [CHATBOT] };

/** A copy of a template without its alarm topic's Subscribe Deny. */
function dropSubscribeDeny(template: CfnTemplate): CfnTemplate {
  const copy = structuredClone(template);
  const document = copy.Resources[alarmTopicPolicyId(copy)]!.Properties!.PolicyDocument as {
    Statement: CfnStatement[];
  };
  document.Statement = document.Statement.filter((s) => s.Sid !== SUBSCRIBE_SID);
  return copy;
}

/** The alarm topic's Subscribe Deny in a template. */
function subscribeDeny(template: CfnTemplate): CfnStatement | undefined {
  const document = template.Resources[alarmTopicPolicyId(template)]?.Properties?.PolicyDocument as
    | { Statement: CfnStatement[] }
    | undefined;
  return document?.Statement.find((s) => s.Sid === SUBSCRIBE_SID);
}

/** The logical id of the alarm topic policy of a template (the default stack's unless given). */
function alarmTopicPolicyId(template: CfnTemplate = json): string {
  return Object.keys(template.Resources).find(
    (id) =>
      template.Resources[id]!.Type === 'AWS::SNS::TopicPolicy' &&
      JSON.stringify(template.Resources[id]!.Properties?.Topics).includes('HygieneAlarmTopic'),
  )!;
}

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

  /** A copy with the alarm topic's forgery Deny changed by `change` (removed when it returns undefined). */
  function withForgeryDeny(change: (s: CfnStatement) => CfnStatement | undefined): CfnTemplate {
    const copy = structuredClone(json);
    const document = copy.Resources[alarmTopicPolicyId()]!.Properties!.PolicyDocument as {
      Statement: CfnStatement[];
    };
    document.Statement = document.Statement.flatMap((s) => {
      if (s.Sid !== FORGERY_SID) return [s];
      const changed = change(s);
      return changed === undefined ? [] : [changed];
    });
    return copy;
  }

  it('fails the alarm topic when nothing denies a non-service principal sns:Publish', () => {
    expect(alarmTopicPublishersCheck(withForgeryDeny(() => undefined)).problems).toEqual([
      expect.stringMatching(/^topic HygieneAlarmTopic\w+: no Deny of sns:Publish .*can post a forged alarm$/),
    ]);
  });

  it('fails the alarm topic when the Deny spares a principal of the account', () => {
    const spares = withForgeryDeny((s) => ({
      ...s,
      Condition: {
        ...s.Condition,
        ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/Ops' },
      },
    }));
    expect(alarmTopicPublishersCheck(spares).problems).toHaveLength(1);
  });

  it('fails every alarm when the Deny does not spare AWS services (CloudWatch would be refused)', () => {
    const result = alarmNotificationCheck(
      withForgeryDeny(({ Condition: _, ...unconditional }) => unconditional),
    );
    expect(result.problems).toHaveLength(result.checked);
    expect(result.problems[0]).toMatch(
      /Deny statement PublishOnlyByCloudWatchAlarms would refuse CloudWatch$/,
    );
  });

  /** A copy of the operators' template with its alarm topic's Subscribe Deny changed (removed: undefined). */
  function withSubscribeDeny(change: (s: CfnStatement) => CfnStatement | undefined): CfnTemplate {
    const copy = structuredClone(withOperatorsAndAdmin().template.toJSON()) as CfnTemplate;
    const document = copy.Resources[alarmTopicPolicyId(copy)]!.Properties!.PolicyDocument as {
      Statement: CfnStatement[];
    };
    document.Statement = document.Statement.flatMap((s) => {
      if (s.Sid !== SUBSCRIBE_SID) return [s];
      const changed = change(s);
      return changed === undefined ? [] : [changed];
    });
    return copy;
  }
  /** The Subscribe Deny sparing exactly `principals`. */
  const sparing =
    (...principals: unknown[]) =>
    (s: CfnStatement): CfnStatement => ({
      ...s,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': principals } },
    });

  it('fails the alarm topic when nothing denies sns:Subscribe to the account', () => {
    expect(
      alarmTopicSubscribersCheck(
        withSubscribeDeny(() => undefined),
        subscribers,
      ).problems,
    ).toEqual([
      expect.stringMatching(/^topic HygieneAlarmTopic\w+: no Deny of sns:Subscribe unless aws:PrincipalArn/),
    ]);
  });

  it('fails the alarm topic when its Subscribe Deny spares someone else, or everyone', () => {
    const stranger = 'arn:aws:iam::123456789012:role/Reader';
    const spares = withSubscribeDeny(sparing(OPERATOR, CHATBOT, CFN_EXEC_ROLE, stranger));
    expect(alarmTopicSubscribersCheck(spares, subscribers).problems).toEqual([
      expect.stringMatching(
        /: "arn:aws:iam::123456789012:role\/Reader" may sns:Subscribe: it reads every alarm$/,
      ),
    ]);
    const everyone = withSubscribeDeny(sparing(OPERATOR, CHATBOT, CFN_EXEC_ROLE, '*'));
    expect(alarmTopicSubscribersCheck(everyone, subscribers).problems).toContainEqual(
      expect.stringMatching(/the sns:Subscribe allow-list holds a wildcard that allows everyone$/),
    );
  });

  it('fails the alarm topic when its Subscribe Deny leaves out an operator, an alarm subscriber or the deployment role', () => {
    const noOperator = withSubscribeDeny(sparing(CHATBOT, CFN_EXEC_ROLE));
    expect(alarmTopicSubscribersCheck(noOperator, subscribers).problems).toEqual([
      expect.stringMatching(
        /the sns:Subscribe allow-list leaves out arn:aws:iam::123456789012:role\/HygieneOperator$/,
      ),
    ]);
    const noChatbot = withSubscribeDeny(sparing(OPERATOR, CFN_EXEC_ROLE));
    expect(alarmTopicSubscribersCheck(noChatbot, subscribers).problems).toEqual([
      expect.stringMatching(/the sns:Subscribe allow-list leaves out .*\/AWSServiceRoleForAWSChatbot$/),
    ]);
    // An alarm subscriber the check is not told of is a stranger: it reads every alarm.
    expect(
      alarmTopicSubscribersCheck(withSubscribeDeny(sparing(OPERATOR, CHATBOT, CFN_EXEC_ROLE)), {
        operators: [OPERATOR],
      }).problems,
    ).toEqual([
      expect.stringMatching(/AWSServiceRoleForAWSChatbot" may sns:Subscribe: it reads every alarm$/),
    ]);
    const noDeployment = withSubscribeDeny(sparing(OPERATOR, CHATBOT));
    expect(alarmTopicSubscribersCheck(noDeployment, subscribers).problems).toEqual([
      expect.stringMatching(
        /the template subscribes to it, but the deployment role may not sns:Subscribe: the next deploy fails$/,
      ),
      expect.stringMatching(/the sns:Subscribe allow-list leaves out the deployment role$/),
    ]);
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
