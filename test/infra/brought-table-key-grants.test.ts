/**
 * Brought tables with customer-managed keys: each function gets, on each table's key, exactly what its DynamoDB
 * actions on that table need, through DynamoDB only — the writer's four key actions where it writes, `kms:Decrypt`
 * and `kms:DescribeKey` where it only reads (the relay on the directory, the sweep and the notifier on the
 * directory), nothing on a key whose table it never touches (docs/deploy.md, "Security choices").
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import type { HygieneFunction } from '../../lib/hygiene-function';
import { constructRoleStatements } from './support/construct-role-statements';
import { SKIP_BUNDLING } from './synth';
import { tableKeyStatement } from './table-key-grant';

const TABLE_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111';
const DIRECTORY_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/22222222-2222-2222-2222-222222222222';

/** A worker on the relay route (every function) with both tables brought, each carrying its own key. */
function build() {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test');
  const brought = (id: string, tableName: string, keyArn: string) =>
    dynamodb.Table.fromTableAttributes(stack, id, {
      tableName,
      encryptionKey: kms.Key.fromKeyArn(stack, `${id}Key`, keyArn),
    });
  const hygiene = new CredentialHygiene(stack, 'Hygiene', {
    table: brought('Credentials', 'PersonalClients', TABLE_KEY),
    directoryTable: brought('Owners', 'PersonalClientOwners', DIRECTORY_KEY),
    config: { ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' },
  });
  return { stack, hygiene, template: Template.fromStack(stack) };
}

/** Every statement of `fn`'s role policies on either table key, as the template writes them. */
function tableKeyStatements(built: ReturnType<typeof build>, fn: HygieneFunction): unknown[] {
  return constructRoleStatements(built.template, built.stack, fn.role).filter((s) =>
    [TABLE_KEY, DIRECTORY_KEY].some((key) => JSON.stringify(s.Resource).includes(key)),
  );
}

describe('brought tables’ customer-managed keys', () => {
  const built = build();
  const { hygiene } = built;

  it('let the sweep and the notifier write with the table key, and only decrypt with the directory key (they only read it)', () => {
    for (const fn of [hygiene.sweepFunction, hygiene.notifierFunction]) {
      expect(tableKeyStatements(built, fn)).toEqual([
        tableKeyStatement(TABLE_KEY, 'write'),
        tableKeyStatement(DIRECTORY_KEY, 'read'),
      ]);
    }
  });

  it('let the reconciler write with the directory key (it records subscription states), and give it no table key', () => {
    expect(tableKeyStatements(built, hygiene.reconcilerFunction)).toEqual([
      tableKeyStatement(DIRECTORY_KEY, 'write'),
    ]);
  });

  it('let the relay only decrypt with the directory key: it only reads owners (BatchGetItem)', () => {
    expect(tableKeyStatements(built, hygiene.relay!.relayFunction)).toEqual([
      tableKeyStatement(DIRECTORY_KEY, 'read'),
    ]);
  });

  it('let the SES events function write with the directory key: it marks addresses bouncing, owners unsubscribed', () => {
    expect(tableKeyStatements(built, hygiene.relay!.sesEventsFunction)).toEqual([
      tableKeyStatement(DIRECTORY_KEY, 'write'),
    ]);
  });
});
