/**
 * Who should have an owner subscription (docs/notifications.md, "Subscription reconciler"): every `active` owner with
 * an email on the `sns-email` route, one per address (who keeps a shared one: {@link keeperFirst}), and the owners
 * left out as conflicts.
 */
import { collate } from '../collate';
import type { MailboxKey } from '../email-address-rules';
import { hasFilterUnsafeCharacter, type OwnerDeliveryRoute, type OwnerRecord } from '../owner-directory';
import { ownerFilterUserIds } from './filter-policy';
import type { KeyedSubscriptions } from './keyed-subscriptions';
import type { TopicSubscription } from './topic-subscription';
import type { SubscriptionConflict } from './types';

/** An owner who should have a subscription, with the address compared (its mailbox key). */
export interface WantedOwner {
  readonly owner: OwnerRecord & { readonly email: string };
  readonly address: string;
}

/**
 * The owners who should have a subscription, by `userId`, and the active
 * owners with an email left out: because another active owner with the same
 * address keeps it, or because their `userId` cannot be filtered on.
 */
export function wantedOwners(
  owners: readonly OwnerRecord[],
  byAddress: KeyedSubscriptions['byAddress'],
  route: OwnerDeliveryRoute,
  key: MailboxKey,
): { wanted: Map<string, WantedOwner>; leftOut: SubscriptionConflict[] } {
  const wanted = new Map<string, WantedOwner>();
  const leftOut: SubscriptionConflict[] = [];
  if (route !== 'sns-email') return { wanted, leftOut };
  const sharersOf = new Map<string, WantedOwner[]>();
  for (const owner of owners) {
    const email = owner.email?.trim();
    if (owner.status !== 'active' || email === undefined || email === '') continue;
    if (hasFilterUnsafeCharacter(owner.userId)) {
      leftOut.push({ userId: owner.userId, email, reason: 'unfilterable-id' });
      continue;
    }
    const address = key(email);
    const sharers = sharersOf.get(address) ?? [];
    sharers.push({ owner: { ...owner, email }, address });
    sharersOf.set(address, sharers);
  }
  for (const [address, sharers] of sharersOf) {
    const [keeper, ...others] =
      sharers.length === 1 ? sharers : keeperFirst(sharers, byAddress.get(address) ?? []);
    if (keeper === undefined) continue;
    wanted.set(keeper.owner.userId, keeper);
    for (const { owner } of others) {
      leftOut.push({
        userId: owner.userId,
        email: owner.email,
        reason: 'shared-address',
        sharedWith: keeper.owner.userId,
      });
    }
  }
  return { wanted, leftOut };
}

/**
 * Who keeps an address several active owners share: the owner a confirmed
 * owner subscription of the address already names, else a pending one, else
 * one recorded `confirmed` or `unsubscribed` (a keeper who opted out keeps the
 * address while they share it, so no other sharer's subscription undoes the
 * opt-out; the opt-out is the owner's, so once they no longer share the
 * address the remaining owner is subscribed), else the first by `userId` — so
 * a working subscription is never moved, and every run picks the same owner.
 */
function keeperFirst(
  sharers: readonly WantedOwner[],
  atAddress: readonly TopicSubscription[],
): WantedOwner[] {
  const rank = ({ owner }: WantedOwner) => {
    const naming = atAddress.filter((s) => ownerFilterUserIds(s)?.includes(owner.userId));
    if (naming.some((s) => !s.pending)) return 0;
    if (naming.length > 0) return 1;
    return owner.subscription === 'confirmed' || owner.subscription === 'unsubscribed' ? 2 : 3;
  };
  return sharers
    .map((sharer) => ({ sharer, rank: rank(sharer) }))
    .sort((a, b) => a.rank - b.rank || collate(a.sharer.owner.userId, b.sharer.owner.userId))
    .map(({ sharer }) => sharer);
}
