/**
 * The alarm topic cannot be the notification topic (lib/credential-hygiene-props.ts, `alarmTopic`): alarms carry no
 * message attributes, so no admin subscription (`audience=admin`) would receive them, and the sweep's alarm topic
 * check would count the owners' and admins' subscriptions as the alarms' reach (never saying ALARMS REACH NO ONE).
 * Refused in the one props error when it is the same construct or the same `topicArn`; distinct topics build.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { thrownBy } from '../support/thrown';
import { SKIP_BUNDLING } from './synth';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:security-notices';

function build(props: (stack: Stack) => CredentialHygieneProps): CredentialHygiene {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test', { env: ENV });
  return new CredentialHygiene(stack, 'Hygiene', { adminEmails: ['security@example.com'], ...props(stack) });
}

const problemsOf = (props: (stack: Stack) => CredentialHygieneProps) =>
  thrownBy(CredentialHygienePropsError, () => build(props)).problems;

/** The problem, naming both topics' paths. */
const sameTopic = (alarmPath: string, topicPath: string) =>
  expect.stringMatching(
    new RegExp(
      `^alarmTopic \\(${alarmPath}\\) is the notification topic \`topic\` \\(${topicPath}\\): alarms carry no message attributes, .*give the alarms a topic of their own`,
    ),
  );

describe('an alarm topic that is the notification topic', () => {
  it('is refused when the same topic built in the app is given as both', () => {
    expect(
      problemsOf((s) => {
        const topic = new sns.Topic(s, 'Notices');
        return { topic, alarmTopic: topic };
      }),
    ).toEqual([sameTopic('Test/Notices', 'Test/Notices')]);
  });

  it('is refused when one ARN is imported twice', () => {
    expect(
      problemsOf((s) => ({
        topic: sns.Topic.fromTopicArn(s, 'Notices', TOPIC_ARN),
        alarmTopic: sns.Topic.fromTopicAttributes(s, 'Alarms', { topicArn: TOPIC_ARN }),
      })),
    ).toEqual([sameTopic('Test/Alarms', 'Test/Notices')]);
  });

  it('is refused when the alarm topic imports the notification topic’s own ARN token', () => {
    expect(
      problemsOf((s) => {
        const topic = new sns.Topic(s, 'Notices');
        return { topic, alarmTopic: sns.Topic.fromTopicArn(s, 'Alarms', topic.topicArn) };
      }),
    ).toEqual([sameTopic('Test/Alarms', 'Test/Notices')]);
  });

  it('is not refused for two distinct topics, built or imported', () => {
    const built = build((s) => ({
      topic: new sns.Topic(s, 'Notices'),
      alarmTopic: new sns.Topic(s, 'Alarms'),
    }));
    expect(built.alarmTopic?.node.path).toBe('Test/Alarms');
    build((s) => ({
      topic: sns.Topic.fromTopicArn(s, 'Notices', TOPIC_ARN),
      alarmTopic: sns.Topic.fromTopicArn(s, 'Alarms', `${TOPIC_ARN}-alarms`),
    }));
  });
});
