/**
 * The one check a command makes of the table it opens, and `--create-table` of
 * a table it finds already there (`requireTableKind`, cli/aws/table-key.ts;
 * `createTableFrom`, cli/aws/create-table.ts): its key schema from
 * `DescribeTable` must be the kind's partition key alone. A sort key, another
 * partition key or none is refused, named by kind (`describeTableError`); the
 * two kinds keyed by `id` are told by the `hygiene-outbox` index: a
 * credentials table without it (a relay ledger) is refused, as is the relay
 * ledger's creation finding a credentials table (its TTL untouched); a
 * missing table is an error unless `--create-table` may create it; a caller
 * whose role may not call `DescribeTable` is told once, on stderr, that the
 * table cannot be checked, and the command goes on (an operator's restore
 * must not fail on a permission only the check uses); `--create-table` then
 * uses the table it found there as it is, without waiting on the
 * `DescribeTable` it may not call nor touching its TTL. A key of the kind's
 * name but another type (a `userId` of type N) is refused naming the table,
 * the key and both types. A command reading the owner directory beside its
 * table names the directory with its flag, and a key DynamoDB itself refused
 * (the check denied) names both tables, blaming neither. The CLI runs against
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
import { createRelayLedgerTable } from '../../../cli/aws/create-relay-ledger-table';
import { createTable } from '../../../cli/aws/create-table';
import {
  RELAY_LEDGER_TABLE_KEY,
  requireTableKind,
  TableIndexMismatchError,
  TableKeyMismatchError,
  TableKeyTypeMismatchError,
  tableKindCheck,
} from '../../../cli/aws/table-key';
import { OWNER_DIRECTORY } from '../../../cli/options/directory-options';
import { CREDENTIALS_TABLE, describeTableError, TableAccessError } from '../../../cli/options/table-options';
import { createDocumentClient } from '../../../lambdas/aws/dynamodb-client';
import { credentialsTableDescription, relayLedgerDescription } from '../../support/table-descriptions';

const ddb = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient({ endpoint: 'http://127.0.0.1:1' });

/** DynamoDB's refusal of a call the caller's role does not allow (`name`: its code, `AccessDeniedException` unless given). */
const accessDenied = (name = 'AccessDeniedException') =>
  new DynamoDBServiceException({
    name,
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

/** DescribeTable answers with `answer` (one of test/support/table-descriptions.ts), the table active. */
function described(answer: ReturnType<typeof credentialsTableDescription>): void {
  ddb.on(DescribeTableCommand).resolves({ Table: { ...answer.Table, TableStatus: 'ACTIVE' } });
}

/** What a credentials command is told of a table keyed `id` without the `hygiene-outbox` index. */
const NO_OUTBOX_INDEX =
  'is not a credentials table: it has no "hygiene-outbox" index ' +
  '(a credentials table has one: docs/data-model.md); is it the relay ledger?';

describe('requireTableKind', () => {
  it('accepts a credentials table (key id alone, the outbox index) and an owner directory (key userId alone)', async () => {
    described(credentialsTableDescription('T'));
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

  it('refuses a table keyed id without the outbox index (a relay ledger) as not a credentials table', async () => {
    described(relayLedgerDescription('Ledger'));

    const error = await requireTableKind(client, 'Ledger').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TableIndexMismatchError);
    expect(error).toBeInstanceOf(TableKeyMismatchError);
    expect((error as Error).name).toBe('TableIndexMismatchError');
    expect((error as Error).message).toBe(`table Ledger ${NO_OUTBOX_INDEX}`);
  });

  it('refuses a credentials table whose outbox index has another key, naming the key it expected', async () => {
    const answer = credentialsTableDescription('T');
    const [index] = answer.Table?.GlobalSecondaryIndexes ?? [];
    const keySchema: KeySchemaElement[] = [{ AttributeName: 'userId', KeyType: 'HASH' }];
    described({ Table: { ...answer.Table, GlobalSecondaryIndexes: [{ ...index, KeySchema: keySchema }] } });

    await expect(requireTableKind(client, 'T')).rejects.toThrow(
      'table T is not a credentials table: its "hygiene-outbox" index is keyed by userId, ' +
        'not by hygieneOutboxOwner + hygieneOutboxSince (docs/data-model.md)',
    );
  });

  it('tells the relay ledger by the same rule: accepted as one, a credentials table refused as one', async () => {
    described(relayLedgerDescription('Ledger'));
    await expect(requireTableKind(client, 'Ledger', RELAY_LEDGER_TABLE_KEY)).resolves.toBe(true);
    described(credentialsTableDescription('PersonalClients'));

    await expect(requireTableKind(client, 'PersonalClients', RELAY_LEDGER_TABLE_KEY)).rejects.toThrow(
      'relay ledger table PersonalClients is not a relay ledger: it has a "hygiene-outbox" index, ' +
        'as the credentials table has (docs/data-model.md); is it the credentials table?',
    );
  });

  it.each([
    ['S', true],
    ['N', false],
  ] as const)('an owner directory keyed by userId of type %s is accepted: %s', async (type, accepted) => {
    ddb.on(DescribeTableCommand).resolves({
      Table: {
        TableName: 'Dir',
        KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: type }],
      },
    });

    const checked = requireTableKind(client, 'Dir', OWNER_DIRECTORY);

    if (accepted) await expect(checked).resolves.toBe(true);
    else await expect(checked).rejects.toBeInstanceOf(TableKeyTypeMismatchError);
  });

  it('refuses a key of the right name but another type, naming the table, the key and both types', async () => {
    const answer = credentialsTableDescription('T');
    const numericId = [{ AttributeName: 'id', AttributeType: 'N' as const }];
    described({ Table: { ...answer.Table, AttributeDefinitions: numericId } });

    const error = await requireTableKind(client, 'T').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TableKeyMismatchError);
    expect((error as Error).message).toBe(
      'table T is not a credentials table: its key `id` is of type N (number), not S (string) (docs/data-model.md)',
    );
    expect((describeTableError(error, { table: 'T', region: 'eu-west-1' }) as Error).message).toBe(
      'table T in eu-west-1 is not a credentials table: its key `id` is of type N (number), not S (string) ' +
        '(docs/data-model.md)',
    );
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

  it('the relay ledger made over a credentials table is refused: no TTL turned on for expiresAt', async () => {
    described(credentialsTableDescription('PersonalClients'));
    ddb.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });

    const error = await createRelayLedgerTable(client, 'PersonalClients').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TableIndexMismatchError);
    expect(ddb.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
  });

  it('the relay ledger made again over a relay ledger is used, its TTL turned on', async () => {
    described(relayLedgerDescription('Ledger'));
    ddb.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });

    await createRelayLedgerTable(client, 'Ledger');

    const [update] = ddb.commandCalls(UpdateTimeToLiveCommand);
    expect(update?.args[0].input.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
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
    described(credentialsTableDescription('NoTtlRead'));
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

  it('a table whose TTL is on another attribute is told so on stderr, and its TTL left as it is', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    described(credentialsTableDescription('OtherTtl'));
    ddb
      .on(DescribeTimeToLiveCommand)
      .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' } });

    await expect(createTable(client, 'OtherTtl', { ifNotExists: true, maxWaitSeconds: 2 })).resolves.toEqual({
      created: false,
    });

    expect(ddb.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
    expect(stderr.mock.calls).toEqual([
      [
        'pc-hygiene: TTL on table OtherTtl is on attribute expiresAt, not hygienePurgeAt: ' +
          'DynamoDB will not remove items by hygienePurgeAt (one TTL attribute a table); left as it is\n',
      ],
    ]);
  });

  it("a table found there whose TTL read is refused for the table's key (KMSAccessDenied…) is told so, and goes on", async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    described(credentialsTableDescription('KeyDenied'));
    ddb.on(DescribeTimeToLiveCommand).rejects(accessDenied('KMSAccessDeniedException'));

    await expect(createTable(client, 'KeyDenied', { ifNotExists: true, maxWaitSeconds: 2 })).resolves.toEqual(
      {
        created: false,
      },
    );

    expect(ddb.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
    expect(stderr.mock.calls).toEqual([
      [
        'pc-hygiene: cannot check that TTL is on for table KeyDenied (dynamodb:DescribeTimeToLive denied): going on\n',
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

  // One rule of a denial for every caller (isNotAuthorized, cli/aws/refusal-codes.ts), by the error's name as
  // describeError reads it: not AccessDeniedException alone.
  it.each(['AccessDenied', 'KMSAccessDeniedException'])(
    'a DescribeTable refused with %s cannot check, as one refused with AccessDeniedException',
    async (code) => {
      ddb.on(DescribeTableCommand).rejects(accessDenied(code));

      await expect(tableKindCheck(client, 'T')).resolves.toBe('cannot check');
    },
  );

  it('a DescribeTable that fails otherwise (throttled) is an error, not a table it cannot check', async () => {
    ddb.on(DescribeTableCommand).rejects(accessDenied('ThrottlingException'));

    await expect(tableKindCheck(client, 'T')).rejects.toMatchObject({ name: 'ThrottlingException' });
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

  it('a credentials command given the relay ledger says it has no outbox index', async () => {
    described(relayLedgerDescription('Ledger'));
    const refusal = await requireTableKind(client, 'Ledger').catch((e: unknown) => e);

    const error = describeTableError(refusal, { table: 'Ledger', region: 'eu-west-1' });

    expect(error).toBeInstanceOf(TableAccessError);
    expect((error as Error).message).toBe(`table Ledger in eu-west-1 ${NO_OUTBOX_INDEX}`);
  });

  it('the owner directory a credentials command reads is named with its flag', () => {
    const error = describeTableError(mismatch, { table: 'Creds', region: 'eu-west-1' }, OWNER_DIRECTORY, {
      withFlag: true,
    });

    expect((error as Error).message).toBe(
      'owner directory table Creds (--directory-table) in eu-west-1 is not an owner directory ' +
        '(its key is not `userId`): did you name the credentials table?',
    );
  });

  it('a key DynamoDB refused, in a command reading the owner directory too, names both tables', () => {
    const refused = new DynamoDBServiceException({
      name: 'ValidationException',
      $fault: 'client',
      message: 'One of the required keys was not given a value',
      $metadata: {},
    });
    const alsoRead = { table: 'Conc', kind: OWNER_DIRECTORY, mayBeMissing: true };

    const error = describeTableError(refused, { table: 'Orph', region: 'eu-west-1' }, CREDENTIALS_TABLE, {
      alsoRead,
    });

    expect((error as Error).message).toBe(
      "DynamoDB refused a request's key (One of the required keys was not given a value): table Orph or " +
        'owner directory table Conc (--directory-table) in eu-west-1 is another kind of table (a credentials table ' +
        'is keyed by `id`, an owner directory by `userId`); allow dynamodb:DescribeTable for the command to name which',
    );
    expect((describeTableError(refused, { table: 'Orph' }) as Error).message).toBe(
      'table Orph is not a credentials table (its key is not `id`): did you name the owner directory?',
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
