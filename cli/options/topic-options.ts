/**
 * `--topic-arn ARN` (env `PC_HYGIENE_TOPIC_ARN`) and `--sns-endpoint URL`:
 * the notification topic, for every command that talks to SNS (`notify`,
 * `owners sync-subscriptions`, `owners unsubscribe`), declared and checked
 * once.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { Option } from '@commander-js/extra-typings';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { STACK_OUTPUT } from '../aws/stack-outputs';
import { UsageError } from '../usage-error';
import { type StackRule, stackDefault } from './stack-default';

/** A standard (not FIFO) SNS topic ARN. */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * The `--topic-arn` option, with the one help text of every command: what
 * the command uses it for, and its default — a stack looked up supplies its
 * `TopicArn` output (a `--topic-arn` on the command line still wins; the
 * variable is refused next to a stack: `refuseEnvironmentOverStack`), and
 * without a stack there is none but the flag or its variable.
 * @param rule when the command looks a stack up ({@link stackDefault})
 * @param purpose what the topic is for, and when the command needs one
 */
export function topicArnOption(rule: Exclude<StackRule, 'named stack only'>, purpose: string) {
  return new Option(
    '--topic-arn <arn>',
    `${purpose} (${stackDefault(rule, `the stack's ${STACK_OUTPUT.topicArn} output`, 'none')})`,
  ).env('PC_HYGIENE_TOPIC_ARN');
}

/**
 * The `--sns-endpoint` option: a topic on a local SNS server, never a deployed
 * stack's (refused next to one: `refuseStackWithEndpoint`; a deployment's
 * topic behind another endpoint is reached with the SDK's `AWS_ENDPOINT_URL_SNS`).
 */
export function snsEndpointOption() {
  return new Option(
    '--sns-endpoint <url>',
    'SNS endpoint (an SNS-compatible local server, with --endpoint; not with a stack: see AWS_ENDPOINT_URL_SNS)',
  );
}

/**
 * Checks a topic ARN.
 * @returns the region the ARN names (a topic lives there)
 * @throws {UsageError} unless it is a standard SNS topic ARN
 */
export function checkTopicArn(arn: string): { readonly region: string } {
  if (!TOPIC_ARN.test(arn)) {
    throw new UsageError(
      `--topic-arn ${JSON.stringify(arn)} is not a standard SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)`,
    );
  }
  return { region: arn.split(':')[3] ?? '' };
}

/**
 * The SNS client for managing a topic's subscriptions from the CLI (`owners
 * sync-subscriptions`, `owners unsubscribe`): in the region the ARN names, or
 * at `--sns-endpoint`, with the `--profile` the directory is read with (so
 * both are one account's), retrying throttling adaptively as the reconciler
 * does (lambdas/aws/subscription-reconciler-sns.ts).
 * @throws {UsageError} unless `topicArn` is a standard SNS topic ARN
 */
export function subscriptionsClientFor(
  topicArn: string,
  endpoint: string | undefined,
  profile?: string,
): SNSClient {
  return createSnsClient({
    ...(endpoint !== undefined && { endpoint }),
    ...(profile !== undefined && { profile }),
    region: checkTopicArn(topicArn).region,
    retryMode: 'adaptive',
  });
}
