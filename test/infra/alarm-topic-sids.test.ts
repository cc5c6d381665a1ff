/**
 * A brought alarm topic (and its key) built in the app gets CloudWatch's statements at most once, and never under a
 * Sid another statement of the policy has: SNS refuses a topic policy whose statement ids repeat ("Every policy
 * statement must have a unique ID"), a key policy follows the same grammar, and CDK drops only exact copies. Two
 * workers sharing one topic, an app that already wrote our Sid (copied from a synthesized template), one that writes
 * it after the worker: the synthesized policies keep each Sid once and still let every alarm notify, or synth names
 * the clash.
 */
import { App, ArnFormat, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { CredentialHygiene, TOPIC_KEY_ACTIONS } from '../../lib/credential-hygiene';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { SKIP_BUNDLING } from './synth';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const TOPIC_SID = 'AllowCloudWatchAlarmsToPublish';
const KEY_SID = 'AllowCloudWatchAlarmsToUseTheKey';

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: { Service?: unknown };
  readonly Action: unknown;
  readonly Condition?: unknown;
}

/** A stack with an alarm topic encrypted with a key, both built in the app. */
function stackWithAlarmTopic(app: App, id = 'Test') {
  const stack = new Stack(app, id, { env: ENV });
  const key = new kms.Key(stack, 'AlarmKey', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'Alarms', { masterKey: key, enforceSSL: true });
  return { stack, key, topic };
}

/** The statements of the topic's policy and of its key's policy, as synthesized. */
function policies(template: Template, topic: sns.Topic, key: kms.Key) {
  const stack = Stack.of(topic);
  const topicId = stack.getLogicalId(topic.node.findChild('Policy').node.defaultChild as never);
  const keyId = stack.getLogicalId(key.node.defaultChild as never);
  const resources = template.toJSON().Resources;
  return {
    topic: resources[topicId].Properties.PolicyDocument.Statement as Statement[],
    key: resources[keyId].Properties.KeyPolicy.Statement as Statement[],
  };
}

/** Each Sid used by more than one statement. */
function repeated(statements: readonly Statement[]): string[] {
  const sids = statements.flatMap((s) => (s.Sid === undefined ? [] : [s.Sid]));
  return sids.filter((sid, i) => sids.indexOf(sid) !== i);
}

/** The statements letting CloudWatch in (`cloudwatch.amazonaws.com` allowed). */
const cloudWatchAllows = (statements: readonly Statement[]) =>
  statements.filter((s) => s.Effect === 'Allow' && s.Principal?.Service === 'cloudwatch.amazonaws.com');

/** What an app that copied the docs' statements by hand wrote: literal strings, no `aws:SourceArn`. */
function handWritten(topic: sns.Topic, key: kms.Key): void {
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: TOPIC_SID,
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': ENV.account } },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: KEY_SID,
      principals: [cloudWatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
}

/** The statements the worker adds, written again by the app: each resolves as the worker's does. */
function sameAsOurs(stack: Stack, topic: sns.Topic, key: kms.Key): void {
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const fromThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
  const alarms = stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: TOPIC_SID,
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { ...fromThisAccount, ArnLike: { 'aws:SourceArn': alarms } },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: KEY_SID,
      principals: [cloudWatch],
      actions: [...TOPIC_KEY_ACTIONS],
      resources: ['*'],
      conditions: fromThisAccount,
    }),
  );
}

describe('CloudWatch’s statements on a brought alarm topic and its key', () => {
  it('two workers sharing one topic: one statement each in the topic and key policy, every alarm can notify', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const { stack, key, topic } = stackWithAlarmTopic(app);
    new CredentialHygiene(stack, 'One', { alarmTopic: topic, serviceName: 'hygiene-one' });
    new CredentialHygiene(stack, 'Two', { alarmTopic: topic, serviceName: 'hygiene-two' });
    const template = Template.fromStack(stack);
    const { topic: topicPolicy, key: keyPolicy } = policies(template, topic, key);
    expect(repeated(topicPolicy)).toEqual([]);
    expect(repeated(keyPolicy)).toEqual([]);
    expect(cloudWatchAllows(topicPolicy).map((s) => s.Sid)).toEqual([TOPIC_SID]);
    expect(cloudWatchAllows(keyPolicy).map((s) => s.Sid)).toEqual([KEY_SID]);
    const check = alarmNotificationCheck(template.toJSON() as CfnTemplate);
    expect(check.checked).toBeGreaterThan(0);
    expect(check.problems).toEqual([]);
  });

  it('two workers in two stacks sharing one topic: no Sid twice in its policies', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const { stack, key, topic } = stackWithAlarmTopic(app, 'Alarms');
    new CredentialHygiene(stack, 'One', { alarmTopic: topic, serviceName: 'hygiene-one' });
    new CredentialHygiene(new Stack(app, 'Other', { env: ENV }), 'Two', {
      alarmTopic: topic,
      serviceName: 'hygiene-two',
    });
    const { topic: topicPolicy, key: keyPolicy } = policies(Template.fromStack(stack), topic, key);
    expect(repeated(topicPolicy)).toEqual([]);
    expect(repeated(keyPolicy)).toEqual([]);
    expect(cloudWatchAllows(topicPolicy).map((s) => s.Sid)).toContain(TOPIC_SID);
  });

  it('a topic and key whose policies already have our Sids: ours under a Sid of the worker, theirs kept', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const { stack, key, topic } = stackWithAlarmTopic(app);
    handWritten(topic, key);
    const hygiene = new CredentialHygiene(stack, 'Hygiene', { alarmTopic: topic });
    const template = Template.fromStack(stack);
    const { topic: topicPolicy, key: keyPolicy } = policies(template, topic, key);
    expect(repeated(topicPolicy)).toEqual([]);
    expect(repeated(keyPolicy)).toEqual([]);
    const own = (sid: string) => `${sid}${hygiene.node.addr}`;
    expect(cloudWatchAllows(topicPolicy).map((s) => s.Sid)).toEqual([TOPIC_SID, own(TOPIC_SID)]);
    expect(cloudWatchAllows(keyPolicy).map((s) => s.Sid)).toEqual([KEY_SID, own(KEY_SID)]);
    // Ours is the statement the worker's own topic gets: this account's alarms only.
    expect(topicPolicy.find((s) => s.Sid === own(TOPIC_SID))).toMatchObject({
      Action: 'sns:Publish',
      Condition: {
        StringEquals: { 'aws:SourceAccount': ENV.account },
        ArnLike: {
          'aws:SourceArn': stack.resolve(
            stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ),
        },
      },
    });
    expect(keyPolicy.find((s) => s.Sid === own(KEY_SID))).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': ENV.account } },
    });
    expect(alarmNotificationCheck(template.toJSON() as CfnTemplate).problems).toEqual([]);
  });

  it('fails the synth, naming the policy and the Sid, when the app adds a statement with our Sid after the worker', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const { stack, key, topic } = stackWithAlarmTopic(app);
    new CredentialHygiene(stack, 'Hygiene', { alarmTopic: topic });
    handWritten(topic, key);
    expect(() => Template.fromStack(stack)).toThrow(
      /the policy of Test\/Alarms has 2 different statements with Sid "AllowCloudWatchAlarmsToPublish"/,
    );
    expect(() => Template.fromStack(stack)).toThrow(
      /the policy of Test\/AlarmKey has 2 different statements with Sid "AllowCloudWatchAlarmsToUseTheKey"/,
    );
  });

  it('keeps one statement, without an error, when the app adds after the worker a copy that resolves alike', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const { stack, key, topic } = stackWithAlarmTopic(app);
    new CredentialHygiene(stack, 'Hygiene', { alarmTopic: topic });
    sameAsOurs(stack, topic, key);
    const { topic: topicPolicy, key: keyPolicy } = policies(Template.fromStack(stack), topic, key);
    expect(cloudWatchAllows(topicPolicy).map((s) => s.Sid)).toEqual([TOPIC_SID]);
    expect(cloudWatchAllows(keyPolicy).map((s) => s.Sid)).toEqual([KEY_SID]);
  });

  it('leaves the worker’s own alarm topic with its one statement under our Sid', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Test', { env: ENV });
    const hygiene = new CredentialHygiene(stack, 'Hygiene');
    const topicPolicy = Object.values(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'))
      .map((r) => r.Properties)
      .find((p) => JSON.stringify(p.Topics).includes(stack.resolve(hygiene.alarmTopic!.topicArn).Ref));
    expect(cloudWatchAllows(topicPolicy.PolicyDocument.Statement).map((s) => s.Sid)).toEqual([TOPIC_SID]);
  });
});
