/**
 * The writes of an owner's route state (docs/data-model.md, "Owner
 * directory"; docs/notifications.md, "Owner reach"): the subscription state
 * the subscription reconciler and `owners unsubscribe` / `owners resubscribe`
 * record ({@link recordSubscription}, {@link recordSubscriptionStates}), the
 * bounce the relay records and `owners clear-bouncing` removes
 * ({@link markBouncing}, {@link clearBouncing}), and an SES complaint's
 * opt-out ({@link recordComplaint}, {@link rememberOptedOutAddresses}).
 *
 * That state belongs to an address, so each is written only while the owner
 * still has the address it was decided for: an import that changes the email
 * clears it (or records the opt-out it remembers for the new address,
 * `optedOutAddresses`), and a write already in flight must not bring it
 * back. None writes `updatedAt`: only imports do.
 */
import { OWNER_ATTR } from '../hygiene/data-contract';
import type { PlannedSubscriptionState, RecordedSubscription } from '../hygiene/owner-directory';
import { TaskPool } from '../hygiene/task-pool';
import {
  ABSENT_TEXT_VALUES,
  type ConditionPart,
  countOf,
  type OwnerTable,
  readsAsAbsent,
  STATUS,
  STATUS_NAMES,
  stateStillAsRead,
  textReadsAs,
  textStillAsRead,
} from './owner-directory-items';
import {
  conditionalUpdate,
  unsubscribedParts,
  updateExpression,
  updateParts,
} from './owner-directory-update';

/**
 * Whether `item` is as a subscription write of `planned` leaves it: the planned state, the planned ARN (none when
 * it has none: the write removes it), at the address the write was conditional on.
 */
function holdsSubscription(
  item: Readonly<Record<string, unknown>>,
  planned: PlannedSubscriptionState,
): boolean {
  return (
    item[OWNER_ATTR.subscription] === planned.state &&
    item[OWNER_ATTR.subscriptionArn] === planned.subscriptionArn &&
    countOf(item[OWNER_ATTR.confirmationEmailsSent]) === planned.confirmationEmailsSent &&
    textReadsAs(item, OWNER_ATTR.email, planned.email)
  );
}

/**
 * The condition that the stored `subscription` and `subscriptionArn` are
 * still the ones a run read. An absent one is matched as `ownerFromItem`
 * reads it: missing, or a value it ignores (an unknown state; an empty or
 * non-string ARN), so a damaged value is replaced, not a write blocked forever.
 */
function stillAsRead(read: RecordedSubscription): ConditionPart {
  const state = stateStillAsRead(read.subscription);
  const arn = textStillAsRead('#subscriptionArn', ':readArn', read.subscriptionArn);
  const sent = countStillAsRead(read.confirmationEmailsSent);
  return {
    condition: `${state.condition} AND ${arn.condition} AND ${sent.condition}`,
    values: { ...state.values, ...arn.values, ...sent.values },
  };
}

/**
 * The condition that the stored confirmation count (`#sent`) still reads as `read`: equal to it, or, when `read` is
 * absent, missing or not a number ({@link countOf}: a damaged value matches as absent, so it is replaced, not a
 * write blocked forever). Two runs that both subscribed an owner again cannot both count from the same value.
 */
function countStillAsRead(read: number | undefined): ConditionPart {
  return read === undefined
    ? {
        condition: '(attribute_not_exists(#sent) OR NOT attribute_type(#sent, :number))',
        values: { ':number': 'N' },
      }
    : { condition: '#sent = :readSent', values: { ':readSent': read } };
}

/**
 * The condition that the owner still reads as `active` (names: `STATUS_NAMES`), as `ownerFromItem` reads the stored
 * `status`: anything but `departed` (missing, or another value) is active, so only an import's `--sync`
 * (`markDeparted`, owner-directory-import-writes.ts) fails it. For a state planned
 * {@link PlannedSubscriptionState.whileActive}.
 */
const STILL_ACTIVE: ConditionPart = {
  condition: `(attribute_not_exists(${STATUS}) OR ${STATUS} <> :departed)`,
  values: { ':departed': 'departed' },
};

/**
 * Records an owner's SNS email subscription state, its subscription ARN
 * (removed when the state has none) and the confirmation emails counted
 * (`OWNER_ATTR.confirmationEmailsSent`: set to the planned count, removed when
 * it has none), only while the directory still holds
 * what the state was planned from: the address (`email`, or none when
 * `undefined`; an import that changed it cleared the state, and it stays
 * cleared), the state, ARN and count as read (`read`: {@link stillAsRead}) and,
 * for a state planned `whileActive`, the owner's `active` status
 * ({@link STILL_ACTIVE}). So an overlapping run's or an operator's newer state
 * is never overwritten, and no ARN is recorded for an owner marked `departed`
 * meanwhile (an overlapping run may remove that subscription, and a later run
 * would take its absence for an opt-out).
 *
 * A failed condition is false even when it met this write's own earlier
 * attempt (a lost response the SDK sent again): the operator's commands
 * that call this judge that on a fresh read and say so (recorded meanwhile:
 * cli/use-cases/resubscribe-owners.ts, unsubscribe-owners.ts). The
 * reconciler's writes ({@link recordSubscriptionStates}) are judged here.
 * @returns false when the condition failed: the owner is absent, or their address, state or ARN has changed, or
 *   (`whileActive`) they were marked `departed` (nothing written), or this write's own earlier attempt changed them
 */
export function recordSubscription(table: OwnerTable, planned: PlannedSubscriptionState): Promise<boolean> {
  return writeSubscription(table, planned, false);
}

/**
 * {@link recordSubscription}'s write; with `ownAttempts`, a failed condition that met the write's own earlier
 * attempt (the owner as it leaves them: {@link holdsSubscription}) counts as written ({@link conditionalUpdate}).
 */
function writeSubscription(
  table: OwnerTable,
  planned: PlannedSubscriptionState,
  ownAttempts: boolean,
): Promise<boolean> {
  const { userId, email, state, read } = planned;
  const parts = updateParts();
  parts.set.push('#subscription = :state');
  parts.values[':state'] = state;
  for (const [name, placeholder, value] of [
    ['#subscriptionArn', ':arn', planned.subscriptionArn],
    ['#sent', ':sent', planned.confirmationEmailsSent],
  ] as const) {
    if (value === undefined) parts.remove.push(name);
    else {
      parts.set.push(`${name} = ${placeholder}`);
      parts.values[placeholder] = value;
    }
  }
  const stillRead = stillAsRead(read);
  const { whileActive } = planned;
  const conditions = [email === undefined ? readsAsAbsent('#email') : '#email = :email', stillRead.condition];
  if (whileActive) conditions.push(STILL_ACTIVE.condition);
  return conditionalUpdate(table, userId, updateExpression(parts), {
    condition: conditions.join(' AND '),
    names: {
      '#subscription': OWNER_ATTR.subscription,
      '#subscriptionArn': OWNER_ATTR.subscriptionArn,
      '#sent': OWNER_ATTR.confirmationEmailsSent,
      '#email': OWNER_ATTR.email,
      ...(whileActive && STATUS_NAMES),
    },
    values: {
      ...parts.values,
      ...(email === undefined ? ABSENT_TEXT_VALUES : { ':email': email }),
      ...stillRead.values,
      ...(whileActive && STILL_ACTIVE.values),
    },
    ...(ownAttempts && { leaves: (item) => holdsSubscription(item, planned) }),
  });
}

/**
 * Records each owner's subscription state ({@link recordSubscription},
 * `writeConcurrency` at once). A write whose attempts may have applied and whose
 * failed condition found the owner as it leaves them (the planned state
 * and ARN at the address: its own retry after a lost response met its own
 * change) is recorded, not skipped.
 * @returns the `userId`s skipped: absent, or their address, state or ARN changed since it was read, or
 *   (`whileActive`) they were marked `departed` (nothing written)
 */
export async function recordSubscriptionStates(
  table: OwnerTable,
  states: readonly PlannedSubscriptionState[],
  writeConcurrency: number,
): Promise<readonly string[]> {
  const pool = new TaskPool(writeConcurrency);
  const skipped: string[] = [];
  for (const planned of states) {
    await pool.submit(async () => {
      if (!(await writeSubscription(table, planned, true))) skipped.push(planned.userId);
    });
  }
  await pool.drain();
  return skipped;
}

/**
 * Marks an owner's address bouncing (the relay, on an SES permanent
 * bounce; a complaint is {@link recordComplaint}): only while the
 * directory still holds that address in exactly this spelling (a
 * condition cannot ignore case: the SES events use
 * case compares normalised and passes the spelling it read,
 * `lambdas/relay/ses-events.ts`), keeping the first bounce's instant.
 * @returns false when the owner is absent or their address has changed (nothing written)
 */
export function markBouncing(
  table: OwnerTable,
  userId: string,
  email: string,
  since: string,
): Promise<boolean> {
  return conditionalUpdate(table, userId, 'SET #bouncingSince = if_not_exists(#bouncingSince, :since)', {
    condition: '#email = :email',
    names: { '#bouncingSince': OWNER_ATTR.bouncingSince, '#email': OWNER_ATTR.email },
    values: { ':since': since, ':email': email },
  });
}

/**
 * Ends an owner's bouncing by hand (`pc-hygiene owners clear-bouncing`:
 * the address is deliverable again without having changed, and SES no
 * longer suppresses it): removes `bouncingSince` with one conditional
 * `UpdateItem`, only while the owner exists, still has the address read
 * (`email`, in exactly this spelling; `undefined`: none, matched as
 * {@link readsAsAbsent} matches a damaged one) and is still bouncing since
 * the instant read (`since`). Nothing else is written (not `updatedAt`: only
 * imports write it).
 *
 * Why the condition is on the instant, not just on a bounce being recorded:
 * {@link markBouncing} keeps the first bounce's instant, so `since` changes
 * only when the bouncing ended and began again — an import that moved the
 * owner (it removes `bouncingSince`; a bounce at the new address records a
 * new one), or another clear followed by a new bounce. That new bounce is
 * about an address the operator has not vouched for, and wins. A bounce
 * reported while the owner is still bouncing since `since` records nothing
 * ({@link markBouncing}'s `if_not_exists`): it leaves the owner exactly as
 * read, as if it had come before the read, and is cleared with the rest
 * (the relay does not email a bouncing owner, so it is about an email sent
 * before they were marked). A bounce after this write marks them again. The
 * address is part of the condition because the bounce is about it: an import
 * that gave the owner another address, or only re-spelled it (which keeps
 * `bouncingSince`), changed what the operator read.
 *
 * A write whose retry meets its own removal (no `bouncingSince`, the
 * address as read) counts as cleared ({@link conditionalUpdate}).
 * @returns false when the owner is absent, or their address or `bouncingSince` has changed (nothing written)
 */
export function clearBouncing(
  table: OwnerTable,
  userId: string,
  email: string | undefined,
  since: string,
): Promise<boolean> {
  const address = textStillAsRead('#email', ':email', email);
  return conditionalUpdate(table, userId, 'REMOVE #bouncingSince', {
    condition: `${address.condition} AND #bouncingSince = :since`,
    names: { '#bouncingSince': OWNER_ATTR.bouncingSince, '#email': OWNER_ATTR.email },
    values: { ':since': since, ...address.values },
    leaves: (item) =>
      item[OWNER_ATTR.bouncingSince] === undefined && textReadsAs(item, OWNER_ATTR.email, email),
  });
}

/**
 * Records an owner `unsubscribed` on an SES complaint (the relay, route
 * `relay`: the person marked the notice as spam, their own "stop"): only
 * while the owner exists and the directory still holds that address in
 * exactly this spelling, as {@link markBouncing}. One conditional
 * `UpdateItem` that sets the state only:
 * - not `updatedAt`: only imports write it. An import that read the owner
 *   before this write and moves them away is conditional on the state it
 *   read (`asPlannedCondition`, owner-directory-upsert-request.ts), so it is refused, reads the owner
 *   again and, planning the move from `unsubscribed`, remembers the address
 *   in `optedOutAddresses`; an import that keeps the address writes only
 *   its stated fields (or, merging a line's opt-outs, is refused the same way).
 * - not `subscriptionArn`: the recorded ARN is left as it is, as the
 *   reconciler keeps it with `unsubscribed` (`unsubscribedState`) and
 *   `owners unsubscribe` without a topic does. On route `relay` the
 *   reconciler removes any owner subscription the ARN names (reason
 *   `route-relay`) and keeps an `unsubscribed` owner so, ARN and all; a
 *   subscription still live would win over the state whatever ARN is
 *   recorded, so removing it here would only lose the evidence of which
 *   subscription the owner had.
 * @returns false when the owner is absent or their address has changed (nothing written)
 */
export function recordComplaint(table: OwnerTable, userId: string, email: string): Promise<boolean> {
  const parts = unsubscribedParts();
  return conditionalUpdate(table, userId, updateExpression(parts), {
    condition: '#email = :email',
    names: { ...parts.names, '#email': OWNER_ATTR.email },
    values: { ...parts.values, ':email': email },
  });
}

/**
 * Remembers opt-outs at addresses an owner no longer holds (an SES
 * complaint about an email the relay sent to an address an import moved
 * the owner away from): adds `digests` to {@link OWNER_ATTR.optedOutAddresses}
 * with one conditional `UpdateItem` (`ADD` to the String Set, so nothing
 * else of the set or the owner is written), only while the owner exists
 * and their address is still `email` in exactly this spelling (`undefined`:
 * none, matched as {@link readsAsAbsent} matches a damaged one). An
 * import that writes the set whole meanwhile is conditional on the set as
 * stored (`asPlannedCondition`, owner-directory-upsert-request.ts), so it is refused and re-planned
 * instead of erasing the digests.
 *
 * A stored value that is not a String Set reads as absent (`digestsOf`),
 * and `ADD` of a String Set to it would fail on every retry: it is then
 * replaced by `digests`, as the import replaces it, with the same
 * condition on the owner and their address. That replacement's own change
 * fails its condition when the SDK sends it again after a lost response:
 * it then returns false, and its caller reads the owner again and writes
 * again (lambdas/relay/ses-events.ts), where the `ADD` succeeds.
 * @returns false when the owner is absent or their address has changed (nothing written)
 * @throws {RangeError} when `digests` is empty (DynamoDB holds no empty set)
 */
export async function rememberOptedOutAddresses(
  table: OwnerTable,
  userId: string,
  email: string | undefined,
  digests: readonly string[],
): Promise<boolean> {
  if (digests.length === 0)
    throw new RangeError(`owner ${JSON.stringify(userId)}: no address digests to remember`);
  const address = textStillAsRead('#email', ':email', email);
  const parts = {
    names: { '#optedOut': OWNER_ATTR.optedOutAddresses, '#email': OWNER_ATTR.email },
    values: { ':digests': new Set(digests), ':stringSet': 'SS', ...address.values },
  };
  const added = await conditionalUpdate(table, userId, 'ADD #optedOut :digests', {
    ...parts,
    condition: `${address.condition} AND (attribute_not_exists(#optedOut) OR attribute_type(#optedOut, :stringSet))`,
  });
  return (
    added ||
    conditionalUpdate(table, userId, 'SET #optedOut = :digests', {
      ...parts,
      condition: `${address.condition} AND attribute_exists(#optedOut) AND NOT attribute_type(#optedOut, :stringSet)`,
    })
  );
}
