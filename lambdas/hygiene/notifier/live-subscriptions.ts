/**
 * The `sns-email` drain's live subscription check (docs/notifications.md,
 * "Owner reach"). The directory's `confirmed` is what the reconciler saw at
 * its last run (hourly); the drain runs every 15 minutes. In between an owner
 * may click the unsubscribe link, the topic may be deleted and re-created, or
 * the recorded ARN may belong to another topic (a directory kept across a
 * redeploy): SNS would accept their digest and deliver it to nobody. So the
 * drain lists the topic's subscriptions once, before it publishes anything,
 * and an owner recorded `confirmed` stays reachable only while their recorded
 * subscription is listed confirmed on this topic. An owner recorded
 * `confirmed` without an ARN (a record older than recorded ARNs) is not
 * matched by address: the listing carries no filter policies, and a confirmed
 * subscription at their address may be the admins' or another owner's, whose
 * filter never admits their digest. Such an owner is `no-subscription` until
 * the reconciler's next run records their ARN. Nothing is written: the
 * reconciler records every change on its next run. Pure: the listing comes
 * through a port.
 */
import { describeError } from '../errors';
import {
  type OwnerDeliveryRoute,
  type OwnerRecord,
  type Reachability,
  reachabilityOf,
  type SendableAddress,
} from '../owner-directory';
import type { TopicSubscription } from '../subscription-plan';
import type { TopicListingBudget, TopicSubscriptionListing } from '../subscription-ports';

/** The confirmed subscriptions a drain found on its topic, indexed for the owner check. */
export interface LiveSubscriptions {
  readonly topicArn: string;
  /** ARNs of the confirmed subscriptions of this topic (they start with `<topicArn>:`). */
  readonly arns: ReadonlySet<string>;
}

/** Indexes a topic's listing: only confirmed subscriptions of `topicArn` count. */
export function liveSubscriptionsOf(
  topicArn: string,
  listed: readonly TopicSubscription[],
): LiveSubscriptions {
  const arns = new Set<string>();
  for (const subscription of listed) {
    if (!subscription.pending && isOnTopic(subscription.arn, topicArn)) arns.add(subscription.arn);
  }
  return { topicArn, arns };
}

/**
 * Whether `owner`'s recorded subscription is listed confirmed on the topic:
 * their recorded `subscriptionArn` names this topic and is listed. Without a
 * recorded ARN (a record older than recorded ARNs): false, whatever is listed
 * at their address (it may be the admins' or another owner's subscription,
 * and the listing has no filter policies to tell).
 */
export function isSubscribedLive(owner: OwnerRecord, live: LiveSubscriptions): boolean {
  const recorded = owner.subscriptionArn;
  return recorded !== undefined && isOnTopic(recorded, live.topicArn) && live.arns.has(recorded);
}

/**
 * {@link reachabilityOf}, with the live check: on `sns-email`, an owner the
 * directory judges reachable (recorded `confirmed`) whose recorded
 * subscription is not listed ({@link isSubscribedLive}: no longer on the
 * topic, or no ARN recorded) is unreachable with the reason `no-subscription`. Without a listing (`live`
 * undefined): the recorded states, as `reachabilityOf`.
 * @param sendable whether SES can send to an address (`relay`; `reachabilityOf`'s)
 */
export function liveReachabilityOf(
  owner: OwnerRecord | undefined,
  route: OwnerDeliveryRoute,
  live: LiveSubscriptions | undefined,
  sendable?: SendableAddress,
): Reachability {
  const recorded = reachabilityOf(owner, route, sendable);
  if (!recorded.reachable || route !== 'sns-email' || live === undefined || owner === undefined)
    return recorded;
  return isSubscribedLive(owner, live) ? recorded : { reachable: false, reason: 'no-subscription' };
}

/** Listing the topic's subscriptions failed: the drain stops before it publishes anything. */
export class SubscriptionListingError extends Error {
  override readonly name = 'SubscriptionListingError';
  constructor(
    readonly topicArn: string,
    readonly pendingItems: number,
    cause: unknown,
  ) {
    const { code, message } = describeError(cause);
    super(
      `listing the subscriptions of ${topicArn} failed (${code}: ${message}), so owners recorded confirmed ` +
        `cannot be checked: nothing was published, the ${pendingItems} pending item(s) stay pending for the next drain`,
      { cause },
    );
  }
}

/**
 * Lists `topic` once and indexes it.
 * @param pendingItems the drain's pending items, named in the error
 * @param options.remainingMs the drain's time budget: no page of the listing starts once it is spent
 * @throws {SubscriptionListingError} when the listing fails (throttled past the SDK's retries, access denied) or
 *   stops at the time budget (`TopicListingStoppedError`, subscription-ports.ts)
 */
export async function listLiveSubscriptions(
  topic: TopicSubscriptionListing,
  pendingItems: number,
  options: TopicListingBudget = {},
): Promise<LiveSubscriptions> {
  let listed: readonly TopicSubscription[];
  try {
    listed = await topic.listUnread(options);
  } catch (error: unknown) {
    throw new SubscriptionListingError(topic.topicArn, pendingItems, error);
  }
  return liveSubscriptionsOf(topic.topicArn, listed);
}

/** True when `arn` names a subscription of `topicArn` (`<topicArn>:<id>`). */
function isOnTopic(arn: string, topicArn: string): boolean {
  return arn.startsWith(`${topicArn}:`);
}
