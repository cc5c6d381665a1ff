/**
 * The shared dead-letter queue (the schedules' undelivered invocations, the
 * functions' failed ones, the SES events function's with owners' addresses) is
 * locked like the relay's DLQ (docs/deploy.md, "Security choices"): only the
 * roles that send there, the operators and the root user may send; only the
 * operators and the root user may read, delete, purge or move its messages.
 * The exact statements as synthesized; the senders found in the construct tree,
 * a schedule added by the app included; the structural check over the template
 * (`queue-access-check.ts`) and that it reports each Deny removed and each
 * sender left off; a sender the stack cannot name fails synth.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { describe, expect, it } from 'vitest';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import { deadLetterQueueAccessCheck, deadLetterSenders, queuePolicyStatements } from './queue-access-check';
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
const RELAY = { ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' } as const;

/** The construct in a stack of its own; `extra` adds what an app might add beside it. */
function build(
  props: { operators?: readonly string[]; relay?: boolean } = {},
  extra?: (stack: Stack, hygiene: CredentialHygiene) => void,
) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'SharedDlqTest', { env: { account: '123456789012', region: 'eu-west-1' } });
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

  it('finds seven senders: three schedules’ execution roles and four functions’ roles (the SES events function’s too)', () => {
    const found = deadLetterSenders(built.json).get(built.queueId)!;
    expect(found.map((s) => s.principal).sort(byJson)).toEqual([...senders].sort(byJson));
    expect(new Set(scheduleRoles(built.json).map((r) => JSON.stringify(r))).size).toBe(3);
  });

  it('passes the structural check', () => {
    expect(deadLetterQueueAccessCheck(built.json, OPERATORS)).toEqual({ checked: 1, problems: [] });
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
      expect.arrayContaining([
        expect.stringMatching(
          /the execution role of schedule HygieneSweepSchedule\w+ .* the queue policy denies it/,
        ),
        expect.stringMatching(
          /the function role of HygieneRelaySesEventsFunctionEventInvokeConfig\w+ .* denies it/,
        ),
      ]),
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
        expect.stringMatching(/Intruder" may sqs:SendMessage but sends nothing there/),
      ]),
    );
  });
});

describe('the shared dead-letter queue’s senders are found in the construct tree', () => {
  it('without operators: senders and root send, only root reads', () => {
    const built = build();
    const lists = allowLists(built) as Record<string, unknown[]>;
    expect(lists.ReceiveOrRedriveOnlyByOperators).toEqual([built.root]);
    expect(lists.SendOnlyByTheWorkerAndOperators).toHaveLength(3 + 3 + 1);
    expect(lists.SendOnlyByTheWorkerAndOperators).toContainEqual(built.root);
    expect(deadLetterQueueAccessCheck(built.json)).toEqual({ checked: 1, problems: [] });
  });

  it('lists a schedule and an on-failure destination the app adds later with the same queue', () => {
    const built = build({}, (stack, hygiene) => {
      const extra = new lambda.Function(stack, 'Extra', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
        onFailure: new destinations.SqsDestination(hygiene.deadLetterQueue),
      });
      new scheduler.Schedule(stack, 'ExtraSchedule', {
        schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)),
        target: new schedulerTargets.LambdaInvoke(extra, { deadLetterQueue: hygiene.deadLetterQueue }),
      });
    });
    const senders = deadLetterSenders(built.json).get(built.queueId)!;
    expect(senders).toHaveLength(3 + 3 + 2);
    expect(senders.map((s) => s.via)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/schedule ExtraSchedule/),
        expect.stringMatching(/function role of ExtraEventInvokeConfig/),
      ]),
    );
    expect(deadLetterQueueAccessCheck(built.json)).toEqual({ checked: 1, problems: [] });
  });

  it('fails synth for a function whose role the stack does not know (its sends would be denied)', () => {
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
    ).toThrow(
      /SharedDlqTest\/Imported\/EventInvokeConfig\/Resource sends to the dead-letter queue .* does not know/,
    );
  });

  it('holds in the deployed stack on route sns-email, where the root user is the account’s', () => {
    const { template } = synthApp({ ownerDelivery: 'sns-email', operatorPrincipalArns: OPERATORS[1] });
    expect(deadLetterQueueAccessCheck(template.toJSON() as CfnTemplate, [OPERATORS[1]!])).toEqual({
      checked: 1,
      problems: [],
    });
  });
});
