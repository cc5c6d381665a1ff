/**
 * `operatorPrincipalArns` (and `deploymentRoleArn`) are the exemptions of every allow-list Deny of the stack: the
 * notification topic's, the relay queues' and the shared dead-letter queue's (docs/deploy.md, "Security choices").
 * One entry whose name is only wildcards (`role/*`) would exempt every role of the account from all of them, so it
 * is refused, naming the entry and why; the documented IAM Identity Center pattern, a path the account chose
 * (`role/ops/*`) and a token still deploy. A principal of
 * another account could never act (nothing here allows another account): refused when the stack's account is known.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { thrownBy } from '../support/thrown';
import { SKIP_BUNDLING } from './synth';

const ACCOUNT = '123456789012';
/** The IAM Identity Center patterns of docs/deploy.md and of the prop's TSDoc. */
const SSO_OPERATORS = [
  `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAdmin_*`,
  `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SecurityAdmin_*`,
];

/** A worker on the relay route (every Deny the operators are exempt from), in `account` when given. */
function build(props: CredentialHygieneProps, account?: string) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test', {
    ...(account !== undefined && { env: { account, region: 'eu-west-1' } }),
  });
  new CredentialHygiene(stack, 'Hygiene', {
    config: { ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' },
    ...props,
  });
  return Template.fromStack(stack);
}

const problemsOf = (props: CredentialHygieneProps, account?: string) =>
  thrownBy(CredentialHygienePropsError, () => build(props, account)).problems;

const contextProblems = (operatorPrincipalArns: string) =>
  thrownBy(ContextError, () =>
    readDeploymentSettings((key) => (key === 'operatorPrincipalArns' ? operatorPrincipalArns : undefined)),
  ).problems;

describe('an operator principal whose name is only wildcards', () => {
  const everyRole = `arn:aws:iam::${ACCOUNT}:role/*`;

  it('is refused in props, naming the entry and that it matches every role or user of the account', () => {
    const arns = [
      everyRole,
      `arn:aws:iam::${ACCOUNT}:user/*`,
      `arn:aws:iam::${ACCOUNT}:role/*/*`,
      `arn:aws:iam::${ACCOUNT}:role/?*`,
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*`,
      `arn:aws:iam::${ACCOUNT}:role/aws-service-role/*`,
      `arn:aws:iam::${ACCOUNT}:role/aws-service-role/management.chatbot.amazonaws.com/*`,
    ];
    expect(problemsOf({ operatorPrincipalArns: arns })).toEqual([
      `operatorPrincipalArns: "${everyRole}": its role name is only wildcards, so it matches every role of account ${ACCOUNT} and would exempt them all from the Denies that list it: give a name with a fixed part (e.g. role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAdmin_*, or role/HygieneOperator)`,
      expect.stringMatching(/^operatorPrincipalArns: ".*:user\/\*": its user name .* every user of account /),
      expect.stringMatching(/^operatorPrincipalArns: ".*:role\/\*\/\*": .* every role of account /),
      expect.stringMatching(/^operatorPrincipalArns: ".*:role\/\?\*": .* every role of account /),
      // Every permission set of IAM Identity Center: everyone who signs in.
      expect.stringMatching(
        /^operatorPrincipalArns: ".*sso\.amazonaws\.com\/\*": .* every role under \/aws-reserved\/sso\.amazonaws\.com\/ /,
      ),
      // Every service-linked role of the account, or every one of a service: AWS's roles, not an operator group.
      expect.stringMatching(
        /^operatorPrincipalArns: ".*:role\/aws-service-role\/\*": .* every role under \/aws-service-role\/ /,
      ),
      expect.stringMatching(
        /^operatorPrincipalArns: ".*chatbot\.amazonaws\.com\/\*": .* every role under \/aws-service-role\/management\.chatbot\.amazonaws\.com\/ /,
      ),
    ]);
  });

  it('keeps one service-linked role named in full (AWS Chatbot for the alarm topic)', () => {
    const chatbot = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/management.chatbot.amazonaws.com/AWSServiceRoleForAWSChatbot`;
    expect(() => build({ alarmSubscriberPrincipalArns: [chatbot] }, ACCOUNT)).not.toThrow();
  });

  it('is refused from context (-c operatorPrincipalArns=…), and so is a deploymentRoleArn of wildcards', () => {
    expect(contextProblems(`${SSO_OPERATORS[0]}, ${everyRole}`)).toEqual([
      expect.stringMatching(/^operatorPrincipalArns: ".*:role\/\*": its role name is only wildcards/),
    ]);
    expect(problemsOf({ deploymentRoleArn: everyRole })).toEqual([
      expect.stringMatching(/^deploymentRoleArn: ".*:role\/\*": its role name is only wildcards/),
    ]);
  });

  it('is kept under a path the account chose (role/ops/*: a group it made), and as a token (read at deploy)', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Test', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const role = new Role(stack, 'Operator', { assumedBy: new AccountRootPrincipal() });
    const arns = [`arn:aws:iam::${ACCOUNT}:role/ops/*`, `arn:aws:iam::${ACCOUNT}:user/ops/*`, role.roleArn];
    new CredentialHygiene(stack, 'Hygiene', { operatorPrincipalArns: arns });
    const topicPolicy = JSON.stringify(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'));
    expect(topicPolicy).toContain(`arn:aws:iam::${ACCOUNT}:role/ops/*`);
    expect(topicPolicy).toContain(`arn:aws:iam::${ACCOUNT}:user/ops/*`);
  });

  it('is not the documented IAM Identity Center pattern: that one deploys, in every allow-list', () => {
    const template = build({ operatorPrincipalArns: SSO_OPERATORS }, ACCOUNT);
    const lists = (type: string) =>
      Object.values(template.findResources(type)).filter((policy) =>
        SSO_OPERATORS.every((arn) => JSON.stringify(policy).includes(arn)),
      );
    expect(lists('AWS::SNS::TopicPolicy')).toHaveLength(2); // the notification topic, the alarm topic
    // The relay queue, its DLQ, the SES events DLQ and the relay subscription's DLQ (their readers), the shared DLQ.
    expect(lists('AWS::SQS::QueuePolicy')).toHaveLength(5);
    const settings = readDeploymentSettings((key) =>
      key === 'operatorPrincipalArns' ? SSO_OPERATORS.join(',') : undefined,
    );
    expect(settings.operatorPrincipalArns).toEqual(SSO_OPERATORS);
  });
});

describe('an operator principal of another account', () => {
  const elsewhere = 'arn:aws:iam::210987654321:role/HygieneOperator';

  it('is refused when the stack’s account is known: nothing of the worker lets another account in', () => {
    expect(
      problemsOf(
        { operatorPrincipalArns: [elsewhere, 'arn:aws:iam::210987654321:root', SSO_OPERATORS[0]!] },
        ACCOUNT,
      ),
    ).toEqual([
      `operatorPrincipalArns: "${elsewhere}" is in account 210987654321, not the stack's account ${ACCOUNT}: the worker's topic and queues (and their keys) let in no principal of another account, so it could never act here: give a role or user of account ${ACCOUNT}`,
      expect.stringMatching(/^operatorPrincipalArns: ".*:210987654321:root" is in account 210987654321, not/),
    ]);
    expect(problemsOf({ deploymentRoleArn: 'arn:aws:iam::210987654321:role/cfn-exec' }, ACCOUNT)).toEqual([
      expect.stringMatching(/^deploymentRoleArn: ".*" is in account 210987654321, not the stack's/),
    ]);
  });

  it('is kept by an environment-agnostic stack (it cannot tell), where it opens nothing', () => {
    const template = build({ operatorPrincipalArns: [elsewhere] });
    // Exempt from the Denies, and allowed by no statement: the queues allow only SNS, the topic no principal.
    const allows = [
      ...Object.values(template.findResources('AWS::SNS::TopicPolicy')),
      ...Object.values(template.findResources('AWS::SQS::QueuePolicy')),
    ].flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Effect: string; Principal?: unknown }[]).filter(
        (s) => s.Effect === 'Allow',
      ),
    );
    expect(allows.map((s) => s.Principal)).not.toContainEqual({ AWS: expect.anything() });
    expect(JSON.stringify(allows)).not.toContain('210987654321');
  });
});
