/**
 * `pc-hygiene owners import|export|list` as a user runs them, against
 * DynamoDB Local: CSV (quoted fields, BOM, CRLF) and JSON Lines, bad rows
 * named by line with nothing written, the `--sync` guard (exit 3), the
 * freshness record, export round trip, and reach on the configured route.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { putItems } from '../support/items';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { createTestTable, dynamoDbEndpoint } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

const tempDir = useTempDir('owners-cli');
let dir: string;
beforeAll(async () => {
  dir = tempDir();
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, `${randomUUID().slice(0, 8)}-${name}`);
  await writeFile(path, text);
  return path;
}

const CSV =
  '\uFEFFuserId,email,name,status\r\n' +
  'ann,ann@example.com,"Smith, Ann",active\r\n' +
  '\r\n' +
  'bob,,"Bob ""the builder""",departed\r\n' +
  'cid,cid@example.com,Cid,active\r\n';

describe('pc-hygiene owners import (CSV and JSON Lines)', () => {
  const table = useTestDirectoryTable('owners-cli', 'each');
  const flags = () => directoryFlags(table);
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  /** The flags naming directory table `name` on the test's DynamoDB Local. */
  const tableFlags = (name: string) => ['--directory-table', name, '--endpoint', table.endpoint];

  it('imports a CSV with quoted fields, a BOM and CRLF, and records the snapshot instant', async () => {
    const path = await file('owners.csv', CSV);
    const result = await runCli([
      'owners',
      'import',
      path,
      ...flags(),
      '--as-of',
      '2026-11-30T12:00:00+01:00',
    ]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported 3 owner(s)');
    const found = await directory().getMany(['ann', 'bob', 'cid']);
    expect(found.get('ann')).toMatchObject({
      email: 'ann@example.com',
      name: 'Smith, Ann',
      status: 'active',
    });
    expect(found.get('bob')).toMatchObject({ name: 'Bob "the builder"', status: 'departed' });
    expect(found.get('bob')?.email).toBeUndefined();
    expect(await directory().freshness()).toMatchObject({ asOf: '2026-11-30T11:00:00.000Z', owners: 3 });
  });

  it('imports JSON Lines through the env var for the table name', async () => {
    const path = await file(
      'owners.jsonl',
      `${JSON.stringify({ userId: 'dee', email: 'dee@example.com', name: 'Dee', status: 'active' })}\n\n` +
        `${JSON.stringify({ userId: 'eve', status: 'departed' })}\n`,
    );
    const result = await runCli(
      ['owners', 'import', path, '--endpoint', table.endpoint, '--format', 'json'],
      {
        PC_HYGIENE_DIRECTORY_TABLE: table.tableName,
      },
    );

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      outcome: 'imported',
      format: 'jsonl',
      created: 2,
      owners: 2,
    });
    expect([...(await directory().departedUserIds())]).toEqual(['eve']);
  });

  it('names every bad row by line and writes nothing of the file (exit 1)', async () => {
    const path = await file(
      'bad.csv',
      'userId,email,name,status\nok,ok@example.com,Ok,active\nbad,not-an-email,Bad,active\n"multi\nline",,,retired\nok,,,active\n',
    );
    const result = await runCli(['owners', 'import', path, ...flags()]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 3 (userId "bad"): email: "not-an-email" is not an email address');
    expect(result.stderr).toContain(
      'line 4 (userId "multi\\nline"): userId: holds the invisible character U+000A (',
    );
    expect(result.stderr).toContain('; status: "retired" must be one of active, departed\n');
    expect(result.stderr).toContain('line 6 (userId "ok"): userId: duplicate of line 2');
    expect(result.stderr).toContain('nothing written');
    expect(await directory().getMany(['ok'])).toEqual(new Map());
    expect(await directory().freshness()).toBeUndefined();
  });

  it('refuses a CSV without the expected header', async () => {
    const path = await file('header.csv', 'id,mail\nann,ann@example.com\n');
    const result = await runCli(['owners', 'import', path, ...flags()]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'line 1: header: unknown column(s) id, mail; missing column(s) userId, email, name, status',
    );
  });

  it('creates the table with --create-table, and refuses --as-of in the future (exit 2)', async () => {
    const path = await file('owners.csv', CSV);
    const name = `owners-created-${randomUUID().slice(0, 8)}`;
    const importInto = (table: string) => ['owners', 'import', path, ...tableFlags(table)];
    const future = await runCli([...importInto(name), '--as-of', '2999-01-01T00:00:00Z']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('--as-of 2999-01-01T00:00:00Z is in the future');

    const created = await runCli([...importInto(name), '--create-table']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('(table created)');
    const client = createDocumentClient({ endpoint: dynamoDbEndpoint() });
    expect((await new DynamoOwnerDirectory(client, name).freshness())?.owners).toBe(3);
    client.destroy();
  });

  it('says how to create a missing table: this very import, with --create-table added', async () => {
    const path = await file('owners.csv', CSV);
    const result = await runCli(['owners', 'import', path, ...tableFlags('no-such-owners')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'pc-hygiene: owner directory table no-such-owners not found ' +
        '(run this import again with --create-table to create it)\n',
    );
  });

  it('names the directory’s own command, aimed at this endpoint and directory, for the other owners commands', async () => {
    const topic = [
      '--topic-arn',
      'arn:aws:sns:us-east-1:123456789012:hygiene',
      '--sns-endpoint',
      table.endpoint,
    ];
    const hint =
      'pc-hygiene: owner directory table no-such-owners not found (create and load it with: pc-hygiene owners ' +
      `import FILE --create-table --endpoint ${table.endpoint} --directory-table no-such-owners)\n`;
    const commands: [string, string[]][] = [
      ['list', []],
      ['unsubscribe', ['--route', 'relay', '--', 'u1']],
      ['sync-subscriptions', [...topic, '--dry-run']],
    ];
    for (const [name, rest] of commands) {
      const result = await runCli(['owners', name, ...tableFlags('no-such-owners'), ...rest]);
      expect(result.code, name).toBe(1);
      expect(result.stderr, name).toBe(hint);
    }
  });
});

describe('pc-hygiene owners import --sync (guarded)', () => {
  const table = useTestDirectoryTable('owners-sync', 'each');
  const flags = () => directoryFlags(table);
  const ten = Array.from({ length: 10 }, (_, i) => `u${i}`);
  const csvOf = (ids: readonly string[]) =>
    `userId,email,name,status\n${ids.map((id) => `${id},${id}@example.com,,active`).join('\n')}\n`;
  beforeEach(async () => {
    expect((await runCli(['owners', 'import', await file('all.csv', csvOf(ten)), ...flags()])).code).toBe(0);
  });
  const departed = async () =>
    [...(await new DynamoOwnerDirectory(table.client, table.tableName).departedUserIds())].sort();
  /** `owners import PATH --sync` into the test directory, plus `extra` flags. */
  const importSync = (path: string, ...extra: string[]) =>
    runCli(['owners', 'import', path, ...flags(), '--sync', ...extra]);

  it('marks owners missing from the file departed when within maxDeletePercent', async () => {
    const result = await importSync(await file('nine.csv', csvOf(ten.slice(1))));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 marked departed');
    expect(await departed()).toEqual(['u0']);
  });

  it('refuses (exit 3) to mark more than maxDeletePercent departed, and changes nothing', async () => {
    const eight = await file('eight.csv', csvOf(ten.slice(2)));
    const result = await importSync(eight);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'refused: --sync would mark 2 of 10 active owners departed (20%), above maxDeletePercent 10%; nothing written',
    );
    expect(await departed()).toEqual([]);

    const allowed = await importSync(eight, '--allow-mass-change');
    expect(allowed.code).toBe(0);
    expect(await departed()).toEqual(['u0', 'u1']);
  });

  it('takes the guard share from --config', async () => {
    const config = await file('config.json', JSON.stringify({ maxDeletePercent: 20 }));
    const result = await importSync(await file('eight.csv', csvOf(ten.slice(2))), '--config', config);
    expect(result.code).toBe(0);
    expect(await departed()).toEqual(['u0', 'u1']);
  });
});

describe('pc-hygiene owners export / list', () => {
  const table = useTestDirectoryTable('owners-list', 'each');
  const flags = () => directoryFlags(table);
  beforeEach(async () => {
    expect((await runCli(['owners', 'import', await file('owners.csv', CSV), ...flags()])).code).toBe(0);
  });

  it('exports JSON Lines that import reads back unchanged', async () => {
    const exported = await runCli(['owners', 'export', ...flags()]);
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { userId: string });
    expect(lines.map((l) => l.userId).sort()).toEqual(['ann', 'bob', 'cid']);

    const again = await runCli([
      'owners',
      'import',
      await file('back.jsonl', exported.stdout),
      ...flags(),
      '--format',
      'json',
    ]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
  });

  it('lists unreachable owners with the reason on the configured route', async () => {
    await new DynamoOwnerDirectory(table.client, table.tableName).markBouncing(
      'cid',
      'cid@example.com',
      '2026-11-30T00:00:00.000Z',
    );
    const relay = await file('relay.json', JSON.stringify({ ownerDelivery: 'relay' }));

    const onRelay = await runCli([
      'owners',
      'list',
      ...flags(),
      '--unreachable',
      '--config',
      relay,
      '--format',
      'json',
    ]);
    expect(onRelay.code).toBe(0);
    expect(JSON.parse(onRelay.stdout)).toEqual({
      route: 'relay',
      owners: [
        expect.objectContaining({ userId: 'bob', reachable: false, reason: 'departed' }),
        expect.objectContaining({ userId: 'cid', reachable: false, reason: 'bouncing' }),
      ],
    });

    const onSns = await runCli(['owners', 'list', ...flags()]);
    expect(onSns.stdout).toMatch(/ann +active +ann@example.com +Smith, Ann +unreachable: no-subscription/);
    expect(onSns.stdout.split('\n')[0]).toContain('REACH (sns-email)');
  });

  it('lists the owners as CSV (--format csv): the JSON fields as the header, stored text quoted', async () => {
    const listed = await runCli(['owners', 'list', ...flags(), '--route', 'relay', '--format', 'csv']);

    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toBe(
      'userId,status,email,name,route,reachable,reason\r\n' +
        'ann,active,ann@example.com,"Smith, Ann",relay,true,\r\n' +
        'bob,departed,,"Bob ""the builder""",relay,false,departed\r\n' +
        'cid,active,cid@example.com,Cid,relay,true,\r\n',
    );
  });

  it('lists the owners as an aligned table: stored text through the terminal sanitiser, `-` for what is missing', async () => {
    // A name from an HR export is untrusted: bidi and C1 controls must not reach the terminal (lambdas/render/sanitize.ts).
    const hostile = { userId: 'dee', email: 'dee@example.com', name: 'Dee \u202e\u009b2J', status: 'active' };
    const imported = await runCli([
      'owners',
      'import',
      await file('dee.jsonl', `${JSON.stringify(hostile)}\n`),
      ...flags(),
    ]);
    expect(imported.code).toBe(0);

    const listed = await runCli(['owners', 'list', ...flags(), '--route', 'relay']);

    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toBe(
      [
        'USER ID  STATUS    EMAIL            NAME               REACH (relay)',
        'ann      active    ann@example.com  Smith, Ann         reachable',
        'bob      departed  -                Bob "the builder"  unreachable: departed',
        'cid      active    cid@example.com  Cid                reachable',
        'dee      active    dee@example.com  Dee \\u202e\\x9b2J   reachable',
        '',
      ].join('\n'),
    );
  });

  it('lists an owner who unsubscribed by an SNS email’s link as unreachable on relay too (reason unsubscribed)', async () => {
    const directory = new DynamoOwnerDirectory(table.client, table.tableName);
    // ann unsubscribed (as the sns-email reconciler records it); cid bounces as well and unsubscribed: her choice first.
    await directory.markBouncing('cid', 'cid@example.com', '2026-11-30T00:00:00.000Z');
    const arn = (id: string) => `arn:aws:sns:eu-west-1:123456789012:hygiene:${id}`;
    const skipped = await directory.recordSubscriptionStates(
      ['ann', 'cid'].map((userId) => ({
        userId,
        email: `${userId}@example.com`,
        state: 'unsubscribed' as const,
        subscriptionArn: arn(userId),
        read: {},
      })),
    );
    expect(skipped).toEqual([]);

    const onRelay = await runCli([
      'owners',
      'list',
      ...flags(),
      '--unreachable',
      '--route',
      'relay',
      '--format',
      'json',
    ]);
    expect(onRelay.code).toBe(0);
    expect(JSON.parse(onRelay.stdout)).toEqual({
      route: 'relay',
      owners: [
        expect.objectContaining({ userId: 'ann', reachable: false, reason: 'unsubscribed' }),
        expect.objectContaining({ userId: 'bob', reachable: false, reason: 'departed' }),
        expect.objectContaining({ userId: 'cid', reachable: false, reason: 'unsubscribed' }),
      ],
    });

    const asTable = await runCli(['owners', 'list', ...flags(), '--route', 'relay']);
    expect(asTable.stdout).toMatch(/ann +active +ann@example.com +Smith, Ann +unreachable: unsubscribed/);
    expect(asTable.stdout.split('\n')[0]).toContain('REACH (relay)');
  });

  it('with --table, also lists credential owners the directory does not hold (not-in-directory)', async () => {
    const credentials = await createTestTable(undefined, 'owners-list-credentials');
    try {
      await putItems(credentials.client, credentials.tableName, [
        { ...credential('x-1'), userId: 'ann' },
        { ...credential('x-2'), userId: 'zed' },
        { ...credential('x-3'), userId: 'yan', deletedAt: days(-1) },
      ]);
      const result = await runCli([
        'owners',
        'list',
        ...flags(),
        '--unreachable',
        '--route',
        'relay',
        '--table',
        credentials.tableName,
        '--format',
        'json',
      ]);
      expect(result.code).toBe(0);
      const listed = (JSON.parse(result.stdout) as { owners: { userId: string; reason?: string }[] }).owners;
      expect(listed.map((o) => [o.userId, o.reason])).toEqual([
        ['bob', 'departed'],
        ['zed', 'not-in-directory'],
      ]);
    } finally {
      await credentials.drop();
    }
  });
});
