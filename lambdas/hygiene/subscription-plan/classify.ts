/**
 * The topic's subscriptions sorted by what the plan does with them (docs/notifications.md, "Subscription
 * reconciler"): owner subscriptions matched to a wanted owner at their address, stray ones to remove, and the
 * unrecognised ones left alone (noting the addresses they hold).
 */
import { OWNER_SUBSCRIPTION_PROTOCOL } from '../data-contract';
import { ownerFilterUserIds } from './filter-policy';
import type { KeyedSubscription } from './keyed-subscriptions';
import { isArnlessPendingEmail, type TopicSubscription } from './topic-subscription';
import type { WantedOwner } from './wanted-owners';

/** The topic's subscriptions sorted by what the plan does with them. */
export interface Classified {
  /** Recognised owner subscriptions that match a wanted owner and address, per owner. */
  readonly matched: Map<string, TopicSubscription[]>;
  /** Recognised owner subscriptions that match no wanted owner. */
  readonly stray: { readonly subscription: TopicSubscription; readonly userIds: readonly string[] }[];
  /** Addresses with an arn-less pending email subscription (filter unknown; it expires by itself). */
  readonly pendingAddresses: Set<string>;
  /** Other email subscriptions by address: SNS refuses a second subscription of the same address. */
  readonly otherEmail: Map<string, TopicSubscription>;
  untouched: number;
}

/**
 * Sorts the topic's subscriptions ({@link Classified}): an owner subscription matches the wanted owner its filter
 * names at the address it is for; one that matches none is stray; any other is untouched.
 */
export function classify(
  subscriptions: readonly KeyedSubscription[],
  wanted: Map<string, WantedOwner>,
): Classified {
  const out: Classified = {
    matched: new Map(),
    stray: [],
    pendingAddresses: new Set(),
    otherEmail: new Map(),
    untouched: 0,
  };
  for (const { subscription, address } of subscriptions) {
    const userIds = ownerFilterUserIds(subscription);
    if (userIds === undefined) {
      noteUnrecognised(out, subscription, address);
      continue;
    }
    const owner = userIds.find((id) => wanted.get(id)?.address === address);
    if (owner === undefined) out.stray.push({ subscription, userIds });
    else out.matched.set(owner, [...(out.matched.get(owner) ?? []), subscription]);
  }
  return out;
}

function noteUnrecognised(out: Classified, subscription: TopicSubscription, address: string): void {
  out.untouched += 1;
  if (subscription.protocol !== OWNER_SUBSCRIPTION_PROTOCOL) return;
  if (isArnlessPendingEmail(subscription)) out.pendingAddresses.add(address);
  else if (!out.otherEmail.has(address)) out.otherEmail.set(address, subscription);
}
