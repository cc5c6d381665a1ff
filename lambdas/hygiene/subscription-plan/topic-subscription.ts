/**
 * A subscription of the topic as the plan reads it (docs/notifications.md, "Subscription reconciler"): its shape, and
 * the email subscription awaiting confirmation that SNS lists without its ARN.
 */
import { OWNER_SUBSCRIPTION_PROTOCOL } from '../data-contract';

/** What SNS lists instead of an ARN for a subscription awaiting confirmation: it cannot be read or unsubscribed. */
export const PENDING_CONFIRMATION_ARN = 'PendingConfirmation';

/** One subscription of the topic as the adapter read it. */
export interface TopicSubscription {
  /** The subscription ARN, or {@link PENDING_CONFIRMATION_ARN} when SNS hides it. */
  readonly arn: string;
  readonly protocol: string;
  readonly endpoint: string;
  /** The raw `FilterPolicy` JSON; absent when there is none, or it could not be read (arn-less pending). */
  readonly filterPolicy?: string;
  /** `MessageAttributes` (SNS's default when absent) or `MessageBody`. */
  readonly filterPolicyScope?: string;
  /** True until the recipient confirms (and again when SNS deactivates an email subscription). */
  readonly pending: boolean;
}

/**
 * True when `subscription` is an email subscription awaiting confirmation:
 * SNS lists it without its ARN, so its filter policy cannot be read and it
 * cannot be removed; the plan counts it as pending at its address, and never
 * lets it erase a recorded opt-out.
 */
export function isArnlessPendingEmail(subscription: TopicSubscription): boolean {
  return (
    subscription.protocol === OWNER_SUBSCRIPTION_PROTOCOL && subscription.arn === PENDING_CONFIRMATION_ARN
  );
}
