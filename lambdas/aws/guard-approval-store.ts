/**
 * The operator's guard approval as one reserved item of the credentials
 * table (`__hygiene__#guard-approval`; docs/data-model.md, "Guard approval").
 * `pc-hygiene guard approve` records it; a sweep whose guard trips consumes it
 * here.
 *
 * Consuming is ONE conditional `UpdateItem` (no read first: the sweep's
 * grant on the table, `SWEEP_TABLE_ACTIONS` in lib/hygiene-grants.ts, has no
 * `GetItem`): only if an approval is pending, covers the planned deletions
 * and has not expired (`approvalOutcome` in lambdas/hygiene/guard.ts, the one
 * statement of that rule, which `pc-hygiene plan` predicts with), it is moved
 * to "last used" with the run that used it.
 * Two runs at once: one condition holds, the other finds nothing pending —
 * the approval is used exactly once.
 *
 * Why the write is also conditional on the item not naming this run as the
 * one that used an approval: a consuming write whose response was lost is
 * sent again by the SDK, and by then an operator may have recorded a newer
 * approval. Checked only for a covering pending approval, the retry would
 * consume that one too — one run spending two approvals, the next over-limit
 * sweep held back although someone approved it. With the run id in the
 * condition the retry fails on its own consumption instead, and is judged as
 * its own earlier attempt: the old item names this run as the one that used
 * it, and the run uses the approval it spent (`may-have-applied.ts` says when
 * an earlier attempt may have applied; the run id proves it did, as the
 * transition writers recognise their own change). Run ids are unique, and a
 * run consumes at most once, so a first attempt never meets its own run id.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GUARD_APPROVAL_ATTR, GUARD_APPROVAL_ID } from '../hygiene/data-contract';
import { type ApprovalOutcome, approvalOutcome, type GuardApproval } from '../hygiene/guard';
import type { GuardApprovals } from '../hygiene/ports';
import { formatInstant } from '../hygiene/time';
import { TABLE_DEFINITION } from './credential-table-definition';
import { failedConditionItem, sendUnlessConditionFails } from './dynamodb-client';
import { mayHaveApplied } from './may-have-applied';
import { UpdateExpressionBuilder } from './update-expression';

/** The key of the approval item. */
export const GUARD_APPROVAL_KEY = { [TABLE_DEFINITION.partitionKey.name]: GUARD_APPROVAL_ID };

/** A stored approval map, checked field by field; `undefined` when absent or malformed. */
export function parseApproval(value: unknown): GuardApproval | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const strings = ['id', 'by', 'reason', 'approvedAt', 'expiresAt'] as const;
  if (!strings.every((field) => typeof v[field] === 'string')) return undefined;
  if (typeof v.maxDeletes !== 'number' || !Number.isInteger(v.maxDeletes)) return undefined;
  // Optional (approvals recorded before it, or on a local table, have none), but a string when present.
  if (v.callerArn !== undefined && typeof v.callerArn !== 'string') return undefined;
  return {
    id: v.id as string,
    by: v.by as string,
    ...(v.callerArn !== undefined && { callerArn: v.callerArn }),
    reason: v.reason as string,
    maxDeletes: v.maxDeletes,
    approvedAt: v.approvedAt as string,
    expiresAt: v.expiresAt as string,
  };
}

/**
 * The consuming write: move the pending approval to "last used", if it covers `plannedDeletes` at `atIso` and the
 * item does not already name `runId` as the run that used one (this write's own earlier attempt applied). "Covers"
 * is {@link approvalOutcome}'s `used`, said in DynamoDB's words so that it is checked in the write that spends it.
 */
function consumeUpdate(plannedDeletes: number, runId: string, atIso: string) {
  const x = new UpdateExpressionBuilder();
  const pending = x.name(GUARD_APPROVAL_ATTR.pending);
  const usedByRun = x.name(GUARD_APPROVAL_ATTR.usedByRun);
  x.setExpression(x.name(GUARD_APPROVAL_ATTR.lastUsed), pending)
    .set(GUARD_APPROVAL_ATTR.usedByRun, runId)
    .set(GUARD_APPROVAL_ATTR.usedAt, atIso)
    .set(GUARD_APPROVAL_ATTR.usedFor, plannedDeletes)
    .remove(GUARD_APPROVAL_ATTR.pending);
  // Canonical UTC ISO strings order as instants.
  x.condition(`attribute_exists(${pending})`)
    .condition(`${pending}.${x.name('maxDeletes')} >= ${x.value(plannedDeletes)}`)
    .condition(`${pending}.${x.name('expiresAt')} > ${x.value(atIso)}`)
    .condition(`(attribute_not_exists(${usedByRun}) OR ${usedByRun} <> ${x.value(runId)})`);
  return x.build();
}

/**
 * The approval this run consumed itself, when the consuming write failed its condition on an SDK retry
 * ({@link mayHaveApplied}: an earlier attempt may have applied) and the item names this run as its user: the
 * same proof as the transition writers' `appliedByRun` (an own write recognised by its run id). Whatever is
 * pending now (a newer approval recorded since) is not this run's, and the failed condition left it pending.
 */
function usedByThisRun(
  error: unknown,
  old: Readonly<Record<string, unknown>> | undefined,
  runId: string,
): GuardApproval | undefined {
  if (!mayHaveApplied(error) || old?.[GUARD_APPROVAL_ATTR.usedByRun] !== runId) return undefined;
  return parseApproval(old[GUARD_APPROVAL_ATTR.lastUsed]);
}

/** {@link GuardApprovals} over the credentials table. */
export class DynamoDbGuardApprovals implements GuardApprovals {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async consume(request: { plannedDeletes: number; runId: string; at: number }): Promise<ApprovalOutcome> {
    const atIso = formatInstant(request.at);
    const sent = await sendUnlessConditionFails(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: GUARD_APPROVAL_KEY,
        ...consumeUpdate(request.plannedDeletes, request.runId, atIso),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (sent.applied) {
      const approval = parseApproval(sent.output.Attributes?.[GUARD_APPROVAL_ATTR.lastUsed]);
      // Present (the condition required it); if a hand-edited map lacks a field, the run does not override
      // on it (it shows, spent, in `guard status`).
      return approval ? { status: 'used', approval } : { status: 'none' };
    }
    const old = failedConditionItem(sent.failed);
    const own = usedByThisRun(sent.failed, old, request.runId);
    if (own) return { status: 'used', approval: own };
    const outcome = approvalOutcome(
      parseApproval(old?.[GUARD_APPROVAL_ATTR.pending]),
      request.plannedDeletes,
      request.at,
    );
    // The rule would use it, yet the write was refused: only its run-id clause can have failed, which a first
    // attempt never meets (above). Nothing was spent, so nothing is used: reported as not enough, as ever.
    return outcome.status === 'used' ? { status: 'not-enough', approval: outcome.approval } : outcome;
  }
}
