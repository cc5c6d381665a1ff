/**
 * The owners' subscription states after the run (docs/notifications.md, "Subscription reconciler", "States"): the
 * planned states less what was not done ({@link statesAfter}), and the conditional directory writes that record them
 * ({@link stateWrites}) with the confirmation emails counted at each address (`../subscription-confirmations.ts`).
 */
import {
  type OwnerRecord,
  type OwnerSubscriptionState,
  type PlannedSubscriptionState,
  plannedStateFor,
} from '../owner-directory';
import type { FailedOperation } from '../subscription-creations';
import { deliversEveryDeliverableDigest, type SubscriptionPlan } from '../subscription-plan';

/** True when `planned` differs from the state and ARN the directory records for the owner (absent state: `none`). */
export function changesState(owner: OwnerRecord | undefined, planned: OwnerSubscriptionState): boolean {
  return (
    (owner?.subscription ?? 'none') !== planned.state || owner?.subscriptionArn !== planned.subscriptionArn
  );
}

/**
 * The directory writes of the run's states: every owner the run read whose state, ARN or confirmation count
 * changes ({@link confirmationEmailsAfter}), each planned from the owner as read ({@link plannedStateFor}). An owner
 * the run subscribed is written even when already recorded `pending` (a subscription that expired unconfirmed,
 * subscribed again): the count of confirmation emails goes up in the same conditional write that records the state.
 * A state that names a subscription ARN for an owner read `active` is written only while they still are
 * ({@link whileStillActive}).
 * @param subscribed the owners a `Subscribe` of this run succeeded for (SNS emailed each a confirmation link)
 */
export function stateWrites(
  states: readonly OwnerSubscriptionState[],
  read: ReadonlyMap<string, OwnerRecord>,
  subscribed: ReadonlySet<string>,
): PlannedSubscriptionState[] {
  return states.flatMap((s) => {
    const owner = read.get(s.userId);
    if (owner === undefined) return [];
    const sent = confirmationEmailsAfter(owner, s, subscribed.has(s.userId));
    return changesState(owner, s) || sent !== owner.confirmationEmailsSent
      ? [whileStillActive(owner, plannedStateFor(owner, s, sent))]
      : [];
  });
}

/**
 * `planned`, made conditional on the owner still being `active`
 * ({@link PlannedSubscriptionState.whileActive}) when it records a
 * subscription ARN (`confirmed`, or `unsubscribed` with the evidence) for an
 * owner read `active`. Why: an import may mark them `departed` while the run
 * is in flight, and an overlapping run (the hourly Lambda and `owners
 * sync-subscriptions`) then removes their subscription and records `none`.
 * This run, listing the topic after that removal, takes the vanished
 * subscription for the owner's opt-out: recorded first, its `unsubscribed`
 * would make the other run's `none` fail its condition and stand for good
 * (never subscribed again once back, the admins told they opted out).
 * Listing it before, its `confirmed` would leave an ARN whose subscription is
 * gone: the next run's evidence of the same false opt-out once they are back.
 * Skipped instead, the other run's `none` stands (docs/notifications.md,
 * "Subscription reconciler"). A state without an ARN (`none`, `pending`) is written
 * whatever the status: it is no such evidence, and `pending` carries the
 * confirmation email this run sent; nor is the status a condition for an
 * owner read `departed`: their `none` must land even when an import made
 * them `active` again meanwhile, or their removed subscription's ARN would
 * stay recorded.
 */
function whileStillActive(owner: OwnerRecord, planned: PlannedSubscriptionState): PlannedSubscriptionState {
  return owner.status === 'active' && planned.subscriptionArn !== undefined
    ? { ...planned, whileActive: true }
    : planned;
}

/**
 * The confirmation emails counted for the owner's address once the state is recorded: none once `confirmed` (the
 * owner answered), one more after this run's `Subscribe` (SNS emailed a link), else as read — kept through `none`,
 * `unsubscribed`, a refused or deferred creation, so no write loses it (`subscription-confirmations.ts`).
 */
function confirmationEmailsAfter(
  owner: OwnerRecord,
  after: OwnerSubscriptionState,
  subscribed: boolean,
): number | undefined {
  if (after.state === 'confirmed') return undefined;
  const sent = owner.confirmationEmailsSent;
  return subscribed ? (sent ?? 0) + 1 : sent;
}

/**
 * The planned states, except that an owner has none whose subscription was
 * not created (refused, or left for the next run), or whose confirmed
 * subscription was not repaired and keeps a filter policy that may hold back
 * some of the digests the drain judges deliverable
 * ({@link deliversEveryDeliverableDigest}; `confirmed` means digests reach
 * the owner: docs/notifications.md, "States").
 * @param notDone the operations that failed or were deferred
 */
export function statesAfter(
  plan: SubscriptionPlan,
  notDone: readonly FailedOperation['operation'][],
): OwnerSubscriptionState[] {
  const notCreated = new Set<string>();
  const notRepaired = new Set<string>();
  for (const operation of notDone) {
    if (operation.kind === 'create') notCreated.add(operation.userId);
    if (
      operation.kind === 'repair' &&
      !deliversEveryDeliverableDigest(operation.previous, operation.userId)
    ) {
      notRepaired.add(operation.userId);
    }
  }
  return plan.states.map((s) =>
    notCreated.has(s.userId) || (s.state === 'confirmed' && notRepaired.has(s.userId))
      ? { userId: s.userId, state: 'none' }
      : s,
  );
}
