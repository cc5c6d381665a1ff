/**
 * `exempt` of a live credential whose history is at its bound, while a sweep soft-deletes it between the
 * exemption's read and its write (cli/aws/exempt.ts). The sweep's write appends its deletion entry and drops the
 * oldest, so the history's length is the same as read: that length alone cannot see the deletion, and the
 * exemption, written, would be reported as made on a live credential — "now exempt", no word that it is deleted,
 * to an operator who exempted it to keep it. The write is conditional on the deletion read too, so it is a
 * conflict to check and run again, and the item is left as the sweep left it. Against DynamoDB Local, the sweep
 * run by another client just before the exemption's `UpdateItem` is sent.
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
import { getItem } from '../support/items';
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

describe('exempt racing a sweep that deletes the credential (DynamoDB Local)', () => {
  const table = useTestTable('exempt-deletion-race', 'each', seed);
  const clients: ReturnType<typeof createDocumentClient>[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  /** A client of the table whose first `UpdateItem` waits for `before` to run first. */
  const clientRunningFirst = (before: () => Promise<void>) => {
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
