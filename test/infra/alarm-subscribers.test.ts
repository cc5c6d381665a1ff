/**
 * `alarmSubscriberPrincipalArns` (context key and prop): principals that may subscribe an endpoint to the alarm topic
 * the construct creates and do nothing else, e.g. AWS Chatbot's service-linked role for a chat channel
 * (docs/deploy.md, "Security choices"). Checked as the operators are, naming the key; refused where the construct
 * creates no alarm topic; a synth warning says they restrict nothing where no deployment role is known (the alarm
 * topic has no Subscribe Deny then). The synth warning for a missing admin subscriber says who may subscribe an
 * endpoint of one's own to each topic. The alarm topic's Deny itself: test/infra/alarm-notification.test.ts.
 */
import { App, CliCredentialsStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import {
  ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING,
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { thrownBy } from '../support/thrown';
import { SKIP_BUNDLING } from './synth';

const ACCOUNT = '123456789012';
const CHATBOT = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/management.chatbot.amazonaws.com/AWSServiceRoleForAWSChatbot`;
const KEY = 'alarmSubscriberPrincipalArns';

/** A stack (in `ACCOUNT` unless told otherwise) holding a worker with `props` (or the props made in the stack). */
function build(
  props: CredentialHygieneProps | ((stack: Stack) => CredentialHygieneProps),
  stackProps: StackProps = { env: { account: ACCOUNT } },
) {
  const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test', stackProps);
  const hygiene = new CredentialHygiene(stack, 'Hygiene', typeof props === 'function' ? props(stack) : props);
  return { stack, hygiene };
}

const problemsOf = (props: Parameters<typeof build>[0]) =>
  thrownBy(CredentialHygienePropsError, () => build(props)).problems;

const fromContext = (value: unknown) => readDeploymentSettings((key) => (key === KEY ? value : undefined));

describe('alarmSubscriberPrincipalArns, checked as the operators are', () => {
  it('takes AWS Chatbot’s service-linked role, from props and from context (a list or a JSON array)', () => {
    expect(() => build({ alarmSubscriberPrincipalArns: [CHATBOT] })).not.toThrow();
    expect(fromContext(CHATBOT).alarmSubscriberPrincipalArns).toEqual([CHATBOT]);
    expect(fromContext(JSON.stringify([CHATBOT])).alarmSubscriberPrincipalArns).toEqual([CHATBOT]);
    expect(fromContext(undefined).alarmSubscriberPrincipalArns).toBeUndefined();
  });

  it('refuses a bad value in props, naming the key: wildcards only, another account, not a principal ARN', () => {
    expect(
      problemsOf({
        alarmSubscriberPrincipalArns: [
          `arn:aws:iam::${ACCOUNT}:role/*`,
          'arn:aws:iam::210987654321:role/aws-service-role/management.chatbot.amazonaws.com/AWSServiceRoleForAWSChatbot',
          'chatbot',
        ],
      }),
    ).toEqual([
      expect.stringMatching(/^alarmSubscriberPrincipalArns: ".*:role\/\*": its role name is only wildcards/),
      expect.stringMatching(
        /^alarmSubscriberPrincipalArns: ".*" is in account 210987654321, not the stack's/,
      ),
      expect.stringMatching(
        /^alarmSubscriberPrincipalArns: "chatbot" is not an IAM role, user or account-root ARN/,
      ),
    ]);
  });

  it('refuses a bad value from context (-c alarmSubscriberPrincipalArns=…), naming the key', () => {
    expect(
      thrownBy(ContextError, () => fromContext(`${CHATBOT},arn:aws:iam::${ACCOUNT}:user/*`)).problems,
    ).toEqual([
      expect.stringMatching(/^alarmSubscriberPrincipalArns: ".*:user\/\*": its user name is only wildcards/),
    ]);
    expect(thrownBy(ContextError, () => fromContext({ role: CHATBOT })).problems).toEqual([
      expect.stringMatching(
        /^alarmSubscriberPrincipalArns = .*: must be a comma-separated list or a JSON array/,
      ),
    ]);
  });

  it('is refused where the construct creates no alarm topic (it would spare no one)', () => {
    const noAlarmTopic = expect.stringMatching(
      /^`alarmSubscriberPrincipalArns` is given but the construct creates no alarm topic/,
    );
    expect(problemsOf({ alarms: false, alarmSubscriberPrincipalArns: [CHATBOT] })).toEqual([noAlarmTopic]);
    const brought = (stack: Stack) => ({
      alarmTopic: new sns.Topic(stack, 'Alarms'),
      alarmSubscriberPrincipalArns: [CHATBOT],
    });
    expect(thrownBy(CredentialHygienePropsError, () => build(brought)).problems).toEqual([noAlarmTopic]);
  });
});

describe('the deployment role on a synthesizer that names none', () => {
  it('is still required by a notification topic the construct creates, saying why (it carries owners’ digests)', () => {
    const problems = thrownBy(CredentialHygienePropsError, () =>
      build({}, { synthesizer: new CliCredentialsStackSynthesizer() }),
    ).problems;
    expect(problems).toEqual([
      expect.stringMatching(
        /give `deploymentRoleArn` \(it creates the admin subscriptions, and the notification topic, which carries owners’ digests, lets only the principals it names subscribe\)$/,
      ),
    ]);
  });
});

describe('alarmSubscriberPrincipalArns without a known deployment role (no Subscribe Deny to list them in)', () => {
  /** A worker on a synthesizer that names no deployment role, bringing its notification topic (which requires one). */
  const unknownRole = (props: CredentialHygieneProps) =>
    build(
      (scope) => ({
        topic: sns.Topic.fromTopicArn(scope, 'Given', `arn:aws:sns:eu-west-1:${ACCOUNT}:given`),
        ...props,
      }),
      { env: { account: ACCOUNT }, synthesizer: new CliCredentialsStackSynthesizer() },
    ).stack;
  const withoutEffect = Match.stringLikeRegexp(
    '^`alarmSubscriberPrincipalArns` has no effect: .*no `deploymentRoleArn` is given, so the alarm topic gets no Subscribe Deny .*: give `deploymentRoleArn` ',
  );
  const warningsOf = (stack: Stack) =>
    Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('alarmSubscriberPrincipalArns'));

  it('warns at synth that the key has no effect, and that `deploymentRoleArn` gives it one', () => {
    const stack = unknownRole({ alarmSubscriberPrincipalArns: [CHATBOT] });
    Annotations.fromStack(stack).hasWarning('/Test/Hygiene', withoutEffect);
    expect(String(warningsOf(stack)[0]?.entry.data)).toContain(
      `[ack: ${ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING}]`,
    );
    // Truly without effect: the alarm topic has no Subscribe Deny.
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'))).not.toContain(
      'SubscribeOnlyByOperatorsAndDeployment',
    );
  });

  it('does not warn once the role is known (`deploymentRoleArn`, or the default synthesizer), nor without the key', () => {
    const deploymentRoleArn = `arn:aws:iam::${ACCOUNT}:role/deployer`;
    const known = unknownRole({ alarmSubscriberPrincipalArns: [CHATBOT], deploymentRoleArn });
    Annotations.fromStack(known).hasNoWarning('*', withoutEffect);
    Template.fromStack(known).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'SubscribeOnlyByOperatorsAndDeployment' })]),
      },
    });
    Annotations.fromStack(build({ alarmSubscriberPrincipalArns: [CHATBOT] }).stack).hasNoWarning(
      '*',
      withoutEffect,
    );
    expect(warningsOf(unknownRole({}))).toEqual([]);
    expect(warningsOf(unknownRole({ alarmSubscriberPrincipalArns: [] }))).toEqual([]);
  });
});

describe('the no-admin-subscriber warning says who may subscribe an endpoint of one’s own', () => {
  const warningOf = (stack: Stack) =>
    String(
      Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^no admin subscriber: '))[0]
        ?.entry.data,
    );

  it('the operators to the notification topic; the operators or the alarm subscribers to the alarm topic', () => {
    const text = warningOf(build({}).stack);
    expect(text).toContain(
      'to the notification topic with the filter {"audience": ["admin"]} as one of `operatorPrincipalArns`',
    );
    expect(text).toMatch(
      /to the alarm topic, output AlarmTopicArn, as one of `operatorPrincipalArns` or `alarmSubscriberPrincipalArns` .*Chatbot.*: no one else may subscribe there/,
    );
  });

  it('whoever IAM allows to an alarm topic without a Subscribe Deny (no deployment role to name)', () => {
    const { stack } = build(
      (scope) => ({
        topic: sns.Topic.fromTopicArn(scope, 'Given', 'arn:aws:sns:eu-west-1:123456789012:given'),
      }),
      { synthesizer: new CliCredentialsStackSynthesizer() },
    );
    const text = warningOf(stack);
    expect(text).toContain('(to the alarm topic, output AlarmTopicArn, as IAM allows)');
    expect(text).not.toContain('notification topic');
    expect(text).not.toContain('no one else may subscribe');
  });
});
