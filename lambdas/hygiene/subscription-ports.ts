/**
 * The subscription reconciler's ports (docs/notifications.md, "Subscription
 * reconciler"): the topic's subscriptions as the reconciler reads and changes
 * them, and the owner directory it records states in. Their own module so the
 * reconciler (`subscription-reconciler.ts`), its creation checks
 * (`subscription-creations.ts`), `owners unsubscribe` and the SNS adapter
 * share them without importing one another; with them, the time budget's
 * check before each SNS call (a listing's pages and reads included), and the
 * error of a listing it stopped. No AWS imports here.
 */

import type { MailboxKey } from './email-address-rules';
import type { OwnerSubscriptionRegistry } from './owner-directory';
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
   * @throws {TopicListingStoppedError} when {@link TopicListingBudget.remainingMs} ran out before every page was
   *   listed and every subscription read
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
   * gone (`Deleted`: unsubscribed by its link) is left out. With
   * `budget.remainingMs` (the notifier's drain budget, the sweep's alarm topic
   * check's time), no page starts once it is spent ({@link budgetSpentCheck}).
   * @throws {TopicListingStoppedError} when the budget ran out before every page was listed (`listingFinished`
   *   false): part of a topic is never returned as the whole
   */
  listUnread(budget?: TopicListingBudget): Promise<readonly TopicSubscription[]>;
}

/**
 * The time budget of a listing of the topic ({@link TopicSubscriptionListing.listUnread}, and
 * {@link TopicSubscriptions.list} through {@link TopicListOptions}).
 */
export interface TopicListingBudget {
  /**
   * The time left in the caller's budget (ms: the reconciler's `ReconcilerDeps.remainingMs`, the notifier's drain
   * budget, the sweep's alarm topic check's time), read before each page of the listing (SNS:
   * `ListSubscriptionsByTopic`, 100 subscriptions a page) and, in `list`, before each subscription's attribute read
   * (SNS: `GetSubscriptionAttributes`). Once it reads 0 or less ({@link budgetSpentCheck}) no page and no read
   * starts: the reads in flight end, and the listing throws {@link TopicListingStoppedError} instead of returning
   * part of the topic. Absent: no deadline.
   */
  readonly remainingMs?: () => number;
}

/** Which subscriptions {@link TopicSubscriptions.list} reads. */
export interface TopicListOptions extends TopicListingBudget {
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
}

/** How far {@link TopicSubscriptions.list} got before its time budget ran out ({@link TopicListingStoppedError}). */
export interface TopicListingProgress {
  /**
   * Subscriptions the listing's pages named for reading (kept by {@link TopicListOptions.atAddresses}): the whole
   * topic only when {@link listingFinished}; else those of the pages listed before the budget ran out.
   */
  readonly listed: number;
  /** Whether every page was listed: false when the budget ran out between two pages (nothing was read then). */
  readonly listingFinished: boolean;
  /** Subscriptions read (their attributes, or none needed) before the budget ran out; 0 when the listing stopped. */
  readonly read: number;
}

/**
 * The time budget ran out while {@link TopicSubscriptions.list} listed the topic's subscriptions (between two pages:
 * {@link TopicListingProgress.listingFinished} false) or read them ({@link TopicListingProgress.read} of the
 * {@link TopicListingProgress.listed} it listed), and it returns none of them. A partial listing is never planned
 * from (each owner whose subscription was not listed or read would pass for one without any: subscribed again, or a
 * confirmed one recorded `unsubscribed`), so the reconciler stops before its plan, having changed nothing
 * (docs/notifications.md, "Subscription reconciler", "Time budget").
 */
export class TopicListingStoppedError extends Error implements TopicListingProgress {
  override readonly name = 'TopicListingStoppedError';
  readonly listed: number;
  readonly listingFinished: boolean;
  readonly read: number;
  constructor(progress: TopicListingProgress) {
    super(
      `The time budget ran out before the topic's subscriptions were listed and read: ${listingProgressText(progress)}`,
    );
    this.listed = progress.listed;
    this.listingFinished = progress.listingFinished;
    this.read = progress.read;
  }

  /** How far the listing got, as a plain record (for a log line's fields or a handler's result). */
  get progress(): TopicListingProgress {
    return { listed: this.listed, listingFinished: this.listingFinished, read: this.read };
  }
}

/**
 * How far a stopped listing got, in words: "R of N subscriptions read" once every page was listed, else "N
 * subscriptions listed, the listing did not finish (none read)". The one wording of the error and the reconciler
 * Lambda's warning.
 */
export function listingProgressText({ listed, listingFinished, read }: TopicListingProgress): string {
  return listingFinished
    ? `${read} of ${listed} subscriptions read`
    : `${listed} subscriptions listed, the listing did not finish (none read)`;
}

/**
 * The check of a time budget before each SNS call it bounds: true from the first time `remainingMs` reads 0 or
 * less, and from then on (once spent, no later call starts); never true without a budget. The reconciler's
 * operations and the topic's listing, its pages and attribute reads ({@link TopicListingBudget.remainingMs}), all
 * stop by it.
 */
export function budgetSpentCheck(remainingMs?: () => number): () => boolean {
  let spent = false;
  return () => {
    spent ||= remainingMs !== undefined && remainingMs() <= 0;
    return spent;
  };
}

/** The reconciler's ports, and its time budget. */
export interface ReconcilerDeps {
  readonly topic: TopicSubscriptions;
  readonly directory: OwnerSubscriptionRegistry;
  /**
   * The time left in the run's budget (ms; the Lambda: its remaining time less a safety margin,
   * `lambdas/handlers/remaining-budget.ts`), as the sweep's and the notifier's deps carry theirs. The listing reads
   * it before each page and attribute read ({@link TopicListingBudget.remainingMs}): once spent, the run stops before
   * its plan, having planned and changed nothing ({@link TopicListingStoppedError}). Then it is read before each
   * removal, repair and creation the run would start: once spent, no such call starts, and those operations are
   * left for the next run (`ReconcileSummary.deferred`, `subscription-reconciler.ts`). Absent: no deadline
   * (`owners sync-subscriptions` runs to the end).
   */
  readonly remainingMs?: () => number;
}
