/**
 * How an owner write is put together and sent: the clauses of one
 * `UpdateItem` built up in parts ({@link UpdateParts}) and the one
 * conditional `UpdateItem` of an existing owner ({@link conditionalUpdate})
 * that judges a failed condition against the write's own earlier attempt.
 *
 * Why a module of its own: both kinds of owner write use it — the import's
 * (owner-directory-import-writes.ts) and the route state's
 * (owner-directory-reach-writes.ts: subscription, bounce, complaint) — and a
 * lost response must be judged by one rule ({@link mayHaveApplied}) for all
 * of them. The owner directory's writes name their attributes by fixed
 * placeholders (`#email`, `:readState`) that their conditions share
 * (owner-directory-items.ts), so they do not use the credentials table's
 * numbered builder (update-expression.ts).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OWNER_ATTR } from '../hygiene/data-contract';
import { failedConditionItem, sendUnlessConditionFails } from './dynamodb-client';
import { mayHaveApplied } from './may-have-applied';
import type { OwnerTable } from './owner-directory-items';

/** An `UpdateItem`'s clauses (an attribute in one of them only), names and values, as they are built. */
export interface UpdateParts {
  readonly set: string[];
  readonly remove: string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

/** Empty {@link UpdateParts}, to build on. */
export function updateParts(): UpdateParts {
  return { set: [], remove: [], names: {}, values: {} };
}

/** Adds `from`'s clauses, names and values to `into`. */
export function mergeParts(into: UpdateParts, from: UpdateParts): void {
  for (const clause of ['set', 'remove'] as const) into[clause].push(...from[clause]);
  Object.assign(into.names, from.names);
  Object.assign(into.values, from.values);
}

/** The `UpdateExpression` of {@link UpdateParts}: each non-empty clause once. */
export function updateExpression(parts: UpdateParts): string {
  const clauses = [
    ['SET', parts.set.join(', ')],
    ['REMOVE', parts.remove.join(', ')],
  ] as const;
  return clauses
    .filter(([, list]) => list !== '')
    .map(([clause, list]) => `${clause} ${list}`)
    .join(' ');
}

/**
 * `subscription` set `unsubscribed` (no ARN written): an opt-out the import records (the state is not the
 * topic's), or an SES complaint's (owner-directory-reach-writes.ts, `recordComplaint`).
 */
export function unsubscribedParts(): UpdateParts {
  const parts = updateParts();
  parts.names['#subscription'] = OWNER_ATTR.subscription;
  parts.set.push('#subscription = :unsubscribed');
  parts.values[':unsubscribed'] = 'unsubscribed';
  return parts;
}

/** What {@link conditionalUpdate} writes under: its condition, placeholders and, optionally, its own result. */
export interface ConditionalUpdateParts {
  readonly condition?: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
  /** Whether an owner item is as this write leaves it (see {@link conditionalUpdate}). */
  readonly leaves?: (item: Readonly<Record<string, unknown>>) => boolean;
}

/**
 * One `UpdateItem` of an existing owner, conditional on `parts.condition`.
 *
 * A write whose own condition it falsifies (a state it moves away from, an
 * attribute it removes) fails that condition when the SDK sends it again
 * after its applied attempt's response was lost. Such a write passes
 * `leaves`, what the owner item holds once it applied: when its attempts may
 * have applied ({@link mayHaveApplied}) and the item the failed condition
 * returns (`ALL_OLD`) holds it, the write counts as done. A write whose own
 * change keeps its condition true (`markBouncing`, `recordComplaint`, the
 * `ADD` of `rememberOptedOutAddresses`) needs none: its retry succeeds.
 * @returns false when the condition failed (nothing written, or nothing `leaves` recognises as this write's)
 */
export async function conditionalUpdate(
  table: OwnerTable,
  userId: string,
  update: string,
  parts: ConditionalUpdateParts,
): Promise<boolean> {
  const exists = 'attribute_exists(#userId)';
  const { leaves } = parts;
  const sent = await sendUnlessConditionFails(
    table.client,
    new UpdateCommand({
      TableName: table.tableName,
      Key: { [OWNER_ATTR.userId]: userId },
      UpdateExpression: update,
      ConditionExpression: parts.condition === undefined ? exists : `${exists} AND ${parts.condition}`,
      ExpressionAttributeNames: { ...parts.names, '#userId': OWNER_ATTR.userId },
      ExpressionAttributeValues: parts.values,
      ...(leaves !== undefined && { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }),
    }),
  );
  if (sent.applied) return true;
  const item = failedConditionItem(sent.failed);
  return leaves !== undefined && item !== undefined && mayHaveApplied(sent.failed) && leaves(item);
}
