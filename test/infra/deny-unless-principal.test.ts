/**
 * A resource policy's allow-list (`denyUnlessPrincipal`) is read each time the policy is resolved: an aspect that
 * resolves it first (cdk-nag's rules do) must not freeze it before the construct has added every principal
 * (`TopicAllowList.allowPublish` after the topic's policy was resolved once still counts).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { expect, it } from 'vitest';
import { denyUnlessPrincipal } from '../../lib/deny-unless-principal';
import { TopicAllowList } from '../../lib/notification-topics';

const FIRST = 'arn:aws:iam::123456789012:role/First';
const LATER = 'arn:aws:iam::123456789012:role/Later';

it('lists a principal added after the policy was first resolved', () => {
  const stack = new Stack(new App(), 'DenyTest');
  const topic = new sns.Topic(stack, 'Topic');
  const allowList = new TopicAllowList(topic, 'sns-email');
  allowList.allowPublish(FIRST);
  const publishers = () => {
    const policy = stack.resolve((topic.node.findChild('Policy') as sns.TopicPolicy).document) as {
      Statement: { Sid?: string; Condition?: { ArnNotLike?: { 'aws:PrincipalArn': string[] } } }[];
    };
    return policy.Statement.find((s) => s.Sid === 'PublishOnlyByTheWorkerAndOperators')?.Condition
      ?.ArnNotLike?.['aws:PrincipalArn'];
  };
  expect(publishers()).toEqual([FIRST]);

  allowList.allowPublish(LATER);

  expect(publishers()).toEqual([FIRST, LATER]);
});

it('denies exactly the actions on the resource to every principal not listed, with the conditions given', () => {
  const stack = new Stack(new App(), 'DenyShape');
  const statement = denyUnlessPrincipal(
    'Sid1',
    'arn:aws:sqs:eu-west-1:123456789012:q',
    ['sqs:SendMessage'],
    [FIRST],
    {
      Bool: { 'aws:PrincipalIsAWSService': 'false' },
    },
  );
  expect(stack.resolve(statement.toStatementJson())).toEqual({
    Sid: 'Sid1',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 'sqs:SendMessage',
    Resource: 'arn:aws:sqs:eu-west-1:123456789012:q',
    Condition: {
      Bool: { 'aws:PrincipalIsAWSService': 'false' },
      ArnNotLike: { 'aws:PrincipalArn': [FIRST] },
    },
  });
});
