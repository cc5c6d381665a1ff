/**
 * The `UpdateItem` an import's upsert of one owner is sent as
 * ({@link upsertRequest}), and the check of the remembered opt-outs stored
 * just before it ({@link plannedFromStored}): the stated fields, the route
 * state a move resets or a line's opt-outs merge, and the one condition that
 * the owner is still as the plan read them ({@link asPlannedCondition}).
 *
 * Why apart from the writes that send it (owner-directory-import-writes.ts):
 * this is the import's decision of what an owner item becomes, pure and
 * intricate (docs/data-model.md, "Owner directory": `subscription`,
 * `optedOutAddresses`), while sending it is a few lines of I/O; each reads
 * best on its own.
 */
import { OWNER_ATTR } from '../hygiene/data-contract';
import { forgetOptOutAt, type MailboxSpellings, remembersOptOutAt } from '../hygiene/opted-out-address';
import type { ExistingOwnerUpsert, OwnerUpsert } from '../hygiene/owner-import';
import type { AddressMove, KeptOptOuts } from '../hygiene/owner-import-opt-outs';
import type { ImportedOwner } from '../hygiene/owner-import-rows';
import { asStored } from './as-stored';
import {
  type ConditionPart,
  STATUS,
  STATUS_NAMES,
  stateStillAsRead,
  textStillAsRead,
} from './owner-directory-items';
import {
  mergeParts,
  type UpdateParts,
  unsubscribedParts,
  updateExpression,
  updateParts,
} from './owner-directory-update';

/** The stored {@link OWNER_ATTR.optedOutAddresses} exactly as read, of any type (`value` undefined: none stored). */
export interface StoredOptOuts {
  readonly value: unknown;
}

/**
 * {@link OWNER_ATTR.optedOutAddresses} written whole: a String Set, removed
 * when empty (DynamoDB stores no empty set).
 */
function optedOutParts(digests: readonly string[]): UpdateParts {
  const parts = updateParts();
  parts.names['#optedOut'] = OWNER_ATTR.optedOutAddresses;
  if (digests.length === 0) parts.remove.push('#optedOut');
  else {
    parts.set.push('#optedOut = :optedOut');
    parts.values[':optedOut'] = new Set(digests);
  }
  return parts;
}

/**
 * An import's route reset (`resetRoute`): the bounce, subscription ARN and
 * confirmation count (`OWNER_ATTR.confirmationEmailsSent`: a new address starts
 * a new count) removed, the state removed or, when the owner moved to an
 * address they opted out at, set `unsubscribed`; {@link OWNER_ATTR.optedOutAddresses}
 * written whole as the move planned it. What it is conditional on:
 * {@link asPlannedCondition}.
 */
function routeResetParts(move: AddressMove | undefined): UpdateParts {
  const parts = updateParts();
  Object.assign(parts.names, {
    '#subscriptionArn': OWNER_ATTR.subscriptionArn,
    '#bouncingSince': OWNER_ATTR.bouncingSince,
    '#sent': OWNER_ATTR.confirmationEmailsSent,
  });
  parts.remove.push('#subscriptionArn', '#bouncingSince', '#sent');
  if (move?.state === 'unsubscribed') mergeParts(parts, unsubscribedParts());
  else {
    parts.names['#subscription'] = OWNER_ATTR.subscription;
    parts.remove.push('#subscription');
  }
  if (move !== undefined) mergeParts(parts, optedOutParts(move.optedOutAddresses));
  return parts;
}

/**
 * The opt-outs of an owner's export line as the plan kept them
 * ({@link KeptOptOuts}, a new owner's or one staying at their address):
 * `unsubscribed` recorded without an ARN (any ARN is removed: an opt-out the
 * import records is not the topic's), and the remembered set written whole.
 * The bounce is kept: it is this deployment's, about the same address.
 * Nothing when there are none. What it is conditional on:
 * {@link asPlannedCondition}.
 */
function keptOptOutParts(kept: KeptOptOuts | undefined): UpdateParts {
  const parts = updateParts();
  if (kept === undefined) return parts;
  if (kept.state === 'unsubscribed') {
    mergeParts(parts, unsubscribedParts());
    parts.names['#subscriptionArn'] = OWNER_ATTR.subscriptionArn;
    parts.remove.push('#subscriptionArn');
  }
  mergeParts(parts, optedOutParts(kept.optedOutAddresses));
  return parts;
}

/**
 * The one condition an import's upsert is written under: the owner is still
 * as the plan read them. A new owner (`existed` false): still absent. One
 * that existed: still there, at the address read
 * ({@link ExistingOwnerUpsert.read}; absent read as `ownerFromItem`
 * reads it, so a damaged value matches as absent), and for a write of the
 * route state — a move, or a line's opt-outs merged at the same address
 * (`keptOptOuts`) — also in the subscription state read (the opt-out
 * decision depends on it: a reconcile that recorded a subscription meanwhile
 * is re-planned, and the opt-out reported not applied) and with the
 * `updatedAt` read (both write the remembered opt-outs whole, and another
 * import may have written the owner meanwhile: `OwnerAsRead.updatedAt` in
 * owner-import.ts). A write that changes only stated fields keeps the route
 * state, so a state recorded meanwhile for the same address is not part of
 * it; nor are `name` and `status` (see {@link ExistingOwnerUpsert.read} for
 * why). A write of the remembered set whole is also conditional on the set
 * exactly as stored just before it (`storedOptOuts`, read by the import's
 * upsert, owner-directory-import-writes.ts, and checked against the plan:
 * {@link plannedFromStored}): an SES complaint may add a digest without
 * touching the rest (`rememberOptedOutAddresses`, owner-directory-reach-writes.ts).
 */
function asPlannedCondition(
  upsert: OwnerUpsert,
  storedOptOuts?: StoredOptOuts,
): UpdateParts & { readonly condition: string } {
  const parts = updateParts();
  parts.names['#userId'] = OWNER_ATTR.userId;
  if (!upsert.existed) return { ...parts, condition: 'attribute_not_exists(#userId)' };
  const { read } = upsert;
  parts.names['#email'] = OWNER_ATTR.email;
  const held = [textStillAsRead('#email', ':readEmail', read.email)];
  if (upsert.move !== undefined || upsert.keptOptOuts !== undefined) {
    parts.names['#subscription'] = OWNER_ATTR.subscription;
    parts.names['#updatedAt'] = OWNER_ATTR.updatedAt;
    held.push(
      stateStillAsRead(read.subscription),
      textStillAsRead('#updatedAt', ':readUpdatedAt', read.updatedAt),
    );
  }
  if (storedOptOuts !== undefined) {
    parts.names['#optedOut'] = OWNER_ATTR.optedOutAddresses;
    held.push(optOutsStillAsStored(storedOptOuts));
  }
  for (const { values } of held) Object.assign(parts.values, values);
  return {
    ...parts,
    condition: ['attribute_exists(#userId)', ...held.map((h) => h.condition)].join(' AND '),
  };
}

/**
 * Whether an import's upsert writes {@link OWNER_ATTR.optedOutAddresses} whole: a move
 * ({@link routeResetParts}), or a line's opt-outs merged into an existing owner ({@link keptOptOutParts}).
 */
export function writesOptOutsWhole(upsert: OwnerUpsert): upsert is ExistingOwnerUpsert {
  return upsert.existed && (upsert.resetRoute ? upsert.move !== undefined : upsert.keptOptOuts !== undefined);
}

/**
 * Whether the digests stored now (`stored`) can be the set a whole-set write
 * was planned from. The plan carries the set it writes, not the one it read,
 * so this checks what the plan's rules imply of the set it read
 * (owner-import-opt-outs.ts), by the plan's `spellings`
 * (`OwnerDirectoryStoreOptions.mailboxes`, owner-directory-store.ts): a merge keeps every digest it
 * read (a union); a move keeps every one but those the old address's opt-out
 * may be stored under (`forgetOptOutAt`: the current form and the legacy ones,
 * of every spelling of its mailbox, all forgotten together), and records
 * `unsubscribed` whenever the set it read holds any of the new address's
 * (`remembersOptOutAt`, with the same spellings; `AddressMove.state`).
 * Only imports take digests out, and they are ordered by the `updatedAt`
 * condition ({@link asPlannedCondition}), so a set that fails this gained a
 * digest since the plan read it (an SES complaint about an address the owner
 * had moved away from, `rememberOptedOutAddresses`, owner-directory-reach-writes.ts):
 * written whole, the write would erase that opt-out or decide the new
 * address's state without it. A digest gained that the write keeps anyway
 * changes nothing the plan decided.
 */
export function plannedFromStored(
  upsert: ExistingOwnerUpsert,
  stored: readonly string[],
  spellings: MailboxSpellings,
): boolean {
  const { move } = upsert;
  const written = upsert.resetRoute ? move?.optedOutAddresses : upsert.keptOptOuts?.optedOutAddresses;
  // What the plan's forget leaves of the stored set must all be written.
  const leftAfterForget = new Set(stored);
  if (upsert.resetRoute && upsert.read.email !== undefined)
    forgetOptOutAt(leftAfterForget, upsert.read.email, spellings);
  const kept = new Set(written);
  if (![...leftAfterForget].every((digest) => kept.has(digest))) return false;
  const to = upsert.owner.email;
  return !(
    upsert.resetRoute &&
    move?.state === undefined &&
    to !== undefined &&
    remembersOptOutAt(new Set(stored), to, spellings)
  );
}

/**
 * The condition that {@link OWNER_ATTR.optedOutAddresses} is still exactly as
 * stored when read (`held`; missing: still missing). Of any type: a damaged
 * value is put back through {@link asStored} (a stored NULL, which `=` cannot
 * match, by its type), so the write that replaces it is not refused forever.
 */
function optOutsStillAsStored(held: StoredOptOuts): ConditionPart {
  if (held.value === undefined) return { condition: 'attribute_not_exists(#optedOut)', values: {} };
  if (held.value === null)
    return { condition: 'attribute_type(#optedOut, :null)', values: { ':null': 'NULL' } };
  return { condition: '#optedOut = :storedOptedOut', values: { ':storedOptedOut': asStored(held.value) } };
}

/**
 * The `UpdateItem` of one upsert: `status`, `updatedAt` (`now`) and the stated `email` and `name` (each removed
 * when the owner has none); the route reset of a move ({@link routeResetParts}) or the opt-outs the plan kept
 * ({@link keptOptOutParts}); conditional on the owner as planned ({@link asPlannedCondition}, with the remembered
 * set as stored when the write replaces it whole).
 */
export function upsertRequest(
  tableName: string,
  upsert: OwnerUpsert,
  now: string,
  storedOptOuts?: StoredOptOuts,
) {
  const { owner } = upsert;
  const parts = updateParts();
  parts.set.push(`${STATUS} = :status`, '#updatedAt = :now');
  Object.assign(parts.names, STATUS_NAMES, { '#updatedAt': OWNER_ATTR.updatedAt });
  Object.assign(parts.values, { ':status': owner.status, ':now': now });
  for (const key of ['email', 'name'] as const satisfies readonly (keyof ImportedOwner)[]) {
    parts.names[`#${key}`] = OWNER_ATTR[key];
    const value = owner[key];
    if (value === undefined) parts.remove.push(`#${key}`);
    else {
      parts.set.push(`#${key} = :${key}`);
      parts.values[`:${key}`] = value;
    }
  }
  if (upsert.existed && upsert.resetRoute) mergeParts(parts, routeResetParts(upsert.move));
  else mergeParts(parts, keptOptOutParts(upsert.keptOptOuts));
  const planned = asPlannedCondition(upsert, storedOptOuts);
  mergeParts(parts, planned);
  return {
    TableName: tableName,
    Key: { [OWNER_ATTR.userId]: owner.userId },
    UpdateExpression: updateExpression(parts),
    ConditionExpression: planned.condition,
    ExpressionAttributeNames: parts.names,
    ExpressionAttributeValues: parts.values,
  };
}
