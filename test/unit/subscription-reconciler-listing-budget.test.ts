/**
 * The reconciler's time budget over its listing (docs/notifications.md, "Subscription reconciler", "Time budget"):
 * the SNS adapter (`SnsTopicSubscriptions.list`) over a mocked client whose `GetSubscriptionAttributes` calls (and,
 * for a topic of several pages, `ListSubscriptionsByTopic` pages) each move a virtual clock the budget reads (a
 * throttled SNS; no wall-clock wait). Once the budget is spent no page and no attribute read starts and the run
 * stops before its plan: `TopicListingStoppedError` counting what it read of what it listed, or what it listed
 * before the listing stopped, and no Subscribe, SetSubscriptionAttributes, Unsubscribe or directory write (a partial
 * listing would create subscriptions the topic holds and remove the ones it did not read). A budget that lasts, or
 * none (`owners sync-subscriptions`), lists and reads every subscription and reconciles as before.
 */
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { ownerFilterPolicy } from '../../lambdas/hygiene/subscription-plan';
import { TopicListingStoppedError } from '../../lambdas/hygiene/subscription-ports';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { listedEmailSubscription } from '../support/listed-email-subscription';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';
const sns = mockClient(SNSClient);

/** What one `GetSubscriptionAttributes` costs on the virtual clock (a throttled SNS). */
const READ_MS = 10_000;

/** Owners `o0`…`o9` on the topic, each confirmed; `gone` is subscribed too but not in the directory. */
const SUBSCRIBED = [...Array.from({ length: 10 }, (_, i) => `o${i}`), 'gone'];

let now = 0;

beforeEach(() => {
  now = 0;
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: SUBSCRIBED.map((id) => listedEmailSubscription(TOPIC, id, `${id}@example.com`)),
  });
  sns
    .on(GetSubscriptionAttributesCommand)
    .callsFake(async ({ SubscriptionArn }: { SubscriptionArn: string }) => {
      now += READ_MS;
      const id = SubscriptionArn.slice(TOPIC.length + 1);
      return {
        Attributes: {
          PendingConfirmation: 'false',
          FilterPolicy: ownerFilterPolicy(id),
          FilterPolicyScope: 'MessageAttributes',
        },
      };
    });
  sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC}:new` });
});

afterEach(() => {
  sns.reset();
});

/** The directory: the subscribed owners but `gone` (its subscription is to remove), and `new` (to subscribe). */
const directory = () =>
  new MemoryOwnerRegistry(
    [...SUBSCRIBED.filter((id) => id !== 'gone'), 'new'].map(
      (id): OwnerRecord => ({ userId: id, email: `${id}@example.com`, status: 'active' }),
    ),
  );

/** One attribute read at a time, so the budget's arithmetic is exact (the Lambda keeps 4 in flight). */
const topic = () => new SnsTopicSubscriptions(new SNSClient({ region: 'eu-west-1' }), TOPIC, 1);

const changesSent = () => [
  ...sns.commandCalls(SubscribeCommand),
  ...sns.commandCalls(SetSubscriptionAttributesCommand),
  ...sns.commandCalls(UnsubscribeCommand),
];

describe('reconcileSubscriptions with a time budget spent while listing', () => {
  it('starts no attribute read once spent, plans nothing, changes nothing, and says what it read', async () => {
    const owners = directory();

    // Room for 3 reads: the 4th would start with nothing left.
    const outcome = await reconcileSubscriptions(
      { topic: topic(), directory: owners, remainingMs: () => 3 * READ_MS - now },
      { route: 'sns-email' },
    ).catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(TopicListingStoppedError);
    expect(outcome).toMatchObject({ read: 3, listed: SUBSCRIBED.length, listingFinished: true });
    expect(String(outcome)).toContain('3 of 11 subscriptions read');
    expect(sns.commandCalls(GetSubscriptionAttributesCommand)).toHaveLength(3);
    // Planned from a partial listing, it would subscribe o3…o9 again and leave `gone`: nothing of the kind.
    expect(changesSent()).toEqual([]);
    expect(owners.recorded).toEqual([]);
    expect(owners.lookups).toEqual([]);
  });

  it('lets the reads in flight end at the default concurrency, and starts none after', async () => {
    const owners = directory();
    const fourInFlight = new SnsTopicSubscriptions(new SNSClient({ region: 'eu-west-1' }), TOPIC);

    const outcome = await reconcileSubscriptions(
      { topic: fourInFlight, directory: owners, remainingMs: () => READ_MS - now },
      { route: 'sns-email' },
    ).catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(TopicListingStoppedError);
    const { read, listed } = outcome as TopicListingStoppedError;
    expect(listed).toBe(SUBSCRIBED.length);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(listed);
    expect(sns.commandCalls(GetSubscriptionAttributesCommand)).toHaveLength(read);
    expect(changesSent()).toEqual([]);
    expect(owners.recorded).toEqual([]);
  });

  it('reconciles as before when the budget outlasts the listing', async () => {
    const owners = directory();

    const summary = await reconcileSubscriptions(
      { topic: topic(), directory: owners, remainingMs: () => (SUBSCRIBED.length + 5) * READ_MS - now },
      { route: 'sns-email' },
    );

    expect(sns.commandCalls(GetSubscriptionAttributesCommand)).toHaveLength(SUBSCRIBED.length);
    expect(summary).toMatchObject({ created: 1, removed: 1, failed: [] });
    expect(summary.deferred).toBeUndefined();
  });

  it('without a budget (owners sync-subscriptions) reads every subscription however slow SNS is', async () => {
    const summary = await reconcileSubscriptions(
      { topic: topic(), directory: directory() },
      { route: 'sns-email' },
    );

    expect(now).toBe(SUBSCRIBED.length * READ_MS);
    expect(summary).toMatchObject({ created: 1, removed: 1, failed: [] });
  });
});

describe('reconcileSubscriptions with a time budget spent between two pages of the listing', () => {
  /** What one `ListSubscriptionsByTopic` page costs on the virtual clock (a throttled SNS). */
  const PAGE_MS = 10_000;
  /** The topic in three pages of {@link SUBSCRIBED}: 4, 4 and 3 subscriptions. */
  const PAGES = [SUBSCRIBED.slice(0, 4), SUBSCRIBED.slice(4, 8), SUBSCRIBED.slice(8)];

  beforeEach(() => {
    sns.on(ListSubscriptionsByTopicCommand).callsFake(async ({ NextToken }: { NextToken?: string }) => {
      now += PAGE_MS;
      // `page-N` names the Nth page (from 1); the first is asked without a token.
      const page = NextToken === undefined ? 0 : Number(NextToken.slice('page-'.length)) - 1;
      const last = page === PAGES.length - 1;
      return {
        Subscriptions: PAGES[page]!.map((id) => listedEmailSubscription(TOPIC, id, `${id}@example.com`)),
        ...(!last && { NextToken: `page-${page + 2}` }),
      };
    });
  });

  const pagesRequested = () => sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input);

  it('requests no page after the budget is spent, reads nothing, plans and changes nothing', async () => {
    const owners = directory();

    // Room for the first page only: the second would start with nothing left.
    const outcome = await reconcileSubscriptions(
      { topic: topic(), directory: owners, remainingMs: () => PAGE_MS - now },
      { route: 'sns-email' },
    ).catch((error: unknown) => error);

    expect(pagesRequested()).toEqual([{ TopicArn: TOPIC }]);
    expect(sns.commandCalls(GetSubscriptionAttributesCommand)).toEqual([]);
    expect(outcome).toBeInstanceOf(TopicListingStoppedError);
    // The 4 of the first page, never claimed as the topic: the listing did not finish.
    expect(outcome).toMatchObject({ listed: 4, listingFinished: false, read: 0 });
    expect(String(outcome)).toContain('4 subscriptions listed, the listing did not finish (none read)');
    expect(changesSent()).toEqual([]);
    expect(owners.recorded).toEqual([]);
    expect(owners.lookups).toEqual([]);
  });

  it('lists every page and reconciles as before when the budget outlasts the listing', async () => {
    const owners = directory();

    const summary = await reconcileSubscriptions(
      {
        topic: topic(),
        directory: owners,
        remainingMs: () => (PAGES.length + SUBSCRIBED.length + 5) * PAGE_MS - now,
      },
      { route: 'sns-email' },
    );

    expect(pagesRequested()).toEqual([
      { TopicArn: TOPIC },
      { TopicArn: TOPIC, NextToken: 'page-2' },
      { TopicArn: TOPIC, NextToken: 'page-3' },
    ]);
    expect(sns.commandCalls(GetSubscriptionAttributesCommand)).toHaveLength(SUBSCRIBED.length);
    expect(summary).toMatchObject({ created: 1, removed: 1, failed: [] });
    expect(summary.deferred).toBeUndefined();
  });
});
