/**
 * A restore write DynamoDB cancels because another write to one of its items
 * was in flight (AWS's `TransactionConflict`: a withdrawing restore's
 * `TransactWriteItems` checks the one drain lease item, and `restore --run`
 * makes 8 at once; or `TransactionConflictException` for an `UpdateItem`
 * meeting another's transaction) wrote nothing: `restore ID` refuses it as a
 * `conflict` to run again, not as a raw SDK error; `restore --run` tries such a
 * credential again a few times before it lists it refused (docs/deploy.md,
 * "Restore runbook"). DynamoDB Local cannot make the race, so the
 * cancellation is injected at the client; the writes that pass are real.
 */
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { RestoreConflictError, restoreCredential } from '../../cli/aws/restore';
import { IN_FLIGHT_ATTEMPTS, restoreRun } from '../../cli/use-cases/restore-run';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { hygieneDeletion } from '../support/hygiene-deletion';
import { getItem, putItems } from '../support/items';
import type { TestTable } from '../support/test-table';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { sweepWithManifest } from './support/sweep-deps';

const terms = { reason: 'r', by: 'ops', now: NOW + 86_400_000, force: true } as const;

/** What DynamoDB answers a transaction cancelled for another write in flight on its lease check. */
const transactionConflict = () =>
  new TransactionCanceledException({
    message:
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
    $metadata: { httpStatusCode: 400, attempts: 1 },
    CancellationReasons: [
      { Code: 'None' },
      { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
    ],
  });

/**
 * Fails the first `times` calls of `command` on `table`'s client with `error()` (before they are sent), and
 * counts every call of it.
 */
function failFirst(table: TestTable, command: string, times: number, error: () => Error): { calls: number } {
  const seen = { calls: 0 };
  table.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== command) return next(args);
      seen.calls++;
      if (seen.calls <= times) throw error();
      return next(args);
    },
    { step: 'initialize', name: 'inject-in-flight' },
  );
  return seen;
}

describe('a restore cancelled for another write in flight (DynamoDB Local)', () => {
  const table = useTestTable('restore-txn-conflict', 'each');
  const deletedWithNotice = async (ids: string[]) => {
    await sweepWithManifest(
      table,
      'run-1',
      ids.map((id) => credential(id, { expiresTime: days(-1) })),
    );
    for (const id of ids)
      expect((await getItem(table.client, table.tableName, id))?.[OUTBOX_ATTR.events]).toHaveLength(1);
  };

  it('restore ID: refused as a conflict that wrote nothing, to run again', async () => {
    await deletedWithNotice(['c1']);
    failFirst(table, 'TransactWriteItemsCommand', 1, transactionConflict);

    const error = await restoreCredential(table.client, table.tableName, { id: 'c1', ...terms }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(RestoreConflictError);
    expect(error).toMatchObject({ check: 'conflict', inFlight: true });
    expect((error as Error).message).toBe(
      'credential c1 was not restored: another write to it or to the outbox drain lease was in flight at the same ' +
        'moment (DynamoDB cancelled the restore: TransactionConflict); nothing was written: run restore again',
    );
    expect(await getItem(table.client, table.tableName, 'c1')).toHaveProperty('deletedAt');
    // Run again, it restores.
    await restoreCredential(table.client, table.tableName, { id: 'c1', ...terms });
    expect(await getItem(table.client, table.tableName, 'c1')).not.toHaveProperty('deletedAt');
  });

  it("restore ID without a notice to withdraw: an UpdateItem meeting another's transaction is the same conflict", async () => {
    await putItems(table.client, table.tableName, [
      credential('c2', hygieneDeletion(days(-1), 'stale', 'r')),
    ]);
    failFirst(
      table,
      'UpdateItemCommand',
      1,
      () =>
        new TransactionConflictException({
          message: 'Operation was rejected because there is an ongoing transaction for the item.',
          $metadata: { httpStatusCode: 400, attempts: 1 },
        }),
    );

    const error = await restoreCredential(table.client, table.tableName, { id: 'c2', ...terms }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(RestoreConflictError);
    expect(error).toMatchObject({ check: 'conflict', inFlight: true });
  });

  it('restore --run tries such a credential again, and restores it', async () => {
    await deletedWithNotice(['c1', 'c2']);
    const seen = failFirst(table, 'TransactWriteItemsCommand', 2, transactionConflict);

    const run = await restoreRun(table.client, table.tableName, { runId: 'run-1', ...terms });

    expect(run.refused).toEqual([]);
    expect(run.restored.map((r) => r.id)).toEqual(['c1', 'c2']);
    expect(seen.calls).toBe(4);
  });

  it(`restore --run lists it refused as a conflict after ${IN_FLIGHT_ATTEMPTS} attempts`, async () => {
    await deletedWithNotice(['c1']);
    const seen = failFirst(table, 'TransactWriteItemsCommand', Number.POSITIVE_INFINITY, transactionConflict);

    const run = await restoreRun(table.client, table.tableName, { runId: 'run-1', ...terms });

    expect(seen.calls).toBe(IN_FLIGHT_ATTEMPTS);
    expect(run.restored).toEqual([]);
    expect(run.refused).toEqual([
      {
        id: 'c1',
        rule: 'expired',
        check: 'conflict',
        error:
          'credential c1 was not restored: another write to it or to the outbox drain lease was in flight at the ' +
          'same moment (DynamoDB cancelled the restore: TransactionConflict); nothing was written: run restore again ' +
          `(${IN_FLIGHT_ATTEMPTS} attempts)`,
      },
    ]);
  });
});
