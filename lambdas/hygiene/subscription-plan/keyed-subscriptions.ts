/**
 * The topic's subscriptions keyed by address (their mailbox key, docs/notifications.md, "Subscription reconciler"):
 * each keyed once, for the plan's many look-ups.
 */
import type { MailboxKey } from '../email-address-rules';
import type { TopicSubscription } from './topic-subscription';

/** A subscription of the topic with its address (its mailbox key). */
export interface KeyedSubscription {
  readonly subscription: TopicSubscription;
  readonly address: string;
}

/**
 * The topic's subscriptions, each keyed once: the key may be costly (the
 * Lambda's and the CLI's read Punycode), and the plan looks addresses up often.
 */
export interface KeyedSubscriptions {
  /** Every subscription with its address, in listing order. */
  readonly all: readonly KeyedSubscription[];
  /** The subscriptions at each address, in listing order. */
  readonly byAddress: ReadonlyMap<string, readonly TopicSubscription[]>;
}

/** Keys every subscription of the topic by its endpoint's mailbox, in listing order, and groups them by address. */
export function keySubscriptions(
  subscriptions: readonly TopicSubscription[],
  key: MailboxKey,
): KeyedSubscriptions {
  const all = subscriptions.map((subscription) => ({ subscription, address: key(subscription.endpoint) }));
  const byAddress = new Map<string, TopicSubscription[]>();
  for (const { subscription, address } of all) {
    const atAddress = byAddress.get(address);
    if (atAddress === undefined) byAddress.set(address, [subscription]);
    else atAddress.push(subscription);
  }
  return { all, byAddress };
}
