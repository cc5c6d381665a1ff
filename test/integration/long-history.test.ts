/**
 * A stored history far longer than the bound (docs/data-model.md, "History"),
 * as `import` may bring, against DynamoDB Local. Uncapped, the write removed
 * every entry past the bound in one expression: past ~430 entries DynamoDB
 * refused it (4 KB expression limit), so every transition, restore and
 * exemption of the credential failed on every run, and 11 such records
 * aborted every sweep; past ~250 the batched PartiQL statement (8,192
 * characters) already fell back to one request per item. Now each write drops
 * at most HISTORY_MAX_DROP of the oldest entries and the list shrinks to the
 * newest HISTORY_LIMIT over a few writes.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setExempt } from '../../cli/aws/exempt';
import { restoreCredential } from '../../cli/aws/restore';
import { BatchedTransitionWriter, sweepTransitionWriter } from '../../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HISTORY_ATTR } from '../../lambdas/hygiene/data-contract';
import { HISTORY_LIMIT, HISTORY_MAX_DROP, type HistoryEntry } from '../../lambdas/hygiene/history';
import type { Action } from '../../lambdas/hygiene/policy';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { formatInstant } from '../../lambdas/hygiene/time';
import { getItem, putItem, putItems, readCredential } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { TRANSITION_WRITERS } from '../support/transition-writers';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const EXPIRES = '2026-12-10T00:00:00.000Z';

/** `n` stored entries, oldest first, each telling its index. */
const old = (n: number): HistoryEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    at: '2026-01-01T00:00:00.000Z',
    action: 'notify-expiry',
    detail: `old ${i}`,
  }));

/** A credential in use with a 30-day expiry notice due at NOW (its only action: no deletion, no guard), `history` stored. */
const record = (id: string, history: readonly unknown[], extra: Record<string, unknown> = {}) => ({
  id,
  userId: 'user-long',
  createdAt: '2026-01-01T00:00:00Z',
  lastUsedAt: '2026-11-20T00:00:00Z',
  expiresTime: EXPIRES,
  [HISTORY_ATTR]: history,
  ...extra,
});

const notice: Action[] = [{ type: 'notify-expiry', stageDays: 30, expiresTime: EXPIRES }];

/** The old entries a history of `length` keeps after one write: all but the oldest HISTORY_MAX_DROP. */
const afterOneWrite = (length: number) => old(length).slice(HISTORY_MAX_DROP);

describe.each(TRANSITION_WRITERS)('a long stored history, written by the %s writer', (name, make) => {
  const table = useTestTable(`long-history-${name.split(' ')[0]}`);
  const history = async (id: string) =>
    (await getItem(table.client, table.tableName, id))?.[HISTORY_ATTR] as unknown[];

  // 300: past the PartiQL statement's limit uncapped; 440: past the 4 KB expression limit; 1,000: far past both.
  for (const length of [300, 440, 1_000]) {
    it(`a transition on ${length} entries applies in one request, dropping the oldest ${HISTORY_MAX_DROP}`, async () => {
      const id = `pc-long-${length}`;
      await putItem(table.client, table.tableName, record(id, old(length)));
      const writer = make(table.client, table.tableName);
      const credential = await readCredential(table.client, table.tableName, id);
      expect(await writer.apply({ credential, actions: notice, events: [], runId: 'r1', now: NOW })).toEqual({
        status: 'applied',
      });
      const stored = await history(id);
      expect(stored).toHaveLength(length - HISTORY_MAX_DROP + 1);
      expect(stored.slice(0, -1)).toEqual(afterOneWrite(length));
      expect(stored.at(-1)).toMatchObject({ action: 'notify-expiry', runId: 'r1' });
      // The batched statement stays within PartiQL's limits: no request of its own for this transition.
      if (writer instanceof BatchedTransitionWriter) expect(writer.stats.perItem).toBe(0);
    });
  }

  it('later writes shrink 1,000 entries to the newest HISTORY_LIMIT, then hold the bound', async () => {
    const id = 'pc-long-converge';
    await putItem(table.client, table.tableName, record(id, old(1_000)));
    const writer = make(table.client, table.tableName);
    const lengths: number[] = [];
    for (let run = 0; run < 18; run++) {
      const credential = await readCredential(table.client, table.tableName, id);
      const result = await writer.apply({
        credential,
        actions: notice,
        events: [],
        runId: `run-${run}`,
        now: NOW,
      });
      expect(result).toEqual({ status: 'applied' });
      lengths.push((await history(id)).length);
    }
    // 1,000 − 63 a write: 16 writes to reach the bound (1000 − 15 × 63 = 55 → 20), then it stays there.
    expect(lengths.slice(0, 3)).toEqual([937, 874, 811]);
    expect(lengths.slice(-3)).toEqual([HISTORY_LIMIT, HISTORY_LIMIT, HISTORY_LIMIT]);
    // The newest HISTORY_LIMIT of everything written: the last 2 old entries, then the 18 runs' own.
    const stored = await history(id);
    expect(stored.slice(0, 2)).toEqual(old(1_000).slice(-2));
    expect(stored.slice(2).map((e) => (e as HistoryEntry).runId)).toEqual(
      Array.from({ length: 18 }, (_, run) => `run-${run}`),
    );
  });
});

describe('a sweep over long stored histories', () => {
  const table = useTestTable('long-history-sweep');

  it('writes all 11 (more than maxWriteFailures): the run completes with nothing failed', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `pc-sweep-${i}`);
    await putItems(
      table.client,
      table.tableName,
      ids.map((id) => record(id, old(440))),
    );
    // The deployed writer: batched, falling back to one request per item.
    const writer = sweepTransitionWriter(table.client, table.tableName);
    const summary = await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName, { pageSize: 4 }),
        writer,
        checkpoints: new DynamoDbCheckpointStore(table.client, table.tableName),
      },
      { config: parseConfig({ writeConcurrency: 4 }), now: NOW, runId: 'run-sweep', mode: 'enforce' },
    );
    expect(summary).toMatchObject({ status: 'complete', applied: { 'notify-expiry': 11 } });
    expect(summary.failed.count).toBe(0);
    expect(writer.stats.perItem).toBe(0);
    for (const id of ids) {
      const stored = (await getItem(table.client, table.tableName, id))?.[HISTORY_ATTR] as unknown[];
      expect(stored).toHaveLength(440 - HISTORY_MAX_DROP + 1);
    }
  });
});

describe('restore and exempt on a long stored history', () => {
  const table = useTestTable('long-history-operator');
  const history = async (id: string) =>
    (await getItem(table.client, table.tableName, id))?.[HISTORY_ATTR] as unknown[];

  it('restore writes, dropping the oldest HISTORY_MAX_DROP', async () => {
    // The deletion's own entry last, as the sweep appends it (restore undoes only a deletion its history records).
    const deletion = {
      at: '2026-11-26T00:00:00.000Z',
      action: 'delete-stale',
      reason: 'stale',
      runId: 'run-x',
    };
    const stored1000 = [...old(999), deletion];
    await putItem(
      table.client,
      table.tableName,
      record('pc-restore', stored1000, {
        deletedAt: deletion.at,
        hygieneDeletedReason: 'stale',
        hygieneDeletedByRun: 'run-x',
      }),
    );
    await restoreCredential(table.client, table.tableName, {
      id: 'pc-restore',
      reason: 'still needed',
      by: 'carol',
      now: NOW,
    });
    const stored = await history('pc-restore');
    expect(stored.slice(0, -1)).toEqual(stored1000.slice(HISTORY_MAX_DROP));
    expect(stored.at(-1)).toMatchObject({ action: 'restore', by: 'carol', at: formatInstant(NOW) });
    expect((await getItem(table.client, table.tableName, 'pc-restore'))?.deletedAt).toBeUndefined();
  });

  it('exempt and unexempt write, each dropping the oldest HISTORY_MAX_DROP', async () => {
    await putItem(table.client, table.tableName, record('pc-exempt', old(1_000)));
    const exempt = (on: boolean) =>
      setExempt(table.client, table.tableName, {
        id: 'pc-exempt',
        exempt: on,
        reason: 'vendor',
        by: 'dan',
        now: NOW,
      });
    expect(await exempt(true)).toMatchObject({ changed: true });
    expect(await history('pc-exempt')).toHaveLength(1_000 - HISTORY_MAX_DROP + 1);
    expect(await exempt(false)).toMatchObject({ changed: true });
    const stored = await history('pc-exempt');
    expect(stored).toHaveLength(1_000 - 2 * (HISTORY_MAX_DROP - 1));
    expect(stored.slice(-2)).toEqual([
      expect.objectContaining({ action: 'exempt', by: 'dan' }),
      expect.objectContaining({ action: 'unexempt', by: 'dan' }),
    ]);
  });
});

describe('import, then sweep, a record with a long history (the CLI)', () => {
  const table = useTestTable('long-history-cli');
  const dir = useTempDir('long-history-cli');

  it('import writes it with a warning (exit 0); the sweep then writes it (exit 0)', async () => {
    const file = join(dir(), 'long.jsonl');
    const lines = [record('pc-cli-long', old(440)), record('pc-cli-short', old(3))];
    await writeFile(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));

    const imported = await runCli(['import', file, ...tableFlags(table)]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('imported 2 record(s)');
    expect(imported.stderr).toContain(
      `pc-hygiene import: warning: 1 record(s) hold a ${HISTORY_ATTR} of more than ${HISTORY_LIMIT} entries: ` +
        `later writes drop the oldest, at most ${HISTORY_MAX_DROP} a write, until the newest ${HISTORY_LIMIT} remain`,
    );
    const dryRun = await runCli(['import', file, ...tableFlags(table), '--dry-run', '--format', 'json']);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ written: 2, rejected: 0, longHistories: 1 });
    expect(dryRun.stderr).toBe('');

    const swept = await runCli([
      'sweep',
      ...tableFlags(table),
      '--now',
      formatInstant(NOW),
      '--format',
      'json',
    ]);
    expect(swept.code).toBe(0);
    expect(JSON.parse(swept.stdout)).toMatchObject({
      status: 'complete',
      invalid: { count: 0 },
      failed: { count: 0 },
      applied: { 'notify-expiry': 2 },
    });
    const stored = (await getItem(table.client, table.tableName, 'pc-cli-long'))?.[HISTORY_ATTR] as unknown[];
    expect(stored).toHaveLength(440 - HISTORY_MAX_DROP + 1);
  });
});
