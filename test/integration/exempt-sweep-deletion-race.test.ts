/**
 * `exempt` of a live credential whose history is at its bound, while a sweep soft-deletes it between the
 * exemption's read and its write (cli/aws/exempt.ts). The sweep's write appends its deletion entry and drops the
 * oldest, so the history's length is the same as read: that length alone cannot see the deletion, and the
 * exemption, written, would be reported as made on a live credential — "now exempt", no word that it is deleted,
 * to an operator who exempted it to keep it. The write is conditional on the deletion read too, so it is a
 * conflict to check and run again, and the item is left as the sweep left it. Against DynamoDB Local, the sweep
 * run by another client just before the exemption's `UpdateItem` is sent.
 *
 * The same condition on a `deletedAt` stored as NULL (`attribute_type(…, NULL)`, as the sweep's transition writes
 * condition it): such a credential is not deleted, so it is exempted and unexempted as any live one; a `deletedAt`
 * written between the read and the write is a conflict just the same.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ExemptConflictError, setExempt } from '../../cli/aws/exempt';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HISTORY_ATTR, HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { HISTORY_LIMIT } from '../../lambdas/hygiene/history';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { getItem, setItemAttribute } from '../support/items';
import type { TestTable } from '../support/test-table';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';

/** `count` earlier sweep entries: a history of that length. */
const pastEntries = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    at: days(-count + i),
    action: 'notify-expiry',
    runId: `run-${i}`,
  }));

/** Expired, not exempt, its history full: the next enforce sweep soft-deletes it. */
const seed = () => [credential('c1', { expiresTime: days(-1), [HISTORY_ATTR]: pastEntries(HISTORY_LIMIT) })];

/**
 * For the enclosing `describe`: makes clients of `table` whose first `UpdateItem` waits for `before` to run first
 * (another writer's change between the read and the write), destroyed after each test.
 */
function useClientRunningFirst(table: TestTable) {
  const clients: ReturnType<typeof createDocumentClient>[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  return (before: () => Promise<void>) => {
    const client = createDocumentClient({ endpoint: table.endpoint });
    clients.push(client);
    let ran = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand' && !ran) {
          ran = true;
          await before();
        }
        return next(args);
      },
      { step: 'initialize', name: 'run-before-first-update' },
    );
    return client;
  };
}

describe('exempt racing a sweep that deletes the credential (DynamoDB Local)', () => {
  const table = useTestTable('exempt-deletion-race', 'each', seed);
  const clientRunningFirst = useClientRunningFirst(table);

  const sweep = async () => {
    const config = parseConfig({ mode: 'enforce', maxDeletePercent: 100 });
    const scanner = new DynamoDbCredentialScanner(table.client, table.tableName);
    const writer = new DynamoDbTransitionWriter(table.client, table.tableName);
    const summary = await runSweep(
      { clock: () => NOW, scanner, writer },
      { config, now: NOW, runId: 'run-del', mode: 'enforce' },
    );
    expect(summary.deletions.applied).toBe(1);
  };

  it('is a conflict, and leaves the deletion as the sweep wrote it', async () => {
    const client = clientRunningFirst(sweep);

    const exempting = setExempt(client, table.tableName, {
      id: 'c1',
      exempt: true,
      reason: 'keep it',
      by: 'ops',
      now: NOW,
    });

    await expect(exempting).rejects.toBeInstanceOf(ExemptConflictError);
    const item = await getItem(table.client, table.tableName, 'c1');
    expect(item?.deletedAt).toBe(days(0));
    expect(item?.[HYGIENE_ATTR.exempt]).toBeUndefined();
    const history = item?.[HISTORY_ATTR] as { action: string }[];
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history.at(-1)).toMatchObject({ action: 'delete-expired', runId: 'run-del' });
  });
});

describe('exempt of a credential whose deletedAt is stored as NULL (DynamoDB Local)', () => {
  const table = useTestTable('exempt-null-deleted-at', 'each', () => [credential('c1', { deletedAt: null })]);
  const clientRunningFirst = useClientRunningFirst(table);
  const request = (exempt: boolean) => ({ id: 'c1', exempt, reason: 'keep it', by: 'ops', now: NOW });

  it('is exempted and unexempted as a live credential, deletedAt left NULL', async () => {
    const exempted = await setExempt(table.client, table.tableName, request(true));
    expect(exempted).toMatchObject({ changed: true, exempt: true });
    expect(exempted.deletedAt).toBeUndefined();
    const afterExempt = await getItem(table.client, table.tableName, 'c1');
    expect(afterExempt?.[HYGIENE_ATTR.exempt]).toBe(true);
    expect(afterExempt?.deletedAt).toBeNull();

    const unexempted = await setExempt(table.client, table.tableName, request(false));
    expect(unexempted).toMatchObject({ changed: true, exempt: false });
    const item = await getItem(table.client, table.tableName, 'c1');
    expect(item?.[HYGIENE_ATTR.exempt]).toBeUndefined();
    expect(item?.deletedAt).toBeNull();
    const history = item?.[HISTORY_ATTR] as { action: string }[];
    expect(history.map((entry) => entry.action)).toEqual(['exempt', 'unexempt']);
  });

  it('is a conflict when deletedAt is written between the read and the write, and writes nothing', async () => {
    const deletedAt = days(0);
    const client = clientRunningFirst(() =>
      setItemAttribute(table.client, table.tableName, 'c1', 'deletedAt', deletedAt),
    );

    await expect(setExempt(client, table.tableName, request(true))).rejects.toBeInstanceOf(
      ExemptConflictError,
    );
    const item = await getItem(table.client, table.tableName, 'c1');
    expect(item?.deletedAt).toBe(deletedAt);
    expect(item?.[HYGIENE_ATTR.exempt]).toBeUndefined();
    expect(item?.[HISTORY_ATTR]).toBeUndefined();
  });
});
