/**
 * A missing table at a local endpoint is told with the command that creates
 * it, and that command pastes as printed, as the CLI's other advice does
 * (docs/sweep.md, the guard's `guard approve`): aimed at the table by its target flags
 * (`targetFlagsOf`: `--endpoint URL --table NAME`, `--region`/`--profile`
 * when given), never bare, which would reach the default stack in AWS. An
 * endpoint that may hold a secret is the placeholder `URL` (CI keeps logs), a
 * table name is one shell word (else `NAME`). The owner directory's is its
 * own command (`owners import FILE --create-table --directory-table NAME`),
 * whichever way the missing directory is found: `requireDirectoryTable`, or
 * the SDK's error through `withDirectoryErrors`; an `owners import` without
 * `--create-table` is told to add it (a dry run: that it then plans against
 * an empty directory, and creates nothing) by the check its command passes
 * in (`OwnerImportRequest.requireTable`: the use case does not import the
 * flag layer; README, "Architecture").
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { requireDirectoryTable, withDirectoryErrors } from '../../../cli/options/directory-options';
import { describeTableError } from '../../../cli/options/table-options';
import { importOwnerFile } from '../../../cli/use-cases/import-owners';
import { createDocumentClient } from '../../../lambdas/aws/dynamodb-client';
import { useTempDir } from '../../support/temp-dir';

const LOCAL = 'http://127.0.0.1:8000';
const SECRET = 'http://ops:s3cret@10.0.0.5:8000';

const notFound = () =>
  new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });

/** The message `describeTableError` gives a missing table with these flags. */
const missing = (options: Parameters<typeof describeTableError>[1]) =>
  (describeTableError(notFound(), options) as Error).message;

/** DescribeTable answers "not found" to every document client of the test (aws-sdk-client-mock), restored after it. */
function useMissingDescribeTable(): void {
  beforeEach(() => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(DescribeTableCommand).rejects(notFound());
    return () => ddb.restore();
  });
}

describe('a missing credentials table at a local endpoint', () => {
  it('names the endpoint and the table in the command to create it, and --region/--profile when given', () => {
    expect(missing({ table: 'T1', endpoint: LOCAL })).toBe(
      `table T1 not found at ${LOCAL} (create it with: pc-hygiene import FILE.jsonl --create-table --endpoint ${LOCAL} --table T1)`,
    );
    expect(missing({ table: 'T1', endpoint: LOCAL, region: 'eu-west-1', profile: 'ops' })).toMatch(
      /\(create it with: pc-hygiene import FILE\.jsonl --create-table --endpoint \S+ --table T1 --region eu-west-1 --profile ops\)$/,
    );
  });

  it('shows an endpoint that may hold a secret as URL, in the command as in the message', () => {
    const message = missing({ table: 'T1', endpoint: SECRET });

    expect(message).toMatch(
      /\(create it with: pc-hygiene import FILE\.jsonl --create-table --endpoint URL --table T1\)$/,
    );
    expect(message).not.toContain('s3cret');
  });

  it('quotes a table name as one shell word, and shows NAME for one that cannot be typed back', () => {
    expect(missing({ table: "it's a table", endpoint: LOCAL })).toMatch(/ --table 'it'\\''s a table'\)$/);
    expect(missing({ table: 'a\u001b[2Jb', endpoint: LOCAL })).toMatch(/ --table NAME\)$/);
  });
});

describe('a missing owner directory at a local endpoint', () => {
  useMissingDescribeTable();
  const localClient = () => createDocumentClient({ endpoint: LOCAL });

  it('requireDirectoryTable: the directory’s own command, aimed at the endpoint and the directory', async () => {
    await expect(
      requireDirectoryTable(localClient(), { directoryTable: 'Owners-X', endpoint: LOCAL, profile: 'ops' }),
    ).rejects.toThrow(
      'owner directory table Owners-X not found (create and load it with: pc-hygiene owners import FILE ' +
        `--create-table --endpoint ${LOCAL} --directory-table Owners-X --profile ops)`,
    );
  });

  it('requireDirectoryTable: an endpoint that may hold a secret is URL, a name to quote is one word', async () => {
    const thrown = await requireDirectoryTable(localClient(), {
      directoryTable: 'Own ers',
      endpoint: SECRET,
    }).catch((error: unknown) => error as Error);

    expect(thrown?.message).toMatch(/--create-table --endpoint URL --directory-table 'Own ers'\)$/);
    expect(thrown?.message).not.toContain('s3cret');
  });

  it('withDirectoryErrors: the SDK’s not-found is told with owners import and --directory-table, not import', async () => {
    const directory = { directoryTable: 'Owners', endpoint: SECRET, region: 'eu-west-1' };
    const thrown = await withDirectoryErrors(directory, () => Promise.reject(notFound())).catch(
      (error: unknown) => error as Error,
    );

    expect(thrown.message).toMatch(
      /\(create and load it with: pc-hygiene owners import FILE --create-table --endpoint URL --directory-table Owners --region eu-west-1\)$/,
    );
    expect(thrown.message).toMatch(/^owner directory table Owners not found at /);
    expect(thrown.message).not.toContain('pc-hygiene import ');
    expect(thrown.message).not.toContain('s3cret');
  });

  it('withDirectoryErrors in AWS: where the deployed directory is, not the credentials table’s flags', async () => {
    const thrown = await withDirectoryErrors({ directoryTable: 'Owners', region: 'eu-west-1' }, () =>
      Promise.reject(notFound()),
    ).catch((error: unknown) => error as Error);

    expect(thrown.message).toBe(
      'owner directory table Owners not found in eu-west-1 (name the deployed one with --stack NAME ' +
        '(its DirectoryTableName output) or --directory-table NAME (or PC_HYGIENE_DIRECTORY_TABLE))',
    );
  });
});

describe('owners import without --create-table on a missing local directory', () => {
  useMissingDescribeTable();
  const tempDir = useTempDir('missing-table-hints');
  const directory = { directoryTable: 'Owners-X', endpoint: LOCAL };
  /**
   * An import of a one-owner file into the missing `Owners-X` at the local endpoint, `dryRun` as given, with the
   * command's check (`requireDirectoryTable`) passed in unless `commandCheck` is false.
   */
  const importOwners = async (dryRun: boolean, commandCheck = true) => {
    const file = join(tempDir(), 'owners.csv');
    await writeFile(file, 'userId,email,name,status\nu1,a@example.com,A,active\n');
    const request = {
      table: directory.directoryTable,
      file,
      asOf: '2026-11-30T00:00:00.000Z',
      now: '2026-12-01T00:00:00.000Z',
      maxDeletePercent: 10,
      dryRun,
      ...(commandCheck && {
        requireTable: (client: DynamoDBDocumentClient, howToCreate: string) =>
          requireDirectoryTable(client, directory, howToCreate),
      }),
    };
    return importOwnerFile(createDocumentClient({ endpoint: LOCAL }), request);
  };

  it('is told to add --create-table to this very import', async () => {
    await expect(importOwners(false)).rejects.toThrow(
      'owner directory table Owners-X not found (run this import again with --create-table to create it)',
    );
  });

  it('a dry run is told that --create-table plans against an empty directory, and what creates it', async () => {
    await expect(importOwners(true)).rejects.toThrow(
      'owner directory table Owners-X not found (run this dry run again with --create-table to plan against ' +
        'an empty directory; without --dry-run, --create-table creates it)',
    );
  });

  it('without a check passed in, the table is still checked: DynamoDB’s own error, for the caller to say', async () => {
    await expect(importOwners(false, false)).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('a missing owner directory in AWS behind an endpoint variable (AWS_ENDPOINT_URL_DYNAMODB)', () => {
  useMissingDescribeTable();

  // The client's endpoint is custom (a VPC endpoint), but no --endpoint was given: the deployed directory is meant.
  it('requireDirectoryTable: told where to find the deployed one, not to create a table', async () => {
    await expect(
      requireDirectoryTable(
        createDocumentClient({ endpoint: 'https://vpce-1.dynamodb.eu-west-1.vpce.amazonaws.com' }),
        {
          directoryTable: 'Owners-X',
        },
      ),
    ).rejects.toThrow('owner directory table Owners-X not found (name the deployed one with --stack NAME');
  });
});
