/**
 * Records and reads the operator's guard approval (`pc-hygiene guard approve
 * | status`, and `plan`, which reads the pending one; docs/sweep.md, "The
 * blast-radius guard"): one reserved item of the credentials table that the
 * next sweep whose guard trips consumes (`lambdas/aws/guard-approval-store.ts`). A new approval replaces a pending
 * one (the result says which); the last use is kept beside it. The approval
 * is stored as given, with its `callerArn` when the command had one.
 *
 * Why the write is conditional on the item as read: an approval is used once.
 * A write whose response was lost is sent again by the SDK; by then a tripped
 * sweep may have used the approval (and another approve recorded, and another
 * sweep used, a newer one), or another approve replaced it, and an
 * unconditional retry — or one that only checks the approval's own `id` —
 * would make it pending again for a second run, or put it back over the
 * newer one. So `approve` reads the item (consistently) and writes only while
 * its pending and last used approvals are the ones it read: every approval
 * has a new `id`, and every approve and every use changes one of the two.
 * A write that fails that condition is judged by `may-have-applied.ts` (the
 * rule the sweep's consuming write uses): on its first attempt nothing
 * applied — another writer changed the item since the read — so it reads and
 * writes once more; on a retry, its earlier attempt may have applied, and the
 * item tells: pending, recorded (what it replaced is not known: that answer
 * was lost); last used, already used by the run the item names; neither, it
 * is not pending, and whether it was recorded and then used or replaced, or
 * never recorded, is not known.
 *
 * A CLI-only adapter.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { failedConditionItem, sendUnlessConditionFails } from '../../lambdas/aws/dynamodb-client';
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
  /**
   * Not pending, and not known whether it was ever recorded: the SDK sent the write again, and by then the item
   * had changed and held it neither pending nor as the last used. The earlier attempt may have recorded it and a
   * run used it (and another approval was recorded since), or another approve replaced it; or that attempt
   * applied nothing and another writer changed the item. It was not recorded again.
   */
  readonly usedOrReplacedUnknown?: true;
}

/**
 * The approval item as `approve` read it: what its write is conditional on (an `id` as stored, of whatever type a
 * hand edit left; absent when the approval or its `id` is).
 */
interface ItemAsRead {
  readonly pendingId?: unknown;
  readonly lastUsedId?: unknown;
}

/** What one read and conditional write ended in: `changed` when another writer changed the item between them. */
type WriteOutcome = RecordedApproval | 'changed';

/**
 * Records `approval` as the pending one, reading the item first and writing only while it is as read; when
 * another writer changed it between the read and the write, reads and writes once more.
 * @returns what it replaced, or how an earlier attempt of the write, whose response was lost, left it
 * @throws {Error} when the item changed between the read and the write both times (nothing was recorded)
 */
export async function recordApproval(
  client: DynamoDBDocumentClient,
  tableName: string,
  approval: GuardApproval,
): Promise<RecordedApproval> {
  for (let round = 0; round < 2; round++) {
    const outcome = await readAndWrite(client, tableName, approval);
    if (outcome !== 'changed') return outcome;
  }
  throw new Error(
    `guard approval ${approval.id} was not recorded: the approval item changed between its read and its write ` +
      'twice (another guard approve, or a sweep using an approval); run the command again',
  );
}

/** One consistent read of the item and the write conditional on it. */
async function readAndWrite(
  client: DynamoDBDocumentClient,
  tableName: string,
  approval: GuardApproval,
): Promise<WriteOutcome> {
  const read = itemAsRead(await readApprovalItem(client, tableName));
  const sent = await sendUnlessConditionFails(
    client,
    new UpdateCommand({
      TableName: tableName,
      Key: GUARD_APPROVAL_KEY,
      ...recordUpdate(approval, read),
      ReturnValues: 'UPDATED_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (sent.applied) {
    const replaced = parseApproval(sent.output.Attributes?.[GUARD_APPROVAL_ATTR.pending]);
    return replaced ? { replaced } : {};
  }
  // A first attempt refused by its condition applied nothing: another writer changed the item since the read.
  if (!mayHaveApplied(sent.failed)) return 'changed';
  return earlierAttempt(failedConditionItem(sent.failed), approval.id);
}

/**
 * The approval item, read consistently (absent when no approval was ever recorded): the one read of it, for
 * `approve` (what its write is conditional on), `guard status` and `plan` (the approval a tripped sweep would try).
 * Its attributes are as stored: parse them with `parseApproval` (lambdas/aws/guard-approval-store.ts), as a sweep
 * does.
 */
export async function readApprovalItem(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Readonly<Record<string, unknown>> | undefined> {
  const { Item: item } = await client.send(
    new GetCommand({ TableName: tableName, Key: GUARD_APPROVAL_KEY, ConsistentRead: true }),
  );
  return item;
}

/** The `id` of an approval map as stored; undefined when there is none. */
function idOf(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? (value as { readonly id?: unknown }).id : undefined;
}

function itemAsRead(item: Readonly<Record<string, unknown>> | undefined): ItemAsRead {
  return {
    pendingId: idOf(item?.[GUARD_APPROVAL_ATTR.pending]),
    lastUsedId: idOf(item?.[GUARD_APPROVAL_ATTR.lastUsed]),
  };
}

/**
 * The write: the approval set as pending, only while the pending and the last used approvals have the `id`s
 * read (absent as read stays absent). The approval's `id` is new, so this write's own earlier attempt fails it
 * too: it changed the pending `id`.
 */
function recordUpdate(approval: GuardApproval, read: ItemAsRead) {
  const x = new UpdateExpressionBuilder().set(GUARD_APPROVAL_ATTR.pending, approval);
  const asRead: ReadonlyArray<readonly [string, unknown]> = [
    [GUARD_APPROVAL_ATTR.pending, read.pendingId],
    [GUARD_APPROVAL_ATTR.lastUsed, read.lastUsedId],
  ];
  for (const [attribute, id] of asRead) {
    const path = `${x.name(attribute)}.${x.name('id')}`;
    x.condition(id === undefined ? `attribute_not_exists(${path})` : `${path} = ${x.value(id)}`);
  }
  return x.build();
}

/**
 * How the write's earlier attempt, whose response was lost, may have left the item (`old`, as the retry found
 * it): pending (recorded), last used (used by the run it names), or neither (not pending; used or replaced, or
 * never recorded: not known).
 */
function earlierAttempt(
  old: Readonly<Record<string, unknown>> | undefined,
  approvalId: string,
): RecordedApproval {
  if (idOf(old?.[GUARD_APPROVAL_ATTR.pending]) === approvalId) return { replacedUnknown: true };
  const used = old && usedApprovalOf(old);
  if (used?.approval.id !== approvalId) return { usedOrReplacedUnknown: true };
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
  const item = await readApprovalItem(client, tableName);
  const pending = parseApproval(item?.[GUARD_APPROVAL_ATTR.pending]);
  const lastUsed = item && usedApprovalOf(item);
  return { ...(pending && { pending }), ...(lastUsed && { lastUsed }) };
}
