/**
 * Records and reads the operator's guard approval (`pc-hygiene guard approve
 * | status`; docs/sweep.md, "The blast-radius guard"): one reserved item of
 * the credentials table that the next sweep whose guard trips consumes
 * (`lambdas/aws/guard-approval-store.ts`). A new approval replaces a pending
 * one (the result says which); the last use is kept beside it. The approval
 * is stored as given, with its `callerArn` when the command had one.
 *
 * Why the write is conditional: an approval is used once, so the write never
 * stores one that is already pending or already used (by its `id`). A write
 * whose response was lost is sent again by the SDK; by then a tripped sweep
 * may have used the approval, and an unconditional retry would make it
 * pending again for a second run. The retry fails its condition instead and
 * is judged as its own earlier attempt (`may-have-applied.ts`, the rule the
 * sweep's consuming write uses): pending, recorded (what it replaced is not
 * known: that answer was lost); last used, already used by the run the item
 * names.
 *
 * A CLI-only adapter.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { unmarshallOptions } from '../../lambdas/aws/dynamodb-client';
import { GUARD_APPROVAL_KEY, parseApproval } from '../../lambdas/aws/guard-approval-store';
import { mayHaveApplied } from '../../lambdas/aws/may-have-applied';
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

/** What recording an approval did (nothing set: recorded pending, replacing none). */
export interface RecordedApproval {
  /** The pending approval it replaced (never the recorded one itself). */
  readonly replaced?: GuardApproval;
  /**
   * Recorded by an earlier attempt of the write whose response was lost: whether it replaced a pending
   * approval is not known (that response said so).
   */
  readonly replacedUnknown?: true;
  /**
   * Recorded by an earlier attempt whose response was lost, and already used by a tripped sweep before the SDK
   * sent the write again (which did not record it again): the run that used it. It is no longer pending.
   */
  readonly usedBy?: Omit<UsedApproval, 'approval'>;
}

/**
 * Records `approval` as the pending one, unless an approval with its `id` is pending or was the last used
 * (an earlier attempt of this write applied: the result says which).
 * @returns what it replaced, or how an earlier attempt of the write left it
 * @throws {Error} when the item already holds an approval with this `id` and no earlier attempt can have written it
 */
export async function recordApproval(
  client: DynamoDBDocumentClient,
  tableName: string,
  approval: GuardApproval,
): Promise<RecordedApproval> {
  try {
    const out = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: GUARD_APPROVAL_KEY,
        ...recordUpdate(approval),
        ReturnValues: 'UPDATED_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const replaced = parseApproval(out.Attributes?.[GUARD_APPROVAL_ATTR.pending]);
    return replaced ? { replaced } : {};
  } catch (error: unknown) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const old = error.Item ? unmarshall(error.Item, unmarshallOptions()) : undefined;
    const own = mayHaveApplied(error) ? earlierAttempt(old, approval.id) : undefined;
    if (own) return own;
    throw new Error(
      `guard approval ${approval.id} was not recorded: the approval item already holds one with this id`,
    );
  }
}

/**
 * The write: the approval set as pending, only while neither the pending nor the last used approval has its
 * `id` (a path that is absent compares as nothing: `attribute_not_exists` first).
 */
function recordUpdate(approval: GuardApproval) {
  const x = new UpdateExpressionBuilder().set(GUARD_APPROVAL_ATTR.pending, approval);
  const id = x.value(approval.id);
  for (const attribute of [GUARD_APPROVAL_ATTR.pending, GUARD_APPROVAL_ATTR.lastUsed]) {
    const path = `${x.name(attribute)}.${x.name('id')}`;
    x.condition(`(attribute_not_exists(${path}) OR ${path} <> ${id})`);
  }
  return x.build();
}

/**
 * How an earlier attempt of the write left the item (`old`, as the failed attempt found it), when it holds
 * the approval with this `id`: pending (recorded), or last used (used by the run it names).
 */
function earlierAttempt(
  old: Readonly<Record<string, unknown>> | undefined,
  approvalId: string,
): RecordedApproval | undefined {
  const idOf = (value: unknown) => (value as { readonly id?: unknown } | null | undefined)?.id;
  if (idOf(old?.[GUARD_APPROVAL_ATTR.pending]) === approvalId) return { replacedUnknown: true };
  const used = old && usedApprovalOf(old);
  if (used?.approval.id !== approvalId) return undefined;
  const { approval: _it, ...usedBy } = used;
  return { usedBy };
}

/** The last used approval the item holds, with the run that used it, when and for how many deletions. */
function usedApprovalOf(item: Readonly<Record<string, unknown>>): UsedApproval | undefined {
  const approval = parseApproval(item[GUARD_APPROVAL_ATTR.lastUsed]);
  if (!approval) return undefined;
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  const count = item[GUARD_APPROVAL_ATTR.usedFor];
  const runId = text(GUARD_APPROVAL_ATTR.usedByRun);
  const usedAt = text(GUARD_APPROVAL_ATTR.usedAt);
  return {
    approval,
    ...(runId !== undefined && { runId }),
    ...(usedAt !== undefined && { usedAt }),
    ...(typeof count === 'number' && { plannedDeletes: count }),
  };
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
  const lastUsed = item && usedApprovalOf(item);
  return { ...(pending && { pending }), ...(lastUsed && { lastUsed }) };
}
