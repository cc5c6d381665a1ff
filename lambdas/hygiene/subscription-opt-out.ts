/**
 * When the subscription reconciler may take a vanished subscription for an
 * owner's opt-out, and the guard against taking a mass of them at once
 * (docs/notifications.md, "Subscription reconciler", "Unsubscribed by the link").
 *
 * Why evidence about the topic: the directory can outlive the topic (a
 * retained table, a redeployed stack, `owners sync-subscriptions --topic-arn`
 * with another topic), and on another topic every owner recorded `confirmed`
 * has no subscription. So an opt-out is inferred only from the ARN the
 * reconciler recorded with `confirmed`: it names its topic, and only its
 * absence from that same topic's listing is an opt-out. A topic deleted and
 * re-created under the same name keeps its ARN but loses every subscription:
 * the guard does not take such a mass of "opt-outs": it records those owners
 * `none` (unreachable until subscribed again), and the next run subscribes them.
 * Pure: no AWS imports, no clock, no I/O.
 */
import { collate } from './collate';
import { exceedsPercent } from './guard';
import type { OwnerRecord, OwnerSubscriptionState } from './owner-directory';

/**
 * The mass-unsubscribe guard's limits: a run that would newly record more
 * than `percent` % of the owners recorded `confirmed`, and at least
 * `minOwners` of them, as `unsubscribed` records none of them (compared as
 * `maxDeletePercent` is: {@link exceedsPercent}); so does a run that would
 * record every one of them, when they are at least `everyOfAtLeast` (a small
 * directory's topic re-created: every subscription gone at once).
 */
export const MASS_UNSUBSCRIBE_LIMIT = { percent: 10, minOwners: 5, everyOfAtLeast: 2 } as const;

/** The guard's verdict on one run. */
export interface UnsubscribeGuardVerdict {
  /** The run's new opt-outs passed the limits ({@link MASS_UNSUBSCRIBE_LIMIT}). */
  readonly tripped: boolean;
  /** Tripped, but the operator accepted the opt-outs for this run (`--allow-mass-unsubscribe`). */
  readonly overridden: boolean;
  /** Owners recorded `confirmed` whose opt-out the run inferred, by `userId`; held back (recorded `none`) when tripped and not overridden. */
  readonly newlyUnsubscribed: readonly string[];
  /** Owners recorded `confirmed` when the run read the directory: the base of the share. */
  readonly confirmedBefore: number;
}

/** True when `subscriptionArn` is a subscription of `topicArn` (`<topic ARN>:<subscription id>`). */
export function isSubscriptionOf(subscriptionArn: string, topicArn: string): boolean {
  return subscriptionArn.startsWith(`${topicArn}:`);
}

/**
 * True when a wanted owner with no subscription at their address has opted
 * out: recorded `unsubscribed` already, or recorded `confirmed` with the ARN
 * of a subscription of this topic that the topic no longer lists (SNS
 * deleted it: the owner's unsubscribe link, or the console). A `confirmed`
 * without an ARN (recorded before ARNs were) or with another topic's ARN is
 * no evidence about this topic, and a vanished `pending` one expired
 * unconfirmed: none of these is an opt-out.
 * @param listedArns the ARNs the topic lists now (a `Deleted` listing is left out: gone)
 */
export function hasOptedOut(owner: OwnerRecord, topicArn: string, listedArns: ReadonlySet<string>): boolean {
  if (owner.subscription === 'unsubscribed') return true;
  const arn = owner.subscriptionArn;
  return (
    owner.subscription === 'confirmed' &&
    arn !== undefined &&
    isSubscriptionOf(arn, topicArn) &&
    !listedArns.has(arn)
  );
}

/** The `unsubscribed` state of an owner, keeping the ARN of the subscription they deleted (the evidence). */
export function unsubscribedState(owner: OwnerRecord): Omit<OwnerSubscriptionState, 'userId'> {
  return {
    state: 'unsubscribed',
    ...(owner.subscriptionArn !== undefined && { subscriptionArn: owner.subscriptionArn }),
  };
}

/**
 * Applies the mass-unsubscribe guard to a plan's states: when the owners
 * newly planned `unsubscribed` (recorded `confirmed`) pass
 * {@link MASS_UNSUBSCRIBE_LIMIT}, none of them is recorded `unsubscribed`:
 * each is recorded `none` (no subscription on the topic: unreachable, so their
 * events go to the admins, never to a subscription that is gone) and nothing
 * is created for them this run; the next run subscribes them again, which is
 * the recovery a re-created topic needs. The verdict names them.
 * `allowMassUnsubscribe` records them `unsubscribed` anyway (the verdict says so).
 */
export function guardMassUnsubscribe(
  owners: readonly OwnerRecord[],
  states: readonly OwnerSubscriptionState[],
  allowMassUnsubscribe = false,
): { readonly states: readonly OwnerSubscriptionState[]; readonly verdict: UnsubscribeGuardVerdict } {
  const wasConfirmed = new Set(owners.filter((o) => o.subscription === 'confirmed').map((o) => o.userId));
  const newlyUnsubscribed = states
    .filter((s) => s.state === 'unsubscribed' && wasConfirmed.has(s.userId))
    .map((s) => s.userId)
    .sort(collate);
  const confirmedBefore = wasConfirmed.size;
  const count = newlyUnsubscribed.length;
  const { minOwners, percent, everyOfAtLeast } = MASS_UNSUBSCRIBE_LIMIT;
  const tripped =
    (count >= minOwners && exceedsPercent(count, confirmedBefore, percent)) ||
    (count >= everyOfAtLeast && count === confirmedBefore);
  const verdict = {
    tripped,
    overridden: tripped && allowMassUnsubscribe,
    newlyUnsubscribed,
    confirmedBefore,
  };
  if (!tripped || allowMassUnsubscribe) return { states, verdict };
  const held = new Set(newlyUnsubscribed);
  return {
    states: states.map((s) => (held.has(s.userId) ? { userId: s.userId, state: 'none' } : s)),
    verdict,
  };
}
