/**
 * A tripped sweep's consuming write of the guard approval whose response was
 * lost, with another operator's `guard approve` in between, against DynamoDB
 * Local (lambdas/aws/guard-approval-store.ts; docs/data-model.md, "Guard
 * approval"): the write is conditional on the item not already naming this
 * run as the one that used an approval, so the SDK's retry fails on the run's
 * own earlier consumption instead of consuming the newer approval too. The run
 * used the approval it spent; the newer one stays pending for the next
 * over-limit sweep. Its control: the first attempt refused outright (throttled,
 * nothing applied) while the newer approval replaced the first, so the retry
 * consumes the newer one.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { approvalStatus, recordApproval } from '../../cli/aws/guard-approval';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoDbGuardApprovals } from '../../lambdas/aws/guard-approval-store';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { GUARD_APPROVAL_ID } from '../../lambdas/hygiene/data-contract';
import type { GuardApproval } from '../../lambdas/hygiene/guard';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { formatInstant } from '../../lambdas/hygiene/time';
import { putItems } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { type LostResponsePlan, loseFirstResponseAfter } from './support/lost-response-between';

const WALL = Date.parse('2026-12-01T10:00:00.000Z');
/** 3 planned deletions of 10 active credentials trip this guard. */
const GUARDED = parseConfig({ maxDeletePercent: 10 });

/** An approval of 3 deletions, valid for an hour around {@link WALL}. */
function approval(id: string, by: string): GuardApproval {
  return {
    id,
    by,
    reason: 'expiry backlog',
    maxDeletes: 3,
    approvedAt: formatInstant(WALL - 60_000),
    expiresAt: formatInstant(WALL + 3_600_000),
  };
}
const ALICE = approval('approval-alice', 'alice');
const BOB = approval('approval-bob', 'bob');

/** The consuming write: an `UpdateItem` of the approval item (its key as sent, marshalled or not). */
const isConsume = (input: Readonly<Record<string, unknown>>) =>
  'UpdateExpression' in input &&
  JSON.stringify(input.Key ?? null).includes(JSON.stringify(GUARD_APPROVAL_ID));

describe('a guard approval consume whose response was lost, another approval recorded before the retry', () => {
  let table: TestTable;
  /** The sweep's approvals client, with the fault; the table's own client (bob's approve, the reads) stays clean. */
  let lossy: DynamoDBDocumentClient;
  beforeEach(async () => {
    table = await createTestTable(undefined, 'guard-consume-lost');
    lossy = createDocumentClient({ endpoint: table.endpoint });
    return async () => {
      lossy.destroy();
      await table.drop();
    };
  });

  /** 7 active and `expired.length` expired credentials: 3 expired trip {@link GUARDED}. */
  const credentials = (expired: readonly string[]) =>
    putItems(table.client, table.tableName, [
      ...Array.from({ length: 7 }, (_, i) => credential(`a-${i}`)),
      ...expired.map((id) => credential(id, { expiresTime: days(-1) })),
    ]);

  /** An enforce sweep at `NOW` whose approvals go through `client`. */
  const sweep = (runId: string, client: DynamoDBDocumentClient) =>
    runSweep(
      {
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
        approvals: new DynamoDbGuardApprovals(client, table.tableName),
        clock: () => WALL,
      },
      { config: GUARDED, now: NOW, runId, mode: 'enforce' },
    );

  /** Alice's approval recorded, then run-x, its consume's first attempt treated as `plan` says (bob approves between). */
  async function runX(plan: Omit<LostResponsePlan, 'matches' | 'between'>) {
    await credentials(['b-1', 'b-2', 'b-3']);
    await recordApproval(table.client, table.tableName, ALICE);
    const counts = loseFirstResponseAfter(lossy, {
      ...plan,
      matches: isConsume,
      between: async () => void (await recordApproval(table.client, table.tableName, BOB)),
    });
    const summary = await sweep('run-x', lossy);
    expect(counts.lost).toBe(1);
    return summary;
  }

  it('uses the approval it spent, and leaves the newer one pending for the next over-limit sweep', async () => {
    const summary = await runX({});

    expect(summary.guard).toMatchObject({
      tripped: true,
      overridden: true,
      approval: { ...ALICE, status: 'used' },
    });
    expect(summary.deletions.applied).toBe(3);
    const state = await approvalStatus(table.client, table.tableName);
    expect(state.pending).toEqual(BOB);
    expect(state.lastUsed).toMatchObject({ approval: ALICE, runId: 'run-x', plannedDeletes: 3 });

    // The next over-limit sweep is allowed by bob's approval.
    await credentials(['c-1', 'c-2', 'c-3']);
    const next = await sweep('run-y', table.client);

    expect(next.guard).toMatchObject({
      tripped: true,
      overridden: true,
      approval: { ...BOB, status: 'used' },
    });
    expect(next.deletions.applied).toBe(3);
    expect((await approvalStatus(table.client, table.tableName)).lastUsed).toMatchObject({
      approval: BOB,
      runId: 'run-y',
    });
  });

  it("control: its first attempt refused (nothing applied) while bob's approval replaced alice's: it uses bob's", async () => {
    const summary = await runX({ throttled: true });

    expect(summary.guard).toMatchObject({
      tripped: true,
      overridden: true,
      approval: { ...BOB, status: 'used' },
    });
    expect(summary.deletions.applied).toBe(3);
    const state = await approvalStatus(table.client, table.tableName);
    expect(state.pending).toBeUndefined();
    expect(state.lastUsed).toMatchObject({ approval: BOB, runId: 'run-x' });
  });
});
