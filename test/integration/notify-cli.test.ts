/**
 * `pc-hygiene notify --sink jsonl:PATH` as a user runs it, against DynamoDB
 * Local after a real sweep: one line per affected owner whose `eventTypes`
 * are exactly that owner's events, and nothing more on a second run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import { putItems } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';
import { FakeSnsServer } from './fake-sns-server';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/pc-hygiene.js');
const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env } });
    return { code: 0, stdout, stderr };
  } catch (error: unknown) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A table with four credentials of three owners, swept once: alice 2 events, bob 1, carol none. */
async function seededTable(): Promise<TestTable> {
  const table = await createTestTable(undefined, 'notify-cli');
  const base = {
    createdAt: iso(-300),
    lastUsedAt: iso(-1),
    scopedRoles: ['r'],
    allowSourceCidr: ['10.0.0.0/8'],
  };
  await putItems(table.client, table.tableName, [
    { ...base, id: 'pc-1', userId: 'alice', displayName: 'Laptop', expiresTime: iso(6) },
    { ...base, id: 'pc-2', userId: 'alice', expiresTime: iso(-2) },
    { ...base, id: 'pc-3', userId: 'bob', lastUsedAt: iso(-100), expiresTime: iso(300) },
    { ...base, id: 'pc-4', userId: 'carol', expiresTime: iso(300) },
  ]);
  await runSweep(
    {
      clock: Date.now,
      scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
      writer: new DynamoDbTransitionWriter(table.client, table.tableName),
    },
    {
      config: parseConfig({ mode: 'enforce', maxDeletePercent: 100 }),
      now: NOW,
      runId: 'run-cli',
      mode: 'enforce',
    },
  );
  return table;
}

describe('pc-hygiene notify', () => {
  let table: TestTable;
  let dir: string;

  beforeAll(async () => {
    table = await seededTable();
    dir = await mkdtemp(join(tmpdir(), 'notify-cli-'));
  });
  afterAll(async () => {
    await table.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one entry per affected owner with exactly its event types, then nothing on a second run', async () => {
    const out = join(dir, 'out.jsonl');
    const args = [
      'notify',
      '--endpoint',
      table.endpoint,
      '--table',
      table.tableName,
      '--sink',
      `jsonl:${out}`,
    ];

    const first = await cli([...args, '--format', 'json', '--now', iso(0)]);
    const second = await cli(args);

    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      owners: 2,
      digests: 2,
      eventsPublished: 3,
      eventsFailed: 0,
    });
    const lines = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(Object.keys(line)).toEqual([
        'Id',
        'Subject',
        'Message',
        'MessageStructure',
        'MessageAttributes',
      ]);
    const types = Object.fromEntries(
      lines.map((l) => [
        l.MessageAttributes.userId.StringValue,
        JSON.parse(l.MessageAttributes.eventTypes.StringValue),
      ]),
    );
    expect(types).toEqual({ alice: ['expiry-warning', 'deleted-expired'], bob: ['stale-warning'] });
    const alice = lines.find((l) => l.MessageAttributes.userId.StringValue === 'alice');
    expect(JSON.parse(alice.Message).email).toContain('"Laptop" (id pc-1)\n');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('events published     0');
    expect((await readFile(out, 'utf8')).trimEnd().split('\n')).toHaveLength(2);
  });

  it('refuses --sink sns without a topic, and an unknown sink, with exit code 2', async () => {
    const table_ = ['--endpoint', table.endpoint, '--table', table.tableName];
    const noTopic = await cli(['notify', ...table_]);
    const badSink = await cli(['notify', ...table_, '--sink', 'kafka']);

    expect(noTopic).toMatchObject({ code: 2, stdout: '' });
    expect(noTopic.stderr).toContain('--topic-arn is required with --sink sns');
    expect(badSink.code).toBe(2);
    expect(badSink.stderr).toContain('is not sns or jsonl:PATH');
  });

  it('publishes to SNS with --sink sns (an SNS-compatible server), then has nothing left', async () => {
    const sns = await FakeSnsServer.start();
    const own = await seededTable();
    try {
      const args = [
        'notify',
        '--endpoint',
        own.endpoint,
        '--table',
        own.tableName,
        '--sns-endpoint',
        sns.endpoint,
      ];
      const topic = ['--topic-arn', 'arn:aws:sns:eu-west-1:123456789012:hygiene'];

      const first = await cli([...args, ...topic, '--format', 'json']);
      const second = await cli([...args, ...topic, '--format', 'json']);

      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ digests: 2, eventsPublished: 3 });
      expect(sns.accepted.map((m) => m.attributes.userId?.value).sort()).toEqual(['alice', 'bob']);
      expect(sns.accepted.every((m) => m.topicArn === 'arn:aws:sns:eu-west-1:123456789012:hygiene')).toBe(
        true,
      );
      expect(JSON.parse(second.stdout)).toMatchObject({ pendingItems: 0, eventsPublished: 0 });
    } finally {
      await sns.stop();
      await own.drop();
    }
  });

  it.skipIf(!existsSync('/dev/full'))(
    'exits 1 and keeps the events pending when the sink cannot be written',
    async () => {
      const own = await seededTable();
      try {
        const args = ['notify', '--endpoint', own.endpoint, '--table', own.tableName];

        // A disk that is full (Linux's /dev/full): the folder exists, the append fails.
        const failed = await cli([...args, '--sink', 'jsonl:/dev/full']);
        const retried = await cli([
          ...args,
          '--sink',
          `jsonl:${join(dir, 'retry.jsonl')}`,
          '--format',
          'json',
        ]);

        expect(failed.code).toBe(1);
        expect(failed.stderr).toContain('3 event(s) not delivered');
        expect(failed.stdout).toContain('events failed        3 (left pending, retried next drain)');
        // Why, once for the sink's one cause, naming both owners it failed.
        expect(failed.stdout.split('\n').filter((l) => l.startsWith('  failed: '))).toEqual([
          expect.stringMatching(
            /^ {2}failed: (alice, bob|bob, alice): Error: ENOSPC: no space left on device, write \(3 events\)$/,
          ),
        ]);
        expect(retried.code).toBe(0);
        expect(JSON.parse(retried.stdout)).toMatchObject({ eventsPublished: 3 });
      } finally {
        await own.drop();
      }
    },
  );

  it.each([
    ['in a folder that does not exist', () => join(dir, 'no-such-folder', 'digests.jsonl')],
    ['that is a directory', () => dir],
  ])(
    'refuses a sink %s before anything is claimed (exit 2, saying why), dry run or not, creating nothing',
    async (_, pathOf) => {
      const own = await seededTable();
      try {
        const path = pathOf();
        const args = ['notify', '--endpoint', own.endpoint, '--table', own.tableName];
        const expected =
          path === dir
            ? `pc-hygiene: --sink jsonl:${path} is a directory: give the file to write\n`
            : `pc-hygiene: --sink jsonl:${path}: the directory ${join(dir, 'no-such-folder')} does not exist\n`;

        const drain = await cli([...args, '--sink', `jsonl:${path}`]);
        const dryRun = await cli([...args, '--sink', `jsonl:${path}`, '--dry-run']);
        const retried = await cli([
          ...args,
          '--sink',
          `jsonl:${join(dir, 'after-refusal.jsonl')}`,
          '--format',
          'json',
        ]);

        for (const refused of [drain, dryRun])
          expect(refused).toMatchObject({ code: 2, stdout: '', stderr: expected });
        await expect(stat(join(dir, 'no-such-folder'))).rejects.toMatchObject({ code: 'ENOENT' });
        // Nothing was claimed or marked: the next drain sends every event.
        expect(JSON.parse(retried.stdout)).toMatchObject({ eventsPublished: 3 });
      } finally {
        await own.drop();
      }
    },
  );
});
