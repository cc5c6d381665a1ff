/**
 * The sweep's consuming write (`DynamoDbGuardApprovals.consume`) decides as
 * `approvalOutcome` does, at each edge of the rule: its condition is that
 * rule in DynamoDB's words, and `pc-hygiene plan` predicts with the pure one.
 * Against DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { recordApproval } from '../../cli/aws/guard-approval';
import { DynamoDbGuardApprovals } from '../../lambdas/aws/guard-approval-store';
import { approvalOutcome, type GuardApproval } from '../../lambdas/hygiene/guard';
import { formatInstant } from '../../lambdas/hygiene/time';
import { useTestTable } from '../support/test-table';

const AT = Date.parse('2026-12-01T10:00:00.000Z');

/** maxDeletes, planned deletions, and when the approval expires relative to the consuming write's instant. */
const EDGES: readonly { maxDeletes: number; planned: number; expiresIn: number }[] = [
  { maxDeletes: 3, planned: 3, expiresIn: 1 },
  { maxDeletes: 3, planned: 4, expiresIn: 1 },
  { maxDeletes: 3, planned: 3, expiresIn: 0 },
  { maxDeletes: 3, planned: 4, expiresIn: -1 },
  { maxDeletes: 3, planned: 1, expiresIn: 3_600_000 },
];

describe('the consuming write and approvalOutcome agree (DynamoDB Local)', () => {
  const table = useTestTable('guard-approval-outcome', 'each');

  it.each(EDGES)(
    'maxDeletes $maxDeletes, $planned planned, expiring $expiresIn ms after the write',
    async (edge) => {
      const approval: GuardApproval = {
        id: `approval-${edge.maxDeletes}-${edge.planned}-${edge.expiresIn}`,
        by: 'ops-alice',
        reason: 'edges',
        maxDeletes: edge.maxDeletes,
        approvedAt: formatInstant(AT - 3_600_000),
        expiresAt: formatInstant(AT + edge.expiresIn),
      };
      await recordApproval(table.client, table.tableName, approval);

      const store = new DynamoDbGuardApprovals(table.client, table.tableName);
      const outcome = await store.consume({ plannedDeletes: edge.planned, runId: 'run-edges', at: AT });

      expect(outcome).toEqual(approvalOutcome(approval, edge.planned, AT));
    },
  );

  it('finds none pending as the rule does', async () => {
    const store = new DynamoDbGuardApprovals(table.client, table.tableName);
    const outcome = await store.consume({ plannedDeletes: 2, runId: 'run-none', at: AT });
    expect(outcome).toEqual(approvalOutcome(undefined, 2, AT));
  });
});
