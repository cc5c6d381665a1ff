/**
 * Records and reads the operator's guard approval (`pc-hygiene guard approve
 * | status`; docs/sweep.md, "The blast-radius guard"): one reserved item of
 * the credentials table that the next sweep whose guard trips consumes
 * (`lambdas/aws/guard-approval-store.ts`). A new approval replaces a pending
 * one (the result says which); the last use is kept beside it. The approval
 * is stored as given, with its `callerArn` when the command had one.
 *
 * A CLI-only adapter.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GUARD_APPROVAL_KEY, parseApproval } from '../../lambdas/aws/guard-approval-store';
import { UpdateExpressionBuilder } from '../../lambdas/aws/update-expression';
import { GUARD_APPROVAL_ATTR } from '../../lambdas/hygiene/data-contract';
import type { GuardApproval } from '../../lambdas/hygiene/guard';

/** The last approval a sweep used, and the run that used it. */
export interface UsedApproval {
  readonly approval: GuardApproval;
  readonly runId?: string;
  readonly usedAt?: string;
  /** The planned deletions it allowed. */
  readonly plannedDeletes?: number;
}

/** What `guard status` shows. */
export interface ApprovalStatus {
  /** The pending approval, if any (it may have expired: compare `expiresAt`). */
  readonly pending?: GuardApproval;
  readonly lastUsed?: UsedApproval;
}

/**
 * Records `approval` as the pending one.
 * @returns the pending approval it replaced, if any
 */
export async function recordApproval(
  client: DynamoDBDocumentClient,
  tableName: string,
  approval: GuardApproval,
): Promise<GuardApproval | undefined> {
  const out = await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: GUARD_APPROVAL_KEY,
      ...new UpdateExpressionBuilder().set(GUARD_APPROVAL_ATTR.pending, approval).build(),
      ReturnValues: 'UPDATED_OLD',
    }),
  );
  return parseApproval(out.Attributes?.[GUARD_APPROVAL_ATTR.pending]);
}

/** The pending approval and the last used one. */
export async function approvalStatus(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<ApprovalStatus> {
  const { Item: item } = await client.send(
    new GetCommand({ TableName: tableName, Key: GUARD_APPROVAL_KEY, ConsistentRead: true }),
  );
  const pending = parseApproval(item?.[GUARD_APPROVAL_ATTR.pending]);
  const used = parseApproval(item?.[GUARD_APPROVAL_ATTR.lastUsed]);
  const text = (name: string) => (typeof item?.[name] === 'string' ? (item[name] as string) : undefined);
  const count = item?.[GUARD_APPROVAL_ATTR.usedFor];
  const runId = text(GUARD_APPROVAL_ATTR.usedByRun);
  const usedAt = text(GUARD_APPROVAL_ATTR.usedAt);
  return {
    ...(pending && { pending }),
    ...(used && {
      lastUsed: {
        approval: used,
        ...(runId !== undefined && { runId }),
        ...(usedAt !== undefined && { usedAt }),
        ...(typeof count === 'number' && { plannedDeletes: count }),
      },
    }),
  };
}
