/**
 * The sweep Lambda's check of the alarm topic's reach (docs/deploy.md, "Runbook: Alarm delivery"): after the run,
 * before the admin run summary, it lists the alarm topic's subscriptions (`ListSubscriptionsByTopic`, every page,
 * through the notifier's listing adapter, `SnsTopicSubscriptions.listUnread`) and counts the confirmed ones, so the
 * summary can say when every alarm reaches no one. The run's writes are done by then: the check never throws, and a
 * failed listing (AccessDenied on a brought topic, throttling past the SDK's retries) is returned for the summary to
 * report. It never delays the summary past its share of the handler's margin ({@link ALARM_TOPIC_CHECK_MAX_MS}): a
 * listing still running then is left behind, reported as out of time, and starts no further page.
 */
import { errorText } from '../hygiene/errors';
import { TopicListingStoppedError, type TopicSubscriptionListing } from '../hygiene/subscription-ports';
import type { AlarmTopicReach } from '../render/alarm-topic-text';

/**
 * The longest the check may take: part of the sweep's `SWEEP_SAFETY_MARGIN_MS`, so the admin summary publish, the
 * metrics flush and the log line keep the rest. A listing of a topic's few subscriptions takes tens of
 * milliseconds; this is for a throttled or hanging call.
 */
export const ALARM_TOPIC_CHECK_MAX_MS = 5_000;

/** The listing did not answer within its time. */
export class AlarmTopicCheckTimeoutError extends Error {
  override readonly name = 'AlarmTopicCheckTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * Lists the alarm topic's subscriptions and counts them: confirmed (listed with an ARN) and pending
 * (`PendingConfirmation`); one listed as `Deleted` is left out by the listing.
 * @param topic the alarm topic's listing (its ARN is the one reported)
 * @param budgetMs the time the handler can give the check; at most {@link ALARM_TOPIC_CHECK_MAX_MS} is used, and
 *   none left means no request
 * @returns the counts, or why they are unknown; never throws
 */
export async function checkAlarmTopic(
  topic: TopicSubscriptionListing,
  budgetMs: number,
): Promise<AlarmTopicReach> {
  const { topicArn } = topic;
  const timeoutMs = Math.min(ALARM_TOPIC_CHECK_MAX_MS, budgetMs);
  if (timeoutMs <= 0) return { status: 'unchecked', topicArn, error: 'no time left after the run' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AlarmTopicCheckTimeoutError(timeoutMs)), timeoutMs);
  });
  // The same deadline bounds the listing's pages: one left behind by the timeout starts no further page.
  const deadline = Date.now() + timeoutMs;
  const listed = Promise.resolve().then(() => topic.listUnread({ remainingMs: () => deadline - Date.now() }));
  // A listing that fails after the timeout won is nobody's to handle: not an unhandled rejection.
  listed.catch(() => undefined);
  try {
    const subscriptions = await Promise.race([listed, timeout]);
    const confirmed = subscriptions.filter((s) => !s.pending).length;
    return { status: 'checked', topicArn, confirmed, pending: subscriptions.length - confirmed };
  } catch (error: unknown) {
    // The listing stopped at the same deadline before the timer fired: the check ran out of time all the same.
    const failure =
      error instanceof TopicListingStoppedError ? new AlarmTopicCheckTimeoutError(timeoutMs) : error;
    return { status: 'unchecked', topicArn, error: errorText(failure) };
  } finally {
    clearTimeout(timer);
  }
}
