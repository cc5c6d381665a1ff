/**
 * The subscription reconciler's ports (docs/notifications.md, "Subscription
 * reconciler"): the topic's subscriptions as the reconciler reads and changes
 * them, and the owner directory it records states in. Their own module so the
 * reconciler (`subscription-reconciler.ts`), its creation checks
 * (`subscription-creations.ts`), `owners unsubscribe` and the SNS adapter
 * share them without importing one another; with them, the time budget's
 * check before each SNS call, and the error of a listing it stopped. No AWS
 * imports here.
 */
import type { MailboxKey, OwnerSubscriptionRegistry } from './owner-directory';
import type { TopicSubscription } from './subscription-plan';

/** The topic's subscriptions, as the reconciler reads and changes them (adapter: `lambdas/aws/`). */
export interface TopicSubscriptions {
  /** The topic's ARN: the prefix of its subscriptions' ARNs (an opt-out is inferred only on this topic). */
  readonly topicArn: string;
  /**
   * The topic's subscriptions, with the filter policy and pending state of
   * email subscriptions: every one (the reconciler), or with
   * {@link TopicListOptions.atAddresses} only the owner email subscriptions at
   * those addresses (`owners unsubscribe`), the others dropped unread.
   * @throws {TopicListingStoppedError} when {@link TopicListOptions.remainingMs} ran out before every one was read
   */
  list(options?: TopicListOptions): Promise<readonly TopicSubscription[]>;
  /** Subscribes `email` with `filterPolicy` (on message attributes); resolves to the new subscription's ARN. */
  create(email: string, filterPolicy: string): Promise<string>;
  /** Replaces a subscription's filter policy. */
  setFilterPolicy(subscriptionArn: string, filterPolicy: string): Promise<void>;
  /** Unsubscribes; resolves when the subscription is gone, also when it was already gone. */
  remove(subscriptionArn: string): Promise<void>;
}

/**
 * The topic's subscriptions as `ListSubscriptionsByTopic` lists them, none
 * read further: what the `sns-email` drain checks owners recorded `confirmed`
 * against (docs/notifications.md, "Owner reach"). Narrower than
 * {@link TopicSubscriptions} on purpose: the notifier may list the topic
 * (`sns:ListSubscriptionsByTopic` on it), and nothing else; no
 * `GetSubscriptionAttributes`, which IAM grants on `"*"` only.
 */
export interface TopicSubscriptionListing {
  /** The topic's ARN: the prefix of its subscriptions' ARNs. */
  readonly topicArn: string;
  /**
   * Every subscription the topic lists (every page), without filter
   * policies: `pending` as the listing shows it (SNS lists a subscription
   * awaiting confirmation with the ARN `PendingConfirmation`); one listed as
   * gone (`Deleted`: unsubscribed by its link) is left out.
   */
  listUnread(): Promise<readonly TopicSubscription[]>;
}

/** Which subscriptions {@link TopicSubscriptions.list} reads. */
export interface TopicListOptions {
  /**
   * Only the subscriptions of protocol `email` (`OWNER_SUBSCRIPTION_PROTOCOL`)
   * whose endpoint is one of these addresses' mailboxes, both sides compared
   * by {@link mailboxKey}: the subscriptions the plan could match to owners
   * at these addresses, pending ones (listed without an ARN) included. The
   * others are left out before any is read (SNS: no
   * `GetSubscriptionAttributes` for them). Absent: every subscription.
   */
  readonly atAddresses?: ReadonlySet<string>;
  /**
   * How {@link atAddresses} are told apart ({@link MailboxKey}; default
   * `normalizeEmail`: trimmed, case-insensitive, NFC). Give the rule the
   * reconciler's plan is given (`owners unsubscribe` passes the relay's
   * Punycode-aware `mailboxKey`, lambdas/relay/ses-address.ts), so every
   * subscription the plan would match is listed: `bob@bücher.example` is
   * found for `bob@xn--bcher-kva.example`.
   */
  readonly mailboxKey?: MailboxKey;
  /**
   * The time left in the caller's budget (ms; the reconciler's `ReconcileOptions.remainingMs`), read before each
   * subscription's attribute read (SNS: `GetSubscriptionAttributes`). Once it reads 0 or less
   * ({@link budgetSpentCheck}) no read starts: the reads in flight end, and `list` throws
   * {@link TopicListingStoppedError} instead of returning part of the topic. Absent: no deadline.
   */
  readonly remainingMs?: () => number;
}

/**
 * The time budget ran out while {@link TopicSubscriptions.list} read the topic's subscriptions: it read
 * {@link TopicListingStoppedError.read} of the {@link TopicListingStoppedError.listed} it listed, and returns none
 * of them. A partial listing is never planned from (each owner whose subscription was not read would pass for one
 * without any: subscribed again, or a confirmed one recorded `unsubscribed`), so the reconciler stops before its
 * plan, having changed nothing (docs/notifications.md, "Subscription reconciler", "Time budget").
 */
export class TopicListingStoppedError extends Error {
  override readonly name = 'TopicListingStoppedError';
  constructor(
    /** Subscriptions read (their attributes, or none needed) before the budget ran out. */
    readonly read: number,
    /** Subscriptions the listing's pages named for reading. */
    readonly listed: number,
  ) {
    super(
      `The time budget ran out while reading the topic's subscriptions: ${read} of ${listed} read. ` +
        'A partial listing is never planned from: nothing was planned or changed.',
    );
  }
}

/**
 * The check of a time budget before each SNS call it bounds: true from the first time `remainingMs` reads 0 or
 * less, and from then on (once spent, no later call starts); never true without a budget. The reconciler's
 * operations and the topic's attribute reads ({@link TopicListOptions.remainingMs}) both stop by it.
 */
export function budgetSpentCheck(remainingMs?: () => number): () => boolean {
  let spent = false;
  return () => {
    spent ||= remainingMs !== undefined && remainingMs() <= 0;
    return spent;
  };
}

/** The reconciler's ports. */
export interface ReconcilerDeps {
  readonly topic: TopicSubscriptions;
  readonly directory: OwnerSubscriptionRegistry;
}
