/**
 * The worker's dead-letter queue (the schedules' undelivered invocations, the
 * functions' failed ones, the SES events function's with owners' addresses) is
 * its own, locked like the relay's DLQ (docs/deploy.md, "Security choices"):
 * only the worker's schedules' and functions' roles, the operators and the root
 * user may send; only the operators and the root user may read, delete, purge
 * or move its messages. The exact statements as synthesized; the structural
 * check over the template (`queue-access-check.ts`: every role granted a send
 * there is on the send list, no Allow) and that it reports each Deny removed
 * and each sender left off; its redrive allow policy (no queue may make it its
 * dead-letter queue: SQS's move is no `SendMessage`), that none of the stack's
 * queues does, and that the check reports the policy opened; and synth
 * refusing anything else found sending there (an SQS queue redriving there
 * too), in this stack or another, added before or after an aspect resolved the
 * queue's policy.
 */
import { App, Aspects, Duration, type IAspect, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import { deadLetterQueueAccessCheck, queuePolicyStatements, rolesGranted } from './queue-access-check';
import type { CfnStatement, CfnTemplate } from './structural-checks';
import { SKIP_BUNDLING, synthApp } from './synth';

const OPERATORS = [
  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SecOps_*',
  'arn:aws:iam::123456789012:role/HygieneOperator',
];
const READ = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:PurgeQueue',
  'sqs:StartMessageMoveTask',
];
const ENV = { account: '123456789012', region: 'eu-west-1' };
const RELAY = { ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' } as const;

/** The construct in a stack of its own; `extra` adds what an app might add beside it. */
function build(
  props: { operators?: readonly string[]; relay?: boolean } = {},
  extra?: (stack: Stack, hygiene: CredentialHygiene) => void,
) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'SharedDlqTest', { env: ENV });
  const hygiene = new CredentialHygiene(stack, 'Hygiene', {
    ...(props.operators !== undefined && { operatorPrincipalArns: props.operators }),
    ...(props.relay === true && { config: RELAY }),
  });
  extra?.(stack, hygiene);
  const json = Template.fromStack(stack).toJSON() as CfnTemplate;
  const resolve = (value: unknown) => stack.resolve(value);
  const queueId = stack.getLogicalId(hygiene.deadLetterQueue.node.defaultChild as never);
  const root = resolve(stack.formatArn({ service: 'iam', region: '', resource: 'root' }));
  return { stack, hygiene, json, resolve, queueId, root };
}

type Built = ReturnType<typeof build>;

/** The execution role of every schedule of the template, read from the schedules themselves. */
function scheduleRoles(json: CfnTemplate): unknown[] {
  return Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
    .map((r) => (r.Properties?.Target as { RoleArn?: unknown } | undefined)?.RoleArn);
}

/** The Deny statements' allow-lists of the shared DLQ, by Sid. */
function allowLists(built: Built): Record<string, unknown> {
  const denies = queuePolicyStatements(built.json, built.queueId).filter((s) => s.Sid !== undefined);
  return Object.fromEntries(denies.map((s) => [s.Sid, s.Condition?.ArnNotLike?.['aws:PrincipalArn']]));
}

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

/** A queue policy statement of a copied template, to change. */
interface Editable {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Condition?: { ArnNotLike?: { 'aws:PrincipalArn': unknown[] } } & Record<string, unknown>;
}

/** A copy of the template, and the statements of the shared DLQ's policy to change it through. */
function editable(built: Built): {
  copy: CfnTemplate;
  statements: Editable[];
  bySid: (sid: string) => Editable;
} {
  const copy = structuredClone(built.json);
  const policy = Object.values(copy.Resources).find(
    (r) =>
      r.Type === 'AWS::SQS::QueuePolicy' &&
      JSON.stringify(r.Properties?.Queues).includes(`"${built.queueId}"`),
  )!;
  const document = policy.Properties?.PolicyDocument as { Statement: Editable[] };
  return {
    copy,
    statements: document.Statement,
    bySid: (sid) => document.Statement.find((s) => s.Sid === sid)!,
  };
}

describe('the shared dead-letter queue policy (route relay, operators)', () => {
  const built = build({ operators: OPERATORS, relay: true });
  const { hygiene, resolve, root } = built;
  const dlqArn = resolve(hygiene.deadLetterQueue.queueArn);
  const functionRoles = [hygiene.sweepFunction, hygiene.notifierFunction, hygiene.reconcilerFunction]
    .concat(hygiene.relay!.sesEventsFunction)
    .map((fn) => resolve(fn.role.roleArn));
  const senders = [...functionRoles, ...scheduleRoles(built.json)];

  it('lets only the senders, the operators and the root user send, and only the operators and root read (exactly these statements)', () => {
    const statements = queuePolicyStatements(built.json, built.queueId);
    const send = statements.find((s) => s.Sid === 'SendOnlyByTheWorkerAndOperators')!;
    const sendList = send.Condition!.ArnNotLike!['aws:PrincipalArn'] as unknown[];
    expect([...sendList].sort(byJson)).toEqual([...senders, ...OPERATORS, root].sort(byJson));
    expect(statements).toEqual<CfnStatement[]>([
      {
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: dlqArn,
      },
      {
        Sid: 'SendOnlyByTheWorkerAndOperators',
        Action: 'sqs:SendMessage',
        // No aws:PrincipalIsAWSService exception: Scheduler and Lambda send as the roles listed, no service sends.
        Condition: { ArnNotLike: { 'aws:PrincipalArn': sendList } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: dlqArn,
      },
      {
        Sid: 'ReceiveOrRedriveOnlyByOperators',
        Action: READ,
        Condition: { ArnNotLike: { 'aws:PrincipalArn': [...OPERATORS, root] } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: dlqArn,
      },
    ]);
  });

  it('the template lets exactly its seven senders send there: three schedules’ execution roles and four functions’ roles (the SES events function’s too)', () => {
    const granted = rolesGranted(built.json, built.queueId, 'sqs:SendMessage');
    expect([...granted].sort(byJson)).toEqual([...senders].sort(byJson));
    expect(new Set(scheduleRoles(built.json).map((r) => JSON.stringify(r))).size).toBe(3);
  });

  it('passes the structural check', () => {
    expect(deadLetterQueueAccessCheck(built.json, OPERATORS)).toEqual({ checked: 1, problems: [] });
  });

  it('lets no queue make it its dead-letter queue, and no queue of the stack does (its senders are Scheduler and Lambda, not SQS redrive)', () => {
    const resources = Object.values(built.json.Resources);
    expect(built.json.Resources[built.queueId]?.Properties?.RedriveAllowPolicy).toEqual({
      redrivePermission: 'denyAll',
    });
    const redriveTargets = resources
      .filter((r) => r.Type === 'AWS::SQS::Queue')
      .map(
        (r) =>
          (r.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn,
      )
      .filter((target) => target !== undefined);
    // Only the relay queue redrives, to its own DLQ.
    expect(redriveTargets).toEqual([resolve(hygiene.relay!.deadLetterQueue.queueArn)]);
  });

  it.each([
    ['opened to every source', { redrivePermission: 'allowAll' }],
    ['without a policy', undefined],
  ])('the check reports the queue’s redrive allow policy %s', (_what, policy) => {
    const copy = structuredClone(built.json);
    const properties = copy.Resources[built.queueId]!.Properties!;
    if (policy === undefined) delete properties.RedriveAllowPolicy;
    else properties.RedriveAllowPolicy = policy;

    expect(deadLetterQueueAccessCheck(copy, OPERATORS).problems).toEqual([
      expect.stringMatching(
        new RegExp(`^queue ${built.queueId}: any queue may name it as its dead-letter queue`),
      ),
    ]);
  });

  it.each([
    ['SendOnlyByTheWorkerAndOperators', /no Deny of sqs:SendMessage .*open to any IAM grant/],
    ['ReceiveOrRedriveOnlyByOperators', /no Deny of sqs:ReceiveMessage .*open to any IAM grant/],
    ['ReceiveOrRedriveOnlyByOperators', /no Deny of sqs:PurgeQueue .*open to any IAM grant/],
    ['ReceiveOrRedriveOnlyByOperators', /no Deny of sqs:StartMessageMoveTask .*open to any IAM grant/],
  ])('reports the template without %s (%s)', (sid, problem) => {
    const { copy, statements } = editable(built);
    statements.splice(statements.indexOf(statements.find((s) => s.Sid === sid)!), 1);
    expect(deadLetterQueueAccessCheck(copy, OPERATORS).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(problem)]),
    );
  });

  it('reports a schedule’s role and the SES events function’s role left off the send list', () => {
    const { copy, bySid } = editable(built);
    const list = bySid('SendOnlyByTheWorkerAndOperators').Condition!.ArnNotLike!;
    const [scheduleRole] = scheduleRoles(built.json);
    const sesRole = functionRoles[3];
    list['aws:PrincipalArn'] = list['aws:PrincipalArn'].filter(
      (v) =>
        JSON.stringify(v) !== JSON.stringify(scheduleRole) && JSON.stringify(v) !== JSON.stringify(sesRole),
    );

    const { problems } = deadLetterQueueAccessCheck(copy, OPERATORS);

    expect(problems).toEqual(
      expect.arrayContaining(
        [scheduleRole, sesRole].map(
          (role) =>
            `queue ${built.queueId}: ${JSON.stringify(role)} needs sqs:SendMessage but the queue policy denies it`,
        ),
      ),
    );
  });

  it('reports a sender role on the read list, a stranger on the send list, an operator left off, a service exception, an Allow and a Deny of administration', () => {
    const { copy, statements, bySid } = editable(built);
    const send = bySid('SendOnlyByTheWorkerAndOperators');
    const read = bySid('ReceiveOrRedriveOnlyByOperators');
    read.Condition!.ArnNotLike!['aws:PrincipalArn'] = [functionRoles[0], OPERATORS[1], root];
    send.Condition!.ArnNotLike!['aws:PrincipalArn'].push('arn:aws:iam::123456789012:role/Intruder');
    send.Condition!.Bool = { 'aws:PrincipalIsAWSService': 'false' };
    (read.Action as string[]).push('sqs:SetQueueAttributes');
    statements.push({ Effect: 'Allow', Action: 'sqs:SendMessage' });

    const { problems } = deadLetterQueueAccessCheck(copy, OPERATORS);

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/HygieneSweepRole\w+.* may sqs:ReceiveMessage but is no operator/),
        expect.stringMatching(/AWSReservedSSO_SecOps_.* needs sqs:PurgeQueue but the queue policy denies it/),
        expect.stringMatching(/no Deny of sqs:SendMessage to principals \(AWS services included\)/),
        expect.stringMatching(/takes sqs:SetQueueAttributes from the account/),
        expect.stringMatching(/Allow .* lets in more than SNS delivering from the topic/),
      ]),
    );
    // With the service exception gone, the stranger on the send list is reported too.
    delete send.Condition!.Bool;
    expect(deadLetterQueueAccessCheck(copy, OPERATORS).problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Intruder" may sqs:SendMessage but is granted no send there/),
      ]),
    );
  });
});

/** The function an app might add beside the worker. */
function appFunction(scope: Stack, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    ...props,
  });
}

/** The one error synth gives for `path` sending to the worker's dead-letter queue. */
function refused(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `${escaped} sends to SharedDlqTest/Hygiene/ScheduleDeadLetterQueue, the credential hygiene worker.s own ` +
      `dead-letter queue, .*: give ${escaped} its own dead-letter queue`,
  );
}

describe('the worker’s dead-letter queue is its own: synth refuses any other sender', () => {
  it('without operators: the worker’s seven senders and root send, only root reads', () => {
    const built = build();
    const lists = allowLists(built) as Record<string, unknown[]>;
    expect(lists.ReceiveOrRedriveOnlyByOperators).toEqual([built.root]);
    expect(lists.SendOnlyByTheWorkerAndOperators).toHaveLength(3 + 3 + 1);
    expect(lists.SendOnlyByTheWorkerAndOperators).toContainEqual(built.root);
    expect(deadLetterQueueAccessCheck(built.json)).toEqual({ checked: 1, problems: [] });
  });

  it('refuses a function of the stack with an on-failure destination there, and a schedule dead-lettering there', () => {
    expect(() =>
      build({}, (stack, hygiene) => {
        appFunction(stack, 'Extra', { onFailure: new destinations.SqsDestination(hygiene.deadLetterQueue) });
      }),
    ).toThrow(refused('SharedDlqTest/Extra/EventInvokeConfig'));
    expect(() =>
      build({}, (stack, hygiene) => {
        new scheduler.Schedule(stack, 'ExtraSchedule', {
          schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)),
          target: new schedulerTargets.LambdaInvoke(appFunction(stack, 'Extra'), {
            deadLetterQueue: hygiene.deadLetterQueue,
          }),
        });
      }),
    ).toThrow(refused('SharedDlqTest/ExtraSchedule'));
  });

  it('refuses a function in another stack of the app with the queue as its on-failure destination', () => {
    expect(() =>
      build({}, (stack, hygiene) => {
        const other = new Stack(stack.node.scope as App, 'OtherStack', { env: ENV });
        appFunction(other, 'Elsewhere', {
          onFailure: new destinations.SqsDestination(hygiene.deadLetterQueue),
        });
      }),
    ).toThrow(refused('OtherStack/Elsewhere/EventInvokeConfig'));
  });

  it('refuses an SQS queue whose dead-letter queue it is (the queue allows no redrive source: the deploy would fail)', () => {
    expect(() =>
      build({}, (stack, hygiene) => {
        new sqs.Queue(stack, 'AppQueue', {
          enforceSSL: true,
          deadLetterQueue: { queue: hygiene.deadLetterQueue, maxReceiveCount: 3 },
        });
      }),
    ).toThrow(refused('SharedDlqTest/AppQueue'));
  });

  it('refuses a stream event source whose on-failure destination is the queue', () => {
    expect(() =>
      build({}, (stack, hygiene) => {
        const table = new dynamodb.Table(stack, 'Streamed', {
          partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
          stream: dynamodb.StreamViewType.NEW_IMAGE,
        });
        appFunction(stack, 'StreamReader').addEventSource(
          new eventSources.DynamoEventSource(table, {
            startingPosition: lambda.StartingPosition.LATEST,
            onFailure: new eventSources.SqsDlq(hygiene.deadLetterQueue),
          }),
        );
      }),
    ).toThrow(
      /SharedDlqTest\/StreamReader\/DynamoDBEventSource:\w+ sends to .*: give SharedDlqTest\/StreamReader\/DynamoDBEventSource:\w+ its own/,
    );
  });

  it('refuses an EventBridge rule whose target dead-letters there (the Allow for events.amazonaws.com it adds to the queue policy)', () => {
    expect(() =>
      build({}, (stack, hygiene) => {
        new events.Rule(stack, 'HourlyRule', {
          schedule: events.Schedule.rate(Duration.hours(1)),
          targets: [
            new eventsTargets.LambdaFunction(appFunction(stack, 'RuleTarget'), {
              deadLetterQueue: hygiene.deadLetterQueue,
            }),
          ],
        });
      }),
    ).toThrow(refused('SharedDlqTest/HourlyRule'));
  });

  it('refuses a sender an aspect adds after another aspect (cdk-nag’s SQS rules do) resolved the queue policy', () => {
    const resolvePolicies: IAspect = {
      visit: (node: IConstruct) => {
        if (node instanceof sqs.CfnQueuePolicy) Stack.of(node).resolve(node.policyDocument);
      },
    };
    const addSender = (hygiene: CredentialHygiene): IAspect => ({
      visit: (node: IConstruct) => {
        if (node instanceof Stack && node.node.tryFindChild('Late') === undefined) {
          appFunction(node, 'Late', { onFailure: new destinations.SqsDestination(hygiene.deadLetterQueue) });
        }
      },
    });
    expect(() =>
      build({}, (stack, hygiene) => {
        Aspects.of(stack).add(resolvePolicies, { priority: 100 });
        Aspects.of(stack).add(addSender(hygiene), { priority: 200 });
      }),
    ).toThrow(refused('SharedDlqTest/Late/EventInvokeConfig'));
  });

  it('refuses a function whose role the stack does not know (an imported one)', () => {
    expect(() =>
      build({}, (stack, hygiene) => {
        const imported = lambda.Function.fromFunctionArn(
          stack,
          'Imported',
          'arn:aws:lambda:eu-west-1:123456789012:function:elsewhere',
        );
        // A destination that grants nothing (the stock one refuses a function imported without a role).
        const onFailure = { bind: () => ({ destination: hygiene.deadLetterQueue.queueArn }) };
        imported.configureAsyncInvoke({ onFailure });
      }),
    ).toThrow(refused('SharedDlqTest/Imported/EventInvokeConfig'));
  });

  it('passes a function of the app with a queue of its own; the template check reports a role the app grants a send on the worker’s queue', () => {
    const built = build({}, (stack, hygiene) => {
      const own = new sqs.Queue(stack, 'OwnDlq', { enforceSSL: true });
      appFunction(stack, 'WithOwnDlq', { onFailure: new destinations.SqsDestination(own) });
      hygiene.deadLetterQueue.grantSendMessages(
        new iam.Role(stack, 'Granted', { assumedBy: new iam.AccountRootPrincipal() }),
      );
    });
    const granted = built.stack.getLogicalId(
      built.stack.node.findChild('Granted').node.defaultChild as never,
    );
    expect(deadLetterQueueAccessCheck(built.json).problems).toEqual([
      `queue ${built.queueId}: ${JSON.stringify({ 'Fn::GetAtt': [granted, 'Arn'] })} needs sqs:SendMessage but the queue policy denies it`,
    ]);
  });

  it('holds in the deployed stack on route sns-email, where the root user is the account’s', () => {
    const { template } = synthApp({ ownerDelivery: 'sns-email', operatorPrincipalArns: OPERATORS[1] });
    expect(deadLetterQueueAccessCheck(template.toJSON() as CfnTemplate, [OPERATORS[1]!])).toEqual({
      checked: 1,
      problems: [],
    });
  });
});
