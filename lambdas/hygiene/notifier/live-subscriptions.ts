/**
 * The `sns-email` drain's live subscription check (docs/notifications.md,
 * "Owner reach"). The directory's `confirmed` is what the reconciler saw at
 * its last run (hourly); the drain runs every 15 minutes. In between an owner
 * may click the unsubscribe link, the topic may be deleted and re-created, or
 * the recorded ARN may belong to another topic (a directory kept across a
 * redeploy): SNS would accept their digest and deliver it to nobody. So the
 * drain lists the topic's subscriptions once, before it publishes anything,
 * and an owner recorded `confirmed` stays reachable only while a confirmed
 * subscription of theirs is listed on this topic. Nothing is written: the
 * reconciler records the change on its next run. An owner with no recorded
 * ARN is matched by address, as a mailbox by the rule the caller injects
 * (`NotifierDeps.mailboxKey`: the handler and the CLI give the relay's
 * Punycode-aware `mailboxKey`, the rule the reconciler matches by; reading
 * Punycode needs `node:url`, which the domain does not import). Pure: the
 * listing comes through a port.
 */
import { OWNER_SUBSCRIPTION_PROTOCOL } from '../data-contract';
import { type MailboxKey, normalizeEmail } from '../email-address-rules';
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
  /** Mailboxes (their {@link mailboxKey}) of the confirmed `email` subscriptions of this topic. */
  readonly addresses: ReadonlySet<string>;
  /** The rule {@link addresses} were keyed by, and an owner's address is looked up by. */
  readonly mailboxKey: MailboxKey;
}

/**
 * Indexes a topic's listing: only confirmed subscriptions of `topicArn` count.
 * @param mailboxKey how addresses are told apart ({@link MailboxKey}); default `normalizeEmail` (trimmed,
 *   case-insensitive, NFC). Callers outside the domain pass the relay's `mailboxKey`
 *   (`lambdas/relay/ses-address.ts`), so `bob@bücher.example` and `bob@xn--bcher-kva.example` are one mailbox.
 */
export function liveSubscriptionsOf(
  topicArn: string,
  listed: readonly TopicSubscription[],
  mailboxKey: MailboxKey = normalizeEmail,
): LiveSubscriptions {
  const arns = new Set<string>();
  const addresses = new Set<string>();
  for (const subscription of listed) {
    if (subscription.pending || !isOnTopic(subscription.arn, topicArn)) continue;
    arns.add(subscription.arn);
    if (subscription.protocol === OWNER_SUBSCRIPTION_PROTOCOL)
      addresses.add(mailboxKey(subscription.endpoint));
  }
  return { topicArn, arns, addresses, mailboxKey };
}

/**
 * Whether `owner` has a confirmed subscription listed on the topic: their
 * recorded `subscriptionArn`, when they have one (an ARN of another topic
 * never counts); else (a record older than recorded ARNs) a confirmed `email`
 * subscription at their mailbox (by `live.mailboxKey`: any spelling of it).
 */
export function isSubscribedLive(owner: OwnerRecord, live: LiveSubscriptions): boolean {
  const recorded = owner.subscriptionArn;
  if (recorded !== undefined && recorded !== '')
    return isOnTopic(recorded, live.topicArn) && live.arns.has(recorded);
  return owner.email !== undefined && live.addresses.has(live.mailboxKey(owner.email));
}

/**
 * {@link reachabilityOf}, with the live check: on `sns-email`, an owner the
 * directory judges reachable (recorded `confirmed`) whose subscription is not
 * listed is unreachable with the reason `no-subscription` (their recorded
 * subscription is no longer on the topic). Without a listing (`live`
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
 * @param options.mailboxKey how addresses are told apart ({@link liveSubscriptionsOf}'s)
 * @param options.remainingMs the drain's time budget: no page of the listing starts once it is spent
 * @throws {SubscriptionListingError} when the listing fails (throttled past the SDK's retries, access denied) or
 *   stops at the time budget (`TopicListingStoppedError`, subscription-ports.ts)
 */
export async function listLiveSubscriptions(
  topic: TopicSubscriptionListing,
  pendingItems: number,
  options: TopicListingBudget & { readonly mailboxKey?: MailboxKey } = {},
): Promise<LiveSubscriptions> {
  let listed: readonly TopicSubscription[];
  try {
    listed = await topic.listUnread(options);
  } catch (error: unknown) {
    throw new SubscriptionListingError(topic.topicArn, pendingItems, error);
  }
  return liveSubscriptionsOf(topic.topicArn, listed, options.mailboxKey);
}

/** True when `arn` names a subscription of `topicArn` (`<topicArn>:<id>`). */
function isOnTopic(arn: string, topicArn: string): boolean {
  return arn.startsWith(`${topicArn}:`);
}
