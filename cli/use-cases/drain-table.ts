/**
 * One drain of a table's outbox through a publisher (SNS, or the JSON Lines
 * file sink): what the `notify` and `local` commands share, so it lives
 * outside both command files.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { type NotifierOptions, type NotifierSummary, runNotifier } from '../../lambdas/hygiene/notifier';
import type { NotificationPublisher } from '../../lambdas/hygiene/outbox-ports';
import type { OwnerDirectory } from '../../lambdas/hygiene/owner-directory';
import type { TopicSubscriptionListing } from '../../lambdas/hygiene/subscription-ports';
import { isSesSendable } from '../../lambdas/relay/ses-address';

/**
 * What the drain is set up with: how it judges owner reach (docs/notifications.md, "Owner reach"; nothing:
 * unverified), and the notifier's options as the Lambda takes them (its route, whom its digests tell owners to ask,
 * where its report's restore and owner directory commands aim and the topic its sync-subscriptions commands name:
 * `NotifierOptions`).
 */
export interface DrainSetup
  extends Pick<NotifierOptions, 'ownerDelivery' | 'ownerContact' | 'reportTargets'> {
  /** The owner directory; absent (or never imported): every owner counts as reachable. */
  readonly directory?: OwnerDirectory;
  /**
   * The topic the digests are for, listed once per drain on `sns-email` with a directory; absent (a file sink
   * without a topic): owners are judged on the recorded states, and the summary says so.
   */
  readonly topicSubscriptions?: TopicSubscriptionListing;
}

/**
 * Drains the outbox of a table once through `publisher`, on a clock that
 * starts at `now` and advances with the wall clock (leases stay real).
 */
export function drainTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  publisher: NotificationPublisher,
  now: number,
  setup: DrainSetup = {},
): Promise<NotifierSummary> {
  const { directory, topicSubscriptions, ...options } = setup;
  // The first reading is exactly `now` (the digests' "as of"); later ones advance with the wall clock.
  let startedAt: number | undefined;
  return runNotifier(
    {
      outbox: new DynamoDbOutboxStore(client, tableName),
      publisher,
      clock: () => {
        startedAt ??= Date.now();
        return now + (Date.now() - startedAt);
      },
      // The pacing per recipient waits on a real timer, as the notifier Lambda's does.
      sleep: timerSleep,
      ...(directory !== undefined && { directory }),
      ...(topicSubscriptions !== undefined && { topicSubscriptions }),
      // On `relay`: the sender's own rule of what SES can be asked to send to (`unsendable-address`).
      sendable: isSesSendable,
    },
    options,
  );
}
