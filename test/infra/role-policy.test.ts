/**
 * The pieces of the artifact test's role check (test/infra/deployable.test.ts)
 * on small inputs: what the recording proxy reads from a DynamoDB request,
 * the IAM action and resource each request is authorized as, the role's
 * statements from every kind of policy a template attaches (an
 * `AWS::IAM::Policy`, an `AWS::IAM::RolePolicy`, an `AWS::IAM::ManagedPolicy`
 * by its `Roles` or the role's `ManagedPolicyArns`, inline `Policies`; an AWS
 * managed policy's ARN listed as unreadable), the role
 * evaluator's decisions (wildcards, the index ARN, an explicit Deny, the
 * conditions it evaluates and those it takes as met, what it refuses to
 * guess), and the structural requirements a template implies (an encrypted
 * topic's key, an SQS event source, a failure destination).
 */
import { describe, expect, it } from 'vitest';
import { roleStatements, statementsOfRole, unreadableManagedPolicies } from './structural-checks';
import { accessesOf, partiqlAccess } from './support/recording-proxy';
import { dynamoDbPermissions, snsPermission } from './support/required-permissions';
import {
  decide,
  evaluate,
  expressionText,
  functionRoleStatements,
  type PolicyTemplate,
  unevaluatedConditionKeys,
  unreadableManagedPolicyArns,
} from './support/role-policy';
import {
  eventSourcePermissions,
  failureDestinationPermissions,
  topicKeyPermissions,
} from './support/structural-requirements';

const ids = new Map([
  ['creds-1', 'Table'],
  ['owners-1', 'Owners'],
  ['arn:aws:sns:us-east-1:1:t', 'Topic'],
]);
const logicalIdOf = (name: string) => ids.get(name);

describe('the recorded tables of a request', () => {
  it('reads the PartiQL statement: verb, quoted table (with "" escapes) and index', () => {
    expect(partiqlAccess('UPDATE "creds-1" SET a = ? WHERE id = ?')).toEqual({
      table: 'creds-1',
      partiqlVerb: 'UPDATE',
    });
    expect(partiqlAccess('select * from "a""b"."by-owner" where x = 1')).toEqual({
      table: 'a"b',
      index: 'by-owner',
      partiqlVerb: 'SELECT',
    });
    expect(partiqlAccess('DELETE FROM Music WHERE id = 1')).toMatchObject({
      table: 'Music',
      partiqlVerb: 'DELETE',
    });
    expect(partiqlAccess('INSERT INTO "t" VALUE {}')).toMatchObject({ table: 't', partiqlVerb: 'INSERT' });
    expect(() => partiqlAccess('EXISTS(SELECT 1)')).toThrow(/no table/);
  });

  it('reads TableName with IndexName, the RequestItems keys, and every statement of a batch', () => {
    expect(accessesOf('Scan', { TableName: 'creds-1', IndexName: 'outbox' })).toEqual([
      { table: 'creds-1', index: 'outbox' },
    ]);
    expect(accessesOf('BatchGetItem', { RequestItems: { 'owners-1': {}, 'creds-1': {} } })).toEqual([
      { table: 'owners-1' },
      { table: 'creds-1' },
    ]);
    const statements = [
      { Statement: 'UPDATE "creds-1" SET a = 1' },
      { Statement: 'SELECT * FROM "owners-1"' },
    ];
    expect(accessesOf('BatchExecuteStatement', { Statements: statements }).map((a) => a.partiqlVerb)).toEqual(
      ['UPDATE', 'SELECT'],
    );
    expect(accessesOf('ExecuteTransaction', { TransactStatements: statements })).toHaveLength(2);
  });
});

describe('the IAM action and resource of a request', () => {
  it('DynamoDB: the operation, or the PartiQL action by verb; an index by its ARN; no table is *', () => {
    const batch = {
      operation: 'BatchExecuteStatement',
      accesses: [{ table: 'creds-1', partiqlVerb: 'UPDATE' }],
    };
    expect(dynamoDbPermissions(batch, logicalIdOf)).toEqual([
      { action: 'dynamodb:PartiQLUpdate', resource: '{Table.Arn}', name: 'creds-1' },
    ]);
    const scan = { operation: 'Scan', accesses: [{ table: 'creds-1', index: 'outbox' }] };
    expect(dynamoDbPermissions(scan, logicalIdOf)[0]).toMatchObject({
      action: 'dynamodb:Scan',
      resource: '{Table.Arn}/index/outbox',
    });
    expect(dynamoDbPermissions({ operation: 'ListTables', accesses: [] }, logicalIdOf)).toEqual([
      { action: 'dynamodb:ListTables', resource: '*', name: '(no table)' },
    ]);
    const unknown = { operation: 'GetItem', accesses: [{ table: 'elsewhere' }] };
    expect(dynamoDbPermissions(unknown, logicalIdOf)[0]?.resource).toBe(
      '(no template table named elsewhere)',
    );
    expect(() => dynamoDbPermissions({ operation: 'TransactWriteItems', accesses: [] }, logicalIdOf)).toThrow(
      /not mapped/,
    );
  });

  it('SNS: PublishBatch is sns:Publish; a request naming no topic is authorized against *', () => {
    expect(
      snsPermission({ action: 'PublishBatch', topicArn: 'arn:aws:sns:us-east-1:1:t' }, logicalIdOf),
    ).toEqual({
      action: 'sns:Publish',
      resource: '{Topic}',
      name: 'arn:aws:sns:us-east-1:1:t',
    });
    expect(snsPermission({ action: 'Unsubscribe' }, logicalIdOf)).toMatchObject({
      action: 'sns:Unsubscribe',
      resource: '*',
    });
  });
});

/** A template with one function whose role has `statements` in a policy (and an unrelated role's policy). */
function templateWith(statements: unknown[]): PolicyTemplate {
  return {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: statements } },
      },
      Other: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'OtherRole' }],
          PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
      },
    },
  };
}

describe("a role's statements, collected one way for every check (structural-checks.ts)", () => {
  const allow = (action: string) => ({ Effect: 'Allow', Action: action, Resource: '*' });
  const policy = (roles: string[], statement: unknown) => ({
    Type: 'AWS::IAM::Policy',
    Properties: { Roles: roles.map((r) => ({ Ref: r })), PolicyDocument: { Statement: statement } },
  });
  const template: PolicyTemplate = {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [{ PolicyName: 'Inline', PolicyDocument: { Statement: [allow('sqs:SendMessage')] } }],
        },
      },
      OtherRole: { Type: 'AWS::IAM::Role', Properties: {} },
      // A policy attached to two roles, its document holding one statement (not a list).
      Shared: policy(['OtherRole', 'Role'], allow('sns:Publish')),
      Own: policy(['Role'], [allow('dynamodb:GetItem'), allow('dynamodb:PutItem')]),
      Others: policy(['OtherRole'], [allow('iam:*')]),
    },
  };

  it('reads every IAM policy once per role it names, and each role its inline policies', () => {
    expect(roleStatements(template)).toEqual([
      { roleId: 'Role', statement: allow('sqs:SendMessage') },
      { roleId: 'OtherRole', statement: allow('sns:Publish') },
      { roleId: 'Role', statement: allow('sns:Publish') },
      { roleId: 'Role', statement: allow('dynamodb:GetItem') },
      { roleId: 'Role', statement: allow('dynamodb:PutItem') },
      { roleId: 'OtherRole', statement: allow('iam:*') },
    ]);
    const ofRole = [
      allow('sqs:SendMessage'),
      allow('sns:Publish'),
      allow('dynamodb:GetItem'),
      allow('dynamodb:PutItem'),
    ];
    expect(statementsOfRole(template, 'Role')).toEqual(ofRole);
    // The role check's: the statements of the role the function runs as.
    expect(functionRoleStatements(template, 'Fn')).toEqual(ofRole);
    expect(() => functionRoleStatements(template, 'Role')).toThrow(/not a function/);
  });
});

describe('every kind of identity policy a template attaches to a role, collected', () => {
  const allow = (action: string) => ({ Effect: 'Allow', Action: action, Resource: '*' });
  const document = (...statements: unknown[]) => ({ Statement: statements });
  const fn = { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } };
  const awsManaged = {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']],
  };
  const template: PolicyTemplate = {
    Resources: {
      Fn: fn,
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'named-role',
          // Both also attached below by their own `Roles`: each counted once. An AWS managed policy, unreadable.
          ManagedPolicyArns: [{ Ref: 'Managed' }, { Ref: 'ByArn' }, awsManaged, { Ref: 'Policy' }],
        },
      },
      OtherRole: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: [{ Ref: 'OthersManaged' }] } },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: document(allow('dynamodb:GetItem')) },
      },
      Inline: {
        Type: 'AWS::IAM::RolePolicy',
        Properties: { RoleName: { Ref: 'Role' }, PolicyDocument: document(allow('dynamodb:PutItem')) },
      },
      ByName: {
        Type: 'AWS::IAM::RolePolicy',
        Properties: { RoleName: 'named-role', PolicyDocument: document(allow('dynamodb:Query')) },
      },
      Managed: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: document(allow('sns:Publish')) },
      },
      ByArn: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: document(allow('sqs:SendMessage')) },
      },
      OthersManaged: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { Roles: [{ Ref: 'OtherRole' }], PolicyDocument: document(allow('iam:*')) },
      },
    },
  };

  it('reads AWS::IAM::RolePolicy, and a managed policy attached by its Roles or the role’s ManagedPolicyArns, once', () => {
    const actions = functionRoleStatements(template, 'Fn').map((s) => s.Action);
    expect(actions).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'sns:Publish',
      'sqs:SendMessage',
    ]);
    expect(statementsOfRole(template, 'OtherRole').map((s) => s.Action)).toEqual(['iam:*']);
    // A `Ref` of a resource that is no managed policy (the AWS::IAM::Policy) is not read through ManagedPolicyArns.
    expect(unreadableManagedPolicies(template, 'Role')).toEqual([
      JSON.stringify(awsManaged),
      JSON.stringify({ Ref: 'Policy' }),
    ]);
    expect(unreadableManagedPolicyArns(template, 'Fn')).toEqual(unreadableManagedPolicies(template, 'Role'));
    expect(unreadableManagedPolicies(template, 'OtherRole')).toEqual([]);
  });

  it('honours a Deny in a managed policy, whichever way it is attached, and in an AWS::IAM::RolePolicy', () => {
    const denying = (attached: Record<string, unknown>): PolicyTemplate => ({
      Resources: {
        Fn: fn,
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: document(allow('dynamodb:*')) },
        },
        ...attached,
      },
    });
    const deny = document({ Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: '*' });
    const byRoles = denying({
      Guard: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: deny },
      },
    });
    const byArn = denying({
      Guard: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: deny } },
      Role: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: [{ Ref: 'Guard' }] } },
    });
    const rolePolicy = denying({
      Guard: {
        Type: 'AWS::IAM::RolePolicy',
        Properties: { RoleName: { Ref: 'Role' }, PolicyDocument: deny },
      },
    });
    for (const t of [byRoles, byArn, rolePolicy]) {
      const statements = functionRoleStatements(t, 'Fn');
      expect(decide(statements, 'dynamodb:DeleteItem', '{Table.Arn}')).toBe('denied');
      expect(decide(statements, 'dynamodb:PutItem', '{Table.Arn}')).toBe('allowed');
    }
    // Attached to no role: no Deny.
    const loose = denying({
      Guard: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: deny } },
    });
    expect(decide(functionRoleStatements(loose, 'Fn'), 'dynamodb:DeleteItem', '{Table.Arn}')).toBe('allowed');
  });
});

describe('the role evaluator', () => {
  const tableArn = { 'Fn::GetAtt': ['Table', 'Arn'] };

  it('writes template expressions as text', () => {
    expect(expressionText({ 'Fn::Join': ['', [tableArn, '/index/*']] })).toBe('{Table.Arn}/index/*');
    expect(expressionText({ Ref: 'Topic' })).toBe('{Topic}');
    expect(() => expressionText({ 'Fn::Sub': 'x' })).toThrow(/no text/);
  });

  it("allows an action only on the resources its role's statements name, with wildcards", () => {
    const statements = functionRoleStatements(
      templateWith([
        { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Scan'], Resource: tableArn },
        { Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [tableArn, '/index/*']] } },
        { Effect: 'Allow', Action: 'sns:Get*', Resource: '*' },
      ]),
      'Fn',
    );
    expect(decide(statements, 'dynamodb:GetItem', '{Table.Arn}')).toBe('allowed');
    expect(decide(statements, 'DynamoDB:getitem', '{Table.Arn}')).toBe('allowed');
    expect(decide(statements, 'dynamodb:BatchGetItem', '{Table.Arn}')).toBe('not allowed');
    expect(decide(statements, 'dynamodb:Scan', '{Table.Arn}/index/outbox')).toBe('not allowed');
    expect(decide(statements, 'dynamodb:Query', '{Table.Arn}/index/outbox')).toBe('allowed');
    expect(decide(statements, 'dynamodb:Query', '{Table.Arn}')).toBe('not allowed');
    expect(decide(statements, 'dynamodb:GetItem', '{Owners.Arn}')).toBe('not allowed');
    expect(decide(statements, 'sns:GetSubscriptionAttributes', '*')).toBe('allowed');
  });

  it('lets an explicit Deny win, and refuses NotAction rather than guess', () => {
    const deny = templateWith([
      { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' },
      { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: tableArn },
    ]);
    expect(decide(functionRoleStatements(deny, 'Fn'), 'dynamodb:DeleteItem', '{Table.Arn}')).toBe('denied');
    expect(decide(functionRoleStatements(deny, 'Fn'), 'dynamodb:PutItem', '{Table.Arn}')).toBe('allowed');
    const notAction = functionRoleStatements(
      templateWith([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]),
      'Fn',
    );
    expect(() => decide(notAction, 'dynamodb:GetItem', '*')).toThrow(/not modelled/);
  });
});

describe('the role evaluator on conditions', () => {
  const topic = { Ref: 'Topic' };
  const viaSns = { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] };
  const statements = functionRoleStatements(
    templateWith([
      {
        Effect: 'Allow',
        Action: 'sns:Subscribe',
        Resource: topic,
        Condition: { StringEquals: { 'sns:Protocol': 'email' } },
      },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': ['Key', 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': viaSns } },
      },
      {
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: '*',
        Condition: { StringLike: { 'SES:FromAddress': '*@example.com' } },
      },
      {
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: topic,
        Condition: { 'ForAllValues:StringEquals': { 'sns:Protocol': ['email', 'sqs'] } },
      },
    ]),
    'Fn',
  );

  it('allows only when an evaluated condition holds for the request, and names the one that does not', () => {
    expect(decide(statements, 'sns:Subscribe', '{Topic}', { 'sns:Protocol': 'email' })).toBe('allowed');
    expect(evaluate(statements, 'sns:Subscribe', '{Topic}', { 'sns:Protocol': 'sms' })).toEqual({
      decision: 'not allowed',
      unmet: ['StringEquals sns:Protocol = "email" (the request: "sms")'],
    });
    // A request without the key fails StringEquals, as in IAM.
    expect(evaluate(statements, 'sns:Subscribe', '{Topic}').unmet).toEqual([
      'StringEquals sns:Protocol = "email" (the request has no sns:Protocol)',
    ]);
  });

  it('compares a template expression as text (kms:ViaService through SNS in the stack region)', () => {
    const viaSnsHere = { 'kms:ViaService': 'sns.{AWS::Region}.amazonaws.com' };
    expect(decide(statements, 'kms:Decrypt', '{Key.Arn}', viaSnsHere)).toBe('allowed');
    const viaSqs = { 'kms:ViaService': 'sqs.{AWS::Region}.amazonaws.com' };
    expect(decide(statements, 'kms:GenerateDataKey', '{Key.Arn}', viaSqs)).toBe('not allowed');
  });

  it('StringLike matches wildcards, keys case-insensitively; ForAllValues passes a request without the key', () => {
    expect(decide(statements, 'ses:SendEmail', 'x', { 'ses:FromAddress': 'a@example.com' })).toBe('allowed');
    expect(decide(statements, 'ses:SendEmail', 'x', { 'ses:FromAddress': 'a@example.org' })).toBe(
      'not allowed',
    );
    expect(decide(statements, 'sns:Publish', '{Topic}')).toBe('allowed');
    expect(decide(statements, 'sns:Publish', '{Topic}', { 'sns:Protocol': 'sqs' })).toBe('allowed');
    expect(decide(statements, 'sns:Publish', '{Topic}', { 'sns:Protocol': 'http' })).toBe('not allowed');
  });

  it('takes a condition on any other key as met, and lists that key; refuses another operator on an evaluated key', () => {
    const other = functionRoleStatements(
      templateWith([
        {
          Effect: 'Allow',
          Action: 'sqs:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'true' } },
        },
        {
          Effect: 'Deny',
          Action: 'sqs:DeleteQueue',
          Resource: '*',
          Condition: { StringEquals: { 'aws:x': 'y' } },
        },
      ]),
      'Fn',
    );
    expect(decide(other, 'sqs:SendMessage', '{Queue.Arn}')).toBe('allowed');
    expect(decide(other, 'sqs:DeleteQueue', '{Queue.Arn}')).toBe('denied');
    expect(unevaluatedConditionKeys(other)).toEqual(['aws:SecureTransport']);
    expect(unevaluatedConditionKeys(statements)).toEqual([]);
    const notEquals = functionRoleStatements(
      templateWith([
        {
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { StringNotEquals: { 'sns:Protocol': 'sms' } },
        },
      ]),
      'Fn',
    );
    expect(() => decide(notEquals, 'sns:Subscribe', '{Topic}')).toThrow(/StringNotEquals is not modelled/);
  });
});

describe('the structural requirements of a template', () => {
  const queueArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
  const template: PolicyTemplate = {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { DeadLetterConfig: { TargetArn: queueArn('Dlq') } } },
      Key: { Type: 'AWS::KMS::Key' },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: queueArn('Key') } },
      ManagedKeyTopic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'alias/aws/sns' } },
      Plain: { Type: 'AWS::SNS::Topic', Properties: {} },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: queueArn('Key') } },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { FunctionName: { Ref: 'Fn' }, EventSourceArn: queueArn('Queue') },
      },
      Failures: {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          DestinationConfig: { OnFailure: { Destination: queueArn('Queue') } },
        },
      },
      Other: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { FunctionName: { Ref: 'OtherFn' }, EventSourceArn: queueArn('Dlq') },
      },
    },
  };
  const topics = new Map([
    ['arn:t', 'Topic'],
    ['arn:m', 'ManagedKeyTopic'],
    ['arn:p', 'Plain'],
  ]);
  const lines = (permissions: { action: string; resource: string; context?: unknown }[]) =>
    permissions.map((p) => [p.action, p.resource, p.context]);
  const viaSns = { 'kms:ViaService': 'sns.{AWS::Region}.amazonaws.com' };
  const viaSqs = { 'kms:ViaService': 'sqs.{AWS::Region}.amazonaws.com' };

  it('a publish to a topic with a customer-managed key needs the data-key actions on it, through SNS', () => {
    const publish = (topicArn: string, action = 'Publish') =>
      topicKeyPermissions({ action, topicArn }, template, (name) => topics.get(name));
    expect(lines(publish('arn:t', 'PublishBatch'))).toEqual([
      ['kms:GenerateDataKey', '{Key.Arn}', viaSns],
      ['kms:Decrypt', '{Key.Arn}', viaSns],
    ]);
    expect(publish('arn:t')[0]?.basis).toMatch(/^structural: SNS encrypts its publish to Topic/);
    expect(publish('arn:m')).toEqual([]); // AWS-managed key
    expect(publish('arn:p')).toEqual([]); // no key
    expect(publish('arn:t', 'Subscribe')).toEqual([]);
    expect(publish('arn:elsewhere')).toEqual([]);
  });

  it("an SQS event source needs the poller's actions on the queue, and Decrypt on its key through SQS", () => {
    expect(lines(eventSourcePermissions(template, 'Fn'))).toEqual([
      ['sqs:ReceiveMessage', '{Queue.Arn}', undefined],
      ['sqs:DeleteMessage', '{Queue.Arn}', undefined],
      ['sqs:GetQueueAttributes', '{Queue.Arn}', undefined],
      ['kms:Decrypt', '{Key.Arn}', viaSqs],
    ]);
    expect(lines(eventSourcePermissions(template, 'OtherFn'))).toHaveLength(3); // SQS-managed SSE: no key
    expect(eventSourcePermissions(template, 'Nobody')).toEqual([]);
  });

  it('an on-failure destination and a dead-letter queue need SendMessage (and a KMS queue its key); others throw', () => {
    expect(lines(failureDestinationPermissions(template, 'Fn'))).toEqual([
      ['sqs:SendMessage', '{Queue.Arn}', undefined],
      ['kms:GenerateDataKey', '{Key.Arn}', viaSqs],
      ['kms:Decrypt', '{Key.Arn}', viaSqs],
      ['sqs:SendMessage', '{Dlq.Arn}', undefined],
    ]);
    const toTopic: PolicyTemplate = {
      Resources: {
        ...template.Resources,
        Failures: {
          Type: 'AWS::Lambda::EventInvokeConfig',
          Properties: {
            FunctionName: { Ref: 'Fn' },
            DestinationConfig: { OnFailure: { Destination: { Ref: 'Plain' } } },
          },
        },
      },
    };
    expect(() => failureDestinationPermissions(toTopic, 'Fn')).toThrow(/not an SQS queue of the template/);
  });
});
