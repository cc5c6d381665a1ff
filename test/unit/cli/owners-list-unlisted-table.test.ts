/**
 * Which credentials table `owners list` scans for owners missing from the
 * directory (`unlistedOwnersTable`): `--table` when given, else with
 * `--with-unlisted` the stack's `TableName` output, else the default local
 * table with `--endpoint`; none without either flag (a Scan is never the
 * default); and a usage error, before anything reaches AWS, when the
 * directory is named directly in AWS and no table is known
 * (docs/deploy.md, "Owner directory").
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../../cli/commands/owners';
import { unlistedOwnersTable } from '../../../cli/commands/owners/list';
import { UsageError } from '../../../cli/usage-error';
import { runInProcess } from '../../support/in-process-cli';

const cfn = mockClient(CloudFormationClient);
const PROD = { tableName: 'Prod-Table-1' };

afterEach(() => {
  cfn.reset();
  vi.unstubAllEnvs();
});

describe('unlistedOwnersTable', () => {
  it('scans nothing unless asked', () => {
    expect(unlistedOwnersTable({}, PROD)).toBeUndefined();
    expect(unlistedOwnersTable({ endpoint: 'http://127.0.0.1:8000' }, undefined)).toBeUndefined();
  });

  it('takes --table over the stack output, and --table alone implies the flag', () => {
    expect(unlistedOwnersTable({ table: 'Mine' }, PROD)).toBe('Mine');
    expect(unlistedOwnersTable({ table: 'Mine', withUnlisted: true }, PROD)).toBe('Mine');
  });

  it("with --with-unlisted, the stack's TableName output, else PersonalClients on a local endpoint", () => {
    expect(unlistedOwnersTable({ withUnlisted: true }, PROD)).toBe('Prod-Table-1');
    expect(unlistedOwnersTable({ withUnlisted: true, endpoint: 'http://127.0.0.1:8000' }, undefined)).toBe(
      'PersonalClients',
    );
  });

  it('refuses --with-unlisted on a directory named directly in AWS, before anything reaches AWS', async () => {
    for (const name of [
      'PC_HYGIENE_STACK',
      'PC_HYGIENE_ENDPOINT',
      'PC_HYGIENE_DIRECTORY_TABLE',
      'PC_HYGIENE_TABLE',
    ]) {
      vi.stubEnv(name, undefined);
    }

    const run = await runInProcess(registerOwnersCommand, [
      'owners',
      'list',
      '--with-unlisted',
      '--directory-table',
      'Owners-1',
      '--region',
      'eu-west-1',
    ]);

    expect(run.error).toBeInstanceOf(UsageError);
    expect((run.error as Error).message).toBe(
      '--with-unlisted on a directory named with --directory-table (no stack) needs the credentials table: ' +
        "give --table NAME (or PC_HYGIENE_TABLE), or --stack NAME to use the deployment's TableName output",
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});
