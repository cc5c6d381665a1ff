/**
 * `import` of records whose ids the table already holds, against DynamoDB
 * Local (docs/data-model.md, "Import and export"): the finding was that an
 * export, a drain, then a re-import replaced each credential whole — its
 * history gone, its already-sent notices back in the outbox (the owner told
 * twice) — and the summary never said so. Without `--replace` those records
 * are not written and are named (exit 1); with it they are written and named
 * as replaced. Each batch is read first (one `BatchGetItem` per 25 records),
 * except in a table `--create-table` has just created.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { importJsonLines } from '../../cli/commands/import';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HISTORY_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import { getItem, outboxIndexEntriesOf } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { dynamoDbEndpoint, useTestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';

const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));
const base = {
  createdAt: iso(-300),
  lastUsedAt: iso(-1),
  scopedRoles: ['r'],
  allowSourceCidr: ['10.0.0.0/8'],
};
/** alice: an expiry notice and a deletion; carol: nothing happens. */
const SEED = [
  { ...base, id: 'pc-1', userId: 'alice', expiresTime: iso(6) },
  { ...base, id: 'pc-2', userId: 'alice', expiresTime: iso(-2) },
  { ...base, id: 'pc-3', userId: 'carol', expiresTime: iso(300) },
];
const IDS = SEED.map((item) => item.id);

describe('import of ids already in the table', () => {
  const table = useTestTable('import-existing', 'each', () => SEED);
  const dir = useTempDir('pc-import-existing');
  let file: string;
  /** The existing records as the summary names them: the export's lines 1-3 (in the export's scan order). */
  let named: { line: number; id: string }[];

  /** Sweeps (history, outbox), exports, drains; returns the items as they stand after the drain. */
  beforeEach(async () => {
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      {
        config: parseConfig({ mode: 'enforce', maxDeletePercent: 100 }),
        now: NOW,
        runId: 'r1',
        mode: 'enforce',
      },
    );
    file = join(dir(), `${table.tableName}.jsonl`);
    expect((await runCli(['export', '--output', file, ...tableFlags(table)])).code).toBe(0);
    const exported = await readFile(file, 'utf8');
    named = exported
      .trimEnd()
      .split('\n')
      .map((line, i) => ({ line: i + 1, id: String(JSON.parse(line).id) }));
    expect(named.map((n) => n.id).toSorted()).toEqual(IDS);
    // A new record on line 4.
    await writeFile(file, `${exported}${JSON.stringify(credential('pc-new'))}\n`);
    expect((await drain()).eventsPublished).toBe(2);
    expect(await outboxIndexEntriesOf(table.client, table.tableName, 'alice')).toEqual([]);
  });

  async function drain(): Promise<{ eventsPublished: number }> {
    const sink = `jsonl:${join(dir(), `${table.tableName}-digests.jsonl`)}`;
    const run = await runCli([
      'notify',
      ...tableFlags(table),
      '--sink',
      sink,
      '--now',
      iso(0),
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout);
  }

  async function items(ids: readonly string[] = IDS): Promise<Record<string, unknown>[]> {
    return Promise.all(ids.map(async (id) => (await getItem(table.client, table.tableName, id)) ?? { id }));
  }

  it('without --replace writes none of them, names them, keeps history and outbox as they are (exit 1)', async () => {
    const before = await items();
    expect(before[0]?.[HISTORY_ATTR]).toHaveLength(1);

    const run = await runCli(['import', file, ...tableFlags(table), '--format', 'json']);

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      written: 1,
      rejected: 0,
      notReplaced: 3,
      notReplacedRecords: named,
      replaced: 0,
      replacedRecords: [],
      notWritten: 0,
    });
    expect(await items()).toEqual(before);
    expect(await getItem(table.client, table.tableName, 'pc-new')).toEqual(credential('pc-new'));
    // The notices sent before the re-import are not queued again: the owner is not told twice.
    expect(await outboxIndexEntriesOf(table.client, table.tableName, 'alice')).toEqual([]);
    expect((await drain()).eventsPublished).toBe(0);
  });

  it('without --replace names each on stderr and says so in the text summary', async () => {
    const run = await runCli(['import', file, ...tableFlags(table)]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `imported 1 record(s) into ${table.tableName}; 3 record(s) already in the table, NOT replaced (--replace replaces them)\n`,
    );
    for (const { line, id } of named)
      expect(run.stderr).toContain(
        `pc-hygiene import: not replaced, already in the table: line ${line} (id ${id})\n`,
      );
  });

  it('with --replace writes them as the file has them and names them as replaced (exit 0)', async () => {
    const exported = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

    const json = await runCli(['import', file, ...tableFlags(table), '--replace', '--format', 'json']);
    const text = await runCli(['import', file, ...tableFlags(table), '--replace']);

    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      written: 4,
      notReplaced: 0,
      notReplacedRecords: [],
      replaced: 3,
      replacedRecords: named,
    });
    expect(await items(exported.map((line) => String(line.id)))).toEqual(exported);
    // What --replace means: the exported outbox is back.
    expect(exported.find((line) => line.id === 'pc-1')?.[OUTBOX_ATTR.events]).toBeDefined();
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      `imported 4 record(s) into ${table.tableName} (4 replaced: already in the table)\n`,
    );
    expect(text.stderr).toContain('pc-hygiene import: replaced: line 4 (id pc-new)\n');
  });
});

describe('reads made to find the ids already in the table', () => {
  const table = useTestTable('import-existing-reads');
  const dir = useTempDir('pc-import-existing-reads');

  /** A client counting its requests by command name. */
  function countingClient(): { client: DynamoDBDocumentClient; counts: Map<string, number> } {
    const client = createDocumentClient({ endpoint: dynamoDbEndpoint() });
    const counts = new Map<string, number>();
    client.middlewareStack.add(
      (next, context) => (args) => {
        const name = String(context.commandName);
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    return { client, counts };
  }

  it('one BatchGetItem per 25 records into a table already there; none into one --create-table just made', async () => {
    const file = join(dir(), 'sixty.jsonl');
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify(credential(`r-${i}`)));
    await writeFile(file, `${lines.join('\n')}\n`);
    const fresh = countingClient();
    const existing = countingClient();
    const freshTable = `${table.tableName}-fresh`;

    const created = await importJsonLines(fresh.client, { table: freshTable, file, createTable: true });
    const into = await importJsonLines(existing.client, { table: table.tableName, file });

    expect(created).toMatchObject({ tableCreated: true, written: 60, notReplaced: 0 });
    expect(fresh.counts.get('BatchGetItemCommand')).toBeUndefined();
    expect(fresh.counts.get('BatchWriteItemCommand')).toBe(3);
    expect(into).toMatchObject({ tableCreated: false, written: 60, notReplaced: 0 });
    expect(existing.counts.get('BatchGetItemCommand')).toBe(3);
    expect(existing.counts.get('BatchWriteItemCommand')).toBe(3);
    await fresh.client.send(new DeleteTableCommand({ TableName: freshTable }));
    fresh.client.destroy();
    existing.client.destroy();
  });
});
