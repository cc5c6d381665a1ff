/**
 * The pieces of the artifact test's role check (test/infra/deployable.test.ts)
 * on small inputs: what the recording proxy reads from a DynamoDB request,
 * the IAM action and resource each request is authorized as, and the role
 * evaluator's decisions (wildcards, the index ARN, an explicit Deny, what it
 * refuses to guess).
 */
import { describe, expect, it } from 'vitest';
import { accessesOf, partiqlAccess } from './support/recording-proxy';
import { dynamoDbPermissions, snsPermission } from './support/required-permissions';
import { decide, expressionText, type PolicyTemplate, roleStatements } from './support/role-policy';

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

describe('the role evaluator', () => {
  const tableArn = { 'Fn::GetAtt': ['Table', 'Arn'] };

  it('writes template expressions as text', () => {
    expect(expressionText({ 'Fn::Join': ['', [tableArn, '/index/*']] })).toBe('{Table.Arn}/index/*');
    expect(expressionText({ Ref: 'Topic' })).toBe('{Topic}');
    expect(() => expressionText({ 'Fn::Sub': 'x' })).toThrow(/no text/);
  });

  it("allows an action only on the resources its role's statements name, with wildcards", () => {
    const statements = roleStatements(
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
    expect(decide(roleStatements(deny, 'Fn'), 'dynamodb:DeleteItem', '{Table.Arn}')).toBe('denied');
    expect(decide(roleStatements(deny, 'Fn'), 'dynamodb:PutItem', '{Table.Arn}')).toBe('allowed');
    const notAction = roleStatements(
      templateWith([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]),
      'Fn',
    );
    expect(() => decide(notAction, 'dynamodb:GetItem', '*')).toThrow(/not modelled/);
  });
});
