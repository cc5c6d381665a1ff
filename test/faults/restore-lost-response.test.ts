/**
 * `restore` whose write applied and whose response was lost, so the SDK sent
 * it again and the retry failed its condition on the restore's own change
 * (cli/aws/restore.ts): the credential is restored, and the restore says so
 * (no conflict, exit 0). The credential is read again, and only this
 * restore's own history entry counts: a retry that met
 * another operator's restore (its first attempt throttled, nothing applied)
 * is still a conflict. The transaction that also withdraws the unsent
 * deletion notice carries the idempotency token the SDK sets
 * (`ClientRequestToken`), so DynamoDB answers its retry as it answered the
 * attempt that applied: checked too, as it must stay a success. Against
 * DynamoDB Local.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RestoreConflictError, restoreCredential } from '../../cli/aws/restore';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HISTORY_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { hygieneDeletion } from '../support/hygiene-deletion';
import { runInProcess } from '../support/in-process-cli';
import { getItem, putItem } from '../support/items';
import { tableFlags } from '../support/run-cli';
import { createTestTable, type TestTable } from '../support/test-table';
import { armLostResponse, loseFirstResponseAfter } from './support/lost-response-between';

vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  const { hookArmedClient } = await import('./support/lost-response-between');
  return hookDocumentClients(await importOriginal(), hookArmedClient);
});

const NOW = Date.parse('2026-11-26T00:00:00.000Z');
const DELETED_AT = '2026-11-20T06:00:00.000Z';

/** A live credential. */
const live = (id: string) => ({
  id,
  userId: 'u1',
  clientId: 'k',
  displayName: 'd',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  expiresTime: '2027-06-01T00:00:00.000Z',
});

/** A credential pc-hygiene soft-deleted as stale in run-1 (no notice left in its outbox). */
const deleted = (id: string) => ({ ...live(id), ...hygieneDeletion(DELETED_AT, 'stale', 'run-1') });

/** The restore write: an `UpdateItem`, or a `TransactWriteItems` (a withdrawal). */
const isRestoreWrite = (input: Readonly<Record<string, unknown>>) =>
  'UpdateExpression' in input || 'TransactItems' in input;

describe('restore, its write retried after a lost response', () => {
  let table: TestTable;
  /** A second client, another operator's: no fault injected. */
  let other: TestTable;
  const restore = (client = table.client, by = 'ops-alice', reason = 'still needed') =>
    restoreCredential(client, table.tableName, { id: 'c1', reason, by, now: NOW });
  const restoreEntries = async () => {
    const history = (await getItem(table.client, table.tableName, 'c1'))?.[HISTORY_ATTR] ?? [];
    return (history as { action: string; by: string }[])
      .filter((e) => e.action === 'restore')
      .map((e) => e.by);
  };

  beforeAll(async () => {
    other = await createTestTable(undefined, 'restore-lost');
  });
  afterAll(async () => other.drop());
  beforeEach(async () => {
    table = await createTestTable(undefined, 'restore-lost');
    return () => table.drop();
  });

  it('one UpdateItem: restored, once', async () => {
    await putItem(table.client, table.tableName, deleted('c1'));
    const counts = loseFirstResponseAfter(table.client, { matches: isRestoreWrite });

    const result = await restore();

    expect(counts.lost).toBe(1);
    expect(result).toMatchObject({ id: 'c1', deletedAt: DELETED_AT, restoredBy: 'ops-alice' });
    expect(await getItem(table.client, table.tableName, 'c1')).not.toHaveProperty('deletedAt');
    expect(await restoreEntries()).toEqual(['ops-alice']);
  });

  it('the transaction that withdraws the unsent deletion notice: restored, the notice withdrawn', async () => {
    const config = parseConfig({ mode: 'enforce', maxDeletePercent: 100 });
    // Expired yesterday: the sweep deletes it and queues its deletion notice.
    await putItem(table.client, table.tableName, {
      ...live('c1'),
      lastUsedAt: '2026-11-24T00:00:00.000Z',
      expiresTime: '2026-11-25T00:00:00.000Z',
    });
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config, now: NOW - 60_000, runId: 'run-1', mode: 'enforce' },
    );
    expect((await getItem(table.client, table.tableName, 'c1'))?.[OUTBOX_ATTR.events]).toHaveLength(1);
    const counts = loseFirstResponseAfter(table.client, { matches: isRestoreWrite });

    const result = await restoreCredential(table.client, table.tableName, {
      id: 'c1',
      reason: 'still needed',
      by: 'ops-alice',
      now: NOW,
      force: true,
    });

    expect(counts.lost).toBe(1);
    expect(result.deletionNoticeWithdrawn).toBe(true);
    const item = await getItem(table.client, table.tableName, 'c1');
    expect(item).not.toHaveProperty('deletedAt');
    expect(item).not.toHaveProperty(OUTBOX_ATTR.events);
    expect(await restoreEntries()).toEqual(['ops-alice']);
  });

  it("a retry that met another operator's restore (nothing of its own applied) is still a conflict", async () => {
    await putItem(table.client, table.tableName, deleted('c1'));
    const counts = loseFirstResponseAfter(table.client, {
      matches: isRestoreWrite,
      throttled: true,
      between: async () => void (await restore(other.client, 'ops-bob', 'bob needs it')),
    });

    await expect(restore()).rejects.toBeInstanceOf(RestoreConflictError);
    expect(counts.lost).toBe(1);
    expect(await restoreEntries()).toEqual(['ops-bob']);
  });

  it('the command says restored, exit 0 (text)', async () => {
    await putItem(table.client, table.tableName, deleted('c1'));
    const lost = armLostResponse({ matches: isRestoreWrite });

    const run = await runInProcess(registerRestoreCommand, [
      'restore',
      'c1',
      '--reason',
      'still needed',
      '--by',
      'ops-alice',
      '--now',
      new Date(NOW).toISOString(),
      ...tableFlags(table),
    ]);

    expect(lost()?.lost).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    // No notice left in its outbox to withdraw: the line names the owner to tell of the restore.
    expect(run.stdout).toMatch(
      /^restored c1 \(deleted 2026-11-20T06:00:00.000Z as stale by run run-1; its owner u1 /,
    );
    expect(await restoreEntries()).toEqual(['ops-alice']);
  });
});
