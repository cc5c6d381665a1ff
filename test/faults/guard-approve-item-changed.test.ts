/**
 * `guard approve` while other writers change the approval item
 * (cli/aws/guard-approval.ts): its write is conditional on the item as it read
 * it, so a write the SDK sends again after a lost response never makes an
 * approval pending again once a run used it — even after another approval was
 * recorded and used in between — nor puts it back over another operator's
 * approval; it says truthfully that it may have been recorded and then used
 * or replaced. A change between its read and its first attempt (nothing
 * applied) makes it read and write once more. Against DynamoDB Local, with the
 * sweep's own consuming adapter.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { approvalStatus, recordApproval } from '../../cli/aws/guard-approval';
import { DynamoDbGuardApprovals, GUARD_APPROVAL_KEY } from '../../lambdas/aws/guard-approval-store';
import { GUARD_APPROVAL_ATTR } from '../../lambdas/hygiene/data-contract';
import { createTestTable, type TestTable } from '../support/test-table';
import { approvalOf, isUpdate, runGuardApprove } from './support/guard-approval-fixtures';
import { armLostResponse, loseFirstResponseAfter } from './support/lost-response-between';

vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  const { hookArmedClient } = await import('./support/lost-response-between');
  return hookDocumentClients(await importOriginal(), hookArmedClient);
});

const approval = approvalOf;

/** The middleware stack call used here (its generic types are the client's). */
interface RelativeMiddlewareStack {
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
}

/** Runs `changes[i]` before the i-th `UpdateItem` attempt reaches the table (between approve's read and write). */
function changeBeforeUpdates(client: DynamoDBDocumentClient, changes: Array<() => Promise<void>>): void {
  (client.middlewareStack as unknown as RelativeMiddlewareStack).addRelativeTo(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const input = (args as { readonly input: Readonly<Record<string, unknown>> }).input;
      if (isUpdate(input)) await changes.shift()?.();
      return next(args);
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'changeBeforeUpdates', override: true },
  );
}

describe('guard approve, the approval item changed by other writers', () => {
  let table: TestTable;
  /** Another operator's and the sweep's client: no fault injected. */
  let other: TestTable;
  let approvals: DynamoDbGuardApprovals;
  const consume = async (runId: string) =>
    (await approvals.consume({ plannedDeletes: 3, runId, at: Date.parse('2026-12-06T01:00:00.000Z') }))
      .status;
  const recordBob = (id = 'b1') => recordApproval(other.client, table.tableName, approval(id, 'ops-bob'));

  beforeAll(async () => {
    other = await createTestTable(undefined, 'guard-approve-changed');
  });
  afterAll(async () => other.drop());
  beforeEach(async () => {
    table = await createTestTable(undefined, 'guard-approve-changed');
    approvals = new DynamoDbGuardApprovals(other.client, table.tableName);
    return () => table.drop();
  });

  it('lost response; a run used it, another was recorded and used: the retry never makes it pending again', async () => {
    const between: string[] = [];
    const counts = loseFirstResponseAfter(table.client, {
      matches: isUpdate,
      between: async () => {
        between.push(await consume('run-1'));
        await recordBob();
        between.push(await consume('run-2'));
      },
    });

    const recorded = await recordApproval(table.client, table.tableName, approval('a1'));

    expect(counts.lost).toBe(1);
    expect(between).toEqual(['used', 'used']);
    expect(recorded).toEqual({ usedOrReplacedUnknown: true });
    expect(await consume('run-3')).toBe('none');
    const state = await approvalStatus(table.client, table.tableName);
    expect(state.pending).toBeUndefined();
    expect(state.lastUsed).toMatchObject({ approval: approval('b1', 'ops-bob'), runId: 'run-2' });
  });

  it("lost response; another operator's approval replaced it: the retry leaves that one pending", async () => {
    const replacedByBob: unknown[] = [];
    loseFirstResponseAfter(table.client, {
      matches: isUpdate,
      between: async () => void replacedByBob.push(await recordBob()),
    });

    const recorded = await recordApproval(table.client, table.tableName, approval('a1'));

    expect(replacedByBob).toEqual([{ replaced: approval('a1') }]);
    expect(recorded).toEqual({ usedOrReplacedUnknown: true });
    expect(await approvalStatus(table.client, table.tableName)).toEqual({
      pending: approval('b1', 'ops-bob'),
    });
  });

  it('throttled first attempt, another approval recorded before the retry: reported the same way, not written', async () => {
    loseFirstResponseAfter(table.client, {
      matches: isUpdate,
      throttled: true,
      between: async () => void (await recordBob()),
    });

    const recorded = await recordApproval(table.client, table.tableName, approval('a1'));

    // Whether the first attempt applied is not known to the command: the same answer as above.
    expect(recorded).toEqual({ usedOrReplacedUnknown: true });
    expect(await approvalStatus(table.client, table.tableName)).toEqual({
      pending: approval('b1', 'ops-bob'),
    });
  });

  it('changed between the read and the first attempt: read and written once more, says what it replaced', async () => {
    changeBeforeUpdates(table.client, [async () => void (await recordBob())]);

    const recorded = await recordApproval(table.client, table.tableName, approval('a1'));

    expect(recorded).toEqual({ replaced: approval('b1', 'ops-bob') });
    expect(await approvalStatus(table.client, table.tableName)).toEqual({ pending: approval('a1') });
  });

  it('changed before both attempts: not recorded, an error that says so', async () => {
    changeBeforeUpdates(table.client, [
      async () => void (await recordBob('b1')),
      async () => void (await recordBob('b2')),
    ]);

    await expect(recordApproval(table.client, table.tableName, approval('a1'))).rejects.toThrow(
      /guard approval a1 was not recorded: the approval item changed .* run the command again/,
    );
    expect(await approvalStatus(table.client, table.tableName)).toEqual({
      pending: approval('b2', 'ops-bob'),
    });
  });

  it('a hand-edited item (an id that is not text) is still read and replaced', async () => {
    const malformed = { ...approval('x'), id: 7 };
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...GUARD_APPROVAL_KEY,
          [GUARD_APPROVAL_ATTR.pending]: malformed,
          [GUARD_APPROVAL_ATTR.lastUsed]: malformed,
        },
      }),
    );

    expect(await recordApproval(table.client, table.tableName, approval('a1'))).toEqual({});
    expect((await approvalStatus(table.client, table.tableName)).pending).toEqual(approval('a1'));
  });

  it('the command says it may have been used or replaced and is not pending (text and JSON), exit 0', async () => {
    const approve = (...format: string[]) => runGuardApprove(table, 'r', ...format);
    const replacedBy = (id: string) => ({
      matches: isUpdate,
      between: async () => void (await recordBob(id)),
    });

    const lost = armLostResponse(replacedBy('b1'));
    const text = await approve();
    expect(lost()?.lost).toBe(1);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('guard approval may have been recorded: up to 5 deletions, by ops-alice');
    expect(text.stdout).toContain('it is not pending');
    expect(text.stdout).not.toContain('guard approval recorded');

    const lostJson = armLostResponse(replacedBy('b2'));
    const json = await approve('--format', 'json');
    expect(lostJson()?.lost).toBe(1);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ usedOrReplacedUnknown: true });
    expect(await approvalStatus(table.client, table.tableName)).toEqual({
      pending: approval('b2', 'ops-bob'),
    });
  });
});
