/**
 * The ready stack brings an owner directory table through context with its customer-managed key
 * (`existingDirectoryTableKeyArn`), as it brings the credentials table with `existingTableKeyArn`: without the key
 * the functions get no KMS grant and every directory read fails with a KMS `AccessDenied`.
 */
import { describe, expect, it } from 'vitest';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import { thrownBy } from '../support/thrown';
import { synthApp } from './synth';
import { tableKeyGrant } from './table-key-grant';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const contextError = (context: Record<string, unknown>) =>
  thrownBy(ContextError, () => readDeploymentSettings((key) => context[key]));

describe('bring your own customer-managed-key owner directory', () => {
  it('grants the sweep, the notifier and the reconciler the key given by existingDirectoryTableKeyArn, through DynamoDB only (the readers only to decrypt)', () => {
    const { template } = synthApp({
      existingDirectoryTableName: 'PersonalClientOwners',
      existingDirectoryTableKeyArn: KEY_ARN,
    });
    template.resourcePropertiesCountIs(
      'AWS::DynamoDB::Table',
      { KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }] },
      0,
    );
    // Only through DynamoDB in the table's region: the reconciler records subscription states, the sweep and the
    // notifier only read the directory (test/infra/table-key-grants.test.ts has each function's statements).
    template.resourcePropertiesCountIs('AWS::IAM::Policy', tableKeyGrant(KEY_ARN, 'write'), 1);
    template.resourcePropertiesCountIs('AWS::IAM::Policy', tableKeyGrant(KEY_ARN, 'read'), 2);
  });

  it('names a bad key ARN, and a key without the directory table', () => {
    expect(
      contextError({
        existingDirectoryTableName: 'PersonalClientOwners',
        existingDirectoryTableKeyArn: 'alias/mine',
      }).problems,
    ).toEqual([
      expect.stringMatching(/^existingDirectoryTableKeyArn = "alias\/mine": must be a KMS key ARN/),
    ]);
    expect(contextError({ existingDirectoryTableKeyArn: KEY_ARN }).problems).toEqual([
      'existingDirectoryTableKeyArn is given without existingDirectoryTableName: it is the key of the table you bring',
    ]);
    // The credentials table's key is no directory key.
    expect(
      contextError({ existingTableName: 'PersonalClients', existingDirectoryTableKeyArn: KEY_ARN }).problems,
    ).toEqual([
      'existingDirectoryTableKeyArn is given without existingDirectoryTableName: it is the key of the table you bring',
    ]);
  });
});
