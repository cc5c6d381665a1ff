/**
 * A confirmed email subscription as `ListSubscriptionsByTopic` lists it (the SDK's `Subscription` shape, not the
 * domain's `TopicSubscription`): the page a mocked SNS client answers with in the tests of the topic listing and its
 * time budget (lambdas/aws/subscription-reconciler-sns.ts).
 */
import type { Subscription } from '@aws-sdk/client-sns';

/**
 * The subscription `<topicArn>:<id>` of protocol `email` at `endpoint`, as a listing page names it.
 * @param topicArn the topic it is on (its ARN is the subscription ARN's prefix)
 * @param id the last part of its ARN
 * @param endpoint the address it delivers to
 */
export function listedEmailSubscription(topicArn: string, id: string, endpoint: string): Subscription {
  return { SubscriptionArn: `${topicArn}:${id}`, Protocol: 'email', Endpoint: endpoint, TopicArn: topicArn };
}
