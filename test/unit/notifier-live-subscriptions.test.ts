/**
 * The `sns-email` drain's live subscription check (docs/notifications.md,
 * "Owner reach"): the pure matching of an owner recorded `confirmed` against
 * the topic's listing, and how `runNotifier` uses it — one listing per drain,
 * before anything is published; only on `sns-email` with a directory that
 * judges reach; without a topic, the recorded states, said in the summary.
 * An owner recorded `confirmed` without an ARN is never matched by address:
 * a confirmed subscription there may be the admins' or another owner's,
 * whose filter never admits their digest, so they are `no-subscription`.
 */
import { describe, expect, it } from 'vitest';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { runNotifier, SubscriptionListingError } from '../../lambdas/hygiene/notifier';
import {
  isSubscribedLive,
  liveReachabilityOf,
  liveSubscriptionsOf,
} from '../../lambdas/hygiene/notifier/live-subscriptions';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import type { TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicListingBudget, TopicSubscriptionListing } from '../../lambdas/hygiene/subscription-ports';
import { requireInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { deliveredDocument } from '../support/sns-delivery';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const OTHER_TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene-old';
const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');

const email = (endpoint: string, arn: string, pending = false): TopicSubscription => ({
  arn,
  protocol: 'email',
  endpoint,
  pending,
});
const bob = (extra: Partial<OwnerRecord> = {}): OwnerRecord => ({ ...reachableOwner('bob'), ...extra });

describe('isSubscribedLive', () => {
  const listing = liveSubscriptionsOf(TOPIC, [
    email('bob@example.com', `${TOPIC}:bob-1`),
    // Confirmed, but listed for another topic's ARN (a stale listing entry): never counts.
    email('dave@example.com', `${OTHER_TOPIC}:dave-1`),
  ]);

  it('counts the recorded ARN when it is listed confirmed on this topic', () => {
    expect(isSubscribedLive(bob({ subscriptionArn: `${TOPIC}:bob-1` }), listing)).toBe(true);
  });

  it('does not count a recorded ARN of another topic, even with a confirmed subscription at the address', () => {
    expect(isSubscribedLive(bob({ subscriptionArn: `${OTHER_TOPIC}:bob-1` }), listing)).toBe(false);
    const dave = { ...reachableOwner('dave'), subscriptionArn: `${OTHER_TOPIC}:dave-1` };
    expect(isSubscribedLive(dave, listing)).toBe(false);
  });

  it('does not count a recorded ARN that is no longer listed (unsubscribed by the link, topic re-created)', () => {
    expect(isSubscribedLive(bob({ subscriptionArn: `${TOPIC}:bob-0` }), listing)).toBe(false);
  });

  it('does not count a subscription listed as pending', () => {
    const pendingByArn = liveSubscriptionsOf(TOPIC, [email('bob@example.com', `${TOPIC}:bob-1`, true)]);
    expect(isSubscribedLive(bob({ subscriptionArn: `${TOPIC}:bob-1` }), pendingByArn)).toBe(false);
  });

  it('without a recorded ARN, does not count a confirmed email subscription at the address (it may be anyone’s)', () => {
    expect(isSubscribedLive(bob(), listing)).toBe(false);
    expect(isSubscribedLive(bob({ subscriptionArn: '' }), listing)).toBe(false);
  });
});

describe('liveReachabilityOf', () => {
  const empty = liveSubscriptionsOf(TOPIC, []);

  it('turns a recorded confirmed owner with nothing listed into no-subscription, on sns-email only', () => {
    expect(liveReachabilityOf(bob(), 'sns-email', empty)).toEqual({
      reachable: false,
      reason: 'no-subscription',
    });
    expect(liveReachabilityOf(bob(), 'relay', empty)).toEqual({ reachable: true });
    expect(liveReachabilityOf(bob(), 'sns-email', undefined)).toEqual({ reachable: true });
  });

  it('turns a confirmed owner without an ARN into no-subscription when only the admins’ subscription is at their address', () => {
    // The admins subscribed at the owner's mailbox ({"audience": ["admin"]}): no filter of it admits bob's digest.
    const adminsAtBob = liveSubscriptionsOf(TOPIC, [email('bob@example.com', `${TOPIC}:admins`)]);

    expect(liveReachabilityOf(bob(), 'sns-email', adminsAtBob)).toEqual({
      reachable: false,
      reason: 'no-subscription',
    });
  });

  it('keeps every other verdict as recorded', () => {
    expect(liveReachabilityOf(bob({ subscription: 'pending' }), 'sns-email', empty)).toEqual({
      reachable: false,
      reason: 'subscription-pending',
    });
    expect(liveReachabilityOf(bob({ status: 'departed' }), 'sns-email', empty)).toEqual({
      reachable: false,
      reason: 'departed',
    });
    expect(liveReachabilityOf(undefined, 'sns-email', empty)).toEqual({
      reachable: false,
      reason: 'not-in-directory',
    });
  });
});

/** A topic listing that counts its calls and can fail. */
class FakeListing implements TopicSubscriptionListing {
  readonly topicArn = TOPIC;
  calls = 0;
  failWith: Error | undefined;
  /** The budget each call was given. */
  budgets: (TopicListingBudget | undefined)[] = [];
  constructor(readonly subscriptions: TopicSubscription[] = []) {}
  async listUnread(budget?: TopicListingBudget): Promise<readonly TopicSubscription[]> {
    this.calls += 1;
    this.budgets.push(budget);
    if (this.failWith) throw this.failWith;
    return this.subscriptions;
  }
}

describe('runNotifier with the topic’s subscriptions', () => {
  const owners = ['alice', 'bob', 'carol', 'dave', 'erin', 'fay', 'gil', 'hal', 'ivy', 'jo', 'kim', 'lu'];

  function setup(
    listing: FakeListing | undefined,
    directory = new InMemoryOwnerDirectory(),
    remainingMs?: () => number,
  ) {
    const outbox = new InMemoryOutbox();
    const publisher = new RecordingPublisher();
    for (const userId of owners) {
      const event = outboxEvent({ credentialId: `${userId}-pc`, userId });
      outbox.append(event.credentialId, [event]);
      directory.owners.set(userId, {
        ...reachableOwner(userId),
        subscriptionArn: `${TOPIC}:${userId}`,
      });
    }
    const drain = (ownerDelivery: 'sns-email' | 'relay' = 'sns-email') =>
      runNotifier(
        {
          outbox,
          publisher,
          clock: () => NOW,
          directory,
          ...(listing !== undefined && { topicSubscriptions: listing }),
          ...(remainingMs !== undefined && { remainingMs }),
          sleep: timerSleep,
        },
        // Groups of 2 owners: several chunks, one listing.
        { ownerDelivery, maxBatchEntries: 2, readBatchItems: 2 },
      );
    return { outbox, publisher, drain, directory };
  }
  const confirmedAll = () => owners.map((u) => email(`${u}@example.com`, `${TOPIC}:${u}`));

  it('lists once per drain, not per owner group, and judges the owners still subscribed reachable', async () => {
    const listing = new FakeListing(confirmedAll());
    const { drain, directory } = setup(listing);

    const summary = await drain();

    expect(listing.calls).toBe(1);
    expect(directory.lookups.length).toBeGreaterThan(1);
    expect(summary).toMatchObject({ subscriptionCheck: 'listed', unreachableOwners: 0, reportParts: 0 });
  });

  it("gives the listing the drain's time budget, so a slow listing stops before the drain's timeout", async () => {
    const listing = new FakeListing(confirmedAll());
    const remainingMs = () => 60_000;
    const { drain } = setup(listing, new InMemoryOwnerDirectory(), remainingMs);

    await drain();

    expect(listing.budgets.map((budget) => budget?.remainingMs)).toEqual([remainingMs]);
  });

  it('reports an owner whose recorded subscription is gone as no-subscription', async () => {
    const listing = new FakeListing(confirmedAll().filter((s) => s.endpoint !== 'bob@example.com'));
    const { drain } = setup(listing);

    const summary = await drain();

    expect(summary).toMatchObject({ unreachableOwners: 1, reportParts: 1 });
    expect(summary.unreachableReasons['no-subscription']).toBe(1);
  });

  it('fails before publishing or leasing anything when the listing fails, naming the topic', async () => {
    const listing = new FakeListing();
    listing.failWith = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const { drain, outbox, publisher } = setup(listing);

    const failure = drain();

    await expect(failure).rejects.toBeInstanceOf(SubscriptionListingError);
    await expect(failure).rejects.toThrow(
      `listing the subscriptions of ${TOPIC} failed (Throttling: Rate exceeded)`,
    );
    expect(publisher.calls).toEqual([]);
    expect(outbox.lease).toBeUndefined();
    expect(outbox.pendingEvents()).toHaveLength(owners.length);
  });

  it('reports an owner recorded confirmed and listed whose id SNS cannot filter on, as no-subscription', async () => {
    // Subscribed before the reconciler refused such ids: SNS lists the subscription confirmed, but its filter
    // policy never matches, so a digest "published" to them would reach nobody.
    const jdoe = 'CORP\\jdoe';
    const directory = new InMemoryOwnerDirectory([
      { ...reachableOwner(jdoe), subscriptionArn: `${TOPIC}:jdoe` },
      { ...reachableOwner('bob'), subscriptionArn: `${TOPIC}:bob` },
    ]);
    const outbox = new InMemoryOutbox();
    for (const userId of [jdoe, 'bob']) {
      const event = outboxEvent({ credentialId: `${userId}-pc`, userId });
      outbox.append(event.credentialId, [event]);
    }
    const listing = new FakeListing([
      email(`${jdoe}@example.com`, `${TOPIC}:jdoe`),
      email('bob@example.com', `${TOPIC}:bob`),
    ]);
    const publisher = new RecordingPublisher();

    const summary = await runNotifier(
      { outbox, publisher, clock: () => NOW, directory, topicSubscriptions: listing, sleep: timerSleep },
      { ownerDelivery: 'sns-email' },
    );

    expect(summary).toMatchObject({ subscriptionCheck: 'listed', unreachableOwners: 1, reportParts: 1 });
    expect(summary.unreachableReasons['no-subscription']).toBe(1);
    const reported = publisher.delivered
      .filter((e) => e.MessageAttributes.audience?.StringValue === 'admin')
      .flatMap((e) => deliveredDocument<UnreachableReportDocument>(e.Message).owners)
      .map((o) => [o.userId, o.reason, o.events.length]);
    expect(reported).toEqual([[jdoe, 'no-subscription', 1]]);
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('reports an owner recorded confirmed without an ARN to the admins, though the admins subscribed at their address', async () => {
    // A record older than recorded ARNs: the subscription at bob's address is the admins' ({"audience": ["admin"]}),
    // whose filter never admits bob's digest. Published as reachable, it would be marked sent and reach nobody.
    const directory = new InMemoryOwnerDirectory([reachableOwner('bob')]);
    const outbox = new InMemoryOutbox();
    const event = outboxEvent({ credentialId: 'bob-pc', userId: 'bob' });
    outbox.append(event.credentialId, [event]);
    const listing = new FakeListing([email('bob@example.com', `${TOPIC}:admins`)]);
    const publisher = new RecordingPublisher();

    const summary = await runNotifier(
      { outbox, publisher, clock: () => NOW, directory, topicSubscriptions: listing, sleep: timerSleep },
      { ownerDelivery: 'sns-email' },
    );

    expect(summary).toMatchObject({ subscriptionCheck: 'listed', unreachableOwners: 1, reportParts: 1 });
    const reported = publisher.delivered
      .filter((e) => e.MessageAttributes.audience?.StringValue === 'admin')
      .flatMap((e) => deliveredDocument<UnreachableReportDocument>(e.Message).owners)
      .map((o) => [o.userId, o.reason]);
    expect(reported).toEqual([['bob', 'no-subscription']]);
  });

  it('without a topic judges on the recorded states and says so', async () => {
    const { drain } = setup(undefined);

    expect(await drain()).toMatchObject({ subscriptionCheck: 'recorded-states', unreachableOwners: 0 });
  });

  it('lists nothing on relay, with reach unverified, or with nothing pending', async () => {
    const relay = new FakeListing();
    expect(await setup(relay).drain('relay')).toMatchObject({ subscriptionCheck: 'not-applicable' });
    const unverified = new FakeListing();
    const neverImported = new InMemoryOwnerDirectory();
    neverImported.imported = undefined;
    expect(await setup(unverified, neverImported).drain()).toMatchObject({
      reach: 'unverified',
      subscriptionCheck: 'not-applicable',
    });
    const idle = new FakeListing();
    const publisher = new RecordingPublisher();
    const summary = await runNotifier(
      {
        outbox: new InMemoryOutbox(),
        publisher,
        clock: () => NOW,
        directory: new InMemoryOwnerDirectory(),
        topicSubscriptions: idle,
        sleep: timerSleep,
      },
      {},
    );
    expect(summary).toMatchObject({ pendingItems: 0, subscriptionCheck: 'not-applicable' });
    expect([relay.calls, unverified.calls, idle.calls]).toEqual([0, 0, 0]);
  });
});
