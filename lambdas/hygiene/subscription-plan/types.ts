/**
 * The shapes of a plan (docs/notifications.md, "Subscription reconciler"): its operations and why a subscription is
 * removed, the owners it cannot subscribe or does not subscribe again, the filter-policy count, and the plan itself.
 */
import type { hasFilterUnsafeCharacter, OwnerRecord, OwnerSubscriptionState } from '../owner-directory';
import type { UnsubscribeGuardVerdict } from '../subscription-opt-out';

/** Why an owner subscription is removed. */
export type RemovalReason =
  | 'departed'
  | 'not-in-directory'
  | 'no-email'
  | 'address-changed'
  | 'duplicate'
  | 'shared-address'
  | 'unfilterable-id'
  | 'route-relay';

/** One change to the topic's subscriptions. */
export type SubscriptionOperation =
  | {
      readonly kind: 'create';
      readonly userId: string;
      readonly email: string;
      readonly filterPolicy: string;
    }
  | {
      readonly kind: 'repair';
      readonly userId: string;
      readonly subscriptionArn: string;
      readonly filterPolicy: string;
      /** The filter policy found. */
      readonly previous: string;
    }
  | {
      readonly kind: 'remove';
      readonly subscriptionArn: string;
      readonly endpoint: string;
      /** The owner the subscription was for (the first `userId` of its filter policy). */
      readonly userId: string;
      readonly reason: RemovalReason;
    };

/**
 * An active owner the reconciler cannot subscribe: SNS allows one
 * subscription per topic, protocol and address, and the address already has a
 * non-owner email subscription, or another active owner has the same address
 * (and keeps it); or the owner's `userId` holds a character an SNS filter
 * policy cannot be trusted to match ({@link hasFilterUnsafeCharacter}). The
 * owner's state is `none` (or stays `unsubscribed`): their events go to the admins.
 */
export interface SubscriptionConflict {
  readonly userId: string;
  readonly email: string;
  readonly reason: 'non-owner-subscription' | 'shared-address' | 'unfilterable-id';
  /** The non-owner email subscription of the address (reason `non-owner-subscription`). */
  readonly subscriptionArn?: string;
  /** The owner who keeps the address (reason `shared-address`). */
  readonly sharedWith?: string;
}

/**
 * An owner the plan does not subscribe again although they have no
 * subscription: the reconciler already sent `MAX_CONFIRMATION_EMAILS`
 * confirmation emails to their address and none was confirmed
 * (`subscription-confirmations.ts`). Recorded `none` with the count kept:
 * unreachable, `subscription-unconfirmed`, until the address changes or an
 * operator runs `pc-hygiene owners resubscribe` (docs/notifications.md,
 * "Pending subscriptions").
 */
export interface ExhaustedConfirmations {
  readonly userId: string;
  readonly email: string;
  /** The confirmation emails counted for the address ({@link OwnerRecord.confirmationEmailsSent}). */
  readonly confirmationEmailsSent: number;
}

/** Filter policies on the topic now and after the plan (what SNS's per-topic quota counts: subscription-quota.ts). */
export interface FilterPolicyCount {
  readonly current: number;
  readonly planned: number;
}

/** What the reconciler will do. */
export interface SubscriptionPlan {
  /** Removals first (they free quota), then repairs, then creations. */
  readonly operations: readonly SubscriptionOperation[];
  /**
   * Every directory owner's state once the plan is applied (created
   * subscriptions are `pending`; `confirmed` with the kept subscription's ARN;
   * an owner recorded `unsubscribed` keeps it, and its ARN, unless a
   * subscription of theirs is matched at their address).
   */
  readonly states: readonly OwnerSubscriptionState[];
  /** The mass-unsubscribe guard's verdict (held-back owners are `none`, without an ARN, in {@link states}). */
  readonly unsubscribeGuard: UnsubscribeGuardVerdict;
  readonly conflicts: readonly SubscriptionConflict[];
  /** Owners not subscribed again: their confirmation emails reached the limit unanswered, by `userId`. */
  readonly confirmationsExhausted: readonly ExhaustedConfirmations[];
  /** Subscriptions left alone: admin, machine, or unrecognisable (including arn-less pending ones of no owner). */
  readonly untouched: number;
  readonly filterPolicies: FilterPolicyCount;
}
