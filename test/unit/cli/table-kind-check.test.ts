/**
 * The one check a command makes of the table it opens, and `--create-table` of
 * a table it finds already there (`requireTableKind`, cli/aws/table-key.ts;
 * `createTableFrom`, cli/aws/create-table.ts): its key schema from
 * `DescribeTable` must be the kind's partition key alone. A sort key, another
 * partition key or none is refused, named by kind (`describeTableError`); a
 * missing table is an error unless `--create-table` may create it; a caller
 * whose role may not call `DescribeTable` is told once, on stderr, that the
 * table cannot be checked, and the command goes on (an operator's restore
 * must not fail on a permission only the check uses); `--create-table` then
 * uses the table it found there as it is, without waiting on the
 * `DescribeTable` it may not call nor touching its TTL. The CLI runs against
 * DynamoDB Local: test/integration/wrong-table-kind-cli.test.ts.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBServiceException,
  type KeySchemaElement,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOwnerDirectoryTable } from '../../../cli/aws/create-owner-directory-table';
import { createTable } from '../../../cli/aws/create-table';
import { requireTableKind, TableKeyMismatchError, tableKindCheck } from '../../../cli/aws/table-key';
import { OWNER_DIRECTORY } from '../../../cli/options/directory-options';
import { describeTableError, TableAccessError } from '../../../cli/options/table-options';
import { createDocumentClient } from '../../../lambdas/aws/dynamodb-client';

const ddb = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient({ endpoint: 'http://127.0.0.1:1' });

/** DynamoDB's refusal of a call the caller's role does not allow. */
const accessDenied = () =>
  new DynamoDBServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    message: 'no',
    $metadata: {},
  });

/** DescribeTable answers with this key schema. */
function keyedBy(...keySchema: KeySchemaElement[]): void {
  ddb.on(DescribeTableCommand).resolves({ Table: { TableName: 'T', KeySchema: keySchema } });
}

beforeEach(() => ddb.reset());
afterEach(() => vi.restoreAllMocks());

describe('requireTableKind', () => {
  it('accepts a credentials table (key id alone) and an owner directory (key userId alone)', async () => {
    keyedBy({ AttributeName: 'id', KeyType: 'HASH' });
    await expect(requireTableKind(client, 'T')).resolves.toBe(true);
    keyedBy({ AttributeName: 'userId', KeyType: 'HASH' });
    await expect(requireTableKind(client, 'T', OWNER_DIRECTORY)).resolves.toBe(true);
  });

  it.each([
    [[{ AttributeName: 'userId', KeyType: 'HASH' }], 'userId'],
    [
      [
        { AttributeName: 'id', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      'id + sk',
    ],
    [[], 'no key'],
  ] as const)('refuses a table keyed %j as not a credentials table', async (keySchema, found) => {
    keyedBy(...keySchema);

    const error = await requireTableKind(client, 'T').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TableKeyMismatchError);
    expect((error as TableKeyMismatchError).found).toBe(found);
  });

  it('a missing table is an error, unless it may be missing (--create-table)', async () => {
    ddb.on(DescribeTableCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));

    await expect(requireTableKind(client, 'T')).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(requireTableKind(client, 'T', undefined, { mayBeMissing: true })).resolves.toBe(false);
  });

  it('a caller denied DescribeTable cannot be checked: said once on stderr, and the command goes on', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    ddb.on(DescribeTableCommand).rejects(accessDenied());

    await expect(requireTableKind(client, 'Denied')).resolves.toBe(true);
    await expect(requireTableKind(client, 'Denied')).resolves.toBe(true);

    expect(stderr.mock.calls).toEqual([
      [
        'pc-hygiene: cannot check that table Denied is a credentials table (dynamodb:DescribeTable denied): going on\n',
      ],
    ]);
  });
});

describe('--create-table finding the table already there (createTableFrom)', () => {
  beforeEach(() => {
    ddb.on(CreateTableCommand).rejects(new ResourceInUseException({ message: 'in use', $metadata: {} }));
    ddb.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED' } });
  });

  it('refuses another kind by the same rule, naming the key it expected, and changes nothing on it', async () => {
    keyedBy({ AttributeName: 'id', KeyType: 'HASH' });

    const error = await createOwnerDirectoryTable(client, 'PersonalClients', { ifNotExists: true }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(TableKeyMismatchError);
    expect(error).toMatchObject({ partitionKey: 'userId', found: 'id' });
    expect(ddb.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
  });

  it('a caller denied DescribeTable is told the table cannot be checked, and it is used as it is, without waiting', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    // IAM denies every DescribeTable (the wait's too), and DescribeTimeToLive with it.
    ddb.on(DescribeTableCommand).rejects(accessDenied());
    ddb.on(DescribeTimeToLiveCommand).rejects(accessDenied());

    // A short wait: waiting on the denied DescribeTable would time out in 2 s, not 120.
    await expect(createTable(client, 'Created', { ifNotExists: true, maxWaitSeconds: 2 })).resolves.toEqual({
      created: false,
    });

    expect(ddb.commandCalls(DescribeTableCommand)).toHaveLength(1);
    expect(ddb.commandCalls(DescribeTimeToLiveCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
    expect(stderr.mock.calls).toEqual([
      [
        'pc-hygiene: cannot check that table Created is a credentials table (dynamodb:DescribeTable denied): ' +
          'going on with it as it is (not waited for, nothing turned on); ' +
          'if it is still being created, its first read or write finds it missing: run again once it is active\n',
      ],
    ]);
  });

  it('a caller that may check the table but not DescribeTimeToLive is told its TTL cannot be checked', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    ddb.on(DescribeTableCommand).resolves({
      Table: {
        TableName: 'NoTtlRead',
        TableStatus: 'ACTIVE',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      },
    });
    ddb.on(DescribeTimeToLiveCommand).rejects(accessDenied());

    await expect(createTable(client, 'NoTtlRead', { ifNotExists: true, maxWaitSeconds: 2 })).resolves.toEqual(
      {
        created: false,
      },
    );

    expect(ddb.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
    expect(stderr.mock.calls).toEqual([
      [
        'pc-hygiene: cannot check that TTL is on for table NoTtlRead (dynamodb:DescribeTimeToLive denied): going on\n',
      ],
    ]);
  });

  it('a table just created whose TTL cannot be read is an error (its TTL would stay off)', async () => {
    ddb.on(CreateTableCommand).resolves({});
    ddb.on(DescribeTableCommand).resolves({ Table: { TableName: 'New', TableStatus: 'ACTIVE' } });
    ddb.on(DescribeTimeToLiveCommand).rejects(accessDenied());

    await expect(createTable(client, 'New', { maxWaitSeconds: 2 })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

describe('tableKindCheck', () => {
  it('says what it found, and nothing on stderr', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    keyedBy({ AttributeName: 'userId', KeyType: 'HASH' });
    await expect(tableKindCheck(client, 'T', OWNER_DIRECTORY)).resolves.toBe('matches');
    ddb.on(DescribeTableCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(tableKindCheck(client, 'T', undefined, { mayBeMissing: true })).resolves.toBe('missing');
    ddb.on(DescribeTableCommand).rejects(accessDenied());
    await expect(tableKindCheck(client, 'Unsaid')).resolves.toBe('cannot check');

    expect(stderr).not.toHaveBeenCalled();
  });
});

describe('a table of the wrong kind, as the operator is told', () => {
  const mismatch = new TableKeyMismatchError('T', 'id', 'userId');

  it('a credentials command names the owner directory', () => {
    const error = describeTableError(mismatch, { table: 'Owners', region: 'eu-west-1' });

    expect(error).toBeInstanceOf(TableAccessError);
    expect((error as Error).message).toBe(
      'table Owners in eu-west-1 is not a credentials table (its key is not `id`): ' +
        'did you name the owner directory?',
    );
  });

  it('an owner directory command names the credentials table', () => {
    const error = describeTableError(mismatch, { table: 'PersonalClients' }, OWNER_DIRECTORY);

    expect((error as Error).message).toBe(
      'owner directory table PersonalClients is not an owner directory (its key is not `userId`): ' +
        'did you name the credentials table?',
    );
  });
});
