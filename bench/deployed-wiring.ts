/**
 * `--deployed-reach`, in the measurement child: what the deployed handlers
 * wire beyond the bench's default arms, built from the handlers' own parts.
 *
 * - The sweep (lambdas/handlers/sweep.ts): the owner directory of
 *   `DIRECTORY_TABLE_NAME` (`ownerDirectoryOf`, what the handler's
 *   `optionalOwnerDirectory` builds it with) with the relay's `isSesSendable`, then, after the run and before
 *   the admin summary, the alarm topic check (`checkAlarmTopic` over
 *   `SnsTopicSubscriptions`: every page of `ListSubscriptionsByTopic`), whose
 *   result the admin summary carries, with the stack's name and region. The
 *   handler gives the check what is left of its margin, at most
 *   `ALARM_TOPIC_CHECK_MAX_MS`; a 15-minute sweep of the bench's sizes always
 *   has that much, so the bench gives it that.
 * - The notifier (lambdas/handlers/notifier.ts): the same directory, the
 *   topic's subscriptions (`SnsTopicSubscriptions`, listed once per drain),
 *   `isSesSendable` and the configured route.
 *
 * The handlers' modules themselves cannot be imported here: each builds its
 * deployed clients from the environment when loaded. Loaded by
 * bench/measure.ts only for a `--deployed-reach` task, so the default arms'
 * processes hold none of it.
 */

import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SnsTopicSubscriptions } from '../lambdas/aws/subscription-reconciler-sns';
import { ALARM_TOPIC_CHECK_MAX_MS, checkAlarmTopic } from '../lambdas/handlers/alarm-topic-check';
import { HANDLER_ENV } from '../lambdas/handlers/environment';
import { ownerDirectoryOf } from '../lambdas/handlers/owner-directory-env';
import type { HygieneConfig } from '../lambdas/hygiene/config';
import type { NotifierDeps, NotifierOptions } from '../lambdas/hygiene/notifier';
import type { SweepDeps } from '../lambdas/hygiene/sweep';
import { isSesSendable } from '../lambdas/relay/ses-address';
import type { AdminReportContext } from '../lambdas/render/admin-report';
import { BENCH_ALARM_TOPIC_ARN, BENCH_DEPLOYMENT, BENCH_TOPIC_ARN } from './bench-topics';

/** The deployed wiring of one measurement's sweep and notifier. */
export interface DeployedWiring {
  /** The sweep's dependencies beyond the bench's default ones. */
  readonly sweep: Pick<SweepDeps, 'directory' | 'sendable'>;
  /** After the run: the alarm topic check, as the handler runs it; the admin summary's context with its result. */
  adminContext(): Promise<AdminReportContext>;
  /** The notifier's dependencies beyond the bench's default ones. */
  readonly notifier: Pick<NotifierDeps, 'directory' | 'topicSubscriptions' | 'sendable'>;
  /** The notifier's options beyond the bench's default ones: the configured route. */
  readonly notifierOptions: Pick<NotifierOptions, 'ownerDelivery'>;
}

/**
 * The deployed wiring over one measurement's clients.
 * @param directoryTableName the owner directory the driver imported (bench/deployed-reach.ts)
 */
export function deployedWiring(
  dynamo: DynamoDBDocumentClient,
  sns: SNSClient,
  directoryTableName: string,
  config: HygieneConfig,
): DeployedWiring {
  const directory = ownerDirectoryOf({ [HANDLER_ENV.directoryTableName]: directoryTableName }, dynamo);
  const alarmTopic = new SnsTopicSubscriptions(sns, BENCH_ALARM_TOPIC_ARN);
  return {
    sweep: { directory, sendable: isSesSendable },
    adminContext: async () => ({
      ...BENCH_DEPLOYMENT,
      alarmTopic: await checkAlarmTopic(alarmTopic, ALARM_TOPIC_CHECK_MAX_MS),
    }),
    notifier: {
      directory,
      topicSubscriptions: new SnsTopicSubscriptions(sns, BENCH_TOPIC_ARN),
      sendable: isSesSendable,
    },
    notifierOptions: { ownerDelivery: config.ownerDelivery },
  };
}
