/**
 * The owner directory table's CDK construct (lib/owner-directory-table.ts), synthesized alone in a bare stack: the
 * same key schema as the table the CLI creates (cli/aws/create-owner-directory-table.ts; docs/data-model.md, "Owner
 * directory"), on demand, with point-in-time recovery, encryption and deletion protection (which can be switched
 * off), and retained when the stack is deleted or replaced.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createOwnerDirectoryTableInput } from '../../cli/aws/create-owner-directory-table';
import { OwnerDirectoryTable } from '../../lib/owner-directory-table';

function synth(props: ConstructorParameters<typeof OwnerDirectoryTable>[2] = {}) {
  const stack = new Stack(new App(), 'Directory');
  new OwnerDirectoryTable(stack, 'Owners', props);
  return Template.fromStack(stack);
}

describe('OwnerDirectoryTable', () => {
  it('has the same key schema as the CLI-created table, on demand, with PITR, deletion protection and encryption', () => {
    const local = createOwnerDirectoryTableInput('x');
    synth().hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: local.KeySchema,
      AttributeDefinitions: local.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('is retained on stack deletion by default', () => {
    synth().hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('lets deletion protection be switched off', () => {
    const tables = synth({ deletionProtection: false }).findResources('AWS::DynamoDB::Table');
    expect(Object.values(tables)[0]?.Properties.DeletionProtectionEnabled).toBe(false);
  });
});
