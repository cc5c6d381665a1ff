/**
 * `--deployed-reach`: an SNS topic in memory behind the subscription
 * reconciler's port (`TopicSubscriptions`), so the driver lets the project's
 * reconciler create the owners' subscriptions (bench/deployed-reach.ts)
 * without SNS. It lists as the SNS adapter does (`SnsTopicSubscriptions.list`:
 * a subscription awaiting confirmation without its ARN or filter policy, a
 * confirmed one with both and its scope), subscribes `email` endpoints pending
 * with the filter policy given, and {@link MemoryTopic.confirmAll} confirms
 * them as their recipients would. ARNs are numbered in creation order, so the
 * same owners make the same listing in every run. What the bench's SNS server
 * then lists is {@link MemoryTopic.subscriptions}.
 */
import { OWNER_SUBSCRIPTION_PROTOCOL } from '../lambdas/hygiene/data-contract';
import { PENDING_CONFIRMATION_ARN, type TopicSubscription } from '../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../lambdas/hygiene/subscription-ports';
import type { BenchSubscription } from './sns-subscription-listing';

/** The scope SNS gives a filter policy when none is set (`MessageAttributes`), as the reconciler subscribes. */
const FILTER_POLICY_SCOPE = 'MessageAttributes';

/** A topic's subscriptions in memory. */
export class MemoryTopic implements TopicSubscriptions {
  private readonly held: BenchSubscription[];
  private created = 0;

  /** @param existing subscriptions the topic has before the reconciler runs (an admin's) */
  constructor(
    readonly topicArn: string,
    existing: readonly BenchSubscription[] = [],
  ) {
    this.held = [...existing];
  }

  /** The topic's subscriptions now, as the bench's SNS server is to list them. */
  get subscriptions(): readonly BenchSubscription[] {
    return [...this.held];
  }

  /** Every subscription, as `SnsTopicSubscriptions.list` reads it (the reconciler asks for no address subset). */
  async list(): Promise<readonly TopicSubscription[]> {
    return this.held.map((s) =>
      s.pending === true
        ? { arn: PENDING_CONFIRMATION_ARN, protocol: s.protocol, endpoint: s.endpoint, pending: true }
        : {
            arn: s.arn,
            protocol: s.protocol,
            endpoint: s.endpoint,
            ...(s.filterPolicy !== undefined && {
              filterPolicy: s.filterPolicy,
              filterPolicyScope: FILTER_POLICY_SCOPE,
            }),
            pending: false,
          },
    );
  }

  /** Subscribes `email`, pending until {@link confirmAll}; resolves to its ARN (`ReturnSubscriptionArn`). */
  async create(email: string, filterPolicy: string): Promise<string> {
    this.created++;
    const arn = `${this.topicArn}:${String(this.created).padStart(8, '0')}-bench`;
    this.held.push({
      arn,
      protocol: OWNER_SUBSCRIPTION_PROTOCOL,
      endpoint: email,
      filterPolicy,
      pending: true,
    });
    return arn;
  }

  async setFilterPolicy(subscriptionArn: string, filterPolicy: string): Promise<void> {
    const index = this.held.findIndex((s) => s.arn === subscriptionArn);
    const found = this.held[index];
    if (found !== undefined) this.held[index] = { ...found, filterPolicy };
  }

  async remove(subscriptionArn: string): Promise<void> {
    const index = this.held.findIndex((s) => s.arn === subscriptionArn);
    if (index >= 0) this.held.splice(index, 1);
  }

  /** Confirms every pending subscription, as each recipient clicking the link in SNS's confirmation email. */
  confirmAll(): void {
    for (const [index, { pending: _pending, ...confirmed }] of this.held.entries())
      this.held[index] = confirmed;
  }
}
