/**
 * A command aimed at a table of the wrong kind is refused before it reads or
 * writes it (cli/aws/table-key.ts: the key schema from `DescribeTable`). A
 * credentials command (`import`, with or without `--create-table`, `sweep`,
 * `exempt`, `notify`, `report`, `export`, `plan`, …) given the owner
 * directory (key `userId`): DynamoDB itself accepts a credential there, since
 * every credential has a `userId`, and an import used to replace the owner
 * with it (email, name and opt-out gone) and exit 0; `--create-table` used to
 * turn TTL on for `hygienePurgeAt` on it. An owner directory command given
 * the credentials table (key `id`) used to fail on DynamoDB's raw "One of the
 * required keys was not given a value", or list credentials as owners. Each
 * now says which table it is and what it likely is instead, exit 1, and the
 * table is unchanged. A credentials command given the relay ledger (keyed by
 * `id` too, told apart by the credentials table's `hygiene-outbox` index)
 * used to pass the check: an `import` wrote credentials into the ledger,
 * without a TTL, and exited 0, the credentials table untouched; it is refused
 * the same way. The owner directory a credentials command reads beside its
 * table (`sweep`, `notify`, `report`: `--directory-table`) is checked too:
 * given a credentials table or the relay ledger, `sweep` and `report` used to
 * exit 0 with the directory "UNREADABLE" (the orphan rule silently off) and
 * `notify` blamed the credentials table; a directory keyed by a number
 * `userId` failed on DynamoDB's raw "Type mismatch for key". Each is now
 * refused naming the directory and its flag, exit 1, both tables unchanged.
 * Child processes, DynamoDB Local.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRelayLedgerTable } from '../../cli/aws/create-relay-ledger-table';
import { putItems } from '../support/items';
import { directoryFlags, runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { createLocalTable, dynamoDbEndpoint, useLocalTable, useTestTable } from '../support/test-table';
import { credential, days, NOW, oneOfEachRule } from '../unit/support/credentials';

const tempDir = useTempDir('wrong-table-kind');
let dir: string;
beforeAll(() => {
  dir = tempDir();
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, `${randomUUID().slice(0, 8)}-${name}`);
  await writeFile(path, text);
  return path;
}

/** Every item of `table`, sorted by its JSON text (a scan's order is not the test's concern). */
async function itemsOf(client: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const out = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return (out.Items ?? []).map((item) => JSON.stringify(item)).toSorted();
}

/** An owner who opted out on the relay route: what a credential item written over them would lose. */
const OPTED_OUT_OWNER = {
  userId: 'user-c1',
  email: 'ada@example.com',
  name: 'Ada',
  status: 'active',
  relaySubscription: 'unsubscribed',
  optedOutAddresses: ['digest-of-ada'],
};

describe('credentials commands aimed at the owner directory', () => {
  const owners = useTestDirectoryTable('kind-owners', 'each');
  const refusal = () =>
    `pc-hygiene: table ${owners.tableName} at ${owners.endpoint} is not a credentials table (its key is not \`id\`): ` +
    'did you name the owner directory?\n';
  let before: string[];

  beforeEach(async () => {
    await putItems(owners.client, owners.tableName, [OPTED_OUT_OWNER]);
    before = await itemsOf(owners.client, owners.tableName);
  });

  it('import writes nothing into it: the owner keeps their email and opt-out', async () => {
    const records = await file('creds.jsonl', `${JSON.stringify(credential('c1-1'))}\n`);

    const run = await runCli(['import', records, ...tableFlags(owners)]);

    expect(run.stderr).toBe(refusal());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(await itemsOf(owners.client, owners.tableName)).toEqual(before);
  });

  it('import --create-table finds it and refuses it: no TTL turned on, nothing written', async () => {
    const records = await file('creds.jsonl', `${JSON.stringify(credential('c1-1'))}\n`);

    const run = await runCli(['import', records, '--create-table', ...tableFlags(owners)]);

    expect(run.stderr).toBe(refusal());
    expect(run.code).toBe(1);
    const ttl = await owners.client.send(new DescribeTimeToLiveCommand({ TableName: owners.tableName }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
    expect(await itemsOf(owners.client, owners.tableName)).toEqual(before);
  });

  it.each([
    [['sweep']],
    [['sweep', '--dry-run']],
    [['exempt', 'c1-1', '--reason', 'r']],
    [['unexempt', 'c1-1', '--reason', 'r']],
    [['guard', 'approve', '--max-deletes', '5', '--reason', 'r']],
    [['notify', '--sink', 'jsonl:DIR/digests.jsonl']],
    [['report']],
    [['report', '--list', 'invalid']],
    [['export']],
    [['plan', '--format', 'json']],
  ])('%j is refused before it reads or writes', async (args) => {
    const run = await runCli([...args.map((arg) => arg.replace('DIR', dir)), ...tableFlags(owners)]);

    expect(run.stderr).toBe(refusal());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(await itemsOf(owners.client, owners.tableName)).toEqual(before);
  });
});

describe('credentials commands aimed at the relay ledger', () => {
  const ledger = useLocalTable(
    () => createLocalTable(createRelayLedgerTable, 'kind-ledger', dynamoDbEndpoint()),
    'kind-ledger',
    'each',
  );
  const refusal = () =>
    `pc-hygiene: table ${ledger.tableName} at ${ledger.endpoint} is not a credentials table: it has no ` +
    '"hygiene-outbox" index (a credentials table has one: docs/data-model.md); is it the relay ledger?\n';

  it.each([[[]], [['--create-table']]])(
    'import %j writes nothing into it: refused, the ledger still empty',
    async (flags) => {
      const records = await file('creds.jsonl', `${JSON.stringify(credential('c1-1'))}\n`);

      const run = await runCli(['import', records, ...flags, ...tableFlags(ledger)]);

      expect(run.stderr).toBe(refusal());
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(await itemsOf(ledger.client, ledger.tableName)).toEqual([]);
    },
  );

  it.each([[['exempt', 'c1-1', '--reason', 'r']], [['sweep']], [['report']]])(
    '%j is refused before it reads or writes',
    async (args) => {
      const run = await runCli([...args, ...tableFlags(ledger)]);

      expect(run.stderr).toBe(refusal());
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(await itemsOf(ledger.client, ledger.tableName)).toEqual([]);
    },
  );
});

describe('the relay ledger created over a credentials table (tests, local use)', () => {
  const credentials = useTestTable('kind-ledger-over', 'each', () => [credential('c1-1')]);

  it('is refused: the credentials table keeps its items and its TTL attribute', async () => {
    const before = await itemsOf(credentials.client, credentials.tableName);

    const creating = createRelayLedgerTable(credentials.client, credentials.tableName);

    await expect(creating).rejects.toThrow(
      `relay ledger table ${credentials.tableName} is not a relay ledger: it has a "hygiene-outbox" index`,
    );
    const ttl = await credentials.client.send(
      new DescribeTimeToLiveCommand({ TableName: credentials.tableName }),
    );
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('hygienePurgeAt');
    expect(await itemsOf(credentials.client, credentials.tableName)).toEqual(before);
  });
});

describe('owners list --with-unlisted aimed at the owner directory as its credentials table', () => {
  const owners = useTestDirectoryTable('kind-unlisted', 'each');

  it('is refused: no owner read as a credential of an unlisted owner', async () => {
    const run = await runCli([
      'owners',
      'list',
      '--with-unlisted',
      ...directoryFlags(owners),
      '--table',
      owners.tableName,
    ]);

    expect(run.stderr).toBe(
      `pc-hygiene: table ${owners.tableName} at ${owners.endpoint} is not a credentials table (its key is not ` +
        '`id`): did you name the owner directory?\n',
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
  });
});

describe('owner directory commands aimed at the credentials table', () => {
  const credentials = useTestTable('kind-credentials', 'each', () => [credential('c1-1')]);
  const refusal = () =>
    `pc-hygiene: owner directory table ${credentials.tableName} at ${credentials.endpoint} is not an owner ` +
    'directory (its key is not `userId`): did you name the credentials table?\n';
  const people = () => file('people.csv', 'userId,email,name,status\nuser-c1,ada@example.com,Ada,active\n');
  let before: string[];

  beforeEach(async () => {
    before = await itemsOf(credentials.client, credentials.tableName);
  });

  it.each([[[]], [['--create-table']], [['--dry-run']], [['--dry-run', '--create-table']]])(
    'owners import %j says so, not a raw DynamoDB error, and writes nothing',
    async (flags) => {
      const run = await runCli([
        'owners',
        'import',
        await people(),
        '--as-of',
        '2026-11-25T00:00:00Z',
        ...flags,
        ...directoryFlags(credentials),
      ]);

      expect(run.stderr).toBe(refusal());
      expect(run.code).toBe(1);
      expect(await itemsOf(credentials.client, credentials.tableName)).toEqual(before);
    },
  );

  it.each([
    [['owners', 'list']],
    [['owners', 'export']],
    [['owners', 'unsubscribe', 'user-c1', '--route', 'relay']],
    [['owners', 'resubscribe', 'user-c1']],
    [['owners', 'clear-bouncing', 'user-c1']],
  ])('%j is refused: no credentials listed as owners, nothing written', async (args) => {
    const run = await runCli([...args, ...directoryFlags(credentials)]);

    expect(run.stderr).toBe(refusal());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(await itemsOf(credentials.client, credentials.tableName)).toEqual(before);
  });
});

/** The commands that read the owner directory beside the credentials table, at the credentials' `NOW`. */
const DIRECTORY_READERS = [
  [['sweep']],
  [['sweep', '--dry-run']],
  [['notify', '--sink', 'jsonl:DIR/digests.jsonl']],
  [['notify', '--dry-run']],
  [['report']],
  [['report', '--list', 'orphaned-due']],
  [['plan']],
] as const;

describe('credentials commands given another kind of table as their owner directory', () => {
  // Owners to notify and nothing to delete: the setup sweep queues notices without tripping the guard.
  const credentials = useTestTable('kind-dir-credentials', 'all', () => [
    credential('a1-healthy'),
    credential('c1-expiring', { expiresTime: days(5) }),
    credential('d1-stale', { lastUsedAt: days(-100) }),
  ]);
  const otherCredentials = useTestTable('kind-dir-other', 'all', () => [credential('x1-1')]);
  const ledger = useLocalTable(
    () => createLocalTable(createRelayLedgerTable, 'kind-dir-ledger', dynamoDbEndpoint()),
    'kind-dir-ledger',
    'all',
  );
  const owners = useTestDirectoryTable('kind-dir-owners');
  const now = new Date(NOW).toISOString();
  const refusal = (directory: string) =>
    `pc-hygiene: owner directory table ${directory} (--directory-table) at ${credentials.endpoint} is not an ` +
    'owner directory (its key is not `userId`): did you name the credentials table?\n';

  beforeAll(async () => {
    // A sweep with a real directory queues the notices `notify` would mark sent: the refusal must leave them.
    const queued = await runCli([
      'sweep',
      '--now',
      now,
      ...tableFlags(credentials),
      ...directoryFlags(owners),
    ]);
    expect(queued.code).toBe(0);
    const pending = await itemsOf(credentials.client, credentials.tableName);
    expect(pending.filter((item) => item.includes('hygieneOutboxOwner')).length).toBeGreaterThan(0);
  });

  /** Runs `args` on the credentials table with `directory` as `--directory-table`; both tables must be unchanged. */
  async function refusedWith(args: readonly string[], directory: string): Promise<string> {
    const before = await itemsOf(credentials.client, credentials.tableName);
    const directoryBefore = await itemsOf(credentials.client, directory);
    const command = [...args.map((arg) => arg.replace('DIR', dir)), '--now', now, ...tableFlags(credentials)];

    const run = await runCli([...command, '--directory-table', directory]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(await itemsOf(credentials.client, credentials.tableName)).toEqual(before);
    expect(await itemsOf(credentials.client, directory)).toEqual(directoryBefore);
    return run.stderr;
  }

  it.each(DIRECTORY_READERS)(
    '%j given a credentials table names the directory, not the table',
    async (args) => {
      const stderr = await refusedWith(args, otherCredentials.tableName);

      expect(stderr).toBe(refusal(otherCredentials.tableName));
    },
  );

  it.each([[['sweep']], [['notify', '--dry-run']]] as const)(
    '%j given the relay ledger is refused the same way',
    async (args) => {
      const stderr = await refusedWith(args, ledger.tableName);

      expect(stderr).toBe(refusal(ledger.tableName));
    },
  );
});

describe('an owner directory keyed by a number userId', () => {
  const credentials = useTestTable('kind-numeric-credentials', 'all', oneOfEachRule);
  const numeric = useLocalTable(
    () =>
      createLocalTable(
        (client, tableName) =>
          client.send(
            new CreateTableCommand({
              TableName: tableName,
              KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
              AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'N' }],
              BillingMode: 'PAY_PER_REQUEST',
            }),
          ),
        'kind-numeric-owners',
        dynamoDbEndpoint(),
      ),
    'kind-numeric-owners',
    'all',
  );
  const wrongType =
    'is not an owner directory: its key `userId` is of type N (number), not S (string) (docs/data-model.md)';

  it.each([[['sweep']], [['notify', '--sink', 'jsonl:DIR/digests.jsonl']], [['report']]] as const)(
    '%j is refused naming the directory, its key and both types',
    async (args) => {
      const before = await itemsOf(credentials.client, credentials.tableName);
      const command = args.map((arg) => arg.replace('DIR', dir));

      const run = await runCli([
        ...command,
        ...tableFlags(credentials),
        '--directory-table',
        numeric.tableName,
      ]);

      expect(run.stderr).toBe(
        `pc-hygiene: owner directory table ${numeric.tableName} (--directory-table) at ${numeric.endpoint} ${wrongType}\n`,
      );
      expect(run.code).toBe(1);
      expect(await itemsOf(credentials.client, credentials.tableName)).toEqual(before);
    },
  );

  it('owners import is refused the same way, nothing written', async () => {
    const people = await file('people.csv', 'userId,email,name,status\nuser-c1,ada@example.com,Ada,active\n');

    const run = await runCli([
      'owners',
      'import',
      people,
      '--as-of',
      '2026-11-25T00:00:00Z',
      ...directoryFlags(numeric),
    ]);

    expect(run.stderr).toBe(
      `pc-hygiene: owner directory table ${numeric.tableName} at ${numeric.endpoint} ${wrongType}\n`,
    );
    expect(run.code).toBe(1);
    expect(await itemsOf(numeric.client, numeric.tableName)).toEqual([]);
  });
});
