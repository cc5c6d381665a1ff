/**
 * The IAM policy a role gets for a brought table's customer-managed key, as
 * the synthesized template holds it: on the key, only through DynamoDB in the
 * table's region (`kms:ViaService`); a function that writes the table gets the
 * four table-key actions, one that only reads it `kms:Decrypt` and
 * `kms:DescribeKey`. One pattern for every test that counts the roles holding it.
 */
import { Match } from 'aws-cdk-lib/assertions';

/** The key actions of a function that writes the table, and of one that only reads it. */
export const TABLE_KEY_GRANT_ACTIONS = {
  write: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
  read: ['kms:Decrypt', 'kms:DescribeKey'],
} as const;

/** The statement granting `keyArn`'s table-key actions via DynamoDB, as the template writes it. */
export function tableKeyStatement(keyArn: unknown, access: keyof typeof TABLE_KEY_GRANT_ACTIONS) {
  return {
    Effect: 'Allow',
    Action: [...TABLE_KEY_GRANT_ACTIONS[access]],
    Resource: keyArn,
    Condition: {
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      },
    },
  };
}

/** A `AWS::IAM::Policy` properties pattern: a statement granting `keyArn`'s table-key actions via DynamoDB. */
export function tableKeyGrant(keyArn: string, access: keyof typeof TABLE_KEY_GRANT_ACTIONS) {
  return { PolicyDocument: { Statement: Match.arrayWith([tableKeyStatement(keyArn, access)]) } };
}
