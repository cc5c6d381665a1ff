/**
 * The subscription reconciler's SNS adapter (docs/notifications.md,
 * "Subscription reconciler"): lists the topic's subscriptions page by page
 * (`ListSubscriptionsByTopic`, `NextToken`), reads each one's filter policy
 * and confirmation state (`GetSubscriptionAttributes`), and subscribes,
 * repairs and unsubscribes owner email subscriptions. Asked for the
 * subscriptions at some addresses (`owners unsubscribe`, with the mailbox
 * rule it is given: a domain in Punycode or Unicode is one mailbox), it drops
 * the others by the `Endpoint` and `Protocol` the listing already carries, before any
 * attribute read: one person's opt-out costs the listing's pages and a read
 * per subscription at their address, not one per subscription on the topic
 * (GetSubscriptionAttributes has its own TPS quota). Given a time budget (the
 * reconciler Lambda's), it starts no page and no attribute read once the
 * budget is spent and fails the listing whole (`TopicListingStoppedError`): a
 * partial listing is never planned from. The notifier's live reach check
 * lists only (`listUnread`: the pages, no attribute read; its budget, if any,
 * bounds the pages alone).
 * Calls run with bounded
 * concurrency; throttling is retried by the client (build it with
 * `retryMode: 'adaptive'`, lambdas/aws/sns-client.ts).
 *
 * SNS lists a subscription without its ARN in two cases: `PendingConfirmation`
 * (awaiting the recipient's click; it counts), and, for a while after the
 * recipient clicked the unsubscribe link in an email, `Deleted` (it is gone:
 * it cannot be read, and GetSubscriptionAttributes refuses it as
 * InvalidParameter). Any listed value other than `PendingConfirmation` that
 * is not an ARN is treated as gone and left out, so the owner is planned as
 * having no subscription (and, when the ARN recorded with their `confirmed`
 * names this topic, as having unsubscribed).
 *
 * SNS cannot delete a subscription pending confirmation (SNS Developer Guide,
 * "Deleting an Amazon SNS subscription and topic"), such as one just created
 * by its ARN (`ReturnSubscriptionArn`). What Unsubscribe answers for one is not
 * documented; an `InvalidParameter` refusal of a subscription that
 * GetSubscriptionAttributes then reads as pending is reported as
 * `PendingSubscriptionNotRemovableError` (the reconciler leaves it pending:
 * `subscription-creations.ts`); any other refusal as SNS gave it.
 */
import {
  GetSubscriptionAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
  type Subscription,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { OWNER_SUBSCRIPTION_PROTOCOL } from '../hygiene/data-contract';
import { type MailboxKey, normalizeEmail } from '../hygiene/email-address-rules';
import { PendingSubscriptionNotRemovableError } from '../hygiene/subscription-creations';
import { PENDING_CONFIRMATION_ARN, type TopicSubscription } from '../hygiene/subscription-plan';
import {
  budgetSpentCheck,
  type TopicListingBudget,
  TopicListingStoppedError,
  type TopicListOptions,
  type TopicSubscriptionListing,
  type TopicSubscriptions,
} from '../hygiene/subscription-ports';
import { DEFAULT_RECONCILE_CONCURRENCY } from '../hygiene/subscription-reconciler';
import { mapWithConcurrency } from '../hygiene/task-pool';

/** A subscription {@link SnsTopicSubscriptions.list} did not read: its time budget was spent. */
const NOT_READ = Symbol('not read');

/** What the topic's pages listed, and whether every page was (false: the time budget stopped the listing). */
interface ListedPages {
  readonly listed: readonly Subscription[];
  readonly finished: boolean;
}

/** SNS answered Subscribe without a subscription ARN (it must return one with `ReturnSubscriptionArn`). */
export class MissingSubscriptionArnError extends Error {
  override readonly name = 'MissingSubscriptionArnError';
  constructor(readonly endpoint: string) {
    super(`SNS returned no subscription ARN when subscribing ${endpoint}`);
  }
}

/** The topic's subscriptions over the SNS API. */
export class SnsTopicSubscriptions implements TopicSubscriptions, TopicSubscriptionListing {
  /**
   * @param client an SNS client (tests pass a mocked one or one pointed at a local server)
   * @param topicArn the notification topic (its subscriptions' ARNs start with it and `:`)
   * @param concurrency GetSubscriptionAttributes calls in flight at once
   */
  constructor(
    private readonly client: SNSClient,
    readonly topicArn: string,
    private readonly concurrency = DEFAULT_RECONCILE_CONCURRENCY,
  ) {}

  /**
   * Every subscription of the topic (every page), or with `atAddresses` the
   * `email` ones at those addresses ({@link TopicListOptions}). Each one kept
   * with an ARN is read for its filter policy (SNS's quota counts them on
   * every protocol) and its confirmation state; one deleted meanwhile, or
   * listed as deleted (`Deleted`: unsubscribed by its link), is left out.
   * With `remainingMs`, one budget check ({@link budgetSpentCheck}) bounds the
   * pages and the reads: once it is spent no page and no read starts, the
   * reads in flight end, and the listing fails whole.
   * @throws {TopicListingStoppedError} when the budget ran out before every page was listed and every subscription
   *   kept was read
   */
  async list(options: TopicListOptions = {}): Promise<readonly TopicSubscription[]> {
    const { atAddresses, mailboxKey = normalizeEmail } = options;
    const spent = budgetSpentCheck(options.remainingMs);
    const pages = await this.listPages(spent);
    const kept =
      atAddresses === undefined ? pages.listed : pages.listed.filter(emailAtAny(atAddresses, mailboxKey));
    if (!pages.finished) {
      throw new TopicListingStoppedError({ listed: kept.length, listingFinished: false, read: 0 });
    }
    let readCount = 0;
    const read = await mapWithConcurrency(kept, this.concurrency, async (s) => {
      if (spent()) return NOT_READ;
      const described = await this.describe(s);
      readCount++;
      return described;
    });
    if (readCount < kept.length) {
      throw new TopicListingStoppedError({ listed: kept.length, listingFinished: true, read: readCount });
    }
    return read.filter((s): s is TopicSubscription => s !== undefined && s !== NOT_READ);
  }

  /**
   * Every subscription of the topic as listed (every page), nothing read
   * further ({@link TopicSubscriptionListing}): the notifier's live reach
   * check and the sweep's alarm topic check, which may call
   * `ListSubscriptionsByTopic` and nothing else. With `budget.remainingMs`, no
   * page starts once it is spent, and the listing fails whole.
   * @throws {TopicListingStoppedError} when the budget ran out before every page was listed
   */
  async listUnread(budget: TopicListingBudget = {}): Promise<readonly TopicSubscription[]> {
    const { listed, finished } = await this.listPages(budgetSpentCheck(budget.remainingMs));
    if (!finished)
      throw new TopicListingStoppedError({ listed: listed.length, listingFinished: false, read: 0 });
    return listed.map(asListed).filter((s) => s !== undefined);
  }

  /** Subscribes `email`, filtered on message attributes; resolves to the (pending) subscription's ARN. */
  async create(email: string, filterPolicy: string): Promise<string> {
    const { SubscriptionArn } = await this.client.send(
      new SubscribeCommand({
        TopicArn: this.topicArn,
        Protocol: OWNER_SUBSCRIPTION_PROTOCOL,
        Endpoint: email,
        Attributes: { FilterPolicy: filterPolicy, FilterPolicyScope: 'MessageAttributes' },
        ReturnSubscriptionArn: true,
      }),
    );
    if (SubscriptionArn === undefined) throw new MissingSubscriptionArnError(email);
    return SubscriptionArn;
  }

  /**
   * Replaces the subscription's filter policy; a subscription gone since the
   * listing (NotFound: the owner unsubscribed by its link, or another run
   * removed it) has nothing left to repair: done, as {@link remove} does. The
   * next run plans from a listing without it (an owner recorded `confirmed`
   * whose subscription is gone: `unsubscribed`).
   */
  async setFilterPolicy(subscriptionArn: string, filterPolicy: string): Promise<void> {
    await unlessGone(() =>
      this.client.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: subscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: filterPolicy,
        }),
      ),
    );
  }

  /**
   * Unsubscribes; a subscription already gone (NotFound: another run or the owner removed it) is done.
   * @throws {PendingSubscriptionNotRemovableError} when SNS refuses (InvalidParameter) a subscription it reads as
   *   pending confirmation: SNS deletes that one by itself, unconfirmed, after 48 hours
   */
  async remove(subscriptionArn: string): Promise<void> {
    try {
      await unlessGone(() => this.client.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })));
    } catch (error: unknown) {
      if (error instanceof InvalidParameterException && (await this.readsPending(subscriptionArn))) {
        throw new PendingSubscriptionNotRemovableError(subscriptionArn, { cause: error });
      }
      throw error;
    }
  }

  /** True when SNS reads the subscription as pending confirmation; false when it does not, or cannot be asked. */
  private async readsPending(subscriptionArn: string): Promise<boolean> {
    try {
      const { Attributes } = await this.client.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }),
      );
      return Attributes?.PendingConfirmation === 'true';
    } catch {
      return false; // the refusal stands as SNS gave it
    }
  }

  /**
   * The topic's subscriptions, page by page (`NextToken`), while `spent` (the caller's budget check) says there is
   * time: none starts once it is spent, and the pages listed so far come back with `finished` false.
   * @param spent the budget check read before each page; default: a budget that is never spent
   */
  private async listPages(spent = budgetSpentCheck()): Promise<ListedPages> {
    const listed: Subscription[] = [];
    let nextToken: string | undefined;
    do {
      if (spent()) return { listed, finished: false };
      const page = await this.client.send(
        new ListSubscriptionsByTopicCommand({
          TopicArn: this.topicArn,
          ...(nextToken !== undefined && { NextToken: nextToken }),
        }),
      );
      listed.push(...(page.Subscriptions ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return { listed, finished: true };
  }

  /** The listed subscription with its attributes; `undefined` when it is gone. */
  private async describe(listed: Subscription): Promise<TopicSubscription | undefined> {
    const base = asListed(listed);
    if (base === undefined || base.pending) return base;
    const { arn } = base;
    try {
      const { Attributes: attributes = {} } = await this.client.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }),
      );
      return {
        ...base,
        pending: attributes.PendingConfirmation === 'true',
        ...(attributes.FilterPolicy !== undefined && { filterPolicy: attributes.FilterPolicy }),
        ...(attributes.FilterPolicyScope !== undefined && {
          filterPolicyScope: attributes.FilterPolicyScope,
        }),
      };
    } catch (error: unknown) {
      if (error instanceof NotFoundException) return undefined;
      throw error;
    }
  }
}

/**
 * A listed subscription as the listing alone shows it. SNS hides a pending
 * subscription's ARN (`PendingConfirmation`): nothing more can be read (or
 * unsubscribed) until it is confirmed. `Deleted` (unsubscribed by its link)
 * or any other non-ARN: gone, and unreadable (InvalidParameter): `undefined`.
 */
function asListed(listed: Subscription): TopicSubscription | undefined {
  const arn = listed.SubscriptionArn ?? PENDING_CONFIRMATION_ARN;
  const base = { arn, protocol: listed.Protocol ?? '', endpoint: listed.Endpoint ?? '' };
  if (arn === PENDING_CONFIRMATION_ARN) return { ...base, pending: true };
  return isArn(arn) ? { ...base, pending: false } : undefined;
}

/**
 * Whether a listed subscription is an `email` one at one of `addresses`'
 * mailboxes, compared as the plan is told to compare them (`key`, both sides).
 */
function emailAtAny(addresses: ReadonlySet<string>, key: MailboxKey): (listed: Subscription) => boolean {
  const wanted = new Set([...addresses].map(key));
  return ({ Protocol, Endpoint }) =>
    Protocol === OWNER_SUBSCRIPTION_PROTOCOL && Endpoint !== undefined && wanted.has(key(Endpoint));
}

/** An ARN (`arn:partition:service:…`), as opposed to a placeholder SNS lists instead of one. */
function isArn(value: string): boolean {
  return value.startsWith('arn:');
}

/** Makes one call on a subscription; NotFound (the subscription is gone) is done, not a failure. */
async function unlessGone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error: unknown) {
    if (!(error instanceof NotFoundException)) throw error;
  }
}
