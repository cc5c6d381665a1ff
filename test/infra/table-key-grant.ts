/**
 * The IAM policy a role gets for a brought table's customer-managed key, as
 * the synthesized template holds it: the four table-key actions on the key,
 * only through DynamoDB in the table's region (`kms:ViaService`). One pattern
 * for every test that counts the roles holding it.
 */
import { Match } from 'aws-cdk-lib/assertions';

/** A `AWS::IAM::Policy` properties pattern: a statement granting `keyArn`'s table-key actions via DynamoDB. */
export function tableKeyGrant(keyArn: string) {
  return {
    PolicyDocument: {
      Statement: Match.arrayWith([
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
          Resource: keyArn,
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
            },
          },
        },
      ]),
    },
  };
}
