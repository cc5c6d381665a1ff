/**
 * The construct for someone embedding it: what an app brings (a topic imported with its key, tables built in the
 * app, an alarm topic, a second worker) either works as deployed or fails the synth with the one props error —
 * never a stack that deploys and then fails at run time.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  ALARM_TOPIC_KEY_NOT_CHECKED_WARNING,
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { thrownBy } from '../support/thrown';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { constructRoleStatements } from './support/construct-role-statements';
import { SKIP_BUNDLING } from './synth';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const TOPIC_ARN = 'arn:aws:sns:eu-central-1:123456789012:security-notices';
const KEY_ARN = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function build(props: CredentialHygieneProps | ((stack: Stack) => CredentialHygieneProps) = {}) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test', { env: ENV });
  const hygiene = new CredentialHygiene(stack, 'Hygiene', typeof props === 'function' ? props(stack) : props);
  return { app, stack, hygiene, template: () => Template.fromStack(stack) };
}

const problemsOf = (props: CredentialHygieneProps | ((stack: Stack) => CredentialHygieneProps)) =>
  thrownBy(CredentialHygienePropsError, () => build(props)).problems;

/** The statements of one function's role (collected as everywhere: support/construct-role-statements.ts). */
const statementsOf = (built: ReturnType<typeof build>, role: { roleName: string }) =>
  constructRoleStatements(built.template(), built.stack, role);

describe('a topic imported with its key', () => {
  const imported = (stack: Stack) =>
    sns.Topic.fromTopicAttributes(stack, 'Notices', { topicArn: TOPIC_ARN, keyArn: KEY_ARN });
  const publishWithKey = {
    Effect: 'Allow',
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: KEY_ARN,
    // SNS in the topic's region (its ARN's), not the stack's.
    Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-central-1.amazonaws.com' } },
  };

  it('grants every publisher its key, only through SNS (sweep, notifier, and on relay the SES events function)', () => {
    const built = build((stack) => ({
      topic: imported(stack),
      config: { ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' },
    }));
    const publishers = [
      built.hygiene.sweepFunction,
      built.hygiene.notifierFunction,
      built.hygiene.relay!.sesEventsFunction,
    ];
    for (const fn of publishers) expect(statementsOf(built, fn.role)).toContainEqual(publishWithKey);
    // The reconciler and the relay only subscribe or read: no key.
    for (const fn of [built.hygiene.reconcilerFunction, built.hygiene.relay!.relayFunction]) {
      expect(JSON.stringify(statementsOf(built, fn.role))).not.toContain(KEY_ARN);
    }
  });

  it('grants no key for a topic imported by ARN alone (it carries none)', () => {
    const built = build((stack) => ({ topic: sns.Topic.fromTopicArn(stack, 'Notices', TOPIC_ARN) }));
    expect(JSON.stringify(statementsOf(built, built.hygiene.sweepFunction.role))).not.toContain('kms:');
  });

  it('grants the construct’s own topic key only through SNS in the stack’s region', () => {
    const built = build();
    expect(statementsOf(built, built.hygiene.sweepFunction.role)).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: built.stack.resolve(built.hygiene.notificationKey!.keyArn),
      Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-west-1.amazonaws.com' } },
    });
  });
});

describe('two workers in one app', () => {
  it('refuses a second worker with the same metric names, naming both and the props to set', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Test', { env: ENV });
    new CredentialHygiene(stack, 'First');
    const error = thrownBy(CredentialHygienePropsError, () => new CredentialHygiene(stack, 'Second'));
    expect(error.problems).toEqual([
      'metricsNamespace "PersonalClientHygiene" and serviceName "personal-client-hygiene" are also those of Test/First: the two workers would share every run metric (one\'s heartbeat stays quiet while the other sweeps, each alarms on the other\'s runs): give Test/Second its own serviceName (or metricsNamespace)',
    ]);
  });

  it('refuses them in two environment-agnostic stacks too (they may deploy to one account and region)', () => {
    const app = new App({ context: SKIP_BUNDLING });
    new CredentialHygiene(new Stack(app, 'A'), 'Hygiene', { serviceName: 'hygiene' });
    const error = thrownBy(
      CredentialHygienePropsError,
      () => new CredentialHygiene(new Stack(app, 'B'), 'Hygiene', { serviceName: 'hygiene' }),
    );
    expect(error.problems).toEqual([
      expect.stringMatching(/are also those of A\/Hygiene: .*give B\/Hygiene its own/),
    ]);
  });

  it('accepts them with their own serviceName or metricsNamespace, or in stacks of different regions', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Test', { env: ENV });
    const elsewhere = new Stack(app, 'Elsewhere', { env: { ...ENV, region: 'us-east-1' } });
    // The check is made as each worker is built: none of these throws.
    const workers = [
      new CredentialHygiene(stack, 'First'),
      new CredentialHygiene(stack, 'Second', { serviceName: 'hygiene-second' }),
      new CredentialHygiene(stack, 'Third', { metricsNamespace: 'OtherHygiene' }),
      new CredentialHygiene(elsewhere, 'Hygiene'),
    ];
    expect(workers.map((w) => `${w.metricsNamespace}/${w.serviceName}`)).toEqual([
      'PersonalClientHygiene/personal-client-hygiene',
      'PersonalClientHygiene/hygiene-second',
      'OtherHygiene/personal-client-hygiene',
      'PersonalClientHygiene/personal-client-hygiene',
    ]);
  });
});

describe('a brought table built in the app is checked against the table definitions', () => {
  const outbox = {
    indexName: 'hygiene-outbox',
    partitionKey: { name: 'hygieneOutboxOwner', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'hygieneOutboxSince', type: dynamodb.AttributeType.STRING },
  };

  it('names a wrong partition key and a missing outbox index, and a directory keyed on email', () => {
    const problems = problemsOf((stack) => ({
      table: new dynamodb.Table(stack, 'Credentials', {
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.NUMBER },
      }),
      directoryTable: new dynamodb.Table(stack, 'Owners', {
        partitionKey: { name: 'email', type: dynamodb.AttributeType.STRING },
      }),
    }));
    expect(problems).toEqual([
      'table (Test/Credentials) partition key is pk (NUMBER): must be id (STRING)',
      'table (Test/Credentials) has no global secondary index hygiene-outbox (partition key hygieneOutboxOwner (STRING), sort key hygieneOutboxSince (STRING)), which the worker reads (lambdas/aws/credential-table-definition.ts)',
      'directoryTable (Test/Owners) partition key is email (STRING): must be userId (STRING)',
    ]);
  });

  it('names a sort key, and an outbox index with the wrong key types (a TableV2 too)', () => {
    const problems = problemsOf((stack) => ({
      table: new dynamodb.TableV2(stack, 'Credentials', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'version', type: dynamodb.AttributeType.NUMBER },
        globalSecondaryIndexes: [
          { ...outbox, sortKey: { name: 'hygieneOutboxSince', type: dynamodb.AttributeType.NUMBER } },
        ],
      }),
    }));
    expect(problems).toEqual([
      'table (Test/Credentials) has sort key version (NUMBER): must have none (items are keyed by the partition key alone)',
      'table (Test/Credentials), index hygiene-outbox, sort key is hygieneOutboxSince (NUMBER): must be hygieneOutboxSince (STRING)',
    ]);
  });

  it('accepts a Table and a TableV2 of the right shape, whatever the index projection', () => {
    const { hygiene } = build((stack) => ({
      table: new dynamodb.TableV2(stack, 'Credentials', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        globalSecondaryIndexes: [outbox],
      }),
      directoryTable: new dynamodb.Table(stack, 'Owners', {
        partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
      }),
    }));
    expect(hygiene.table.node.id).toBe('Credentials');
  });

  it('does not check (nor warn about) an imported table: nothing to compare', () => {
    const { stack } = build((s) => ({
      table: dynamodb.Table.fromTableName(s, 'Credentials', 'PersonalClients'),
      directoryTable: dynamodb.Table.fromTableName(s, 'Owners', 'PersonalClientOwners'),
      adminEmails: ['security@example.com'],
    }));
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('a brought alarm topic CloudWatch can publish to', () => {
  it('adds CloudWatch’s statements to a topic and key built in the app: every alarm can notify, cdk-nag clean', () => {
    const built = build((stack) => {
      const key = new kms.Key(stack, 'AlarmKey', { enableKeyRotation: true });
      return {
        alarmTopic: new sns.Topic(stack, 'Alarms', { masterKey: key, enforceSSL: true }),
        adminEmails: ['security@example.com'],
      };
    });
    const result = alarmNotificationCheck(built.template().toJSON() as CfnTemplate);
    expect(result.checked).toBeGreaterThan(0);
    expect(result.problems).toEqual([]);
    const findings = new AwsSolutionsChecks().validateScope(built.app).violations.map((v) => v.ruleName);
    expect(findings).toEqual([]);
  });

  it('warns when the topic is built in the app but its key is not (its key policy is out of reach)', () => {
    const { stack, template } = build((s) => ({
      alarmTopic: new sns.Topic(s, 'Alarms', { masterKey: kms.Key.fromKeyArn(s, 'AlarmKey', KEY_ARN) }),
      adminEmails: ['security@example.com'],
    }));
    const warnings = Annotations.fromStack(stack).findWarning(
      '/Test/Hygiene',
      Match.stringLikeRegexp('alarmTopic'),
    );
    expect(warnings.map((w) => String(w.entry.data))).toEqual([
      expect.stringMatching(
        /^alarmTopic \(Test\/Alarms\) is encrypted with a key this app does not define: its key policy must let cloudwatch\.amazonaws\.com kms:GenerateDataKey and kms:Decrypt .*\[ack: pc-hygiene:alarmTopicKeyNotChecked\]$/,
      ),
    ]);
    expect(ALARM_TOPIC_KEY_NOT_CHECKED_WARNING).toBe('pc-hygiene:alarmTopicKeyNotChecked');
    // The topic policy statement is still added.
    template().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish' })]),
      },
    });
  });

  it('leaves an imported alarm topic as it is, without a warning (the prop documents what it must allow)', () => {
    const { stack, template } = build((s) => ({
      alarmTopic: sns.Topic.fromTopicAttributes(s, 'Alarms', {
        topicArn: `${TOPIC_ARN}-alarms`,
        keyArn: KEY_ARN,
      }),
      adminEmails: ['security@example.com'],
    }));
    template().resourceCountIs('AWS::SNS::TopicPolicy', 1); // the notification topic's own
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('props CloudFormation or CloudWatch would refuse', () => {
  it('refuses function timeouts Lambda refuses (more than 15 minutes, under a second, not whole seconds)', () => {
    expect(
      problemsOf({ sweepTimeout: Duration.minutes(16), notifierTimeout: Duration.millis(1500) }),
    ).toEqual([
      "sweepTimeout = 960 s: must be whole seconds from 1 second to 15 minutes (Lambda's timeout limit)",
      "notifierTimeout = 1.5 s: must be whole seconds from 1 second to 15 minutes (Lambda's timeout limit)",
    ]);
    expect(problemsOf({ notifierTimeout: Duration.seconds(0) })).toEqual([
      "notifierTimeout = 0 s: must be whole seconds from 1 second to 15 minutes (Lambda's timeout limit)",
    ]);
    // The least a timeout may be is its handler's margin plus 30 s of work (timeout-working-time.test.ts), not 1 s.
    build({ sweepTimeout: Duration.minutes(15), notifierTimeout: Duration.seconds(45) });
  });

  it('refuses a FIFO topic, built in the app or imported by a .fifo ARN', () => {
    const fifo = /^topic \(Test\/Notices\) is a FIFO topic: .*give a standard topic$/;
    expect(problemsOf((s) => ({ topic: new sns.Topic(s, 'Notices', { fifo: true }) }))).toEqual([
      expect.stringMatching(fifo),
    ]);
    expect(problemsOf((s) => ({ topic: sns.Topic.fromTopicArn(s, 'Notices', `${TOPIC_ARN}.fifo`) }))).toEqual(
      [expect.stringMatching(fifo)],
    );
  });

  it('refuses a reserved or malformed metrics namespace and an empty or non-ASCII service name', () => {
    const namespace = (value: string) =>
      `metricsNamespace = ${JSON.stringify(value)}: must be a CloudWatch namespace: 1 to 255 of A-Z a-z 0-9 . - _ / # : and space, not only spaces, not starting with ":" or "AWS/" (reserved for AWS services)`;
    const service = (value: string) =>
      `serviceName = ${JSON.stringify(value)}: must be a CloudWatch dimension value (the run metrics' service dimension): 1 to 255 printable ASCII characters, not only spaces`;
    expect(problemsOf({ metricsNamespace: 'AWS/Lambda', serviceName: '' })).toEqual([
      namespace('AWS/Lambda'),
      service(''),
    ]);
    expect(problemsOf({ metricsNamespace: 'Hygiene*', serviceName: 'hygiène' })).toEqual([
      namespace('Hygiene*'),
      service('hygiène'),
    ]);
    expect(problemsOf({ metricsNamespace: ' ', serviceName: 'a\nb' })).toEqual([
      namespace(' '),
      service('a\nb'),
    ]);
    expect(problemsOf({ metricsNamespace: 'x'.repeat(256) })).toEqual([namespace('x'.repeat(256))]);
    build({ metricsNamespace: 'Security/Hygiene #2: prod', serviceName: 'hygiene prod-2' });
  });
});
