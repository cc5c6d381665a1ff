/**
 * Where a real drain of `pc-hygiene notify` publishes (a JSON Lines file, or SNS watched for refusals), and the
 * one line of advice when the topic refused a publish (cli/aws/topic-refusal.ts).
 */
import { SnsPublisher } from '../../../lambdas/aws/sns-publisher';
import type { NotificationPublisher } from '../../../lambdas/hygiene/outbox-ports';
import { RefusalWatchingPublisher } from '../../aws/refusal-watching-publisher';
import { topicRefusalAdvice } from '../../aws/topic-refusal';
import { JsonlFileSink } from '../../jsonl-sink';
import type { Target } from '../../options/deployment-target';
import { UsageError } from '../../usage-error';
import type { Sink } from './sink';
import type { SnsSide } from './sns-side';

/** Where a real drain's digests go, how to name it, and whether the topic refused any of them. */
export interface DrainPublisher {
  readonly publisher: NotificationPublisher;
  readonly label: string;
  /** Whether the topic refused any entry of the drain, not only of the failures its summary lists. */
  readonly refusedAny: () => boolean;
}

/** {@link DrainPublisher} for the sink: a file never refuses; SNS is watched by a {@link RefusalWatchingPublisher}. */
export function publisherFor(sink: Sink, sns: SnsSide): DrainPublisher {
  if (sink.kind === 'jsonl') {
    return { publisher: new JsonlFileSink(sink.path), label: `jsonl:${sink.path}`, refusedAny: () => false };
  }
  if (sns.topic === undefined) {
    throw new UsageError(
      '--topic-arn is required with --sink sns (or --stack NAME for the deployed topic, or --sink jsonl:PATH to write a file)',
    );
  }
  const watched = new RefusalWatchingPublisher(new SnsPublisher(sns.topic.client, sns.topic.arn));
  return { publisher: watched, label: `sns:${sns.topic.arn}`, refusedAny: () => watched.refusedAny };
}

/**
 * The advice for digests the topic refused (`AuthorizationError…`), once however
 * many owners' publishes it refused, or nothing when none was refused
 * ({@link topicRefusalAdvice}): on the stack's own topic, its
 * `operatorPrincipalArns` must list the caller's role (or, listed, the role's
 * IAM policy must allow the publish); on a topic named with `--topic-arn`, that
 * topic's policy must allow it. Decided on every entry the drain published
 * ({@link DrainPublisher.refusedAny}), not on the summary's capped failure
 * list. The refusal itself, in the failure lines, names the caller.
 */
export function refusedPublishNote(
  drain: DrainPublisher,
  target: Target,
  topicArn: string | undefined,
): string | undefined {
  if (!drain.refusedAny()) return undefined;
  const stackTopic = target.deployment !== undefined && topicArn === target.deployment.topicArn;
  return topicRefusalAdvice('publish', undefined, stackTopic ? 'stack' : 'named');
}
