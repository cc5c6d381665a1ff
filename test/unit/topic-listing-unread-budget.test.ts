/**
 * The time budget of a listing of a topic's pages alone (`SnsTopicSubscriptions.listUnread`, lambdas/aws/subscription-reconciler-sns.ts;
 * lambdas/hygiene/subscription-ports.ts): the notifier's drain lists the whole topic once per drain
 * (docs/notifications.md, "Owner reach") and the sweep's alarm topic check lists the alarm topic (docs/deploy.md,
 * "Runbook: Alarm delivery"). With a budget no `ListSubscriptionsByTopic` page starts once it is spent, and the
 * listing fails whole (`TopicListingStoppedError`): the drain then publishes nothing and keeps its events pending,
 * and an alarm topic check left behind by its timeout requests no further page. The pages move a virtual clock (a
 * throttled SNS), or fake timers; no wall-clock wait.
 */
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { checkAlarmTopic } from '../../lambdas/handlers/alarm-topic-check';
import {
  listLiveSubscriptions,
  SubscriptionListingError,
} from '../../lambdas/hygiene/notifier/live-subscriptions';
import { TopicListingStoppedError } from '../../lambdas/hygiene/subscription-ports';
import { listedEmailSubscription } from '../support/listed-email-subscription';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';
const sns = mockClient(SNSClient);
/** What one page costs on the virtual clock. */
const PAGE_MS = 10_000;

afterEach(() => {
  sns.reset();
  vi.useRealTimers();
});

/** A topic of `pages` pages of 2 confirmed subscriptions each, every page moving `clock` by {@link PAGE_MS}. */
function pagedTopic(pages: number, clock: { now: number }) {
  sns.on(ListSubscriptionsByTopicCommand).callsFake(async ({ NextToken }: { NextToken?: string }) => {
    clock.now += PAGE_MS;
    const page = NextToken === undefined ? 0 : Number(NextToken);
    return {
      Subscriptions: [0, 1].map((i) =>
        listedEmailSubscription(TOPIC, `p${page}-${i}`, `p${page}-${i}@example.com`),
      ),
      ...(page + 1 < pages && { NextToken: String(page + 1) }),
    };
  });
  return new SnsTopicSubscriptions(new SNSClient({ region: 'eu-west-1' }), TOPIC);
}

const pagesRequested = () => sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input);

describe('listUnread with a time budget', () => {
  it('starts no page once the budget is spent and fails whole, saying the listing did not finish', async () => {
    const clock = { now: 0 };
    const topic = pagedTopic(3, clock);

    const listing = topic.listUnread({ remainingMs: () => 15_000 - clock.now });

    await expect(listing).rejects.toBeInstanceOf(TopicListingStoppedError);
    await expect(listing).rejects.toMatchObject({ listed: 4, listingFinished: false, read: 0 });
    expect(pagesRequested()).toEqual([{ TopicArn: TOPIC }, { TopicArn: TOPIC, NextToken: '1' }]);
  });

  it('lists every page while the budget lasts, and without one', async () => {
    const clock = { now: 0 };
    const topic = pagedTopic(3, clock);

    expect(await topic.listUnread({ remainingMs: () => 60_000 - clock.now })).toHaveLength(6);
    expect(await topic.listUnread()).toHaveLength(6);
    expect(pagesRequested()).toHaveLength(6);
  });
});

describe("the drain's listing (listLiveSubscriptions)", () => {
  it("stops at the drain's budget: nothing published, the events stay pending (SubscriptionListingError)", async () => {
    const clock = { now: 0 };
    const topic = pagedTopic(3, clock);

    const live = listLiveSubscriptions(topic, 7, { remainingMs: () => 15_000 - clock.now });

    await expect(live).rejects.toBeInstanceOf(SubscriptionListingError);
    await expect(live).rejects.toThrow(
      `listing the subscriptions of ${TOPIC} failed (TopicListingStoppedError: The time budget ran out before the ` +
        "topic's subscriptions were listed and read: 4 subscriptions listed, the listing did not finish (none read)), so",
    );
    await expect(live).rejects.toThrow('the 7 pending item(s) stay pending for the next drain');
    expect(pagesRequested()).toHaveLength(2);
  });
});

describe('the alarm topic check left behind by its timeout', () => {
  it('requests no further page once its time is up', async () => {
    vi.useFakeTimers();
    // A topic whose pages never end, each answered after a second: a listing that cannot finish in time.
    sns
      .on(ListSubscriptionsByTopicCommand)
      .callsFake(
        ({ NextToken }: { NextToken?: string }) =>
          new Promise((resolve) =>
            setTimeout(
              () => resolve({ Subscriptions: [], NextToken: String(Number(NextToken ?? 0) + 1) }),
              1_000,
            ),
          ),
      );
    const topic = new SnsTopicSubscriptions(new SNSClient({ region: 'eu-west-1' }), TOPIC);

    const check = checkAlarmTopic(topic, 2_500);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(await check).toMatchObject({
      status: 'unchecked',
      error: 'AlarmTopicCheckTimeoutError: no answer within 2500 ms',
    });
    const atTimeout = pagesRequested().length;
    await vi.advanceTimersByTimeAsync(20_000);

    expect(atTimeout).toBe(3);
    expect(pagesRequested()).toHaveLength(atTimeout);
  });

  it('says it ran out of time when the listing stops at the deadline before the timer fires', async () => {
    vi.useFakeTimers();
    // The first page answers after the check's deadline (the clock moved on), before its timer has fired.
    sns.on(ListSubscriptionsByTopicCommand).callsFake(async () => {
      vi.setSystemTime(Date.now() + 3_000);
      return { Subscriptions: [], NextToken: 'more' };
    });
    const topic = new SnsTopicSubscriptions(new SNSClient({ region: 'eu-west-1' }), TOPIC);

    expect(await checkAlarmTopic(topic, 2_500)).toEqual({
      status: 'unchecked',
      topicArn: TOPIC,
      error: 'AlarmTopicCheckTimeoutError: no answer within 2500 ms',
    });
    expect(pagesRequested()).toHaveLength(1);
  });
});
