/**
 * The bounded per-credential history (docs/data-model.md, "History") against
 * DynamoDB Local: appended in the transition's own conditional write, trimmed
 * to the newest HISTORY_LIMIT entries without a read, and kept by restore.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { restoreCredential } from '../../cli/aws/restore';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { HISTORY_ATTR, HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { HISTORY_LIMIT } from '../../lambdas/hygiene/history';
import type { Action } from '../../lambdas/hygiene/policy';
import { formatInstant } from '../../lambdas/hygiene/time';
import { getItem, putItem, readCredential } from '../support/items';
import { runCli } from '../support/run-cli';
import { useTestTable } from '../support/test-table';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const NOW_ISO = formatInstant(NOW);

const record = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  userId: 'user-h',
  createdAt: '2026-01-01T00:00:00Z',
  expiresTime: '2026-11-01T00:00:00Z',
  ...extra,
});

const old = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    at: `2026-01-0${(i % 9) + 1}T00:00:00.000Z`,
    action: 'notify-expiry',
    detail: `old ${i}`,
  }));

const deleteExpired: Action[] = [{ type: 'delete-expired', expiresTime: '2026-11-01T00:00:00.000Z' }];

describe('credential history', () => {
  const table = useTestTable('history');
  let writer: DynamoDbTransitionWriter;
  let n = 0;
  const seed = async (extra: Record<string, unknown> = {}) => {
    const id = `pc-h${++n}`;
    await putItem(table.client, table.tableName, record(id, extra));
    return { id, credential: await readCredential(table.client, table.tableName, id) };
  };
  const apply = (
    credential: Awaited<ReturnType<typeof seed>>['credential'],
    actions = deleteExpired,
    runId = 'run-h',
  ) => writer.apply({ credential, actions, events: [], runId, now: NOW });

  beforeAll(() => {
    writer = new DynamoDbTransitionWriter(table.client, table.tableName);
  });

  it('a full history keeps the newest entries: the oldest are dropped in the same write', async () => {
    const { id, credential } = await seed({ [HISTORY_ATTR]: old(HISTORY_LIMIT) });
    expect(await apply(credential)).toEqual({ status: 'applied' });
    const history = (await getItem(table.client, table.tableName, id))?.[HISTORY_ATTR] as Record<
      string,
      unknown
    >[];
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history.slice(0, -1)).toEqual(old(HISTORY_LIMIT).slice(1));
    expect(history.at(-1)).toEqual({
      at: NOW_ISO,
      action: 'delete-expired',
      reason: 'expired',
      detail: 'expiresTime 2026-11-01T00:00:00.000Z',
      runId: 'run-h',
    });
  });

  it('a history short of the bound only grows', async () => {
    const { id, credential } = await seed({ [HISTORY_ATTR]: old(3) });
    await apply(credential);
    const history = (await getItem(table.client, table.tableName, id))?.[HISTORY_ATTR] as unknown[];
    expect(history).toHaveLength(4);
    expect(history.slice(0, 3)).toEqual(old(3));
  });

  it('a stored value that is not a list is replaced by the new entries', async () => {
    const { id, credential } = await seed({ [HISTORY_ATTR]: 'garbage' });
    expect(await apply(credential)).toEqual({ status: 'applied' });
    const history = (await getItem(table.client, table.tableName, id))?.[HISTORY_ATTR] as unknown[];
    expect(history).toHaveLength(1);
  });

  it('a history that grew after the read makes the write skip, naming hygieneHistory', async () => {
    const { id, credential } = await seed({ [HISTORY_ATTR]: old(2) });
    await putItem(table.client, table.tableName, record(id, { [HISTORY_ATTR]: old(3) }));
    expect(await apply(credential)).toEqual({ status: 'skipped-changed', changed: [HISTORY_ATTR] });
    expect((await getItem(table.client, table.tableName, id))?.deletedAt).toBeUndefined();
  });

  it('after restore, export still shows why and by which run the credential had been deleted', async () => {
    const { id, credential } = await seed();
    await apply(credential, deleteExpired, 'run-why');
    await restoreCredential(table.client, table.tableName, {
      id,
      reason: 'owner renewed it by hand',
      by: 'carol',
      now: NOW + 60_000,
      force: true,
    });
    const out = await runCli(['export', '--table', table.tableName, '--endpoint', table.endpoint]);
    expect(out.code).toBe(0);
    const exported = out.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((item) => item.id === id);
    expect(exported?.deletedAt).toBeUndefined();
    expect(exported?.[HYGIENE_ATTR.deletedReason]).toBeUndefined();
    expect(exported?.[HISTORY_ATTR]).toEqual([
      expect.objectContaining({ action: 'delete-expired', reason: 'expired', runId: 'run-why', at: NOW_ISO }),
      {
        at: formatInstant(NOW + 60_000),
        action: 'restore',
        by: 'carol',
        reason: 'owner renewed it by hand',
        deletedAt: NOW_ISO,
        deletedReason: 'expired',
        deletedByRun: 'run-why',
      },
    ]);
  });
});
