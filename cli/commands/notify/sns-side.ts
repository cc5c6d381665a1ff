/**
 * The SNS side of one `pc-hygiene notify`: which topic it names (`--topic-arn`, or the stack's), and the one SNS
 * client it publishes through or lists the topic's subscriptions with (docs/notifications.md, "Owner reach").
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Command } from '@commander-js/extra-typings';
import { createSnsClient } from '../../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../../lambdas/aws/subscription-reconciler-sns';
import type { TopicSubscriptionListing } from '../../../lambdas/hygiene/subscription-ports';
import type { Target } from '../../options/deployment-target';
import { checkTopicArn } from '../../options/topic-options';
import type { NotifyOptions } from './options';

/**
 * The topic `notify` publishes to and lists: a `--topic-arn` given on the
 * command line wins; else the deployed stack's TopicArn output; else (no
 * stack) `PC_HYGIENE_TOPIC_ARN`. Next to `--sink jsonl:PATH` a stack's run
 * does not refuse that variable (nothing is published), nor use it: the
 * stack's own topic is the one its owners are subscribed to.
 */
export function topicOf(options: NotifyOptions, command: Command, target: Target): string | undefined {
  const deployment = target.deployment;
  if (deployment !== undefined && command.getOptionValueSource('topicArn') !== 'cli')
    return deployment.topicArn;
  return options.topicArn;
}

/** The SNS side of one `notify`: the topic and its client, when it publishes to SNS or lists the topic. */
export interface SnsSide {
  /**
   * The topic named for the drain ({@link topicOf}) and the `--sns-endpoint` it is reached at, whether or not this
   * drain reaches it: the report's `owners sync-subscriptions` commands name them ({@link reportTargets}).
   */
  readonly named?: { readonly arn: string; readonly endpoint?: string };
  readonly topic?: { readonly arn: string; readonly client: SNSClient };
  /** The topic's subscriptions, listed once by the drain on `sns-email` (docs/notifications.md, "Owner reach"). */
  readonly topicSubscriptions?: TopicSubscriptionListing;
}

/**
 * One SNS client on `topicArn` (in the region its ARN names, or at
 * `--sns-endpoint`), when the command publishes to it or, on `sns-email`,
 * lists its subscriptions (also with `--sink jsonl:PATH` and `--dry-run`);
 * the topic named either way ({@link SnsSide.named}). Without a topic:
 * nothing, and a drain judges on the recorded states.
 */
export function snsSideOf(
  options: NotifyOptions,
  target: Target,
  topicArn: string | undefined,
  publishes: boolean,
): SnsSide {
  const lists = target.config.ownerDelivery === 'sns-email';
  if (topicArn === undefined) return {};
  const named = {
    arn: topicArn,
    ...(options.snsEndpoint !== undefined && { endpoint: options.snsEndpoint }),
  };
  if (!(publishes || lists)) return { named };
  // A topic lives in the region its ARN names.
  const { region } = checkTopicArn(topicArn);
  const client = createSnsClient({
    ...(options.snsEndpoint !== undefined && { endpoint: options.snsEndpoint }),
    ...(target.profile !== undefined && { profile: target.profile }),
    region,
  });
  return {
    named,
    topic: { arn: topicArn, client },
    ...(lists && { topicSubscriptions: new SnsTopicSubscriptions(client, topicArn) }),
  };
}
